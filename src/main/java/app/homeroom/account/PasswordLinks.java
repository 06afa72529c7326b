package app.homeroom.account;

import app.homeroom.common.ApiError;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * One-time links on which a person sets their own password (issue 25, point 3): a sign-up link for a new account, a
 * reset link when staff issue one. The token is 256 random bits in the URL ({@code /signup/<token>}); only its SHA-256
 * is stored (V11), so a copy of the database opens no account. A link lives {@link #LIFETIME}, is used once, and a new
 * link for the same person retires the ones before it.
 */
public final class PasswordLinks {

  public static final Duration LIFETIME = Duration.ofDays(14);
  /** The browser's page for a link; the token follows. */
  public static final String PATH = "/signup/";

  private static final SecureRandom RANDOM = new SecureRandom();
  /** 32 bytes in URL-safe base64 without padding. */
  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_-]{43}$");

  private PasswordLinks() {}

  /** A fresh link: the token for the URL (shown once) and the hash to store. */
  public record Issued(String token, byte[] hash) {
    public String path() {
      return PATH + token;
    }
  }

  public static Issued issue() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return new Issued(token, hash(token));
  }

  /** The stored form of a token from a URL; a 404 for anything that cannot be one of ours. */
  public static byte[] hashOf(String token) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw ApiError.notFound("This link is not valid; ask a member of staff for a new one");
    }
    return hash(token);
  }

  private static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
