package app.homeroom.http;

import app.homeroom.bus.Identity;
import app.homeroom.web.Guard;
import app.homeroom.web.RateLimited;
import app.homeroom.web.UserLimits;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 24, points 2 and 3: a request that would open a new bridge socket for a user who may not have one now is
 * refused before the handshake, on every transport: 429 {@code {"error": {code, message, retryAfter}}} with
 * {@code Retry-After}. Who may not:
 * <ul>
 *   <li>a user one of whose sockets was closed for abuse, during the back-off ({@link UserLimits#closedForAbuse});
 *   code {@code closed_for_abuse};</li>
 *   <li>a user who already holds {@code socketsPerUser} sockets on this node; code {@code too_many_sockets}.</li>
 * </ul>
 *
 * <p>Why here and not only in {@link BridgeHook} (which still checks both at {@code SOCKET_CREATED}, exactly, for a
 * request that slipped past this quick look): a refused socket that is first upgraded costs the node a WebSocket
 * handshake, a SockJS session, its bridge events and a close, and a script that reconnects every 200 ms on 15 sockets
 * made that a quarter of a core for as long as it went on, which raised everyone else's send p99 several-fold. A 429
 * here is one small HTTP answer, and it is held until a second has passed (or the back-off ended, if sooner), as a
 * refused REST read is ({@code RateLimited}), so a client that knocks again the moment it is refused knocks once a
 * second. One WARN line per user and reason every 10 s, saying how many were left out: a knocking script cannot flood
 * the log (issue 24, point 9).
 */
final class SocketGate implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(SocketGate.class);

  /**
   * SockJS paths on which a request opens a new session: the WebSocket transports always, the HTTP receiving transports
   * when their session id is not known yet ({@code xhr_send} only ever writes to an open one).
   */
  private static final Pattern OPENING =
      Pattern.compile("^/eventbus/(?:websocket|[^/.]+/([^/.]+)/(websocket|xhr|xhr_streaming|eventsource|htmlfile))$");

  /** How long a refusal is held before it is answered, at most. */
  static final long HOLD_MS = 1_000;
  private final UserLimits limits;

  SocketGate(UserLimits limits) {
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Identity who = ctx.get(Guard.IDENTITY);
    if (who == null || !opensSocket(ctx)) {
      ctx.next();
      return;
    }
    long blockedMs = limits.refuseWhileBlocked(who.userId());
    if (blockedMs > 0) {
      refuse(ctx, who, new RateLimited("closed_for_abuse", "Too many refused requests: new connections are refused for another "
          + (blockedMs + 999) / 1000 + " s", blockedMs), Math.min(HOLD_MS, blockedMs));
      return;
    }
    if (limits.refuseAtCap(who.userId())) {
      refuse(ctx, who, new RateLimited("too_many_sockets", "Too many open connections (at most "
          + limits.config().socketsPerUser() + " per user on a server); close a tab and try again", HOLD_MS), HOLD_MS);
      return;
    }
    ctx.next();
  }

  /** Whether this request would open a bridge socket (a SockJS session) rather than use one that is open. */
  private static boolean opensSocket(RoutingContext ctx) {
    Matcher m = OPENING.matcher(ctx.normalizedPath());
    if (!m.matches()) {
      return false;
    }
    if (m.group(2) == null || "websocket".equals(m.group(2))) {
      return true;
    }
    return !ctx.vertx().sharedData().getLocalMap(Guard.SOCKJS_SESSIONS).containsKey(m.group(1));
  }

  private void refuse(RoutingContext ctx, Identity who, RateLimited refusal, long holdMs) {
    long left = limits.logRefusal(who.userId(), refusal.code());
    if (left >= 0) {
      LOG.warn("Refused a new bridge socket of user {} before its handshake, {}: {} ({} more such refusals of theirs in the"
          + " previous {} s were not logged)", who.userId(), refusal.code(), refusal.getMessage(), left,
          limits.refusalLogSeconds());
    }
    RateLimited.failAfter(ctx, refusal, holdMs);
  }
}
