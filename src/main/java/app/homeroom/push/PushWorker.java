package app.homeroom.push;

import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Pushes to a student whose Homeroom is closed (issue 31, point 3). A staff message is pushed when the student has no
 * connection open anywhere (presence) and it is not quiet hours; one that arrived in quiet hours waits for their end
 * ({@link #heldRound()}). Each push says what waits as the student's page would: from whom, how many, the latest
 * excerpt, as text; every subscription of the student gets it, and a subscription its push service says is gone
 * (404, 410) is removed. Nothing here ever holds up the chat: a push service that fails only fails that push.
 */
public final class PushWorker {

  private static final Logger LOG = LoggerFactory.getLogger(PushWorker.class);

  /** Students claimed in one round after quiet hours at most. */
  static final int ROUND = 100;
  /** As long as an excerpt in the page's own notifications. */
  static final int EXCERPT_CHARS = 140;
  static final int NAME_CHARS = 60;

  private final Pool pool;
  private final PushSender sender;
  /** Which of some users are online anywhere (the node's presence view). */
  private final Function<List<Long>, Future<Set<Long>>> online;

  PushWorker(Pool pool, PushSender sender, Function<List<Long>, Future<Set<Long>>> online) {
    this.pool = pool;
    this.sender = sender;
    this.online = online;
  }

  /** Staff message {@code seq} to student {@code student} was stored: pushed unless they are here. Answers the pushes. */
  public Future<Integer> staffMessage(long student, long seq) {
    return whoIsAway(List.of(student)).compose(away -> away.isEmpty() ? Future.succeededFuture(0)
        : pool.preparedQuery(PushSql.CLAIM_ONE).execute(Tuple.of(student, seq))
            .compose(rows -> rows.size() == 0 || !rows.iterator().next().getBoolean("push_now")
                ? Future.succeededFuture(0) : push(student)));
  }

  /** After quiet hours: what waited for their end is pushed to those still away. Answers the pushes. */
  public Future<Integer> heldRound() {
    return pool.preparedQuery(PushSql.CLAIM_HELD).execute(Tuple.of(ROUND)).compose(rows -> {
      List<Long> claimed = new ArrayList<>();
      rows.forEach(r -> claimed.add(r.getLong("student_id")));
      if (claimed.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return whoIsAway(claimed).compose(away -> {
        Future<Integer> pushed = Future.succeededFuture(0);
        for (long student : away) {
          pushed = pushed.compose(n -> push(student).map(p -> n + p));
        }
        return pushed;
      });
    });
  }

  /** Those of {@code students} with no connection open; when presence cannot say, all of them (a push too many beats none). */
  private Future<List<Long>> whoIsAway(List<Long> students) {
    return online.apply(students).recover(err -> {
      LOG.warn("Presence unknown for a push ({}): pushing anyway", err.toString());
      return Future.succeededFuture(Set.of());
    }).map(here -> students.stream().filter(s -> !here.contains(s)).toList());
  }

  /** Pushes what waits for {@code student} to each of their subscriptions. */
  private Future<Integer> push(long student) {
    return pool.preparedQuery(PushSql.CONTENT).execute(Tuple.of(student)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(0);
      }
      Row row = rows.iterator().next();
      if (row.getLong("messages") == 0) {
        return Future.succeededFuture(0); // read meanwhile
      }
      byte[] payload = payload(row).encode().getBytes(StandardCharsets.UTF_8);
      String topic = "conversation-" + row.getLong("conversation_id");
      JsonArray subscriptions = row.getJsonArray("subscriptions");
      List<Future<Boolean>> sends = new ArrayList<>();
      for (int i = 0; i < subscriptions.size(); i++) {
        sends.add(deliver(subscriptions.getJsonObject(i), payload, topic));
      }
      return Future.join(sends).transform(done -> Future.succeededFuture(
          (int) sends.stream().filter(f -> f.succeeded() && f.result()).count()));
    });
  }

  private Future<Boolean> deliver(JsonObject subscription, byte[] payload, String topic) {
    long id = subscription.getLong("id");
    return sender.send(subscription.getString("endpoint"), subscription.getString("p256dh"),
            subscription.getString("auth"), payload, topic)
        .compose(status -> {
          if (status >= 200 && status < 300) {
            return pool.preparedQuery(PushSql.PUSHED).execute(Tuple.of(id)).map(true);
          }
          if (status == 404 || status == 410) {
            LOG.info("Push subscription {} has expired (its push service answered {}): removed", id, status);
            return pool.preparedQuery(PushSql.EXPIRED).execute(Tuple.of(id)).map(false);
          }
          LOG.warn("A push service refused a push for subscription {} with {}", id, status);
          return pool.preparedQuery(PushSql.FAILED).execute(Tuple.of(id)).map(false);
        }, err -> {
          LOG.warn("Could not reach the push service of subscription {}: {}", id, err.toString());
          return pool.preparedQuery(PushSql.FAILED).execute(Tuple.of(id)).map(false);
        });
  }

  /**
   * What the service worker shows ({@code webroot/sw.js}): a title and a body of plain text, the tag that makes a newer
   * push replace the older one, and where a click goes.
   */
  static JsonObject payload(Row row) {
    long count = row.getLong("messages");
    String sender = Text.clip(row.getString("latest_sender"), NAME_CHARS);
    String excerpt = Text.oneLine(row.getString("latest_body"), EXCERPT_CHARS);
    return new JsonObject()
        .put("title", count == 1 ? sender : count + " new messages")
        .put("body", count == 1 ? excerpt : sender + ": " + excerpt)
        .put("tag", "homeroom-conversation-" + row.getLong("conversation_id"))
        .put("url", "/student")
        .put("conversationId", row.getLong("conversation_id"))
        .put("seq", row.getLong("latest_seq"))
        .put("count", count);
  }
}
