package app.homeroom.web;

import app.homeroom.common.FailureLog;



import app.homeroom.common.ApiError;
import app.homeroom.common.LogContext;
import app.homeroom.session.Revocations;
import app.homeroom.session.Sessions;
import app.homeroom.bus.Identity;
import io.vertx.core.http.Cookie;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks every protected request passes: the Origin (on every transport, not only WebSocket) and the
 * session cookie. The identity found is stored on the routing context, where REST handlers and the bridge
 * hook ({@code SockJSSocket.routingContext()}) read it.
 */
public final class Guard {

  public static final String IDENTITY = "hr.identity";
  /** The verified session ({@link Sessions.Session}: token id, issue and expiry times) beside the identity. */
  public static final String SESSION = "hr.session";

  private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

  /**
   * Where vertx-web keeps the sessions of SockJS's HTTP transports (xhr, xhr_streaming, eventsource, htmlfile),
   * node-wide, by session id (vertx-web's SockJSImpl; BridgeAbuseTest fails if a Vert.x upgrade moves it).
   */
  public static final String SOCKJS_SESSIONS = "_vertx.sockjssessions";

  /** {@code /eventbus/<server>/<session>/<transport>} of the HTTP transports, which look sessions up by id. */
  private static final Pattern SOCKJS_SESSION_PATH =
      Pattern.compile("^/eventbus/[^/.]+/([^/.]+)/(xhr|xhr_send|xhr_streaming|eventsource|htmlfile|jsonp|jsonp_send)$");

  private final Sessions sessions;
  private final Revocations revocations;
  private final List<String> allowedOrigins;
  /** Bearer tokens of the integration API, or null where there are none (the bridge's guard). */
  private final TokenVerifier tokens;

  public Guard(Sessions sessions, Revocations revocations, List<String> allowedOrigins) {
    this(sessions, revocations, allowedOrigins, null);
  }

  public Guard(Sessions sessions, Revocations revocations, List<String> allowedOrigins, TokenVerifier tokens) {
    this.sessions = sessions;
    this.revocations = revocations;
    this.allowedOrigins = allowedOrigins;
    this.tokens = tokens;
  }

  public static Identity identity(RoutingContext ctx) {
    Identity who = ctx.get(IDENTITY);
    if (who == null) {
      throw ApiError.unauthorized("Sign in first");
    }
    return who;
  }

