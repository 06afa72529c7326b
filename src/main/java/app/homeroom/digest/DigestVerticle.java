package app.homeroom.digest;

import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a round of email digests every {@link #INTERVAL_MS} on this node (issue 31, point 1), the next only after the
 * last one ended. Every node runs it; the database decides who sends which digest ({@link DigestSql#CLAIM}). Deployed
 * only when SMTP is configured.
 */
public final class DigestVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DigestVerticle.class);

  static final long INTERVAL_MS = 15_000;

  private final Pools pools;
  private final HomeroomConfig.Mail mail;
  private final String nodeId;
  private DigestWorker worker;
  private long timer = -1;
  private boolean stopped;
  private String lastFailure;

  public DigestVerticle(Pools pools, HomeroomConfig.Mail mail, String nodeId) {
    this.pools = pools;
    this.mail = mail;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    worker = new DigestWorker(vertx, pools.general(vertx), mail, nodeId);
    schedule();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(INTERVAL_MS, id -> worker.runOnce().onComplete(ar -> {
        if (ar.failed() && !String.valueOf(ar.cause().getMessage()).equals(lastFailure)) {
          lastFailure = String.valueOf(ar.cause().getMessage());
          LOG.warn("An email digest round failed (the next one tries again): {}", lastFailure);
        } else if (ar.succeeded()) {
          lastFailure = null;
        }
        schedule();
      }));
    }
  }
}
