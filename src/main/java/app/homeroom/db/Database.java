package app.homeroom.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * The reactive PostgreSQL pools. Every verticle asks for the same named, shared pools, so a node opens three: the
 * general one, a smaller one for reports (roster, search, audit), whose statements are planned on every run
 * ({@link DbTarget#reportsConnectOptions()}), and two connections for read and delivered marks, committed without
 * waiting for the disk ({@link DbTarget#marksConnectOptions()}).
 */
public final class Database {

  private static final String POOL_NAME = "homeroom-pg";
  private static final String REPORTS_POOL_NAME = "homeroom-pg-reports";
  private static final String MARKS_POOL_NAME = "homeroom-pg-marks";
  private static final String READS_POOL_NAME = "homeroom-pg-reads";
  /** Read marks and delivered marks, one batch of each in flight per chat-service instance (one per node). */
  static final int MARKS_POOL_SIZE = 2;

  private Database() {}

  public static Pool sharedPool(Vertx vertx, DbTarget target, int maxSize) {
    return pool(vertx, POOL_NAME, target.connectOptions(), maxSize);
  }

  /** The reports pool: half the general pool's size, at least 2. */
  public static Pool sharedReportsPool(Vertx vertx, DbTarget target, int generalSize) {
    return pool(vertx, REPORTS_POOL_NAME, target.reportsConnectOptions(), Math.max(2, generalSize / 2));
  }

  /**
   * The reads pool (issue 24, point 2): pages of history, on connections of their own, half the general pool's size,
   * at least 2; so a flood of reads waits for these and never for a send's connection.
   */
  public static Pool sharedReadsPool(Vertx vertx, DbTarget target, int generalSize) {
    return pool(vertx, READS_POOL_NAME, target.readsConnectOptions(), Math.max(2, generalSize / 2));
  }

  /** The marks pool ({@link DbTarget#marksConnectOptions()}): two connections. */
  public static Pool sharedMarksPool(Vertx vertx, DbTarget target) {
    return pool(vertx, MARKS_POOL_NAME, target.marksConnectOptions(), MARKS_POOL_SIZE);
  }

  private static Pool pool(Vertx vertx, String name, PgConnectOptions options, int maxSize) {
    return PgBuilder.pool()
        .with(new PoolOptions().setShared(true).setName(name).setMaxSize(maxSize).setMaxWaitQueueSize(10_000)
            .setConnectionTimeout(10).setIdleTimeout(5).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MINUTES))
        .connectingTo(options)
        .using(vertx)
        .build();
  }
}
