package app.homeroom.account;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.nulabinc.zxcvbn.Zxcvbn;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * bcrypt (cost {@value #COST}) through a vetted library, and the password policy. Hashing is deliberately slow, and
 * the policy's first check loads a dictionary: call these from a worker thread ({@code vertx.executeBlocking}) or a
 * start-up thread, never from an event loop.
 *
 * <p>The policy follows NIST SP 800-63B (issue 25, point 4): at least {@value #MIN_CHARS} characters, any characters
 * at all (spaces and emoji too), no composition rules, no expiry; refused when it is among the most common passwords
 * or a simple pattern of them ({@code password12}, {@code 1234567890}, {@code qwertyuiop}, {@code aaaaaaaaaa}), or is
 * built on the person's own name or email. zxcvbn (the Java port of Dropbox's estimator) holds the list (30,000 common
 * passwords, with l33t and reversed forms) and estimates the guesses; under {@value #MIN_GUESSES_LOG10} orders of
 * magnitude (its score 0 or 1) is refused.
 */
public final class Passwords {

  public static final int COST = 11;
  /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
  public static final int MAX_BYTES = 72;
  public static final int MIN_CHARS = 10;
  /** A password an attacker would find within 10^6 guesses (zxcvbn's score 0 or 1) is refused. */
  public static final int MIN_GUESSES_LOG10 = 6;
  private static final Zxcvbn ESTIMATOR = new Zxcvbn();

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

  /** Null when acceptable, otherwise what is wrong with it; no context about the person (the first admin's). */
  public static String problem(String password) {
    return problem(password, List.of());
  }

  /**
   * Null when acceptable, otherwise what is wrong with it, in words a person can act on. {@code context}: the person's
   * name, email and the like, which a password must not be built on.
   */
  public static String problem(String password, List<String> context) {
    if (password.codePointCount(0, password.length()) < MIN_CHARS) {
      return "A password needs at least " + MIN_CHARS + " characters";
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "A password can be at most " + MAX_BYTES + " bytes";
    }
    if (password.isBlank()) {
      return "A password cannot be only spaces";
    }
    List<String> words = new ArrayList<>(List.of("homeroom"));
    String bare = letters(password);
    for (String c : context) {
      if (c == null) {
        continue;
      }
      // "Sam Student", "sam.student@school.org": each part is a word a guesser would try, and so are the whole name
      // and the address's local part, which a password must not merely decorate ("sam.student.2026!").
      String whole = letters(c.contains("@") ? c.substring(0, c.indexOf('@')) : c);
      if (whole.length() >= 4 && bare.replace(whole, "").length() < 6) {
        return TOO_EASY;
      }
      for (String part : c.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
        if (part.length() >= 3) {
          words.add(part);
        }
      }
    }
    if (ESTIMATOR.measure(password, words).getGuessesLog10() < MIN_GUESSES_LOG10) {
      return TOO_EASY;
    }
    return null;
  }

  private static final String TOO_EASY = "This password is too easy to guess: it is a common password, a simple"
      + " pattern or your own name; a few unrelated words make a strong one";

  /** Lower-cased letters and digits only: "Sam.Student-7" is "samstudent7". */
  private static String letters(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
  }
}
