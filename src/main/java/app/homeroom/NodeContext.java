package app.homeroom;

import app.homeroom.chat.ChatShared;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.Database;
import app.homeroom.db.DbTarget;
import app.homeroom.http.UserLimits;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * What every verticle of a node needs: the validated config, where the database is, the session key, and what the
 * node's verticle instances share (chat counters, per-user limits).
 */
public record NodeContext(HomeroomConfig config, DbTarget db, String sessionKey, ChatShared chat, UserLimits limits) {

  public Pool pool(Vertx vertx) {
    return Database.sharedPool(vertx, db, config.db().poolSize());
  }
}
