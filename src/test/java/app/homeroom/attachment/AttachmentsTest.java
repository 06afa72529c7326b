package app.homeroom.attachment;

import app.homeroom.support.Api;
import app.homeroom.support.LiveClients;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 28, point 3: attachments, their type from their bytes, who may read them, how they are served. */
public class AttachmentsTest {

  School school;
  long conversation;
  final LiveClients live = new LiveClients();

  @BeforeEach
  void setUp() {
    school = School.fresh();
    conversation = school.openConversation(school.student);
  }

  @AfterEach
  void closeClients() {
    live.close();
  }

  public static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 0x80);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  public static byte[] pdf(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    com.lowagie.text.Document doc = new com.lowagie.text.Document();
    com.lowagie.text.pdf.PdfWriter.getInstance(doc, out);
    doc.open();
    doc.add(new com.lowagie.text.Paragraph(text));
    doc.close();
    return out.toByteArray();
  }

  static Api.Response upload(Api who, long conversationId, String name, byte[] bytes, String type) {
    return who.postBytes("/api/conversations/" + conversationId + "/attachments?name="
        + URLEncoder.encode(name, StandardCharsets.UTF_8), bytes, type);
  }

  Api.Response send(Api who, String body, long attachmentId) {
    return who.post("/api/conversations/" + conversation + "/messages", new JsonObject()
        .put("clientMsgId", UUID.randomUUID().toString()).put("body", body).put("attachmentId", attachmentId));
  }

  @Test
  @DisplayName("Issue 28.3: an image and a PDF go into the conversation as messages, live, and only its participants"
      + " can download them, as attachments (an image inline when asked) with nosniff and a sandboxing CSP")
  void images_and_pdfs_reach_the_conversation() throws Exception {
    SockJsClient samLive = live.connect(school.pupil);
    samLive.register("user." + school.student);
    samLive.call("chat.notifications.list", new JsonObject());

    byte[] image = png(64, 48);
    Api.Response up = upload(school.staff, conversation, "trip map.png", image, "image/png");
    assertEquals(201, up.status(), () -> up.raw().body());
    JsonObject attachment = up.json().getJsonObject("attachment");
    assertEquals("image/png", attachment.getString("contentType"));
    assertEquals("image", attachment.getString("kind"));
    assertEquals(image.length, attachment.getInteger("size"));
    Api.Response sent = send(school.staff, "Here is the map", attachment.getLong("id"));
    assertEquals(201, sent.status(), () -> sent.raw().body());
    assertEquals("trip map.png", sent.json().getJsonObject("message").getJsonObject("attachment").getString("name"));
    JsonObject event = samLive.await(f -> f.encode().contains("trip map.png"), 5_000).getJsonObject("body");
    assertEquals(attachment.getLong("id"), event.getJsonObject("message").getJsonObject("attachment").getLong("id"));

    // The student downloads it: the same bytes; inline only because it is an image and was asked so.
    HttpResponse<byte[]> file = school.pupil.getBytes("/api/attachments/" + attachment.getLong("id"));
    assertEquals(200, file.statusCode());
    assertArrayEquals(image, file.body());
    assertEquals("image/png", file.headers().firstValue("content-type").orElse(""));
    assertTrue(file.headers().firstValue("content-disposition").orElse("").startsWith("attachment; filename=\"trip_map.png\""));
    assertEquals("nosniff", file.headers().firstValue("x-content-type-options").orElse(""));
    assertTrue(file.headers().firstValue("content-security-policy").orElse("").contains("sandbox"));
    assertTrue(school.pupil.getBytes("/api/attachments/" + attachment.getLong("id") + "?inline=1").headers()
        .firstValue("content-disposition").orElse("").startsWith("inline"));

    // A PDF from the student; the history shows both.
    byte[] form = pdf("Signed trip form");
    Api.Response pdfUp = upload(school.pupil, conversation, "form.pdf", form, "application/octet-stream");
    assertEquals(201, pdfUp.status(), () -> pdfUp.raw().body());
    assertEquals("pdf", pdfUp.json().getJsonObject("attachment").getString("kind"));
    long pdfId = pdfUp.json().getJsonObject("attachment").getLong("id");
    assertEquals(201, send(school.pupil, "form.pdf", pdfId).status());
    HttpResponse<byte[]> pdfInline = school.staff.getBytes("/api/attachments/" + pdfId + "?inline=1");
    assertTrue(pdfInline.headers().firstValue("content-disposition").orElse("").startsWith("attachment"),
        "only images are ever inline");
    String history = school.staff.get("/api/conversations/" + conversation + "/messages").raw().body();
    assertTrue(history.contains("\"kind\":\"pdf\"") && history.contains("\"kind\":\"image\""), history);

    // Another student: not theirs (404, as if it did not exist); nor can they attach a file to Sam's conversation.
    long olga = school.openConversation(school.otherStudent);
    Api olgaApi = Api.signedIn("olga@test.school", School.PASSWORD);
    assertEquals(404, olgaApi.getBytes("/api/attachments/" + pdfId).statusCode());
    assertEquals(404, upload(olgaApi, conversation, "x.png", image, "image/png").status());
    // A file is sent once, by the one who uploaded it, in its own conversation.
    assertEquals(409, send(school.staff, "again", attachment.getLong("id")).status());
    assertEquals(400, olgaApi.post("/api/conversations/" + olga + "/messages", new JsonObject()
        .put("clientMsgId", UUID.randomUUID().toString()).put("body", "mine?").put("attachmentId", pdfId)).status());
  }

  @Test
  @DisplayName("Issue 28.3: the type comes from the content: HTML or SVG named as an image, an executable, a renamed"
      + " file, an empty or too large file are refused and store nothing")
  void bad_files_are_refused() throws Exception {
    byte[] html = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
    assertEquals(415, upload(school.staff, conversation, "cat.png", html, "image/png").status());
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>".getBytes(StandardCharsets.UTF_8);
    assertEquals(415, upload(school.staff, conversation, "logo.svg", svg, "image/svg+xml").status());
    byte[] elf = new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assertEquals(415, upload(school.staff, conversation, "homework.pdf", elf, "application/pdf").status());
    // A zip named as a Word document is not one.
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
      z.putNextEntry(new java.util.zip.ZipEntry("payload.exe"));
      z.write(elf);
      z.closeEntry();
    }
    assertEquals(415, upload(school.staff, conversation, "essay.docx", zip.toByteArray(), "application/zip").status());
    assertEquals(400, upload(school.staff, conversation, "empty.png", new byte[0], "image/png").status());
    assertEquals(400, upload(school.staff, conversation, "", png(4, 4), "image/png").status());
    byte[] big = new byte[AttachmentService.MAX_BYTES + 1];
    byte[] head = png(4, 4);
    System.arraycopy(head, 0, big, 0, head.length);
    assertEquals(413, upload(school.staff, conversation, "huge.png", big, "image/png").status());
    assertEquals(404, upload(school.staff, 999_999, "x.png", png(4, 4), "image/png").status());
    assertEquals(0, school.db.queryLong("select count(*) from attachments"));
    // The name is only ever a name: a path is cut to its last part.
    Api.Response named = upload(school.staff, conversation, "..\\..\\etc/passwd.png", png(4, 4), "image/png");
    assertEquals(201, named.status());
    assertEquals("passwd.png", named.json().getJsonObject("attachment").getString("name"));
  }

  @Test
  @DisplayName("Issue 28.3: an upload cut off half way leaves nothing behind")
  void a_cut_off_upload_leaves_nothing() throws Exception {
    byte[] image = png(400, 400);
    try (Socket socket = new Socket("localhost", TestEnv.node().httpPort())) {
      OutputStream out = socket.getOutputStream();
      String request = "POST /api/conversations/" + conversation + "/attachments?name=half.png HTTP/1.1\r\n"
          + "Host: localhost\r\nCookie: " + school.staff.sessionCookie() + "\r\nContent-Type: image/png\r\n"
          + "Origin: " + TestEnv.baseUrl() + "\r\nContent-Length: " + image.length + "\r\n\r\n";
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.write(Arrays.copyOf(image, image.length / 2));
      out.flush();
    }
    // The same file whole, after the cut: stored, and only it (a server that kept what it had received of the first
    // would have stored it by the time this one, sent after it, is answered).
    assertEquals(201, upload(school.staff, conversation, "whole.png", image, "image/png").status());
    assertEquals(java.util.List.of("whole.png"), school.db.queryStrings("select file_name from attachments"));
  }

  @Test
  @DisplayName("Issue 28.3: an upload never sent is removed a day later; a sent one, or a fresh one, stays")
  void unsent_uploads_are_removed_after_a_day() throws Exception {
    long sent = upload(school.staff, conversation, "sent.png", png(8, 8), "image/png").json().getJsonObject("attachment")
        .getLong("id");
    assertEquals(201, send(school.staff, "sent.png", sent).status());
    long unsent = upload(school.staff, conversation, "unsent.png", png(8, 8), "image/png").json()
        .getJsonObject("attachment").getLong("id");
    long fresh = upload(school.staff, conversation, "fresh.png", png(8, 8), "image/png").json()
        .getJsonObject("attachment").getLong("id");
    school.db.exec("update attachments set created_at = now() - interval '25 hours' where id in (?, ?)", sent, unsent);
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.sqlclient.Pool pool = TestEnv.pool(vertx, 1);
      int removed = UnsentUploads.sweep(pool).toCompletionStage().toCompletableFuture()
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(1, removed);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertEquals(java.util.List.of(sent, fresh), school.db.queryStrings("select a.id::text from attachments a order by a.id")
        .stream().map(Long::valueOf).toList());
    assertEquals(404, school.staff.getBytes("/api/attachments/" + unsent).statusCode());
  }
}