  /**
   * Refuses a request from a foreign origin. Browsers send {@code Origin} on WebSocket handshakes, on every
   * cross-origin request and on same-origin POSTs; {@code Sec-Fetch-Site} tells the rest. A request with neither
   * (curl, tests) is not a browser's cross-site request and is judged by its credentials alone.
   */
  public void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("origin");
    if (origin != null && !originAllowed(ctx, origin)) {
      throw ApiError.forbidden("Origin " + origin + " is not allowed");
    }
    String site = ctx.request().getHeader("sec-fetch-site");
    if (origin == null && "cross-site".equals(site)) {
      throw ApiError.forbidden("Cross-site requests are not allowed");
    }
  }

  public boolean originAllowed(RoutingContext ctx, String origin) {
    if (!allowedOrigins.isEmpty()) {
      return allowedOrigins.contains(origin);
    }
    // Same origin: the browser's Origin names the host it talks to, as Host (HTTP/1.1) or :authority (HTTP/2) does.
    HostAndPort authority = ctx.request().authority();
    if (authority == null) {
      return false;
    }
    try {
      URI o = new URI(origin);
      boolean web = "http".equals(o.getScheme()) || "https".equals(o.getScheme());
      int originPort = o.getPort() != -1 ? o.getPort() : "https".equals(o.getScheme()) ? 443 : 80;
      int hostPort = authority.port() > 0 ? authority.port() : ctx.request().isSSL() ? 443 : 80;
      return web && authority.host().equalsIgnoreCase(o.getHost()) && originPort == hostPort;
    } catch (Exception e) {
      return false;
    }
  }

  /** Route handler: origin check for everything, then the session for everything but login. */
  public void handle(RoutingContext ctx, boolean requireSession) {
    try {
      checkOrigin(ctx);
    } catch (ApiError e) {
      LOG.warn("Refused {} {}: {}", ctx.request().method(), FailureLog.printable(ctx.request().path()),
          FailureLog.printable(e.getMessage()));
      Json.fail(ctx, e);
      return;
    }
    String authorization = ctx.request().getHeader("authorization");
    if (authorization != null && tokens != null) {
      bearer(ctx, authorization);
      return;
    }
    Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
    if (cookie == null || cookie.getValue().isEmpty()) {
      if (requireSession) {
        Json.fail(ctx, ApiError.unauthorized("Sign in first"));
      } else {
        ctx.next();
      }
      return;
    }
    // A valid signature and expiry, then not ended early (signed out, account disabled): see Revocations. The
    // check may wait for the database: paused meanwhile, the request is not consumed before the body handler or a
    // WebSocket upgrade gets it (as vertx-web's own authentication handlers do).
    boolean paused = !ctx.request().isEnded();
    if (paused) {
      ctx.request().pause();
    }
    sessions.verifySession(cookie.getValue()).onComplete(ar -> {
      if (ar.failed()) {
        if (paused) {
          ctx.request().resume();
        }
        if (requireSession) {
          Json.fail(ctx, ApiError.unauthorized("Your session has expired; sign in again"));
        } else {
          ctx.next();
        }
        return;
      }
      Sessions.Session session = ar.result();
      revocations.check(session).onComplete(valid -> {
        if (paused) {
          ctx.request().resume();
        }
        if (valid.succeeded()) {
          ctx.put(IDENTITY, session.identity());
          ctx.put(SESSION, session);
          LogContext.user(session.identity().userId());
          ctx.next();
        } else if (requireSession || !(valid.cause() instanceof ApiError)) {
          // A database failure refuses (fail closed), even where a session is optional.
          Json.fail(ctx, valid.cause());
        } else {
          ctx.next();
        }
      });
    });
  }

  /** An integration's request: {@code Authorization: Bearer <token>} instead of a session cookie. */
  private void bearer(RoutingContext ctx, String authorization) {
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Json.fail(ctx, ApiError.unauthorized("Send an API token as Authorization: Bearer <token>"));
      return;
    }
    boolean paused = !ctx.request().isEnded();
    if (paused) {
      ctx.request().pause();
    }
    tokens.verify(authorization.substring(7).strip(), ctx).onComplete(ar -> {
      if (paused) {
        ctx.request().resume();
      }
      if (ar.succeeded()) {
        ctx.put(IDENTITY, ar.result());
        LogContext.user(ar.result().userId());
        ctx.next();
      } else {
        Json.fail(ctx, ar.cause());
      }
    });
  }

  /**
   * Route handler for {@code /eventbus/*}, after {@link #handle}: a SockJS session of the HTTP transports belongs to
   * the user who opened it. vertx-web looks such a session up by the id in the URL alone and acts with the identity
   * of the request that created it, so without this check anyone who learnt the id could read that user's frames
   * ({@code xhr}, {@code xhr_streaming}, {@code eventsource}) or send as them ({@code xhr_send}). Another user's
   * request is refused with 403. (WebSocket sessions are never looked up by id.)
   */
  public void checkSockJsSession(RoutingContext ctx) {
    Matcher m = SOCKJS_SESSION_PATH.matcher(ctx.normalizedPath());
    Identity who = ctx.get(IDENTITY);
    if (m.matches() && who != null) {
      LocalMap<String, Object> sockJsSessions = ctx.vertx().sharedData().getLocalMap(SOCKJS_SESSIONS);
      Object session = sockJsSessions.get(m.group(1));
      if (session instanceof SockJSSocket socket && socket.routingContext() != null) {
        Identity owner = socket.routingContext().get(IDENTITY);
        if (owner == null || owner.userId() != who.userId()) {
          LOG.warn("Refused {} {} by user {}: the SockJS session belongs to user {}", ctx.request().method(),
              FailureLog.printable(ctx.normalizedPath()), who.userId(), owner == null ? "(none)" : owner.userId());
          Json.fail(ctx, ApiError.forbidden("This SockJS session belongs to another user"));
          return;
        }
      }
    }
    ctx.next();
  }
}
