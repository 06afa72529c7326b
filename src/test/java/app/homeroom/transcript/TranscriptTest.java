package app.homeroom.transcript;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 28, point 4: transcript exports as PDF, JSON and CSV, one conversation or a class's zip, each audited. */
public class TranscriptTest {

  School school;
  long conversation;
  long zoe;
  Api zoeApi;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    zoe = school.db.createStudent("Zoë Łukasiewicz", "zoe@test.school", "R-009", "7A", School.PASSWORD);
    zoeApi = Api.signedIn("zoe@test.school", School.PASSWORD);
    conversation = school.openConversation(school.student);
  }

  long say(Api who, String body, boolean needsAck) {
    JsonObject request = new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body);
    if (needsAck) {
      request.put("needsAck", true);
    }
    Api.Response r = who.postPatiently("/api/conversations/" + conversation + "/messages", request);
    assertEquals(201, r.status(), () -> r.raw().body());
    return r.json().getJsonObject("message").getLong("seq");
  }

  long audits() {
    return school.db.queryLong("select count(*) from audit_events where action = 'transcript.exported'");
  }

  void seedConversation() {
    say(school.staff, "Hello Sam, the trip form is due Friday", false);
    long asked = say(school.staff, "Please confirm the new timetable", true);
    long id = school.db.queryLong("select id from messages where conversation_id = ? and seq = ?", conversation, asked);
    assertEquals(200, school.pupil.post("/api/messages/" + id + "/acknowledgement", null).status());
    say(school.pupil, "=HYPERLINK(\"http://evil.example\",\"click\")", false);
    assertEquals(200, school.staff.post("/api/conversations/" + conversation + "/close",
        new JsonObject().put("note", "Sorted")).status());
  }

  @Test
  @DisplayName("Issue 28.4: the JSON transcript holds every message, status entry, receipt and acknowledgement, and"
      + " says per message who had it delivered and read; each export is an audit entry")
  void json_transcript_is_complete() {
    seedConversation();
    HttpResponse<byte[]> r = school.staff.getBytes("/api/conversations/" + conversation + "/transcript?format=json");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-disposition").orElse("").startsWith("attachment; filename=\"homeroom-transcript-sam-student-"));
    JsonObject t = new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("Sam Student", t.getJsonObject("student").getString("name"));
    JsonArray entries = t.getJsonArray("entries");
    List<String> kinds = new ArrayList<>();
    entries.forEach(o -> kinds.add(((JsonObject) o).getString("kind")));
    assertEquals(List.of("message", "message", "message", "closed"), kinds);
    JsonObject asked = entries.getJsonObject(1);
    assertTrue(asked.getBoolean("needsAck"));
    assertTrue(asked.getString("acknowledgedAt") != null, "the acknowledgement is in the record");
    // Sam replied, so he had read what staff wrote before it; no member of staff has read his reply.
    assertTrue(entries.getJsonObject(0).getBoolean("readByStudent"));
    assertEquals(new JsonArray(), entries.getJsonObject(2).getJsonArray("readByStaff"));
    assertEquals("Sorted", entries.getJsonObject(3).getString("note"));
    assertFalse(t.getJsonArray("receipts").isEmpty());
    assertEquals(1, audits());
    assertEquals(conversation, school.db.queryLong(
        "select target_id from audit_events where action = 'transcript.exported' and actor_id = ?", school.admin));
  }

  @Test
  @DisplayName("Issue 28.4: the CSV transcript is a row per entry, UTF-8 with a BOM, and a cell that a spreadsheet would"
      + " run as a formula is written as text")
  void csv_transcript_is_safe_to_open() {
    seedConversation();
    HttpResponse<byte[]> r = school.staff.getBytes("/api/conversations/" + conversation + "/transcript?format=csv");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/csv"));
    String csv = new String(r.body(), StandardCharsets.UTF_8);
    assertTrue(csv.startsWith("\uFEFFseq,time_utc,kind,sender"), csv);
    String[] lines = csv.strip().split("\r\n");
    assertEquals(5, lines.length, csv);
    assertTrue(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), csv);
    assertFalse(csv.contains(",=HYPERLINK"), csv);
  }

  @Test
  @DisplayName("Issue 28.4: the PDF transcript is a real PDF whose text holds the student (accents as written) and each"
      + " message; a student downloads their own, never another's")
  void pdf_transcript_and_who_may_export() throws Exception {
    long zoeConversation = school.openConversation(zoe);
    conversation = zoeConversation;
    say(school.staff, "Zoë, your project on Gödel is excellent", false);
    say(zoeApi, "Дякую! Ευχαριστώ!", false);

    HttpResponse<byte[]> r = zoeApi.getBytes("/api/me/transcript");
    assertEquals(200, r.statusCode());
    assertEquals("application/pdf", r.headers().firstValue("content-type").orElse(""));
    assertTrue(new String(r.body(), 0, 5, StandardCharsets.US_ASCII).equals("%PDF-"));
    String text = pdfText(r.body());
    assertTrue(text.contains("Zoë Łukasiewicz"), text);
    assertTrue(text.contains("your project on Gödel is excellent"), text);
    assertTrue(text.contains("Дякую! Ευχαριστώ!"), text);
    assertEquals(1, school.db.queryLong("select count(*) from audit_events where action = 'transcript.exported'"
        + " and actor_id = ?", zoe));

    // Another student's conversation: not theirs to see (404, as if there were none); a class: staff only.
    assertEquals(404, school.pupil.getBytes("/api/conversations/" + zoeConversation + "/transcript").statusCode());
    assertEquals(403, school.pupil.getBytes("/api/classes/7A/transcripts").statusCode());
    assertEquals(400, school.staff.getBytes("/api/conversations/" + zoeConversation + "/transcript?format=docx").statusCode());
    assertEquals(404, school.staff.getBytes("/api/conversations/999999/transcript").statusCode());
    assertEquals(404, school.staff.getBytes("/api/classes/9Z/transcripts").statusCode());
    assertEquals(1, audits(), "refusals are not exports");
  }

  @Test
  @DisplayName("Issue 28.4: text the PDF's font cannot draw (Chinese, Arabic, emoji) is never dropped in silence: each such"
      + " character shows as a box, and the PDF says so and points to the JSON and CSV exports, which keep it exactly")
  void pdf_marks_what_its_font_cannot_draw() throws Exception {
    say(school.pupil, "Thanks 你好 مرحبا 😀 ok", false);
    String text = pdfText(school.staff.getBytes("/api/conversations/" + conversation + "/transcript").body());
    assertTrue(text.contains("Thanks □□ □□□□□ □ ok"), text);
    assertTrue(text.contains("8 characters in this transcript are in a script this PDF cannot draw"), text);
    String json = new String(school.staff.getBytes("/api/conversations/" + conversation + "/transcript?format=json")
        .body(), StandardCharsets.UTF_8);
    assertTrue(json.contains("Thanks 你好 مرحبا 😀 ok"), json);

    say(school.pupil, "All Latin here", false);
    conversation = school.openConversation(zoe);
    say(school.staff, "Zoë, Ελληνικά и кириллица", false);
    String plain = pdfText(school.staff.getBytes("/api/conversations/" + conversation + "/transcript").body());
    assertFalse(plain.contains("cannot draw"), plain);
    assertFalse(plain.contains("□"), plain);
  }

  @Test
  @DisplayName("Issue 28.4: a class's transcripts come as one zip, a file per conversation, as one audit entry")
  void class_zip() throws Exception {
    seedConversation();
    long zoeConversation = school.openConversation(zoe);
    conversation = zoeConversation;
    say(school.staff, "Hello Zoë", false);
    HttpResponse<byte[]> r = school.staff.getBytes("/api/classes/7A/transcripts?format=csv");
    assertEquals(200, r.statusCode());
    assertEquals("application/zip", r.headers().firstValue("content-type").orElse(""));
    List<String> names = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(r.body()))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        names.add(e.getName());
        assertTrue(new String(zip.readAllBytes(), StandardCharsets.UTF_8).startsWith("\uFEFFseq,"));
      }
    }
    assertEquals(2, names.size(), names.toString());
    assertTrue(names.get(0).startsWith("homeroom-transcript-sam-student-"), names.toString());
    assertTrue(names.get(1).startsWith("homeroom-transcript-zoë-łukasiewicz-"), names.toString());
    assertEquals(1, audits());
    assertEquals("7A", school.db.queryString("select details->>'className' from audit_events where action = 'transcript.exported'"));
  }

  public static String pdfText(byte[] pdf) throws Exception {
    PdfReader reader = new PdfReader(pdf);
    try {
      PdfTextExtractor extractor = new PdfTextExtractor(reader);
      StringBuilder all = new StringBuilder();
      for (int page = 1; page <= reader.getNumberOfPages(); page++) {
        all.append(extractor.getTextFromPage(page)).append('\n');
      }
      return all.toString();
    } finally {
      reader.close();
    }
  }
}
