package app.homeroom.account;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * bcrypt (cost {@value #COST}) through a vetted library. Hashing is deliberately slow: call these from a worker
 * thread ({@code vertx.executeBlocking}) or a start-up thread, never from an event loop.
 */
public final class Passwords {

  public static final int COST = 11;
  /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
  public static final int MAX_BYTES = 72;
  public static final int MIN_CHARS = 8;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  /** Compared against when the account does not exist, so a wrong email costs as long as a wrong password. */
  private static final String DUMMY_HASH = hash("not-a-real-password-" + RANDOM.nextLong());

  private Passwords() {}

  public static String hash(String password) {
    return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
  }

  public static boolean verify(String password, String hash) {
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return false;
    }
    return BCrypt.verifyer().verify(password.toCharArray(), hash == null ? DUMMY_HASH : hash).verified;
  }

  /** A readable random password (no 0/O, 1/l/I) of the given length. */
  public static String generate(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** Null when acceptable, otherwise what is wrong with it. */
  public static String problem(String password) {
    if (password.codePointCount(0, password.length()) < MIN_CHARS) {
      return "A password needs at least " + MIN_CHARS + " characters";
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "A password can be at most " + MAX_BYTES + " bytes";
    }
    return null;
  }
}
