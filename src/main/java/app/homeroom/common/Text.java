package app.homeroom.common;

import java.time.OffsetDateTime;

/** Rules for user text and how times are written, shared by every feature. */
public final class Text {

  private Text() {}

  /**
   * Text may hold tabs and line breaks but no other control characters: NUL is refused by PostgreSQL, and search
   * snippets use two of the others as match markers ({@code search.MessageSearch}). Nor may it hold half of a UTF-16
   * surrogate pair: it has no UTF-8 form, so the database would store it as "?" (issue 24, point 10); refused rather
   * than changed, so what is stored is what was written.
   */
  public static void rejectControlCharacters(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f) {
        throw ApiError.badRequest(what + " cannot contain control characters");
      }
      if (Character.isSurrogate(ch)) {
        if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++; // a whole pair: one character beyond the Basic Multilingual Plane
        } else {
          throw ApiError.badRequest(what + " contains a broken character (half of a UTF-16 surrogate pair)");
        }
      }
    }
  }

  /**
   * Text someone wrote for others to read (a message, a note, a saved reply): not blank, at most {@code maxChars}
   * characters (code points, as PostgreSQL counts them), no control characters; {@code what} names it in the 400.
   */
  public static void requireWritten(String text, String what, int maxChars) {
    if (text == null || text.isBlank()) {
      throw ApiError.badRequest(what + " cannot be empty");
    }
    if (text.codePointCount(0, text.length()) > maxChars) {
      throw ApiError.badRequest(what + " can be at most " + maxChars + " characters");
    }
    rejectControlCharacters(text, what);
  }

  /** A database time as an ISO-8601 instant in UTC (how every JSON body writes times), or null. */
  public static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  /** {@code text} cut to at most {@code max} characters (code points, never half a pair), an ellipsis ending a cut. */
  public static String clip(String text, int max) {
    if (text == null || text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
  }

  /** A message as one line (every run of white space one space) of at most {@code max} characters: an excerpt. */
  public static String oneLine(String text, int max) {
    return text == null ? null : clip(text.replaceAll("\\s+", " ").strip(), max);
  }
}
