package app.homeroom.people;

import app.homeroom.bus.Address;
import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.integration.ApiTokenRoutes;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * The People routes (issue 25, staff only): the table of students and staff, adding and inviting, editing, disabling
 * and enabling, and one-time password links; also the older student routes ({@code POST /api/students},
 * {@code …/disable}, {@code …/enable}), now served by the same code. docs/API.md describes each.
 */
public final class PeopleRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(PeopleRoutes.class);

  private final Vertx vertx;
  private final PeopleService people;
  private final RosterImport roster;
  private final SignInSlips slips;
  /** Null when SMTP is not configured. */
  private final LinkMailer mailer;
  /** The configured public address (HOMEROOM_PUBLIC_URL), or null: then a request's own origin. */
  private final String publicUrl;
  private final boolean trustProxy;

  public PeopleRoutes(Vertx vertx, PeopleService people, RosterImport roster, SignInSlips slips, LinkMailer mailer,
                      String publicUrl, boolean trustProxy) {
    this.vertx = vertx;
    this.people = people;
    this.roster = roster;
    this.slips = slips;
    this.mailer = mailer;
    this.publicUrl = publicUrl == null ? null : publicUrl.replaceAll("/+$", "");
    this.trustProxy = trustProxy;
  }

  /**
   * {@code POST /api/people/import}: the roster file is the request body (any content type: the file's own bytes
   * decide), read only once the caller is known, up to {@link RosterFile#MAX_BYTES}; mounted before the JSON routes'
   * body handler. Options in the query: {@code dryRun} (default true: a preview), {@code disableMissing}, and the
   * column of any field ({@code name, firstName, lastName, email, rollId, className}) by header or number.
   */
  public void mountUploads(Router router, Handler<RoutingContext> guard) {
    String path = "/api/people/import";
    router.post(path).handler(guard);
    router.post(path).handler(BodyHandler.create(false).setBodyLimit(RosterFile.MAX_BYTES).setHandleFileUploads(false));
    router.post(path).handler(ctx -> Json.respond(ctx, 200, c -> roster.run(new RosterImport.Request(
        Guard.identity(c), columns(c), flag(c, "dryRun", true), flag(c, "disableMissing", false),
        ApiTokenRoutes.tokenId(c)), c.body().buffer())));
    router.post(path).failureHandler(ctx -> Json.fail(ctx, ctx.statusCode() == 413
        ? new ApiError(413, "payload_too_large", "A roster file can be at most 5 MB")
        : ctx.failure() != null ? ctx.failure() : new ApiError(ctx.statusCode(), ApiError.codeFor(ctx.statusCode()),
            "Bad request")));
  }

  /** {@code sendEmail: true} asks for the link by email; refused up front when email is not set up. */
  private boolean wantsEmail(JsonObject body) {
    Object v = body.getValue("sendEmail");
    if (v != null && !(v instanceof Boolean)) {
      throw ApiError.badRequest("'sendEmail' must be true or false");
    }
    if (Boolean.TRUE.equals(v) && mailer == null) {
      throw ApiError.conflict("Email is not set up on this server (HOMEROOM_SMTP_HOST); copy the link instead");
    }
    return Boolean.TRUE.equals(v);
  }

  /**
   * Emails {@code out}'s link to {@code person} when asked: {@code emailed: true}, or, when the SMTP server refused or
   * was unreachable, {@code emailed: false} and why: the link stands, and can still be copied.
   */
  private Future<JsonObject> email(boolean send, JsonObject person, JsonObject out) {
    JsonObject link = out.getJsonObject("link");
    if (!send || link == null) {
      return Future.succeededFuture(out);
    }
    return mailer.send(person.getString("name"), person.getString("email"), link.getString("path"),
            link.getString("purpose"), java.time.OffsetDateTime.parse(link.getString("expiresAt")))
        .map(v -> out.put("emailed", true))
        .recover(err -> {
          LOG.warn("Could not email a {} link to user {}: {}", link.getString("purpose"), person.getLong("id"),
              err.toString());
          return Future.succeededFuture(out.put("emailed", false)
              .put("emailError", "The email could not be sent (" + err.getMessage() + "); copy the link instead"));
        });
  }

  /**
   * The address people reach Homeroom at, for slips: the configured public URL; else the browser's Origin (the Guard
   * has checked it is one we serve); else the request's own scheme and host.
   */
  private String origin(RoutingContext c) {
    if (publicUrl != null) {
      return publicUrl;
    }
    String origin = c.request().getHeader("origin");
    if (origin != null && origin.startsWith("http")) {
      return origin;
    }
    io.vertx.core.net.HostAndPort host = c.request().authority();
    if (host == null) {
      throw ApiError.badRequest("Cannot tell this server's address: set HOMEROOM_PUBLIC_URL");
    }
    boolean secure = app.homeroom.web.Https.isSecure(c, trustProxy);
    int port = host.port();
    boolean usual = port <= 0 || (secure ? port == 443 : port == 80);
    return (secure ? "https" : "http") + "://" + host.host() + (usual ? "" : ":" + port);
  }

  private static Map<String, String> columns(RoutingContext c) {
    Map<String, String> columns = new HashMap<>();
    for (RosterFile.Field f : RosterFile.Field.values()) {
      String v = c.request().getParam(f.param);
      if (v != null && !v.isBlank()) {
        if (v.length() > 200) {
          throw ApiError.badRequest("'" + f.param + "' can be at most 200 characters");
        }
        columns.put(f.param, v);
      }
    }
    return columns;
  }

  private static boolean flag(RoutingContext c, String name, boolean absent) {
    String v = c.request().getParam(name);
    if (v == null || v.isEmpty()) {
      return absent;
    }
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiError.badRequest("'" + name + "' must be true or false");
    };
  }

  public void mount(Router router) {
    router.get("/api/people").handler(this::list);
    router.post("/api/people").handler(ctx -> Json.respond(ctx, 201, c -> {
      JsonObject body = Json.body(c);
      boolean email = wantsEmail(body);
      return people.create(Guard.identity(c), Params.requireString(body, "role"), body)
          .compose(out -> email(email, out.getJsonObject("person"), out));
    }));
    router.post("/api/people/upsert").handler(ctx -> Json.respond(ctx, 200, c -> roster.upsert(
        new RosterImport.Request(Guard.identity(c), Map.of(), false, false, ApiTokenRoutes.tokenId(c)), Json.body(c))));
    router.post("/api/people/slips").handler(ctx -> Json.respond(ctx, 200, c -> {
      JsonObject body = Json.body(c);
      Object includeActive = body.getValue("includeActive");
      if (includeActive != null && !(includeActive instanceof Boolean)) {
        throw ApiError.badRequest("'includeActive' must be true or false");
      }
      return slips.make(Guard.identity(c), Params.requireString(body, "className"), Boolean.TRUE.equals(includeActive),
          origin(c));
    }));
    router.get("/api/people/:id").handler(ctx -> Json.respond(ctx, 200,
        c -> people.get(Guard.identity(c), id(c)).map(p -> new JsonObject().put("person", p))));
    router.patch("/api/people/:id").handler(ctx -> Json.respond(ctx, 200,
        c -> people.update(Guard.identity(c), id(c), Json.body(c))));
    router.post("/api/people/:id/disable").handler(ctx -> setDisabled(ctx, true, null));
    router.post("/api/people/:id/enable").handler(ctx -> setDisabled(ctx, false, null));
    router.post("/api/people/:id/link").handler(ctx -> Json.respond(ctx, 200, c -> {
      boolean email = c.body().length() > 0 && wantsEmail(Json.body(c));
      Identity who = Guard.identity(c);
      long id = id(c);
      return people.issueLink(who, id).compose(out -> !email ? Future.succeededFuture(out)
          : people.get(who, id).compose(person -> email(true, person, out)));
    }));

    // The routes from before the People table, kept for integrations that call them.
    router.post("/api/students").handler(ctx -> Json.respond(ctx, 201, c -> people
        .create(Guard.identity(c), "student", Json.body(c))
        .map(out -> {
          JsonObject student = out.getJsonObject("person").copy().putNull("conversationId").putNull("conversationStatus")
              .putNull("lastMessageAt").put("lastSeq", 0).put("unread", 0).put("online", false)
              .put("disabled", false);
          JsonObject answer = new JsonObject().put("student", student);
          return out.containsKey("link") ? answer.put("link", out.getJsonObject("link")) : answer;
        })));
    router.post("/api/students/:id/disable").handler(ctx -> setDisabled(ctx, true, "student"));
    router.post("/api/students/:id/enable").handler(ctx -> setDisabled(ctx, false, "student"));
  }

  /** GET /api/people?q&role&status&className&limit&offset → {people, total, emailEnabled}. */
  private void list(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      int limit = Params.limit(Json.queryLong(c, "limit"), 50, 200);
      Long offset = Json.queryLong(c, "offset");
      if (offset != null && (offset < 0 || offset > 1_000_000)) {
        throw ApiError.badRequest("'offset' must be from 0 to 1000000");
      }
      String q = blankToNull(c.request().getParam("q"));
      if (q != null && q.length() > 200) {
        throw ApiError.badRequest("'q' can be at most 200 characters");
      }
      return people.list(Guard.identity(c), q, blankToNull(c.request().getParam("role")),
          blankToNull(c.request().getParam("status")), blankToNull(c.request().getParam("className")), limit,
          offset == null ? 0 : offset.intValue()).map(page -> page.put("emailEnabled", mailer != null));
    });
  }

  /**
   * Disabling ends the person's sessions on every node at once (their sockets close); the answer is
   * {@code {person|student: {id, disabled, disabledAt}}} as the route's family names it.
   */
  private void setDisabled(RoutingContext ctx, boolean disabled, String role) {
    Json.respond(ctx, 200, c -> {
      Identity who = Guard.identity(c);
      long id = id(c);
      return people.setDisabled(who, id, disabled, role).map(out -> {
        LOG.info("User {} {} user {} ({})", who.userId(), disabled ? "disabled" : "re-enabled", id, out.getString("role"));
        if (disabled) {
          vertx.eventBus().publish(Address.SESSION_REVOKED.address(),
              new JsonObject().put("userId", id).put("disabled", true));
        }
        JsonObject answer = new JsonObject().put("id", out.getLong("id")).put("disabled", out.getBoolean("disabled"))
            .put("disabledAt", out.getString("disabledAt"));
        return new JsonObject().put(role == null ? "person" : role, role == null
            ? answer.put("role", out.getString("role")) : answer);
      });
    });
  }

  private static long id(RoutingContext c) {
    return Params.parseId(c.pathParam("id"), "id");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
