package app.homeroom.account;

import app.homeroom.bus.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Browser sessions as short-lived signed tokens (HS256, vertx-auth-jwt) carried only in an HttpOnly,
 * SameSite=Strict cookie, never in a URL. Stateless, so any node verifies a session another node issued: the
 * signing key is shared through configuration or the database ({@code settings.session_key}).
 */
public final class Sessions {

  public static final String COOKIE = "hr_session";

  private final JWTAuth jwt;
  private final int hours;

  public Sessions(Vertx vertx, String key, int hours) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIssuer("homeroom").setAudience(java.util.List.of("homeroom"))));
    this.hours = hours;
  }

  public long maxAgeSeconds() {
    return hours * 3600L;
  }

  public String issue(Identity who) {
    return jwt.generateToken(
        new JsonObject().put("sub", Long.toString(who.userId())).put("role", who.role().wire()).put("name", who.name()),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) maxAgeSeconds())
            .setIssuer("homeroom").setAudience(java.util.List.of("homeroom")));
  }

  /** The identity in a valid, unexpired token; fails otherwise. */
  public Future<Identity> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token)).map(user -> {
      JsonObject p = user.principal();
      return new Identity(Long.parseLong(p.getString("sub")), Identity.Role.parse(p.getString("role")),
          p.getString("name", ""));
    });
  }
}
