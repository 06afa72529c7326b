package app.homeroom.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The reactive PostgreSQL pool. Every verticle asks for the same named, shared pool, so a node opens one. */
public final class Database {

  private static final String POOL_NAME = "homeroom-pg";

  private Database() {}

  public static Pool sharedPool(Vertx vertx, DbTarget target, int maxSize) {
    return PgBuilder.pool()
        .with(new PoolOptions().setShared(true).setName(POOL_NAME).setMaxSize(maxSize).setMaxWaitQueueSize(10_000)
            .setConnectionTimeout(10).setIdleTimeout(5).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MINUTES))
        .connectingTo(target.connectOptions())
        .using(vertx)
        .build();
  }
}
