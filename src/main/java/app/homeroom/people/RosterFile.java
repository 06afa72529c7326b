package app.homeroom.people;

import app.homeroom.common.ApiError;
import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A roster file as a school's information system exports it (issue 25, point 2), read with FastCSV: UTF-8 with or
 * without a byte-order mark, comma, semicolon or tab separated (whichever the first line uses most, outside quotes),
 * quoted fields (with separators, quotes and line breaks inside), CRLF or LF, blank lines skipped.
 *
 * <p>A header row is recognised by its names ("Name", "Full name", "E-mail", "Roll ID", "Student ID", "Class",
 * "Form", "First name" + "Last name", …, in any case and spacing); the caller may name the column of any field
 * instead, by header or by number from 1. A file this class cannot use (too big, binary, not UTF-8, no usable column)
 * is one {@link ApiError} that says why, with the columns found in its details so a person can choose.
 *
 * <p>Pure and CPU-bound: callers run it on a worker thread.
 */
public final class RosterFile {

  /** The largest file taken: a 10,000-student roster is about 0.6 MB. */
  public static final int MAX_BYTES = 5 * 1024 * 1024;
  /** More rows than any school has; beyond it the file is refused rather than half-read. */
  public static final int MAX_ROWS = 100_000;

  /** The fields a row gives, and the query parameter that names each one's column. */
  public enum Field {
    NAME("name", "name", "full name", "student name", "pupil name", "display name"),
    FIRST_NAME("firstName", "first name", "given name", "forename", "first"),
    LAST_NAME("lastName", "last name", "surname", "family name", "last"),
    EMAIL("email", "email", "e mail", "email address", "mail", "student email"),
    ROLL_ID("rollId", "roll id", "roll", "roll number", "roll no", "student id", "student number", "id", "upn",
        "admission number"),
    CLASS_NAME("className", "class", "class name", "form", "form group", "homeroom", "group", "tutor group", "grade");

    public final String param;
    private final List<String> names;

    Field(String param, String... names) {
      this.param = param;
      this.names = List.of(names);
    }
  }

  /** One row of the file: its line number (the first line is 1) and its fields, blank ones null. */
  public record Row(long line, String name, String email, String rollId, String className) {}

  /** The file read: its separator, header ("Column 1", … without one), the column of each field found, and its rows. */
  public record Parsed(char separator, List<String> header, Map<Field, Integer> columns, List<Row> rows) {

    /** {@code {separator, columns: [header names], mapping: {name: "Full name", …}}} for the preview. */
    public JsonObject describe() {
      JsonObject mapping = new JsonObject();
      columns.forEach((field, index) -> mapping.put(field.param, label(header, index)));
      return new JsonObject().put("separator", String.valueOf(separator)).put("columns", new JsonArray(header))
          .put("mapping", mapping);
    }
  }

  private RosterFile() {}

  /**
   * Reads {@code bytes}; {@code chosen} maps a field's parameter name ({@link Field#param}) to the column the caller
   * chose, a header name or a number from 1 (absent: recognised from the header).
   */
  public static Parsed parse(byte[] bytes, Map<String, String> chosen) {
    if (bytes.length == 0) {
      throw ApiError.badRequest("The file is empty");
    }
    if (bytes.length > MAX_BYTES) {
      throw new ApiError(413, "payload_too_large", "A roster file can be at most 5 MB");
    }
    String text = decode(bytes);
    char separator = separatorOf(text);
    List<CsvRecord> records = new ArrayList<>();
    CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(separator).quoteCharacter('"')
        .commentStrategy(CommentStrategy.NONE).skipEmptyLines(true).ignoreDifferentFieldCount(true)
        .ofCsvRecord(text);
    try {
      for (CsvRecord r : reader) {
        if (r.getFields().stream().allMatch(String::isBlank)) {
          continue; // a line of only separators, as spreadsheets write after the data
        }
        if (records.size() > MAX_ROWS) {
          throw ApiError.unprocessable("The file has more than " + MAX_ROWS + " rows");
        }
        records.add(r);
      }
    } catch (CsvParseException e) {
      throw ApiError.unprocessable("The file is not CSV that can be read: " + e.getMessage());
    }
    if (records.isEmpty()) {
      throw ApiError.badRequest("The file has no rows");
    }

    List<String> first = records.get(0).getFields().stream().map(String::strip).toList();
    Map<Field, Integer> recognised = recognise(first);
    boolean hasHeader = recognised.size() >= 2;
    int width = records.stream().mapToInt(CsvRecord::getFieldCount).max().orElse(0);
    List<String> header = hasHeader ? first : numbered(width);
    Map<Field, Integer> columns = new EnumMap<>(Field.class);
    if (hasHeader) {
      columns.putAll(recognised);
    }
    for (Field f : Field.values()) {
      String choice = chosen.get(f.param);
      if (choice != null && !choice.isBlank()) {
        columns.put(f, column(choice.strip(), header, width, f));
      }
    }
    if (columns.containsKey(Field.NAME)) {
      columns.remove(Field.FIRST_NAME);
      columns.remove(Field.LAST_NAME);
    }
    List<String> missing = new ArrayList<>();
    if (!columns.containsKey(Field.NAME) && !columns.containsKey(Field.FIRST_NAME)) {
      missing.add("name");
    }
    for (Field f : List.of(Field.EMAIL, Field.ROLL_ID, Field.CLASS_NAME)) {
      if (!columns.containsKey(f)) {
        missing.add(switch (f) {
          case EMAIL -> "email";
          case ROLL_ID -> "roll ID";
          default -> "class";
        });
      }
    }
    if (!missing.isEmpty()) {
      JsonObject details = new Parsed(separator, header, columns, List.of())
          .describe().put("missing", new JsonArray(missing)).put("hasHeader", hasHeader);
      String found = hasHeader ? "columns found: " + String.join(", ", header)
          : "the first row names none of name, email, roll ID and class, so choose the columns";
      throw ApiError.unprocessable("No usable column for " + String.join(", ", missing) + " (" + found + ")")
          .withDetails(details);
    }

    List<Row> rows = new ArrayList<>(records.size());
    for (CsvRecord r : hasHeader ? records.subList(1, records.size()) : records) {
      String name = field(r, columns.get(Field.NAME));
      if (name == null) {
        String given = field(r, columns.get(Field.FIRST_NAME));
        String family = field(r, columns.get(Field.LAST_NAME));
        name = given == null ? family : family == null ? given : given + " " + family;
      }
      rows.add(new Row(r.getStartingLineNumber(), name, field(r, columns.get(Field.EMAIL)),
          field(r, columns.get(Field.ROLL_ID)), field(r, columns.get(Field.CLASS_NAME))));
    }
    return new Parsed(separator, header, columns, rows);
  }

