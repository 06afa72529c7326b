package app.homeroom.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys that sign and verify sessions (HS256): one signs, and every key not yet retired verifies, so a rotation
 * ends no session (issue 24, point 1). A token names its key in its header ({@code kid}); a token from before keys
 * had ids names none, and is checked against each accepted key. The set is swapped whole ({@link #replace}) when a
 * node reloads it; readers on any thread see one set or the other, never a mix.
 */
public final class SigningKeys {

  /** One key: its id and its secret (the HMAC key is the secret's UTF-8 bytes, as the first keys were). */
  public record Key(String kid, String secret) {
    @Override
    public String toString() {
      return "Key[" + kid + "]"; // never the secret
    }
  }

  private record Ring(String signingKid, JWTAuth signer, Map<String, JWTAuth> byKid) {}

  static final String ISSUER = "homeroom";

  private final Vertx vertx;
  private volatile Ring ring;

  /** {@code accepted} holds the signing key too. */
  public SigningKeys(Vertx vertx, String signingKid, List<Key> accepted) {
    this.vertx = vertx;
    replace(signingKid, accepted);
  }

  /**
   * Keys from configuration ({@code HOMEROOM_JWT_SECRET}, and during a rollover {@code HOMEROOM_JWT_PREVIOUS_SECRETS}):
   * each one's id is derived from it, so every node given the same secrets agrees on the ids.
   */
  public static SigningKeys configured(Vertx vertx, String secret, List<String> previous) {
    List<Key> keys = new java.util.ArrayList<>();
    keys.add(new Key(configuredKid(secret), secret));
    for (String p : previous) {
      keys.add(new Key(configuredKid(p), p));
    }
    return new SigningKeys(vertx, keys.get(0).kid(), keys);
  }

  /** {@code cfg-} and 48 bits of the secret's SHA-256: tells configured keys apart, reveals nothing usable. */
  static String configuredKid(String secret) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return "cfg-" + HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Swaps the whole set. */
  public void replace(String signingKid, List<Key> accepted) {
    Map<String, JWTAuth> byKid = new LinkedHashMap<>();
    for (Key key : accepted) {
      byKid.put(key.kid(), JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key.secret()))
          .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setAudience(List.of(ISSUER)))));
    }
    JWTAuth signer = byKid.get(signingKid);
    if (signer == null) {
      throw new IllegalArgumentException("the signing key " + signingKid + " is not among the accepted keys");
    }
    ring = new Ring(signingKid, signer, Map.copyOf(byKid));
  }

  /** The id of the key that signs new sessions. */
  public String signingKid() {
    return ring.signingKid();
  }

  /** The ids of every key a session may be signed with. */
  public java.util.Set<String> acceptedKids() {
    return ring.byKid().keySet();
  }

  /** A token of these claims, signed with the signing key and naming it. */
  String sign(JsonObject claims, long lifetimeSeconds) {
    Ring r = ring;
    return r.signer().generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) lifetimeSeconds)
        .setIssuer(ISSUER).setAudience(List.of(ISSUER)).setHeader(new JsonObject().put("kid", r.signingKid())));
  }

  /** The token's user when one of the accepted keys signed it (the one it names, if it names one). */
  Future<User> authenticate(String token) {
    Ring r = ring;
    String kid = kidOf(token);
    if (kid != null) {
      JWTAuth auth = r.byKid().get(kid);
      return auth == null ? Future.failedFuture("token signed with a key that is not (or no longer) accepted")
          : auth.authenticate(new TokenCredentials(token));
    }
    // A token from before keys had ids: whichever accepted key signed it.
    Future<User> result = Future.failedFuture("no accepted key");
    for (JWTAuth auth : r.byKid().values()) {
      result = result.recover(err -> auth.authenticate(new TokenCredentials(token)));
    }
    return result;
  }

  /** The {@code kid} in a JWT's header, or null (none, or not a JWT). */
  public static String kidOf(String jwt) {
    int dot = jwt == null ? -1 : jwt.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.substring(0, dot)), StandardCharsets.UTF_8))
          .getString("kid");
    } catch (RuntimeException e) {
      return null;
    }
  }
}
