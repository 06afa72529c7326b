package app.homeroom.push;

import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.session.Sessions;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Web Push over REST (issue 31, point 3; docs/API.md):
 * <ul>
 *   <li>{@code GET /api/push}: whether pushes can be had here and the key to subscribe with
 *       {@code {available, publicKey, schoolEnabled, subscriptions}};</li>
 *   <li>{@code PUT /api/me/push-subscription} {@code {endpoint, keys: {p256dh, auth}}} (a browser's
 *       {@code PushSubscription.toJSON()}): a student's browser subscribes, tied to this session;</li>
 *   <li>{@code DELETE /api/me/push-subscription} {@code {endpoint}}: it no longer wants pushes.</li>
 * </ul>
 */
public final class PushRoutes {

  private final Pool pool;
  /** Null when pushes are off on this installation ({@code push.enabled}). */
  private final String publicKey;
  private final PushEndpoints endpoints;

  public PushRoutes(Pool pool, String publicKey, java.util.List<String> allowedEndpoints) {
    this.pool = pool;
    this.publicKey = publicKey;
    this.endpoints = new PushEndpoints(allowedEndpoints);
  }

  public void mount(Router router) {
    router.get("/api/push").handler(ctx -> Json.respond(ctx, 200, c -> status(Guard.identity(c))));
    router.put("/api/me/push-subscription").handler(ctx -> Json.respond(ctx, 200, c -> {
      Identity actor = Guard.identity(c);
      if (publicKey == null) {
        throw ApiError.conflict("Push notifications are turned off on this server (HOMEROOM_PUSH)");
      }
      if (actor.isAdmin()) {
        throw ApiError.forbidden("Push notifications are for students: staff are notified in the dashboard");
      }
      JsonObject body = Json.body(c);
      String endpoint = endpoint(body);
      JsonObject keys = body.getValue("keys") instanceof JsonObject k ? k : null;
      String p256dh = key(keys, "p256dh", 65);
      if (PushSender.decode(p256dh)[0] != 4) {
        throw ApiError.badRequest("'keys.p256dh' must be an uncompressed P-256 public key");
      }
      String auth = key(keys, "auth", 16);
      Sessions.Session session = c.get(Guard.SESSION);
      return pool.preparedQuery(PushSql.SUBSCRIBE)
          .execute(Tuple.of(actor.userId(), endpoint, p256dh, auth, session == null ? null : session.jti(),
              PushSql.PER_USER - 1))
          .compose(rows -> status(actor));
    }));
    router.delete("/api/me/push-subscription").handler(ctx -> Json.respond(ctx, 200, c -> {
      Identity actor = Guard.identity(c);
      Object endpoint = Json.body(c).getValue("endpoint");
      if (!(endpoint instanceof String e) || e.isBlank()) {
        throw ApiError.badRequest("'endpoint' is required: the subscription's endpoint");
      }
      return pool.preparedQuery(PushSql.UNSUBSCRIBE).execute(Tuple.of(actor.userId(), e)).compose(rows -> status(actor));
    }));
  }

  private Future<JsonObject> status(Identity actor) {
    return pool.preparedQuery(PushSql.STATUS).execute(Tuple.of(actor.userId())).map(rows -> {
      var row = rows.iterator().next();
      boolean school = row.getBoolean("push_enabled");
      return new JsonObject()
          .put("available", publicKey != null && school && !actor.isAdmin())
          .put("publicKey", publicKey)
          .put("schoolEnabled", school)
          .put("subscriptions", row.getLong("subscriptions"));
    });
  }

  /** The key browsers subscribe with (the uncompressed public key, base64url without padding). */
  public static String applicationServerKey(com.interaso.webpush.VapidKeys keys) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(keys.getApplicationServerKey());
  }

  private String endpoint(JsonObject body) {
    Object value = body.getValue("endpoint");
    if (!(value instanceof String endpoint) || endpoint.length() < 12 || endpoint.length() > 2000) {
      throw ApiError.badRequest("'endpoint' must be the subscription's endpoint URL");
    }
    if (!endpoints.allowed(endpoint)) {
      throw ApiError.badRequest("'endpoint' is not at a push service this school allows (push.allowedEndpoints)");
    }
    return endpoint;
  }

  /** A key of the subscription, base64url of {@code bytes} bytes. */
  private static String key(JsonObject keys, String name, int bytes) {
    Object value = keys == null ? null : keys.getValue(name);
    if (value instanceof String s && s.length() <= 100) {
      try {
        if (PushSender.decode(s).length == bytes) {
          return s;
        }
      } catch (IllegalArgumentException e) {
        // not base64url: refused below
      }
    }
    throw ApiError.badRequest("'keys." + name + "' must be the subscription's " + name + " key (base64url, " + bytes
        + " bytes)");
  }
}
