package app.homeroom.http;

import app.homeroom.ApiError;
import app.homeroom.account.Sessions;
import app.homeroom.bus.Identity;
import io.vertx.core.http.Cookie;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.List;

/**
 * The checks every protected request passes: the Origin (on every transport, not only WebSocket) and the
 * session cookie. The identity found is stored on the routing context, where REST handlers and the bridge
 * hook ({@code SockJSSocket.routingContext()}) read it.
 */
final class Guard {

  static final String IDENTITY = "hr.identity";

  private final Sessions sessions;
  private final List<String> allowedOrigins;

  Guard(Sessions sessions, List<String> allowedOrigins) {
    this.sessions = sessions;
    this.allowedOrigins = allowedOrigins;
  }

  static Identity identity(RoutingContext ctx) {
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
  void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("origin");
    if (origin != null && !originAllowed(ctx, origin)) {
      throw ApiError.forbidden("Origin " + origin + " is not allowed");
    }
    String site = ctx.request().getHeader("sec-fetch-site");
    if (origin == null && "cross-site".equals(site)) {
      throw ApiError.forbidden("Cross-site requests are not allowed");
    }
  }

  boolean originAllowed(RoutingContext ctx, String origin) {
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
  void handle(RoutingContext ctx, boolean requireSession) {
    try {
      checkOrigin(ctx);
    } catch (ApiError e) {
      Json.fail(ctx, e);
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
    sessions.verify(cookie.getValue()).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(IDENTITY, ar.result());
        ctx.next();
      } else if (requireSession) {
        Json.fail(ctx, ApiError.unauthorized("Your session has expired; sign in again"));
      } else {
        ctx.next();
      }
    });
  }
}
