package app.homeroom.people;

import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.common.Text;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a person's name, email, roll ID and class may be: one set of rules for the form, the API and the roster import,
 * each refusal a sentence that names the field (issue 24, point 10; issue 25).
 */
public final class PersonFields {

  /**
   * An address as mail systems write one (RFC 5321's dot-atom local part, at most 64 characters; a domain of letter,
   * digit and hyphen labels with a top-level name of letters): no quotes, spaces, angle brackets or markup, which an
   * address can carry in theory and a school's never does.
   */
  private static final Pattern EMAIL = Pattern.compile("^(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
      + "(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");
  /** A class name: letters and digits of any alphabet, spaces, and . _ / ' ( ) + & and dashes; no markup or quotes. */
  private static final Pattern CLASS_NAME = Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}\\p{Pd} ._/'()+&]{0,63}$");
  private static final Pattern ROLL_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,63}$");

  private PersonFields() {}

  /** A person's fields as given; for an edit, null ones are left as they are. */
  public record Fields(String name, String email, String rollId, String className) {}

  /** All four fields of a new student, or name and email of a new member of staff; a 400 naming what is wrong. */
  public static Fields required(JsonObject req, boolean student) {
    Fields f = optional(req);
    require(f.name, "name");
    require(f.email, "email");
    if (student) {
      require(f.rollId, "rollId");
      require(f.className, "className");
    } else if (f.rollId != null || f.className != null) {
      throw ApiError.badRequest("Staff have no roll ID or class");
    }
    return f;
  }

  /** Whichever fields the request names, each checked; absent or null ones are null. */
  public static Fields optional(JsonObject req) {
    return new Fields(name(Params.optionalString(req, "name")), email(Params.optionalString(req, "email")),
        rollId(Params.optionalString(req, "rollId")), className(Params.optionalString(req, "className")));
  }

  public static String name(String v) {
    return text(v, "name", 200);
  }

  /** Lower-cased, as every address is stored. */
  public static String email(String v) {
    String e = text(v, "email", 320);
    if (e != null && !EMAIL.matcher(e).matches()) {
      throw ApiError.badRequest("'email' is not an email address");
    }
    return e == null ? null : e.toLowerCase(Locale.ROOT);
  }

  public static String rollId(String v) {
    String r = text(v, "rollId", 64);
    if (r != null && !ROLL_ID.matcher(r).matches()) {
      throw ApiError.badRequest("'rollId' may hold letters, digits, spaces and . _ / -");
    }
    return r;
  }

  public static String className(String v) {
    String c = text(v, "className", 64);
    if (c != null && !CLASS_NAME.matcher(c).matches()) {
      throw ApiError.badRequest("'className' may hold letters, digits, spaces, dashes and . _ / ' ( ) + &");
    }
    return c;
  }

  private static void require(String value, String field) {
    if (value == null) {
      throw ApiError.badRequest("'" + field + "' is required");
    }
  }

  /** Trimmed; null stays null; empty, control characters or too long is a 400. */
  private static String text(String raw, String field, int max) {
    if (raw == null) {
      return null;
    }
    String v = raw.trim();
    if (v.isEmpty()) {
      throw ApiError.badRequest("'" + field + "' cannot be empty");
    }
    Text.rejectControlCharacters(v, "'" + field + "'");
    if (v.codePointCount(0, v.length()) > max) {
      throw ApiError.badRequest("'" + field + "' can be at most " + max + " characters");
    }
    return v;
  }
}
