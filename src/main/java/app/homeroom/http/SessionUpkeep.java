package app.homeroom.http;

import app.homeroom.bus.Address;
import app.homeroom.common.ApiError;
import app.homeroom.session.Revocations;
import app.homeroom.session.Sessions;
import app.homeroom.web.UserLimits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ended sessions end everywhere (one per HTTP verticle instance): a {@link Address#SESSION_REVOKED} event from any
 * node closes the session's sockets on this instance, the database's feed of ended sessions catches what an event
 * lost, expired tokens' sockets are swept, and idle users' rate-limit buckets are forgotten.
 */
final class SessionUpkeep {

  /** How often each instance closes the bridge sockets whose session token has expired. */
  static final long SESSION_SWEEP_MS = 2_000;
  /** How often idle users' rate-limit buckets are forgotten. */
  static final long LIMITS_SWEEP_MS = 30_000;

  private static final Logger LOG = LoggerFactory.getLogger(SessionUpkeep.class);

  private final OpenSockets openSockets;
  private final Revocations revocations;

  private SessionUpkeep(OpenSockets openSockets, Revocations revocations) {
    this.openSockets = openSockets;
    this.revocations = revocations;
  }

  static void start(Vertx vertx, OpenSockets openSockets, Revocations revocations, UserLimits limits) {
    SessionUpkeep upkeep = new SessionUpkeep(openSockets, revocations);
    // Sessions ended on any node: refuse them here too and close their sockets on this instance.
    vertx.eventBus().<JsonObject>consumer(Address.SESSION_REVOKED.address(), msg -> upkeep.sessionEnded(msg.body()));
    vertx.setPeriodic(SESSION_SWEEP_MS, id -> {
      openSockets.closeExpired(System.currentTimeMillis() / 1000);
      revocations.prune();
    });
    // The database is the truth, the event a hint: sessions ended while an event was lost are found here too.
    revocations.usersEndedSinceLastRead();
    vertx.setPeriodic(Revocations.FEED_MILLIS, id -> revocations.usersEndedSinceLastRead()
        .onSuccess(users -> users.forEach(upkeep::recheckSockets))
        .onFailure(err -> LOG.warn("Could not read the ended sessions: {}", err.toString())));
    vertx.setPeriodic(LIMITS_SWEEP_MS, id -> limits.sweep());
  }

  /**
   * A user's session ended in the database (the feed): asks the database about each of their sockets' sessions
   * (their cached answers were just forgotten) and closes those it refuses. Only a refusal closes a socket: a
   * database that cannot answer leaves them open.
   */
  private void recheckSockets(long userId) {
    for (SockJSSocket socket : openSockets.of(userId)) {
      Sessions.Session session = OpenSockets.session(socket);
      if (session != null) {
        revocations.check(session).onFailure(err -> {
          if (err instanceof ApiError e && e.status() == 401) {
            openSockets.close(socket, e.getMessage());
          }
        });
      }
    }
  }

  /** A session.revoked event (from any node, this one included). */
  private void sessionEnded(JsonObject event) {
    Long userId = event.getLong("userId");
    if (userId == null) {
      return;
    }
    String jti = event.getString("jti");
    boolean disabled = event.getBoolean("disabled", false);
    revocations.ended(userId, jti, disabled);
    openSockets.closeSession(userId, jti, jti != null ? "Signed out"
        : disabled ? "This account has been disabled" : "Your session has ended");
  }
}
