package app.homeroom.transcript;

import app.homeroom.common.ApiError;
import com.lowagie.text.Chunk;
import com.lowagie.text.Document;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a transcript is written out (issue 28, point 4): {@link #PDF} to print and file, {@link #JSON} (the transcript
 * as {@link TranscriptService} reads it) and {@link #CSV} (a row per entry) for the records. Pure: transcript in, bytes
 * out, on the caller's (worker) thread.
 */
public enum TranscriptFormat {
  PDF("pdf", "application/pdf", "pdf"),
  JSON("json", "application/json", "json"),
  CSV("csv", "text/csv; charset=utf-8", "csv");

  private final String wire;
  private final String contentType;
  private final String extension;

  TranscriptFormat(String wire, String contentType, String extension) {
    this.wire = wire;
    this.contentType = contentType;
    this.extension = extension;
  }

  public String wire() {
    return wire;
  }

  public String contentType() {
    return contentType;
  }

  public String extension() {
    return extension;
  }

  /** {@code ?format=}: pdf (the default), json or csv; else a 400. */
  public static TranscriptFormat parse(String value) {
    if (value == null || value.isEmpty()) {
      return PDF;
    }
    for (TranscriptFormat f : values()) {
      if (f.wire.equals(value)) {
        return f;
      }
    }
    throw ApiError.badRequest("'format' must be pdf, json or csv");
  }

  byte[] render(JsonObject transcript) {
    return switch (this) {
      case JSON -> transcript.encodePrettily().getBytes(StandardCharsets.UTF_8);
      case CSV -> csv(transcript).getBytes(StandardCharsets.UTF_8);
      case PDF -> Pdf.render(transcript);
    };
  }

  static final List<String> CSV_HEADER = List.of("seq", "time_utc", "kind", "sender", "sender_role", "text", "note",
      "announcement_id", "needs_ack", "acknowledged_at_utc", "delivered_to_student", "read_by_student", "read_by_staff");

  /** A row per entry, with a byte-order mark so spreadsheet programs read it as UTF-8. */
  static String csv(JsonObject t) {
    StringWriter out = new StringWriter();
    out.write('\uFEFF');
    try (CsvWriter csv = CsvWriter.builder().build(out)) {
      csv.writeRecord(CSV_HEADER);
      for (Object o : t.getJsonArray("entries")) {
        JsonObject m = (JsonObject) o;
        boolean message = "message".equals(m.getString("kind"));
        JsonArray readBy = m.getJsonArray("readByStaff");
        csv.writeRecord(
            String.valueOf(m.getLong("seq")),
            m.getString("createdAt"),
            m.getString("kind"),
            cell(m.getString("senderName")),
            m.getString("senderRole"),
            cell(m.getString("body")),
            cell(m.getString("note")),
            m.getValue("announcementId") == null ? "" : String.valueOf(m.getLong("announcementId")),
            message ? String.valueOf(m.getBoolean("needsAck", false)) : "",
            m.getString("acknowledgedAt") == null ? "" : m.getString("acknowledgedAt"),
            m.containsKey("deliveredToStudent") ? String.valueOf(m.getBoolean("deliveredToStudent")) : "",
            m.containsKey("readByStudent") ? String.valueOf(m.getBoolean("readByStudent")) : "",
            readBy == null ? "" : cell(String.join("; ", readBy.stream().map(String::valueOf).toList())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * A text cell a spreadsheet cannot take for a formula (CSV injection, OWASP): one starting with = + - @ or a tab or
   * carriage return gets a leading apostrophe, which spreadsheets show as text.
   */
  static String cell(String text) {
    if (text == null) {
      return "";
    }
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      return "'" + text;
    }
    return text;
  }

  /** The printable transcript: a heading with the student, then each entry in order, then the receipts. */
  static final class Pdf {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
        .withZone(ZoneOffset.UTC);
    private static final Color MUTED = new Color(0x55, 0x5f, 0x6d);
    private static final Color STAFF = new Color(0xe8, 0xee, 0xfb);
    private static final Color STUDENT = new Color(0xf3, 0xf4, 0xf6);
    private static final Color ACK = new Color(0x0f, 0x6b, 0x3a);
    private static final Color WARN = new Color(0x8a, 0x4b, 0x00);

    private static volatile BaseFont regular;
    private static volatile BaseFont bold;

    private Pdf() {}

    /** What a character the fonts have no glyph for is drawn as (a white square, which Liberation Sans has). */
    static final String NOT_DRAWN = "\u25A1";

    static byte[] render(JsonObject exported) {
      // Liberation Sans draws Latin, Greek and Cyrillic; a name or message in Chinese, Arabic or with an emoji would
      // otherwise come out blank, dropped in silence from a record: each such character becomes a box instead, and
      // the heading says how many there are and where the exact text is.
      Drawable drawable = new Drawable(regular(), bold());
      JsonObject t = drawable.copy(exported);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Document doc = new Document(PageSize.A4, 48, 48, 56, 56);
      PdfWriter.getInstance(doc, out);
      JsonObject student = t.getJsonObject("student");
      JsonObject conversation = t.getJsonObject("conversation");
      doc.addTitle("Homeroom transcript: " + student.getString("name"));
      doc.addCreator("Homeroom");
      doc.addAuthor(t.getJsonObject("exportedBy").getString("name"));
      doc.open();
      Font title = new Font(bold(), 16);
      Font body = new Font(regular(), 10);
      Font small = new Font(regular(), 8, Font.NORMAL, MUTED);
      Font sender = new Font(bold(), 9);
      Font ack = new Font(bold(), 8, Font.NORMAL, ACK);

      doc.add(new Paragraph("Conversation transcript", title));
      doc.add(new Paragraph(student.getString("name") + " · " + student.getString("email") + " · roll ID "
          + student.getString("rollId") + " · class " + student.getString("className"), body));
      doc.add(new Paragraph("Conversation #" + conversation.getLong("id") + ", started by " + conversation.getString("startedBy")
          + " on " + when(conversation.getString("createdAt")) + "; " + conversation.getString("status") + ". Exported "
          + when(t.getString("exportedAt")) + " by " + t.getJsonObject("exportedBy").getString("name") + ".", small));
      if (drawable.missing > 0) {
        doc.add(new Paragraph(drawable.missing + (drawable.missing == 1 ? " character in this transcript is"
            : " characters in this transcript are") + " in a script this PDF cannot draw, shown as " + NOT_DRAWN
            + ". The JSON and CSV exports of this conversation keep the exact text.", new Font(bold(), 9, Font.NORMAL, WARN)));
      }
      doc.add(Chunk.NEWLINE);

      JsonArray entries = t.getJsonArray("entries");
      if (entries.isEmpty()) {
        doc.add(new Paragraph("No messages.", body));
      }
      long studentId = student.getLong("id");
      for (Object o : entries) {
        JsonObject m = (JsonObject) o;
        if (!"message".equals(m.getString("kind"))) {
          String what = "closed".equals(m.getString("kind")) ? "closed the conversation" : "reopened the conversation";
          Paragraph line = new Paragraph(m.getString("senderName") + " " + what + " · " + when(m.getString("createdAt"))
              + (m.getString("note") == null ? "" : " · “" + m.getString("note") + "”"), small);
          line.setAlignment(Element.ALIGN_CENTER);
          line.setSpacingBefore(4);
          line.setSpacingAfter(4);
          doc.add(line);
          continue;
        }
        boolean fromStudent = m.getLong("senderId") == studentId;
        PdfPTable box = new PdfPTable(1);
        box.setWidthPercentage(100);
        box.setSpacingBefore(3);
        box.setKeepTogether(true);
        Phrase head = new Phrase();
        head.add(new Chunk(m.getString("senderName"), sender));
        head.add(new Chunk("  #" + m.getLong("seq") + " · " + when(m.getString("createdAt"))
            + (m.getValue("announcementId") != null ? " · announcement" : ""), small));
        PdfPCell cell = new PdfPCell();
        cell.setBorderColor(new Color(0xd1, 0xd5, 0xdb));
        cell.setBackgroundColor(fromStudent ? STUDENT : STAFF);
        cell.setPadding(6);
        cell.addElement(new Paragraph(head));
        cell.addElement(new Paragraph(m.getString("body"), body));
        List<String> notes = new ArrayList<>();
        if (m.containsKey("readByStudent")) {
          notes.add(m.getBoolean("readByStudent") ? "read by the student"
              : m.getBoolean("deliveredToStudent") ? "delivered, not read" : "not delivered yet");
        }
        JsonArray readBy = m.getJsonArray("readByStaff");
        if (readBy != null) {
          notes.add(readBy.isEmpty() ? "not read by staff yet" : "read by " + String.join(", ",
              readBy.stream().map(String::valueOf).toList()));
        }
        if (!notes.isEmpty()) {
          cell.addElement(new Paragraph(String.join(" · ", notes), small));
        }
        if (m.getBoolean("needsAck", false)) {
          cell.addElement(new Paragraph(m.getString("acknowledgedAt") == null ? "Acknowledgement requested: not acknowledged"
              : "Acknowledged by the student " + when(m.getString("acknowledgedAt")), ack));
        }
        box.addCell(cell);
        doc.add(box);
      }

      doc.add(Chunk.NEWLINE);
      doc.add(new Paragraph("Receipts", new Font(bold(), 11)));
      JsonArray receipts = t.getJsonArray("receipts");
      if (receipts.isEmpty()) {
        doc.add(new Paragraph("Nobody has opened this conversation yet.", small));
      } else {
        PdfPTable table = new PdfPTable(new float[] {4, 2, 2, 2, 4});
        table.setWidthPercentage(100);
        table.setSpacingBefore(4);
        table.setHeaderRows(1);
        for (String h : new String[] {"Participant", "Role", "Delivered up to", "Read up to", "Last moved"}) {
          PdfPCell c = cell(new Phrase(h, sender));
          c.setBackgroundColor(STUDENT);
          table.addCell(c);
        }
        for (Object o : receipts) {
          JsonObject r = (JsonObject) o;
          table.addCell(cell(new Phrase(r.getString("name"), body)));
          table.addCell(cell(new Phrase(r.getString("role"), body)));
          table.addCell(cell(new Phrase("#" + r.getLong("deliveredSeq"), body)));
          table.addCell(cell(new Phrase("#" + r.getLong("readSeq"), body)));
          table.addCell(cell(new Phrase(when(r.getString("updatedAt")), body)));
        }
        doc.add(table);
      }
      doc.close();
      return out.toByteArray();
    }

    /** Copies of the transcript's text with what the fonts cannot draw replaced by {@link #NOT_DRAWN}, counted. */
    static final class Drawable {

      private final BaseFont[] fonts;
      int missing;

      Drawable(BaseFont... fonts) {
        this.fonts = fonts;
      }

      JsonObject copy(JsonObject json) {
        JsonObject out = new JsonObject();
        json.forEach(e -> out.put(e.getKey(), value(e.getValue())));
        return out;
      }

      private Object value(Object v) {
        if (v instanceof String s) {
          return text(s);
        }
        if (v instanceof JsonObject o) {
          return copy(o);
        }
        if (v instanceof JsonArray a) {
          JsonArray out = new JsonArray();
          a.forEach(x -> out.add(value(x)));
          return out;
        }
        return v;
      }

      String text(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
          int cp = s.codePointAt(i);
          int next = i + Character.charCount(cp);
          if (!drawn(cp)) {
            if (out == null) {
              out = new StringBuilder(s.length()).append(s, 0, i);
            }
            out.append(NOT_DRAWN);
            missing++;
          } else if (out != null) {
            out.appendCodePoint(cp);
          }
          i = next;
        }
        return out == null ? s : out.toString();
      }

      /** Layout characters (spaces, line breaks, joiners) are not drawn as glyphs, so they need none. */
      private boolean drawn(int cp) {
        if (Character.isWhitespace(cp) || Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
          return true;
        }
        for (BaseFont f : fonts) {
          if (!f.charExists(cp)) {
            return false;
          }
        }
        return true;
      }
    }

    private static PdfPCell cell(Phrase phrase) {
      PdfPCell c = new PdfPCell(phrase);
      c.setPadding(4);
      c.setBorderColor(new Color(0xd1, 0xd5, 0xdb));
      return c;
    }

    private static String when(String iso) {
      return iso == null ? "" : WHEN.format(Instant.parse(iso));
    }

    /**
     * Liberation Sans (openpdf-fonts-extra), embedded as a subset: Latin, Greek and Cyrillic as written; other scripts
     * are marked ({@link Drawable}), since no font for them ships with the app.
     */
    private static BaseFont regular() {
      if (regular == null) {
        regular = font("liberation/LiberationSans-Regular.ttf");
      }
      return regular;
    }

    private static BaseFont bold() {
      if (bold == null) {
        bold = font("liberation/LiberationSans-Bold.ttf");
      }
      return bold;
    }

    private static BaseFont font(String resource) {
      try (InputStream in = TranscriptFormat.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(resource + " is not on the classpath (openpdf-fonts-extra)");
        }
        return BaseFont.createFont(resource, BaseFont.IDENTITY_H, BaseFont.EMBEDDED, BaseFont.CACHED, in.readAllBytes(), null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
