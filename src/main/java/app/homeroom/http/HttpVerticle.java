package app.homeroom.http;

import app.homeroom.account.AccountRoutes;
import app.homeroom.account.AccountService;
import app.homeroom.audit.AuditLog;
import app.homeroom.audit.AuditRoutes;
import app.homeroom.bus.Address;
import app.homeroom.chat.ChatRoutes;
import app.homeroom.chat.ChatService;
import app.homeroom.common.ApiError;
import app.homeroom.common.LogContext;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.Pools;
import app.homeroom.people.PeopleRoutes;
import app.homeroom.people.PeopleService;
import app.homeroom.integration.ApiTokenRoutes;
import app.homeroom.integration.ApiTokens;
import app.homeroom.NodeContext;
import app.homeroom.ops.HealthRoutes;
import app.homeroom.ops.NodeMetrics;
import app.homeroom.people.LinkMailer;
import app.homeroom.people.RosterImport;
import app.homeroom.people.SignInSlips;
import app.homeroom.sso.SsoRoutes;
import app.homeroom.search.MessageSearch;
import app.homeroom.search.SearchRoutes;
import app.homeroom.session.Revocations;
import app.homeroom.session.Sessions;
import app.homeroom.web.ApiContract;
import app.homeroom.web.Guard;
import app.homeroom.web.Https;
import app.homeroom.web.Json;
import app.homeroom.digest.DigestRoutes;
import app.homeroom.team.TeamRoutes;
import app.homeroom.team.TeamService;
import app.homeroom.web.RateLimited;
import app.homeroom.web.UserLimits;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
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
 * HTTP for one node (deployed in several instances sharing the port), and only its wiring: security headers, the
 * SockJS event-bus bridge at {@code /eventbus} (checked by {@link BridgeHook}), each feature's REST routes under
 * {@code /api} ({@link AccountRoutes}, {@link ChatRoutes}, {@link SearchRoutes}, {@link AuditRoutes}), the web client
 * from {@code webroot}, browser libraries from WebJars, and one failure handler. {@link SessionUpkeep} ends sessions
 * on this instance's sockets.
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

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private static final Pattern IMPORT_MAP = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);

  private final HomeroomConfig config;
  private final Pools pools;
  private final app.homeroom.session.SigningKeys signingKeys;
  private final UserLimits limits;
  /** Each user's searches, one at a time on this node (shared by the node's HTTP instances). */
  private final app.homeroom.common.UserLines searchLines;
  private final String nodeId;
  private final NodeMetrics metrics;
  private final java.util.function.BooleanSupplier started;
  private HealthRoutes healthRoutes;
  private final OpenSockets openSockets = new OpenSockets();
  private Revocations revocations;
  private Guard guard;
  private Guard bridgeGuard;
  private ApiTokenRoutes tokenRoutes;
  private SsoRoutes ssoRoutes;
  private AccountRoutes account;
  private ChatRoutes chatRoutes;
  private SearchRoutes searchRoutes;
  private AuditRoutes auditRoutes;
  private TeamRoutes teamRoutes;
  private DigestRoutes digestRoutes;
  private app.homeroom.push.PushRoutes pushRoutes;
  private app.homeroom.announce.AnnouncementRoutes announcementRoutes;
  private app.homeroom.transcript.TranscriptRoutes transcriptRoutes;
  private app.homeroom.attachment.AttachmentRoutes attachmentRoutes;
  /** The key browsers subscribe to pushes with; null with pushes off. */
  private final String pushKey;
  private PeopleRoutes peopleRoutes;
  private HttpServer server;
  private String contentSecurityPolicy;
  /** The OpenAPI document, and the check of request bodies against it. */
  private ApiContract contract;

  /**
   * @param context the node's parts: config, pools, session key, per-user limits (shared by the node's instances),
   *     the node's id (REST commands go to its own chat service) and its meters
   * @param started whether every verticle of the node is deployed and the node is not stopping (readiness)
   */
  public HttpVerticle(NodeContext context, java.util.function.BooleanSupplier started) {
    this.started = started;
    this.config = context.config();
    this.pools = context.pools();
    this.signingKeys = context.signingKeys();
    this.limits = context.limits();
    this.searchLines = context.searchLines();
    this.nodeId = context.nodeId();
    this.metrics = context.metrics();
    this.pushKey = context.pushKeys() == null ? null : app.homeroom.push.PushRoutes.applicationServerKey(context.pushKeys());
  }

  @Override
  public Future<?> start() {
    Pool pool = pools.general(vertx);
    Pool reports = pools.reports(vertx);
    AccountService accounts = new AccountService(vertx, pool, reports);
    Sessions sessions = new Sessions(signingKeys, config.auth().sessionHours());
    revocations = new Revocations(pool, reports);
    tokenRoutes = new ApiTokenRoutes(new ApiTokens(pool));
    // The REST API also takes the integration's bearer tokens; the live channel only sessions.
    guard = new Guard(sessions, revocations, config.http().allowedOrigins(), tokenRoutes.verifier());
    bridgeGuard = new Guard(sessions, revocations, config.http().allowedOrigins());
    account = new AccountRoutes(vertx, accounts, sessions, guard, config.http(), config.auth(), config.sso());
    ssoRoutes = new SsoRoutes(vertx, pool, config, account);
    chatRoutes = new ChatRoutes(vertx, new ChatService(pool), accounts, limits, nodeId);
    searchRoutes = new SearchRoutes(vertx, new MessageSearch(reports), accounts, metrics, searchLines);
    auditRoutes = new AuditRoutes(new AuditLog(reports));
    teamRoutes = new TeamRoutes(new TeamService(vertx, pool), limits);
    digestRoutes = new DigestRoutes(pool, config.mail().smtpEnabled());
    pushRoutes = new app.homeroom.push.PushRoutes(pool, pushKey, config.push().allowedEndpoints());
    announcementRoutes = new app.homeroom.announce.AnnouncementRoutes(
        new app.homeroom.announce.AnnouncementService(vertx, pool, pushKey != null), limits);
    attachmentRoutes = new app.homeroom.attachment.AttachmentRoutes(
        new app.homeroom.attachment.AttachmentService(vertx, pool), limits);
    transcriptRoutes = new app.homeroom.transcript.TranscriptRoutes(
        new app.homeroom.transcript.TranscriptService(vertx, reports), limits);
    peopleRoutes = new PeopleRoutes(vertx, new PeopleService(vertx, pool, reports), new RosterImport(vertx, pool),
        new SignInSlips(vertx, pool), LinkMailer.of(vertx, config.mail()), config.mail().publicUrl(),
        config.http().trustProxy());
    healthRoutes = new HealthRoutes(vertx, pool, started);
    SessionUpkeep.start(vertx, openSockets, revocations, limits);
    // Where BridgeHook diverts a rate-limited frame it already answered: dropped here.
    // Local-only: the clustered bus counts local-only registrations when it picks a node, so the frame stays here.
    vertx.eventBus().localConsumer(Address.BRIDGE_DISCARD.address(), msg -> { });
    return ApiContract.load(vertx).onSuccess(c -> contract = c).compose(c -> readIndexPage())
        .map(html -> contentSecurityPolicy = contentSecurityPolicy(html))
        .compose(csp -> {
          server = vertx.createHttpServer(new HttpServerOptions()
              .setHost(config.http().host())
              .setPort(config.http().port())
              .setCompressionSupported(true)
              // Hard cap: beyond it the connection is closed. Below it, BridgeHook answers frames over
              // MAX_FRAME_BYTES with an err frame and the socket lives on.
              .setMaxWebSocketFrameSize(MAX_TRANSPORT_BYTES)
              .setMaxWebSocketMessageSize(MAX_TRANSPORT_BYTES));
          return server.requestHandler(router()).listen();
        });
  }

  /**
   * Graceful stop, step 1 (issue 29, point 7): refuse new bridge sockets and close the open ones, each client told to
   * reconnect (to another node). Runs on this instance's event loop; answers how many sockets were closed.
   */
  public Future<Integer> drainSockets() {
    io.vertx.core.Promise<Integer> closed = io.vertx.core.Promise.promise();
    context.runOnContext(v -> closed.complete(openSockets.drain("This server is restarting; reconnecting to another")));
    return closed.future();
  }

  /**
   * Graceful stop, last step: stop accepting connections and let the requests under way finish, for at most
   * {@code timeout}; then the connections close.
   */
  public Future<Void> shutdown(java.time.Duration timeout) {
    return server.shutdown(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Port actually bound (differs from the configured one when that is 0, as in tests). */
  public int actualPort() {
    return server.actualPort();
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(HttpVerticle::requestId);
    router.route().handler(this::securityHeaders);
    // Health first: no session, no origin check, nothing about anyone (issue 29, point 1).
    healthRoutes.mount(router);
    // The API's description (issue 29, point 4): public, like the API's prose in docs/API.md.
    router.get("/api/openapi.json").handler(contract::serve);

    // The bridge: origin + session checked on every transport's every request, then SockJS.
    router.route("/eventbus/*").handler(ctx -> bridgeGuard.handle(ctx, true));
    router.route("/eventbus/*").handler(bridgeGuard::checkSockJsSession);
    // A user who may not open a socket now is refused before the handshake (issue 24, points 2 and 3).
    router.route("/eventbus/*").handler(new SocketGate(limits));
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(MAX_TRANSPORT_BYTES));
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions()
        .setRegisterWriteHandler(false)
        // Every 4 s, on every transport: the browser takes 9 s without a word for a frozen server (issue 24, point 5;
        // bus-client.js, silenceLimitMs), so two heartbeats may be lost before it gives up on a live socket.
        .setHeartbeatInterval(4_000)
        .setSessionTimeout(20_000)
        // JSONP exists to cross origins; with a strict origin policy it is only attack surface.
        .addDisabledTransport(Transport.JSON_P.name());
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, sockJs).bridge(new SockJSBridgeOptions()
        .setInboundPermitteds(Address.inboundPermitted(nodeId))
        .setOutboundPermitteds(Address.outboundPermitted())
        .setMaxAddressLength(64)
        .setMaxHandlersPerSocket(64)
        .setPingTimeout(30_000)
        .setReplyTimeout(15_000), new BridgeHook(vertx.eventBus(), openSockets, revocations, limits,
            nodeId)));

    // Uploads (a roster file, up to 5 MB of CSV) check the caller before reading the body, with a limit of their own.
    peopleRoutes.mountUploads(router, ctx -> guard.handle(ctx, true));
    attachmentRoutes.mountUploads(router, ctx -> guard.handle(ctx, true));
    // REST: each feature mounts its own routes; sign-in and sign-out also answer without a session.
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false));
    router.post("/api/*").handler(Json::jsonOnly);
    router.patch("/api/*").handler(Json::jsonOnly);
    router.put("/api/*").handler(Json::jsonOnly);
    // Request bodies against the OpenAPI document: for the sign-in routes here, for the rest once the caller is known
    // (a caller without access hears 401/403, not how their body was wrong).
    router.postWithRegex("^/api/(login|signup/[^/]+)$").handler(ctx -> contract.checkBody(ctx));
    account.mountSignIn(router);
    ssoRoutes.mount(router);
    router.route("/api/*").handler(ctx -> guard.handle(ctx, true));
    router.route("/api/*").handler(ctx -> contract.checkBody(ctx));
    // Issue 24, point 2: what one user could flood (pages of history, the roster, searches) takes from a budget of
    // their own (429 beyond it), as a bridge fetch does.
    // A page of history costs by the messages it asks for (UserLimits.pageCost), on the bridge and here alike.
    router.get("/api/conversations/:id/messages").handler(RateLimited.check(limits, UserLimits.Kind.READ,
        ctx -> ChatService.pageCost(ctx.queryParam("limit").isEmpty() ? null : ctx.queryParam("limit").get(0))));
    for (String read : List.of("/api/conversations/:id", "/api/me/conversation", "/api/me/notifications",
        "/api/students", "/api/people")) {
      router.get(read).handler(RateLimited.check(limits, UserLimits.Kind.READ));
    }
    router.get("/api/search").handler(RateLimited.check(limits, UserLimits.Kind.SEARCH));
    account.mount(router);
    chatRoutes.mount(router);
    searchRoutes.mount(router);
    auditRoutes.mount(router);
    teamRoutes.mount(router);
    digestRoutes.mount(router);
    pushRoutes.mount(router);
    announcementRoutes.mount(router);
    transcriptRoutes.mount(router);
    attachmentRoutes.mount(router);
    peopleRoutes.mount(router);
    tokenRoutes.mount(router);
    router.route("/api/*").handler(ctx -> Json.fail(ctx, ApiError.notFound("No such endpoint")));

    // Browser libraries (versioned paths: cache for long) and the client itself.
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars")
        .setMaxAgeSeconds(365L * 24 * 3600).setDirectoryListing(false));
    router.getWithRegex("^/(login|student|admin(/.*)?|signup/[A-Za-z0-9_-]{1,64})$").handler(ctx -> ctx.reroute("/index.html"));
    String webroot = config.http().webroot();
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

  /**
   * Issue 29, point 3: every request gets an id (a proxy's {@code X-Request-Id} when it is plain and short, else a new
   * one), echoed in the response and carried by every log line written for the request, and by the commands it sends.
   */
  private static void requestId(RoutingContext ctx) {
    String id = LogContext.sane(ctx.request().getHeader(LogContext.REQUEST_ID_HEADER));
    id = id != null ? id : LogContext.newRequestId();
    LogContext.request(id);
    ctx.response().putHeader(LogContext.REQUEST_ID_HEADER, id);
    ctx.next();
  }

  private void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "same-origin")
        .putHeader("x-frame-options", "DENY")
        .putHeader("cross-origin-opener-policy", "same-origin")
        .putHeader("permissions-policy", "camera=(), microphone=(), geolocation=()")
        .putHeader("content-security-policy", contentSecurityPolicy);
    if (Https.isSecure(ctx, config.http().trustProxy())) {
      // Reached over HTTPS: browsers keep to it from now on (issue 24, point 11). Never over plain HTTP, where a
      // browser ignores it anyway and a local or test set-up would be locked out of plain HTTP.
      ctx.response().putHeader("strict-transport-security", Https.HSTS);
    }
    ctx.next();
  }

  private Future<String> readIndexPage() {
    String webroot = config.http().webroot();
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