  /** Strict UTF-8 (a BOM dropped); binary data or another encoding is a clear refusal, never mangled names. */
  private static String decode(byte[] bytes) {
    int nuls = 0;
    for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
      if (bytes[i] == 0) {
        nuls++;
      }
    }
    if (nuls > 0) {
      throw new ApiError(415, "unsupported_media_type",
          "This is not a CSV file (it holds binary data, as a spreadsheet does): save it as \"CSV UTF-8\" and upload that");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ApiError(415, "unsupported_media_type",
          "The file is not UTF-8 text: save it as \"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8) and upload that");
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** The separator the first non-blank line uses most outside quotes: comma, semicolon or tab (comma on a tie). */
  static char separatorOf(String text) {
    int commas = 0;
    int semicolons = 0;
    int tabs = 0;
    boolean quoted = false;
    boolean seen = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '\n' || c == '\r')) {
        if (seen) {
          break;
        }
      } else if (!quoted) {
        seen |= !Character.isWhitespace(c);
        if (c == ',') {
          commas++;
        } else if (c == ';') {
          semicolons++;
        } else if (c == '\t') {
          tabs++;
        }
      }
    }
    if (semicolons > commas && semicolons >= tabs) {
      return ';';
    }
    return tabs > commas && tabs > semicolons ? '\t' : ',';
  }

  private static Map<Field, Integer> recognise(List<String> first) {
    Map<Field, Integer> found = new EnumMap<>(Field.class);
    for (int i = 0; i < first.size(); i++) {
      String key = normalise(first.get(i));
      for (Field f : Field.values()) {
        if (!found.containsKey(f) && f.names.contains(key)) {
          found.put(f, i);
          break;
        }
      }
    }
    return found;
  }

  /** "E-Mail", "roll_id", " Class Name " → "e mail", "roll id", "class name". */
  private static String normalise(String header) {
    return header.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
  }

  private static int column(String choice, List<String> header, int width, Field f) {
    if (choice.chars().allMatch(Character::isDigit) && choice.length() <= 4) {
      int n = Integer.parseInt(choice);
      if (n < 1 || n > width) {
        throw ApiError.badRequest("'" + f.param + "' names column " + n + ", but the file has " + width);
      }
      return n - 1;
    }
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).equalsIgnoreCase(choice) || normalise(header.get(i)).equals(normalise(choice))) {
        return i;
      }
    }
    throw ApiError.badRequest("'" + f.param + "' names a column the file does not have: " + choice);
  }

  private static List<String> numbered(int width) {
    List<String> names = new ArrayList<>(width);
    for (int i = 1; i <= width; i++) {
      names.add("Column " + i);
    }
    return names;
  }

  private static String label(List<String> header, int index) {
    return index < header.size() ? header.get(index) : "Column " + (index + 1);
  }

  private static String field(CsvRecord r, Integer index) {
    if (index == null || index >= r.getFieldCount()) {
      return null;
    }
    String v = r.getField(index).strip();
    return v.isEmpty() ? null : v;
  }
}
