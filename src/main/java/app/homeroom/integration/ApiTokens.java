package app.homeroom.integration;

import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API tokens for a school's information system (issue 25, point 5): named, scoped to {@code roster:read} and/or
 * {@code roster:write}, made and revoked by staff, shown once (only the SHA-256 of the 32 random bytes is stored: a
 * copy of the database gives no working token), with the time each was last used. A token acts for the admin who
 * made it and stops working when it is revoked or that admin is disabled.
 */
public final class ApiTokens {

  public static final String READ = "roster:read";
  public static final String WRITE = "roster:write";
  public static final Set<String> SCOPES = Set.of(READ, WRITE);
  /** What a token looks like: {@code hr_} and 43 base64url characters. */
  private static final Pattern FORMAT = Pattern.compile("^hr_[A-Za-z0-9_-]{43}$");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);

  /** The token a request came with: its id and scopes. */
  public record Token(long id, Set<String> scopes) {
    public boolean allows(String scope) {
      return scopes.contains(scope);
    }
  }

  /** A verified token and the admin it acts for. */
  public record Verified(Token token, Identity identity) {}

  private final Pool pool;

  public ApiTokens(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> list(Identity actor) {
    requireSessionStaff(actor);
    return pool.preparedQuery(ApiTokenSql.LIST).execute().map(rows -> {
      JsonArray tokens = new JsonArray();
      rows.forEach(r -> tokens.add(json(r)));
      return new JsonObject().put("tokens", tokens);
    });
  }

  /** {@code {name, scopes}} → {@code {token, secret}}: the secret is in this answer only. */
  public Future<JsonObject> create(Identity actor, JsonObject req) {
    requireSessionStaff(actor);
    String name = Params.requireString(req, "name").strip();
    if (name.isEmpty() || name.length() > 100) {
      throw ApiError.badRequest("'name' must be 1 to 100 characters");
    }
    // The shape of 'scopes' (a list of at least one of roster:read and roster:write) is the API's contract, checked
    // before the route runs (openapi.json, ApiContract); here only the duplicates go.
    Set<String> scopes = new LinkedHashSet<>();
    req.getJsonArray("scopes").forEach(s -> scopes.add((String) s));
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String secret = "hr_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return pool.preparedQuery(ApiTokenSql.CREATE)
        .execute(Tuple.of(name, Buffer.buffer(hash(secret)), scopes.toArray(String[]::new), actor.userId()))
        .map(rows -> new JsonObject().put("token", json(rows.iterator().next())).put("secret", secret));
  }

  public Future<JsonObject> revoke(Identity actor, long id) {
    requireSessionStaff(actor);
    return pool.preparedQuery(ApiTokenSql.REVOKE).execute(Tuple.of(id, actor.userId())).map(rows -> {
      if (rows.size() == 0) {
        throw ApiError.notFound("No such token");
      }
      return new JsonObject().put("token", json(rows.iterator().next()));
    });
  }

  /** The token {@code secret} names, or a 401 (malformed, unknown, revoked, or its admin disabled). */
  public Future<Verified> verify(String secret) {
    if (secret == null || !FORMAT.matcher(secret).matches()) {
      return Future.failedFuture(ApiError.unauthorized("That API token is not valid"));
    }
    return pool.preparedQuery(ApiTokenSql.VERIFY).execute(Tuple.of(Buffer.buffer(hash(secret)))).map(rows -> {
      if (rows.size() == 0) {
        throw ApiError.unauthorized("That API token is not valid, or was revoked");
      }
      Row r = rows.iterator().next();
      long id = r.getLong("id");
      pool.preparedQuery(ApiTokenSql.TOUCH).execute(Tuple.of(id))
          .onFailure(err -> LOG.warn("Could not mark API token {} used: {}", id, err.toString()));
      return new Verified(new Token(id, Set.copyOf(List.of(r.getArrayOfStrings("scopes")))),
          new Identity(r.getLong("user_id"), Identity.Role.ADMIN, r.getString("name")));
    });
  }

  /** Tokens are managed from a signed-in staff session only: a token cannot make or revoke tokens. */
  private static void requireSessionStaff(Identity actor) {
    if (!actor.isAdmin()) {
      throw ApiError.forbidden("Only staff can manage API tokens");
    }
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))
        .put("scopes", new JsonArray(List.of(r.getArrayOfStrings("scopes"))))
        .put("createdAt", Text.iso(r.getOffsetDateTime("created_at")))
        .put("createdBy", new JsonObject().put("id", r.getLong("created_by")).put("name", r.getString("created_by_name")))
        .put("lastUsedAt", Text.iso(r.getOffsetDateTime("last_used_at")))
        .put("revokedAt", Text.iso(r.getOffsetDateTime("revoked_at")));
  }

  static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
