package app.homeroom.account;

import app.homeroom.bus.Address;
import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.presence.Presence;
import app.homeroom.session.Sessions;
import app.homeroom.web.Guard;
import app.homeroom.web.Https;
import app.homeroom.web.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account routes: signing in and out ({@link #mountSignIn}, before the session check) and the roster of
 * students ({@link #mount}, behind it). docs/API.md describes each.
 */
public final class AccountRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(AccountRoutes.class);

  private final Vertx vertx;
  private final AccountService accounts;
  private final Sessions sessions;
  private final Guard guard;
  private final HomeroomConfig.Http http;
  private final HomeroomConfig.Auth auth;

  private final HomeroomConfig.Sso sso;

  public AccountRoutes(Vertx vertx, AccountService accounts, Sessions sessions, Guard guard, HomeroomConfig.Http http,
                       HomeroomConfig.Auth auth, HomeroomConfig.Sso sso) {
    this.sso = sso;
    this.vertx = vertx;
    this.accounts = accounts;
    this.sessions = sessions;
    this.guard = guard;
    this.http = http;
    this.auth = auth;
  }

  /** Routes that also answer without a session: sign-in, sign-out and "who is signed in". */
  public void mountSignIn(Router router) {
    router.post("/api/login").handler(ctx -> guard.handle(ctx, false)).handler(this::login);
    router.post("/api/logout").handler(ctx -> guard.handle(ctx, false)).handler(this::logout);
    router.post("/api/logout/everywhere").handler(ctx -> guard.handle(ctx, true)).handler(this::logoutEverywhere);
    // Sign-up and reset links (issue 25, point 3): the token is the credential; setting the password signs in.
    router.get("/api/signup/:token").handler(ctx -> guard.handle(ctx, false)).handler(ctx -> Json.respond(ctx, 200,
        c -> accounts.linkInfo(c.pathParam("token")).map(link -> new JsonObject().put("link", link))));
    router.post("/api/signup/:token").handler(ctx -> guard.handle(ctx, false)).handler(this::setPasswordWithLink);
    // Who is signed in, if anyone: 200 either way, so a signed-out page load is not an error.
    router.get("/api/session").handler(ctx -> guard.handle(ctx, false)).handler(ctx -> Json.respond(ctx, 200,
        c -> c.get(Guard.IDENTITY) == null
            ? Future.succeededFuture(new JsonObject().putNull("user"))
            : accounts.me(Guard.identity(c)).map(u -> new JsonObject().put("user", u))
                .recover(err -> Future.succeededFuture(new JsonObject().putNull("user")))));
  }

  /** Routes behind the session check: the caller, the roster and the classes. */
  public void mount(Router router) {
    router.get("/api/me").handler(ctx -> Json.respond(ctx, 200,
        c -> accounts.me(Guard.identity(c)).map(u -> new JsonObject().put("user", u))));
    router.post("/api/me/password").handler(this::changePassword);
    router.get("/api/students").handler(this::listStudents);
    router.get("/api/students/:studentId").handler(ctx -> Json.respond(ctx, 200, c -> accounts
        .rosterRow(Guard.identity(c), Params.parseId(c.pathParam("studentId"), "studentId"))
        .compose(row -> Presence.markOnline(vertx, new JsonArray().add(row)).map(rows -> new JsonObject().put("student", row)))));
    router.get("/api/classes").handler(ctx -> Json.respond(ctx, 200,
        c -> accounts.classes(Guard.identity(c)).map(list -> new JsonObject().put("classes", list))));
  }

  /** POST /api/login {email, password} → {user} and the session cookie. {@code curl -XPOST -H 'content-type: application/json' -d '{"email":"…","password":"…"}' :8080/api/login} */
  private void login(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      JsonObject body = Json.body(c);
      String email = Params.requireString(body, "email");
      String password = Params.requireString(body, "password");
      if (email.length() > 320 || password.length() > 1024) {
        throw ApiError.badRequest("Email or password too long");
      }
      String address = clientAddress(c.request().getHeader("x-forwarded-for"),
          c.request().remoteAddress() == null ? null : c.request().remoteAddress().hostAddress(), http.trustProxy());
      return accounts.login(email, password, address).map(user -> {
        // Issue 26: a school may keep a role to its provider (students sign in with Google, say). Said only to the
        // holder of the right password, as a disabled account is.
        String role = user.user().getString("role");
        if (!sso.passwordRoles().contains(role)) {
          String via = sso.providers().isEmpty() ? "your school's account" : sso.providers().get(0).name();
          throw ApiError.forbidden(("student".equals(role) ? "Students" : "Staff") + " sign in with " + via
              + ", not a password");
        }
        return signIn(c, user, false);
      });
    });
  }

  /**
   * POST /api/signup/:token {password} → {user} and a session cookie: the person behind a sign-up or reset link sets
   * their password and is signed in. Every session of the account from before ends (a reset's purpose), on every node.
   */
  private void setPasswordWithLink(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      String password = Params.requireString(Json.body(c), "password");
      return accounts.setPasswordWithLink(c.pathParam("token"), password).map(user -> signIn(c, user, true));
    });
  }

  /**
   * POST /api/me/password {currentPassword, newPassword} → {user}: every other session of the caller ends on every
   * node; this device gets a new session cookie and stays signed in.
   */
  private void changePassword(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      JsonObject body = Json.body(c);
      String current = Params.requireString(body, "currentPassword");
      String next = Params.requireString(body, "newPassword");
      Sessions.Session session = c.get(Guard.SESSION);
      return accounts.changePassword(Guard.identity(c), current, next)
          .compose(user -> accounts.revokeSession(session).map(v -> signIn(c, user, true)));
    });
  }

  /**
   * Issues a session for this user as this response's cookie; {@code endedOthers}: the account's earlier sessions
   * just ended, which every node hears at once (their open sockets close).
   */
  /** A session for someone a provider vouched for (issue 26): the same cookie, revocation and epochs as a password's. */
  public JsonObject startSession(RoutingContext ctx, AccountService.SignedIn signedIn) {
    return signIn(ctx, signedIn, false);
  }

  private JsonObject signIn(RoutingContext ctx, AccountService.SignedIn signedIn, boolean endedOthers) {
    JsonObject user = signedIn.user();
    Identity who = new Identity(user.getLong("id"), Identity.Role.parse(user.getString("role")), user.getString("name"));
    if (endedOthers) {
      vertx.eventBus().publish(Address.SESSION_REVOKED.address(), new JsonObject().put("userId", who.userId()));
    }
    ctx.response().addCookie(sessionCookie(ctx, sessions.issueInEpoch(who, signedIn.epoch()), sessions.maxAgeSeconds()));
    return new JsonObject().put("user", user);
  }

  /**
   * POST /api/logout: ends this session ("this device") on every node, closes its bridge sockets wherever they are,
   * and clears the cookie. 204 also without a (valid) session. Other devices stay signed in.
   */
  private void logout(RoutingContext ctx) {
    Sessions.Session session = ctx.get(Guard.SESSION);
    Future<Void> revoked = session == null ? Future.succeededFuture() : accounts.revokeSession(session)
        .onSuccess(v -> vertx.eventBus().publish(Address.SESSION_REVOKED.address(),
            new JsonObject().put("userId", session.identity().userId()).put("jti", session.jti())));
    revoked.onSuccess(v -> ctx.response().addCookie(sessionCookie(ctx, "", 0)).setStatusCode(204).end())
        .onFailure(err -> Json.fail(ctx, err));
  }

  /**
   * POST /api/logout/everywhere: ends every session of the caller ("sign out everywhere": this device and all others)
   * on every node, closes all their bridge sockets wherever they are, and clears this cookie. Recorded in the audit.
   */
  private void logoutEverywhere(RoutingContext ctx) {
    Sessions.Session session = ctx.get(Guard.SESSION);
    long userId = session.identity().userId();
    accounts.endAllSessions(session.identity())
        // The caller's own token is also revoked by id, so it ends whatever the clock says.
        .compose(v -> accounts.revokeSession(session))
        .onSuccess(v -> {
          LOG.info("User {} signed out everywhere", userId);
          vertx.eventBus().publish(Address.SESSION_REVOKED.address(), new JsonObject().put("userId", userId));
          ctx.response().addCookie(sessionCookie(ctx, "", 0)).setStatusCode(204).end();
        })
        .onFailure(err -> Json.fail(ctx, err));
  }

  /** GET /api/students: a page of the roster, each row marked online or not. */
  private void listStudents(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      int limit = Params.limit(Json.queryLong(c, "limit"), 50, 200);
      Long offset = Json.queryLong(c, "offset");
      if (offset != null && (offset < 0 || offset > 1_000_000)) {
        throw ApiError.badRequest("'offset' must be from 0 to 1000000");
      }
      String q = c.request().getParam("q");
      if (q != null && q.length() > 200) {
        throw ApiError.badRequest("'q' can be at most 200 characters");
      }
      return accounts.listStudents(Guard.identity(c), q, c.request().getParam("className"),
          c.request().getParam("status"), c.request().getParam("assigned"), limit, offset == null ? 0 : offset.intValue())
          .compose(page -> Presence.markOnline(vertx, page.getJsonArray("students")).map(v -> page));
    });
  }

  /**
   * The client's address for per-address login throttling: the connection's, or, behind a trusted proxy
   * ({@code http.trustProxy}), the last {@code X-Forwarded-For} entry: the one our proxy appended, which a client
   * cannot forge (entries before it are whatever the client sent).
   */
  static String clientAddress(String forwarded, String connection, boolean trustProxy) {
    if (trustProxy) {
      if (forwarded != null && !forwarded.isBlank()) {
        String[] hops = forwarded.split(",");
        String last = hops[hops.length - 1].strip();
        if (!last.isEmpty()) {
          return last.length() > 64 ? last.substring(0, 64) : last;
        }
      }
    }
    return connection;
  }

  /** {@code Secure} when configured, and whenever the request came over HTTPS ({@link Https}, issue 24, point 11). */
  private Cookie sessionCookie(RoutingContext ctx, String value, long maxAge) {
    return Cookie.cookie(Sessions.COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(auth.cookieSecure() || Https.isSecure(ctx, http.trustProxy())).setMaxAge(maxAge);
  }
}
