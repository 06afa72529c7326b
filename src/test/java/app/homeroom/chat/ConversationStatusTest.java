package app.homeroom.chat;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** R6.2, R6.3 on the server: active/closed, reopening with full history, and the audit entries in the timeline. */
class ConversationStatusTest {

  School school;
  long conversation;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    conversation = school.openConversation(school.student);
  }

  JsonObject say(Api who, String body) {
    Api.Response r = who.post("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
    assertEquals(201, r.status(), () -> r.raw().body());
    return r.json();
  }

  Api.Response close(Api who, Object note) {
    JsonObject body = new JsonObject();
    if (note != null) {
      body.put("note", note);
    }
    return who.post("/api/conversations/" + conversation + "/close", body);
  }

  Api.Response reopen(Api who) {
    return who.post("/api/conversations/" + conversation + "/reopen", new JsonObject());
  }

  JsonArray history() {
    Api.Response r = school.staff.get("/api/conversations/" + conversation + "/messages?limit=200");
    assertEquals(200, r.status(), () -> r.raw().body());
    return r.json().getJsonArray("messages");
  }

  String status() {
    return school.staff.get("/api/conversations/" + conversation).json().getJsonObject("conversation").getString("status");
  }

  @Test
  @DisplayName("R6.2, R6.3: closing keeps the history, records who/when/note in the timeline, and reopening brings it all back")
  void close_and_reopen_keep_the_history_with_audit_entries() {
    assertEquals("active", status(), "R6.2: a conversation starts active");
    say(school.staff, "Hello Sam");
    say(school.pupil, "Hi!");

    Api.Response closed = close(school.staff, "  Resolved: permission slip received  ");
    assertEquals(200, closed.status(), () -> closed.raw().body());
    assertEquals("closed", closed.json().getJsonObject("conversation").getString("status"));
    JsonObject entry = closed.json().getJsonObject("event");
    assertEquals("closed", entry.getString("kind"));
    assertEquals(school.admin, entry.getLong("senderId"));
    assertEquals("Ada Admin", entry.getString("senderName"));
    assertEquals("Resolved: permission slip received", entry.getString("note"), "trimmed");
    assertNull(entry.getString("body"));
    assertEquals(3, entry.getLong("seq"), "a status entry takes the next seq, after the messages");
    assertNotNull(entry.getString("createdAt"));
    assertEquals("closed", status());

    Api.Response reopened = reopen(school.staff);
    assertEquals(200, reopened.status());
    assertEquals("active", reopened.json().getJsonObject("conversation").getString("status"));
    assertEquals("reopened", reopened.json().getJsonObject("event").getString("kind"));
    assertNull(reopened.json().getJsonObject("event").getString("note"));

    JsonArray all = history();
    assertEquals(4, all.size(), "full history: two messages, two audit entries");
    assertEquals("Hello Sam", all.getJsonObject(0).getString("body"));
    assertEquals("message", all.getJsonObject(1).getString("kind"));
    assertEquals("closed", all.getJsonObject(2).getString("kind"));
    assertEquals("reopened", all.getJsonObject(3).getString("kind"));

    JsonObject details = school.staff.get("/api/conversations/" + conversation).json();
    assertEquals("reopened", details.getJsonObject("statusEvent").getString("kind"), "the latest status entry");
  }

  @Test
  @DisplayName("R6.3: closing a closed conversation (or reopening an active one) writes nothing: one audit entry per change")
  void repeated_changes_write_nothing() {
    assertNull(school.staff.get("/api/conversations/" + conversation).json().getValue("statusEvent"));
    assertNull(reopen(school.staff).json().getValue("event"), "already active");
    assertNotNull(close(school.staff, null).json().getJsonObject("event"));
    Api.Response again = close(school.staff, "again");
    assertEquals(200, again.status());
    assertNull(again.json().getValue("event"));
    assertEquals(1, school.db.queryLong("select count(*) from messages where kind <> 'message'"));
    assertEquals(1, school.db.queryLong("select last_seq from conversations where id = ?", conversation));
  }

  @Test
  @DisplayName("R6.3: a student writing to a closed conversation reopens it: a 'reopened' entry by the student, then the message")
  void a_student_writing_reopens() {
    say(school.staff, "We are done here");
    close(school.staff, null);
    JsonObject sent = say(school.pupil, "One more question");
    JsonObject reopenedBy = sent.getJsonObject("reopened");
    assertNotNull(reopenedBy, "the reply says it reopened");
    assertEquals("reopened", reopenedBy.getString("kind"));
    assertEquals(school.student, reopenedBy.getLong("senderId"));
    assertEquals("student", reopenedBy.getString("senderRole"));
    assertEquals(sent.getJsonObject("message").getLong("seq") - 1, reopenedBy.getLong("seq"));
    assertEquals("active", status());

    JsonObject next = say(school.pupil, "And another");
    assertNull(next.getValue("reopened"), "only the first message reopens");
    assertEquals(2, school.db.queryLong("select student_msg_count from conversations where id = ?", conversation),
        "status entries are not student messages");
  }

  @Test
  @DisplayName("R6.3: a retried send to a closed conversation reopens it once and stores the message once")
  void a_retried_send_reopens_once() {
    close(school.staff, null);
    JsonObject body = new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", "Hello?");
    Api.Response first = school.pupil.post("/api/conversations/" + conversation + "/messages", body);
    Api.Response retry = school.pupil.post("/api/conversations/" + conversation + "/messages", body);
    assertEquals(201, first.status());
    assertEquals(200, retry.status());
    assertTrue(retry.json().getBoolean("duplicate"));
    assertNull(retry.json().getValue("reopened"));
    assertEquals(1, school.db.queryLong("select count(*) from messages where kind = 'reopened'"));
    assertEquals(1, school.db.queryLong("select count(*) from messages where kind = 'message'"));
  }

  @Test
  @DisplayName("R6.3: status entries never count as unread for staff nor as notifications for the student")
  void status_entries_are_not_unread() {
    say(school.staff, "Hello");
    long read = say(school.pupil, "Hi").getJsonObject("message").getLong("seq");
    school.staff.post("/api/conversations/" + conversation + "/read", new JsonObject().put("seq", read));
    close(school.staff, "done");
    say(school.pupil, "Wait, one more thing"); // reopens: an entry by the student, then a message
    JsonObject row = school.staff.get("/api/students/" + school.student).json().getJsonObject("student");
    assertEquals(1, row.getLong("unread"), "the message only, not the student's 'reopened' entry");
    assertEquals("active", row.getString("conversationStatus"));
    assertEquals(0, school.pupil.get("/api/me/notifications").json().getJsonArray("notifications").size(),
        "the close entry is no staff message for the student");
  }

  @Test
  @DisplayName("R6.2: the student list filters by status (active, closed, not started)")
  void the_list_filters_by_status() {
    close(school.staff, null);
    JsonArray closed = school.staff.get("/api/students?status=closed").json().getJsonArray("students");
    assertEquals(1, closed.size());
    assertEquals(school.student, closed.getJsonObject(0).getLong("id"));
    assertEquals("closed", closed.getJsonObject(0).getString("conversationStatus"));
    assertEquals(1, school.staff.get("/api/students?status=closed").json().getLong("total"));
    JsonArray none = school.staff.get("/api/students?status=none").json().getJsonArray("students");
    assertEquals(1, none.size());
    assertEquals(school.otherStudent, none.getJsonObject(0).getLong("id"));
    assertEquals(0, school.staff.get("/api/students?status=active").json().getJsonArray("students").size());
    assertEquals(400, school.staff.get("/api/students?status=archived").status());
  }

  @Test
  @DisplayName("R6.3: only staff change a status; bad notes and unknown conversations are refused, nothing written")
  void refusals() {
    assertEquals(403, close(school.pupil, null).status());
    assertEquals(403, reopen(school.pupil).status());
    assertEquals(400, close(school.staff, "x".repeat(501)).status());
    assertEquals(400, close(school.staff, 42).status(), "a note is text");
    assertEquals(400, close(school.staff, "bell\u0007").status());
    assertEquals(400, school.staff.post("/api/conversations/" + conversation + "/reopen",
        new JsonObject().put("note", "why")).status());
    assertEquals(404, school.staff.post("/api/conversations/987654/close", new JsonObject()).status());
    assertEquals(400, school.staff.post("/api/conversations/abc/close", new JsonObject()).status());
    assertEquals(0, school.db.queryLong("select count(*) from messages"));
    assertEquals("active", status());
    assertEquals(200, close(school.staff, "x".repeat(500)).status(), "500 characters is the limit, inclusive");
  }

  @Test
  @DisplayName("R6.3: the timeline is append-only in the database too: no update or delete of an entry or a message")
  void the_audit_trail_cannot_be_edited() {
    say(school.staff, "A record");
    close(school.staff, "note");
    IllegalStateException update = assertThrows(IllegalStateException.class,
        () -> school.db.exec("update messages set note = 'rewritten' where kind = 'closed'"));
    assertTrue(update.getCause().getMessage().contains("append-only"), update.getCause().getMessage());
    assertThrows(IllegalStateException.class, () -> school.db.exec("delete from messages"));
    assertEquals("note", school.db.queryString("select note from messages where kind = 'closed'"));
  }

  @Test
  @DisplayName("R6.2, R6.3: everyone viewing sees status changes live, over the bridge too, with the status after each")
  void status_changes_are_live() throws Exception {
    int port = TestEnv.node().httpPort();
    String origin = "http://localhost:" + port;
    try (SockJsClient admin = SockJsClient.connect(port, school.staff.sessionCookie(), origin);
         SockJsClient student = SockJsClient.connect(port, school.pupil.sessionCookie(), origin)) {
      admin.register("role.admin");
      student.register("user." + school.student);
      // Prove both registrations live before asserting on content.
      say(school.staff, "probe");
      Predicate<JsonObject> probe = f -> isEntry(f, "message");
      admin.await(probe, 5_000);
      student.await(probe, 5_000);

      JsonObject reply = admin.call("chat.conversation.close", new JsonObject().put("conversationId", conversation)
          .put("note", "All sorted"));
      assertEquals("closed", reply.getJsonObject("body").getJsonObject("conversation").getString("status"));
      for (SockJsClient viewer : new SockJsClient[] {admin, student}) {
        JsonObject event = viewer.await(f -> isEntry(f, "closed"), 5_000).getJsonObject("body");
        assertEquals("closed", event.getString("conversationStatus"));
        assertEquals("All sorted", event.getJsonObject("message").getString("note"));
        assertEquals(school.student, event.getLong("studentId"));
      }

      JsonObject refused = student.call("chat.conversation.reopen", new JsonObject().put("conversationId", conversation));
      assertEquals("err", refused.getString("type"));
      assertEquals(403, refused.getInteger("failureCode"));

      say(school.pupil, "Reopening by writing");
      JsonObject reopened = admin.await(f -> isEntry(f, "reopened"), 5_000).getJsonObject("body");
      assertEquals("active", reopened.getString("conversationStatus"));
      assertEquals("Sam Student", reopened.getJsonObject("message").getString("senderName"));
      JsonObject message = admin.await(f -> isEntry(f, "message")
          && "Reopening by writing".equals(f.getJsonObject("body").getJsonObject("message").getString("body")), 5_000);
      assertTrue(message.getJsonObject("body").getJsonObject("message").getLong("seq")
          > reopened.getJsonObject("message").getLong("seq"), "the entry comes before the message that caused it");
      assertFalse(admin.isClosed());
    }
  }

  private static boolean isEntry(JsonObject frame, String kind) {
    JsonObject body = frame.getJsonObject("body");
    return body != null && "chat.message.created".equals(body.getString("type"))
        && kind.equals(body.getJsonObject("message").getString("kind"));
  }
}
