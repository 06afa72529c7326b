package app.homeroom.http;

import app.homeroom.ApiError;
import app.homeroom.NodeContext;
import app.homeroom.Params;
import app.homeroom.account.AccountService;
import app.homeroom.account.Revocations;
import app.homeroom.account.Sessions;
import app.homeroom.bus.Address;
import app.homeroom.bus.Identity;
import app.homeroom.chat.ChatService;
import app.homeroom.chat.MessageSearch;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP for one node (deployed in several instances sharing the port): the REST API under {@code /api}, the SockJS
 * event-bus bridge at {@code /eventbus}, the web client from {@code webroot} and browser libraries from WebJars.
 *
 * <p>Chat commands received over REST are sent on the event bus to {@link app.homeroom.chat.ChatVerticle} with
 * the caller's identity headers: the same service and rules as the bridge. Sends {@link Address#CONVERSATION_OPEN},
 * {@link Address#MESSAGE_SEND}, {@link Address#MESSAGES_FETCH}; bridges the inbox addresses to browsers.
 */
public class HttpVerticle extends VerticleBase {

  /** Largest REST body (a bridge frame has the same limit: {@link BridgeHook#MAX_FRAME_BYTES}). */
  static final int MAX_BODY_BYTES = 64 * 1024;
  /**
   * Largest SockJS message, which may carry several bridge frames of up to {@link BridgeHook#MAX_FRAME_BYTES} each, the
   * same on every transport: a WebSocket message (in one frame or many fragments) beyond it closes the connection, an
   * {@code xhr_send} body beyond it is a 413. Below it, a frame over the frame limit gets an {@code err} frame whichever
   * transport carried it.
   */
  static final int MAX_TRANSPORT_BYTES = 4 * BridgeHook.MAX_FRAME_BYTES;
  /** How often each instance closes the bridge sockets whose session token has expired. */
  static final long SESSION_SWEEP_MS = 2_000;
  /** How often idle users' rate-limit buckets are forgotten. */
  static final long LIMITS_SWEEP_MS = 30_000;
  /** Students listed beside the message hits of a search. */
  static final int STUDENT_MATCHES = 5;

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private static final Pattern IMPORT_MAP = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);

  private final NodeContext node;
  private AccountService accounts;
  private app.homeroom.account.AuditLog audit;
  private ChatService chat;
  private MessageSearch search;
  private Sessions sessions;
  private Revocations revocations;
  private final OpenSockets openSockets = new OpenSockets();
  private Guard guard;
  private HttpServer server;
  private String contentSecurityPolicy;

  public HttpVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    Pool pool = node.pool(vertx);
    Pool reports = node.reportsPool(vertx);
    accounts = new AccountService(vertx, pool, reports);
    audit = new app.homeroom.account.AuditLog(reports);
    chat = new ChatService(pool);
    search = new MessageSearch(reports);
    sessions = new Sessions(vertx, node.sessionKey(), node.config().auth().sessionHours());
    revocations = new Revocations(pool, reports);
    guard = new Guard(sessions, revocations, node.config().http().allowedOrigins());
    // Sessions ended on any node: refuse them here too and close their sockets on this instance.
    vertx.eventBus().<JsonObject>consumer(Address.SESSION_REVOKED.address(), msg -> sessionEnded(msg.body()));
    vertx.setPeriodic(SESSION_SWEEP_MS, id -> {
      openSockets.closeExpired(System.currentTimeMillis() / 1000);
      revocations.prune();
    });
    // The database is the truth, the event a hint: sessions ended while an event was lost are found here too.
    revocations.usersEndedSinceLastRead();
    vertx.setPeriodic(Revocations.FEED_MILLIS, id -> revocations.usersEndedSinceLastRead()
        .onSuccess(users -> users.forEach(this::recheckSockets))
        .onFailure(err -> LOG.warn("Could not read the ended sessions: {}", err.toString())));
    vertx.setPeriodic(LIMITS_SWEEP_MS, id -> node.limits().sweep());
    // Where BridgeHook diverts a rate-limited frame it already answered: dropped here.
    // Local-only: the clustered bus counts local-only registrations when it picks a node, so the frame stays here.
    vertx.eventBus().localConsumer(Address.BRIDGE_DISCARD.address(), msg -> { });
    return readIndexPage()
        .map(html -> contentSecurityPolicy = contentSecurityPolicy(html))
        .compose(csp -> {
          server = vertx.createHttpServer(new HttpServerOptions()
              .setHost(node.config().http().host())
              .setPort(node.config().http().port())
              .setCompressionSupported(true)
              // Hard cap: beyond it the connection is closed. Below it, BridgeHook answers frames over
              // MAX_FRAME_BYTES with an err frame and the socket lives on.
              .setMaxWebSocketFrameSize(MAX_TRANSPORT_BYTES)
              .setMaxWebSocketMessageSize(MAX_TRANSPORT_BYTES));
          return server.requestHandler(router()).listen();
        });
  }

  /** Port actually bound (differs from the configured one when that is 0, as in tests). */
  public int actualPort() {
    return server.actualPort();
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(this::securityHeaders);

    // The bridge: origin + session checked on every transport's every request, then SockJS.
    router.route("/eventbus/*").handler(ctx -> guard.handle(ctx, true));
    router.route("/eventbus/*").handler(guard::checkSockJsSession);
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(MAX_TRANSPORT_BYTES));
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions()
        .setRegisterWriteHandler(false)
        .setHeartbeatInterval(10_000)
        .setSessionTimeout(20_000)
        // JSONP exists to cross origins; with a strict origin policy it is only attack surface.
        .addDisabledTransport(Transport.JSON_P.name());
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, sockJs).bridge(new SockJSBridgeOptions()
        .setInboundPermitteds(Address.inboundPermitted(node.nodeId()))
        .setOutboundPermitteds(Address.outboundPermitted())
        .setMaxAddressLength(64)
        .setMaxHandlersPerSocket(64)
        .setPingTimeout(30_000)
        .setReplyTimeout(15_000), new BridgeHook(vertx.eventBus(), openSockets, revocations, node.limits(),
            node.nodeId())));

    // REST
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false));
    router.post("/api/login").handler(ctx -> guard.handle(ctx, false)).handler(this::login);
    router.post("/api/logout").handler(ctx -> guard.handle(ctx, false)).handler(this::logout);
    router.post("/api/logout/everywhere").handler(ctx -> guard.handle(ctx, true)).handler(this::logoutEverywhere);
    // Who is signed in, if anyone: 200 either way, so a signed-out page load is not an error.
    router.get("/api/session").handler(ctx -> guard.handle(ctx, false)).handler(ctx -> Json.respond(ctx, 200,
        c -> c.get(Guard.IDENTITY) == null
            ? Future.succeededFuture(new JsonObject().putNull("user"))
            : accounts.me(Guard.identity(c)).map(u -> new JsonObject().put("user", u))
                .recover(err -> Future.succeededFuture(new JsonObject().putNull("user")))));
    router.route("/api/*").handler(ctx -> guard.handle(ctx, true));
    router.get("/api/me").handler(ctx -> Json.respond(ctx, 200,
        c -> accounts.me(Guard.identity(c)).map(u -> new JsonObject().put("user", u))));
    router.get("/api/students").handler(this::listStudents);
    router.get("/api/students/:studentId").handler(ctx -> Json.respond(ctx, 200, c -> accounts
        .rosterRow(Guard.identity(c), Params.parseId(c.pathParam("studentId"), "studentId"))
        .compose(row -> withPresence(new JsonArray().add(row)).map(rows -> new JsonObject().put("student", row)))));
    router.post("/api/students/:studentId/disable").handler(ctx -> setDisabled(ctx, true));
    router.post("/api/students/:studentId/enable").handler(ctx -> setDisabled(ctx, false));
    router.post("/api/students").handler(ctx -> Json.respond(ctx, 201,
        c -> accounts.createStudent(Guard.identity(c), Json.body(c))));
    router.get("/api/classes").handler(ctx -> Json.respond(ctx, 200,
        c -> accounts.classes(Guard.identity(c)).map(list -> new JsonObject().put("classes", list))));
    router.post("/api/students/:studentId/conversation").handler(ctx -> Json.respond(ctx, 200,
        c -> command(c, Address.CONVERSATION_OPEN,
            new JsonObject().put("studentId", Params.parseId(c.pathParam("studentId"), "studentId")))));
    router.get("/api/me/conversation").handler(this::myConversation);
    router.get("/api/me/notifications").handler(ctx -> Json.respond(ctx, 200,
        c -> command(c, Address.NOTIFICATIONS_LIST, new JsonObject())));
    router.post("/api/me/notifications/:conversationId/dismiss").handler(ctx -> Json.respond(ctx, 200, c -> command(c,
        Address.NOTIFICATIONS_DISMISS, new JsonObject()
            .put("conversationId", Params.parseId(c.pathParam("conversationId"), "conversationId"))
            .put("seq", Json.body(c).getValue("seq")))));
    router.get("/api/conversations/:id").handler(this::conversation);
    router.get("/api/conversations/:id/messages").handler(this::messages);
    router.post("/api/conversations/:id/delivered").handler(limited(UserLimits.Kind.ACK))
        .handler(conversationCommand(Address.CONVERSATION_DELIVERED, "seq"));
    router.post("/api/conversations/:id/read").handler(limited(UserLimits.Kind.ACK))
        .handler(conversationCommand(Address.CONVERSATION_READ, "seq"));
    router.post("/api/conversations/:id/messages").handler(limited(UserLimits.Kind.SEND)).handler(this::sendMessage);
    router.post("/api/conversations/:id/close").handler(conversationCommand(Address.CONVERSATION_CLOSE, "note"));
    router.post("/api/conversations/:id/reopen").handler(conversationCommand(Address.CONVERSATION_REOPEN, "note"));
    router.get("/api/search").handler(this::search);
    router.get("/api/audit").handler(ctx -> Json.respond(ctx, 200,
        c -> audit.page(Guard.identity(c), app.homeroom.account.AuditLog.parse(c.request()::getParam))));
    router.route("/api/*").handler(ctx -> Json.fail(ctx, ApiError.notFound("No such endpoint")));

    // Browser libraries (versioned paths: cache for long) and the client itself.
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars")
        .setMaxAgeSeconds(365L * 24 * 3600).setDirectoryListing(false));
    router.getWithRegex("^/(login|student|admin(/.*)?)$").handler(ctx -> ctx.reroute("/index.html"));
    String webroot = node.config().http().webroot();
    StaticHandler statics = webroot != null
        ? StaticHandler.create(FileSystemAccess.ROOT, Path.of(webroot).toAbsolutePath().toString())
        : StaticHandler.create("webroot");
    router.route("/*").handler(statics.setCachingEnabled(false).setDirectoryListing(false).setIndexPage("index.html"));

    router.route().failureHandler(ctx -> {
      int status = ctx.statusCode();
      Throwable cause = ctx.failure();
      if (cause == null && status >= 400 && status < 500) {
        Json.fail(ctx, new ApiError(status, ApiError.codeFor(status),
            status == 413 ? "Request too large" : status == 404 ? "Not found" : "Bad request"));
      } else {
        Json.fail(ctx, cause == null ? new RuntimeException("status " + status) : cause);
      }
    });
    return router;
  }

  private void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "same-origin")
        .putHeader("x-frame-options", "DENY")
        .putHeader("cross-origin-opener-policy", "same-origin")
        .putHeader("permissions-policy", "camera=(), microphone=(), geolocation=()")
        .putHeader("content-security-policy", contentSecurityPolicy);
    ctx.next();
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
          c.request().remoteAddress() == null ? null : c.request().remoteAddress().hostAddress(),
          node.config().http().trustProxy());
      return accounts.login(email, password, address).map(user -> {
        Identity who = new Identity(user.getLong("id"), Identity.Role.parse(user.getString("role")), user.getString("name"));
        c.response().addCookie(sessionCookie(sessions.issue(who), sessions.maxAgeSeconds()));
        return new JsonObject().put("user", user);
      });
    });
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
    revoked.onSuccess(v -> ctx.response().addCookie(sessionCookie("", 0)).setStatusCode(204).end())
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
          ctx.response().addCookie(sessionCookie("", 0)).setStatusCode(204).end();
        })
        .onFailure(err -> Json.fail(ctx, err));
  }

  /** POST /api/students/:id/disable and …/enable (admins): disabling ends the student's sessions on every node. */
  private void setDisabled(RoutingContext ctx, boolean disabled) {
    Json.respond(ctx, 200, c -> {
      Identity who = Guard.identity(c);
      long studentId = Params.parseId(c.pathParam("studentId"), "studentId");
      return accounts.setDisabled(who, studentId, disabled).onSuccess(out -> {
        LOG.info("User {} {} student {}", who.userId(), disabled ? "disabled" : "re-enabled", studentId);
        if (disabled) {
          vertx.eventBus().publish(Address.SESSION_REVOKED.address(),
              new JsonObject().put("userId", studentId).put("disabled", true));
        }
      });
    });
  }

  /** A session.revoked event (from any node, this one included). */
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

  private Cookie sessionCookie(String value, long maxAge) {
    return Cookie.cookie(Sessions.COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(node.config().auth().cookieSecure()).setMaxAge(maxAge);
  }

  private void listStudents(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      int limit = Params.limit(optionalQueryLong(c, "limit"), 50, 200);
      Long offset = optionalQueryLong(c, "offset");
      if (offset != null && (offset < 0 || offset > 1_000_000)) {
        throw ApiError.badRequest("'offset' must be from 0 to 1000000");
      }
      String q = c.request().getParam("q");
      if (q != null && q.length() > 200) {
        throw ApiError.badRequest("'q' can be at most 200 characters");
      }
      return accounts.listStudents(Guard.identity(c), q, c.request().getParam("className"),
          c.request().getParam("status"), limit, offset == null ? 0 : offset.intValue())
          .compose(page -> withPresence(page.getJsonArray("students")).map(v -> page));
    });
  }

  /**
   * GET /api/search (R6.4): a page of message hits and, for staff on the first page, the students whose name or
   * roll ID matches, so "Sam" finds Sam's conversation as well as messages that mention Sam.
   */
  private void search(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      Identity who = Guard.identity(c);
      MessageSearch.Query query = MessageSearch.parse(c.request()::getParam);
      Future<JsonObject> hits = search.search(who, query);
      Future<JsonArray> students = !who.isAdmin() || query.cursor() != null
          ? Future.succeededFuture(new JsonArray())
          : accounts.listStudents(who, query.text(), null, null, STUDENT_MATCHES, 0)
              .compose(page -> withPresence(page.getJsonArray("students")));
      return Future.all(hits, students).map(v -> hits.result().put("students", students.result()));
    });
  }

  private void myConversation(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      Identity who = Guard.identity(c);
      if (who.isAdmin()) {
        throw ApiError.badRequest("Staff have no conversation of their own; open a student's");
      }
      return chat.conversationOfStudent(who.userId()).map(conv -> new JsonObject().put("conversation", conv));
    });
  }

  private void conversation(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      Identity who = Guard.identity(c);
      long id = Params.parseId(c.pathParam("id"), "id");
      return chat.conversationFor(who, id).compose(conv -> {
        Future<JsonObject> student = accounts.student(who, conv.getLong("studentId"));
        Future<JsonArray> receipts = chat.receipts(id);
        Future<JsonObject> statusEvent = chat.latestStatusEntry(id);
        return Future.all(student, receipts, statusEvent).map(v -> new JsonObject().put("conversation", conv)
            .put("student", student.result()).put("receipts", receipts.result()).put("statusEvent", statusEvent.result()));
      });
    });
  }

  private void messages(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      JsonObject req = new JsonObject().put("conversationId", Params.parseId(c.pathParam("id"), "id"));
      for (String p : List.of("before", "after", "around", "limit")) {
        Long v = optionalQueryLong(c, p);
        if (v != null) {
          req.put(p, v);
        }
      }
      return command(c, Address.MESSAGES_FETCH, req);
    });
  }

  /** POST /api/conversations/:id/messages {clientMsgId, body}: 201 when stored now, 200 when already stored. */
  private void sendMessage(RoutingContext ctx) {
    Future<JsonObject> result;
    try {
      JsonObject body = Json.body(ctx);
      JsonObject req = new JsonObject()
          .put("conversationId", Params.parseId(ctx.pathParam("id"), "id"))
          .put("clientMsgId", body.getValue("clientMsgId"))
          .put("body", body.getValue("body"));
      result = command(ctx, Address.MESSAGE_SEND, req);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(reply -> Json.ok(ctx, reply.getBoolean("duplicate", false) ? 200 : 201, reply))
        .onFailure(err -> Json.fail(ctx, err));
  }

  /** Marks each roster row {@code online} from this node's cluster-wide presence view (R2.2). */
  private Future<JsonArray> withPresence(JsonArray students) {
    JsonArray ids = new JsonArray();
    students.forEach(s -> ids.add(((JsonObject) s).getLong("id")));
    return vertx.eventBus().<JsonObject>request(Address.PRESENCE_QUERY.address(), new JsonObject().put("userIds", ids),
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000))
        .map(reply -> {
          java.util.Set<Long> online = new java.util.HashSet<>();
          reply.body().getJsonArray("online").forEach(id -> online.add(((Number) id).longValue()));
          students.forEach(s -> ((JsonObject) s).put("online", online.contains(((JsonObject) s).getLong("id"))));
          return students;
        });
  }

  /**
   * POST /api/conversations/:id/… as the bus command {@code address} with body {@code {conversationId, <fields>}},
   * the fields taken from the JSON body as given (the command checks them, as it does for the bridge).
   */
  private io.vertx.core.Handler<RoutingContext> conversationCommand(Address address, String... fields) {
    return ctx -> Json.respond(ctx, 200, c -> {
      JsonObject body = Json.body(c);
      JsonObject command = new JsonObject().put("conversationId", Params.parseId(c.pathParam("id"), "id"));
      for (String field : fields) {
        command.put(field, body.getValue(field));
      }
      return command(c, address, command);
    });
  }

  /**
   * Issue 8, point 3: the same per-user buckets as the bridge ({@link UserLimits}); over the limit, 429
   * {@code too_many_requests} with {@code retryAfter} (ms) and {@code Retry-After} (s).
   */
  private io.vertx.core.Handler<RoutingContext> limited(UserLimits.Kind kind) {
    return ctx -> {
      long wait = node.limits().take(Guard.identity(ctx).userId(), kind);
      if (wait > 0) {
        Json.fail(ctx, new RateLimited(kind, wait));
      } else {
        ctx.next();
      }
    };
  }

  /** Sends a chat command on the event bus with the caller's identity: the bridge's path, from REST. */
  private Future<JsonObject> command(RoutingContext ctx, Address address, JsonObject body) {
    Identity who = Guard.identity(ctx);
    return vertx.eventBus().<JsonObject>request(node.local(address), body, who.deliveryOptions().setSendTimeout(15_000))
        .map(Message::body);
  }

  private static Long optionalQueryLong(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? null : Params.parseLong(v, name);
  }

  private Future<String> readIndexPage() {
    String webroot = node.config().http().webroot();
    String path = webroot != null ? Path.of(webroot, "index.html").toAbsolutePath().toString() : "webroot/index.html";
    return vertx.fileSystem().readFile(path).map(Buffer::toString).recover(err -> {
      LOG.warn("Could not read {} ({}): the page's import map will be blocked by the CSP", path, err.getMessage());
      return Future.succeededFuture("");
    });
  }

  /**
   * Scripts only from this origin, plus the page's inline import map, allowed by its hash (import maps must be
   * inline). Restart after editing the import map.
   */
  static String contentSecurityPolicy(String indexHtml) {
    List<String> hashes = new ArrayList<>();
    Matcher m = IMPORT_MAP.matcher(indexHtml);
    while (m.find()) {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
        hashes.add("'sha256-" + Base64.getEncoder().encodeToString(digest) + "'");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return "default-src 'self'; script-src 'self' " + String.join(" ", hashes)
        + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none';"
        + " frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
  }
}
