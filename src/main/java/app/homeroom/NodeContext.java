package app.homeroom;

import app.homeroom.bus.Address;
import app.homeroom.chat.ChatShared;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.Database;
import app.homeroom.db.DbTarget;
import app.homeroom.http.UserLimits;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * What every verticle of a node needs: the validated config, where the database is, the session key, what the
 * node's verticle instances share (chat counters, per-user limits), and this node's id (unique per start: it names
 * the node's own command addresses, {@link Address#onNode(String)}).
 */
public record NodeContext(HomeroomConfig config, DbTarget db, String sessionKey, ChatShared chat, UserLimits limits,
                          String nodeId) {

  /** Where this node's chat service takes {@code command}: its own alias of it. */
  public String local(Address command) {
    return command.onNode(nodeId);
  }

  public Pool pool(Vertx vertx) {
    return Database.sharedPool(vertx, db, config.db().poolSize());
  }

  /** The pool for read and delivered marks, committed without waiting for the disk (see {@link DbTarget}). */
  public Pool marksPool(Vertx vertx) {
    return Database.sharedMarksPool(vertx, db);
  }

  /** The pool for roster, search and audit queries, planned on every run (see {@link DbTarget}). */
  public Pool reportsPool(Vertx vertx) {
    return Database.sharedReportsPool(vertx, db, config.db().poolSize());
  }
}
