package app.homeroom;

import app.homeroom.chat.ChatShared;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.Database;
import app.homeroom.db.DbTarget;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** What every verticle of a node needs: the validated config, where the database is, and the session key. */
public record NodeContext(HomeroomConfig config, DbTarget db, String sessionKey, ChatShared chat) {

  public Pool pool(Vertx vertx) {
    return Database.sharedPool(vertx, db, config.db().poolSize());
  }
}
