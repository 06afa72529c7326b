package app.homeroom.session;

import app.homeroom.bus.Identity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Browser sessions as short-lived signed tokens (HS256, vertx-auth-jwt) carried only in an HttpOnly,
 * SameSite=Strict cookie, never in a URL. Stateless, so any node verifies a session another node issued: the
 * signing keys are shared through configuration or the database, sealed ({@link SigningKeys}, {@link SigningKeyStore}).
 * A session can end before its token expires (sign-out, a disabled account): {@link Revocations} says which tokens
 * every node refuses.
 */
public final class Sessions {

  public static final String COOKIE = "hr_session";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SigningKeys keys;
  private final int hours;

  public Sessions(SigningKeys keys, int hours) {
    this.keys = keys;
    this.hours = hours;
  }

  public long maxAgeSeconds() {
    return hours * 3600L;
  }

  public String issue(Identity who) {
    return issue(who, maxAgeSeconds());
  }

  /**
   * A session for {@code who} in the account's current session epoch ({@code users.session_epoch}, V11): ending every
   * session of an account moves the epoch on, so this token ends with it, and one issued in the new epoch, even in the
   * same second, does not.
   */
  public String issueInEpoch(Identity who, int epoch) {
    return issue(who, maxAgeSeconds(), epoch);
  }

  /**
   * A token for {@code who} valid for {@code lifetimeSeconds}, with its own id ({@code jti}, 128 random bits) so
   * that signing out can revoke this one session, and its issue time ({@code iat}) so that disabling an account
   * can end every session issued before.
   */
  public String issue(Identity who, long lifetimeSeconds) {
    return issue(who, lifetimeSeconds, null);
  }

  private String issue(Identity who, long lifetimeSeconds, Integer epoch) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    JsonObject claims = new JsonObject().put("sub", Long.toString(who.userId())).put("role", who.role().wire())
        .put("name", who.name()).put("jti", Base64.getUrlEncoder().withoutPadding().encodeToString(id));
    if (epoch != null) {
      claims.put(EPOCH_CLAIM, epoch);
    }
    return keys.sign(claims, lifetimeSeconds);
  }

  /** The claim that carries the account's session epoch. */
  static final String EPOCH_CLAIM = "sep";

  /**
   * A verified token: who, which session, when it was issued and when it expires (epoch seconds), and the account's
   * session epoch it belongs to (null in a token from before V11: its issue time decides instead).
   */
  public record Session(Identity identity, String jti, long issuedAt, long expiresAt, Integer epoch) {}

  /** The identity in a valid, unexpired token; fails otherwise. */
  public Future<Identity> verify(String token) {
    return verifySession(token).map(Session::identity);
  }

  /**
   * The session of a valid, unexpired token; fails otherwise, and for tokens without an id or expiry (issued before
   * sessions could be revoked: their holders sign in again once).
   */
  public Future<Session> verifySession(String token) {
    return keys.authenticate(token).compose(user -> {
      JsonObject p = user.principal();
      String jti = p.getString("jti");
      // vertx-auth-jwt moves the time claims out of the principal into the attributes.
      Long iat = user.attributes().getLong("iat", p.getLong("iat"));
      Long exp = user.attributes().getLong("exp", p.getLong("exp"));
      if (jti == null || jti.isEmpty() || jti.length() > 64 || iat == null || exp == null) {
        return Future.failedFuture("token without jti, iat or exp");
      }
      Identity who = new Identity(Long.parseLong(p.getString("sub")), Identity.Role.parse(p.getString("role")),
          p.getString("name", ""));
      Integer epoch = p.getValue(EPOCH_CLAIM) instanceof Number n ? n.intValue() : null;
      return Future.succeededFuture(new Session(who, jti, iat, exp, epoch));
    });
  }
}
