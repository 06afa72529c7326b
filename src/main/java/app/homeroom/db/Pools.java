package app.homeroom.db;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * A node's connection pools, shared by its verticles (one set per Vert.x instance): what a verticle is given
 * instead of the whole node. {@code poolSize} sizes the general pool; see {@link Database} for the other two.
 */
public record Pools(DbTarget db, int poolSize) {

  /** Sends, status changes and everything else that writes, committed durably. */
  public Pool general(Vertx vertx) {
    return Database.sharedPool(vertx, db, poolSize);
  }

  /** The pool for read and delivered marks, committed without waiting for the disk (see {@link DbTarget}). */
  public Pool marks(Vertx vertx) {
    return Database.sharedMarksPool(vertx, db);
  }

  /** The pool for pages of history (issue 24, point 2): apart from the sends' connections. */
  public Pool reads(Vertx vertx) {
    return Database.sharedReadsPool(vertx, db, poolSize);
  }

  /** The pool for roster, search and audit queries, planned on every run (see {@link DbTarget}). */
  public Pool reports(Vertx vertx) {
    return Database.sharedReportsPool(vertx, db, poolSize);
  }
}
