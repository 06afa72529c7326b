package app.homeroom.push;

import app.homeroom.bus.Address;
import app.homeroom.common.RepeatingVerticle;
import app.homeroom.db.Pools;
import app.homeroom.presence.Presence;
import com.interaso.webpush.VapidKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Web Push on this node (issue 31, point 3). The chat service tells it, node-locally, of each staff message it stored
 * ({@link Address#PUSH_STAFF_MESSAGE}); a student's pushes go one at a time, and messages that come while one is
 * under way make one more push after it (its content is what waits then), so a burst of ten messages makes two
 * pushes, not ten. Every {@link #INTERVAL_MS} it also pushes what waited for the end of quiet hours.
 */
public final class PushVerticle extends RepeatingVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(PushVerticle.class);
  static final long INTERVAL_MS = 30_000;

  private final Pools pools;
  private final VapidKeys keys;
  private final String subject;
  private PushSender sender;
  private PushWorker worker;
  /** Students with a push under way, and the newest message that came meanwhile (0: none). */
  private final Map<Long, Long> underWay = new HashMap<>();

  public PushVerticle(Pools pools, VapidKeys keys, String subject) {
    super(INTERVAL_MS, "A round of pushes held for quiet hours", "the next round tries again");
    this.pools = pools;
    this.keys = keys;
    this.subject = subject;
  }

  @Override
  protected void setUp() {
    sender = new PushSender(vertx, keys, subject);
    worker = new PushWorker(pools.general(vertx), sender, ids -> Presence.online(vertx, ids));
    vertx.eventBus().<JsonObject>localConsumer(Address.PUSH_STAFF_MESSAGE.address(), msg -> {
      JsonObject body = msg.body();
      staffMessage(body.getLong("studentId"), body.getLong("seq"));
    });
  }

  private void staffMessage(long student, long seq) {
    Long waiting = underWay.get(student);
    if (waiting != null) {
      underWay.put(student, Math.max(waiting, seq));
      return;
    }
    underWay.put(student, 0L);
    worker.staffMessage(student, seq)
        .onFailure(err -> LOG.warn("Could not push to student {}: {}", student, err.toString()))
        .onComplete(done -> {
          long next = underWay.remove(student);
          if (next > 0) {
            staffMessage(student, next);
          }
        });
  }

  @Override
  protected Future<?> runOnce() {
    return worker.heldRound();
  }
}
