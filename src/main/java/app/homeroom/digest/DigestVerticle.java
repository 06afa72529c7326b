package app.homeroom.digest;

import app.homeroom.common.RepeatingVerticle;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.Pools;
import io.vertx.core.Future;

/**
 * Runs a round of email digests every {@link #INTERVAL_MS} on this node (issue 31, point 1), the next only after the
 * last one ended. Every node runs it; the database decides who sends which digest ({@link DigestSql#CLAIM}). Deployed
 * only when SMTP is configured.
 */
public final class DigestVerticle extends RepeatingVerticle {

  static final long INTERVAL_MS = 15_000;

  private final Pools pools;
  private final HomeroomConfig.Mail mail;
  private final String nodeId;
  private DigestWorker worker;

  public DigestVerticle(Pools pools, HomeroomConfig.Mail mail, String nodeId) {
    super(INTERVAL_MS, "An email digest round", "the next round tries again");
    this.pools = pools;
    this.mail = mail;
    this.nodeId = nodeId;
  }

  @Override
  protected void setUp() {
    worker = new DigestWorker(vertx, pools.general(vertx), mail, nodeId);
  }

  @Override
  protected Future<?> runOnce() {
    return worker.runOnce();
  }
}
