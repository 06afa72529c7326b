package app.homeroom.chat;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestDb;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conversations and messages through the REST API: R1.1, R3.3, R3.4, and the refusals around them. */
class ChatRestTest {

  static final String PASSWORD = School.PASSWORD;

  School school;
  TestDb db;
  long admin;
  long student;
  long otherStudent;
  Api staff;
  Api pupil;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    db = school.db;
    admin = school.admin;
    student = school.student;
    otherStudent = school.otherStudent;
    staff = school.staff;
    pupil = school.pupil;
  }

  long open(long studentId) {
    return school.openConversation(studentId);
  }

  Api.Response send(Api who, long conversationId, String clientMsgId, String body) {
    return who.post("/api/conversations/" + conversationId + "/messages",
        new JsonObject().put("clientMsgId", clientMsgId).put("body", body));
  }

  long messages() {
    return db.queryLong("select count(*) from messages");
  }

  @Test
  @DisplayName("R1.1: opening a student without a conversation creates one; opening again returns the same room")
  void opening_a_student_creates_the_conversation_once() {
    Api.Response first = staff.post("/api/students/" + student + "/conversation", null);
    assertEquals(200, first.status());
    assertTrue(first.json().getBoolean("created"));
    JsonObject conversation = first.json().getJsonObject("conversation");
    assertEquals(student, conversation.getLong("studentId"));
    assertEquals("active", conversation.getString("status"));

    Api.Response again = staff.post("/api/students/" + student + "/conversation", null);
    assertFalse(again.json().getBoolean("created"));
    assertEquals(conversation.getLong("id"), again.json().getJsonObject("conversation").getLong("id"));
    assertEquals(1, db.queryLong("select count(*) from conversations"));
  }

  @Test
  @DisplayName("R1.1: two admins opening the same student at the same moment get the same room")
  void concurrent_opens_get_the_same_room() {
    db.createAdmin("Bea Admin", "bea@test.school", PASSWORD);
    Api second = Api.signedIn("bea@test.school", PASSWORD);
    List<CompletableFuture<Api.Response>> opens = List.of(
        CompletableFuture.supplyAsync(() -> staff.post("/api/students/" + student + "/conversation", null)),
        CompletableFuture.supplyAsync(() -> second.post("/api/students/" + student + "/conversation", null)),
        CompletableFuture.supplyAsync(() -> staff.post("/api/students/" + student + "/conversation", null)));
    long ids = opens.stream().map(CompletableFuture::join)
        .peek(r -> assertEquals(200, r.status()))
        .map(r -> r.json().getJsonObject("conversation").getLong("id")).distinct().count();
    assertEquals(1, ids);
    assertEquals(1, db.queryLong("select count(*) from conversations"));
  }

  @Test
  @DisplayName("R1.1: only staff open conversations, and only for students that exist")
  void opening_is_for_staff_and_real_students() {
    assertEquals(403, pupil.post("/api/students/" + student + "/conversation", null).status());
    assertEquals(404, staff.post("/api/students/999999/conversation", null).status());
    assertEquals(404, staff.post("/api/students/" + admin + "/conversation", null).status());
    assertEquals(400, staff.post("/api/students/abc/conversation", null).status());
    assertEquals(0, db.queryLong("select count(*) from conversations"));
  }

  @Test
  @DisplayName("R3.3: a message is stored with server id, sequence, timestamp and sender; a retry returns the same row")
  void a_message_is_stored_once_per_client_message_id() {
    long conversation = open(student);
    String clientMsgId = UUID.randomUUID().toString();
    Api.Response first = send(staff, conversation, clientMsgId, "Hello Sam");
    assertEquals(201, first.status(), () -> String.valueOf(first.json()));
    JsonObject message = first.json().getJsonObject("message");
    assertEquals(1, message.getLong("seq"));
    assertEquals(admin, message.getLong("senderId"));
    assertEquals("admin", message.getString("senderRole"));
    assertEquals("Ada Admin", message.getString("senderName"));
    assertNotNull(message.getString("createdAt"));

    Api.Response retry = send(staff, conversation, clientMsgId, "Hello Sam");
    assertEquals(200, retry.status());
    assertEquals(message.getLong("id"), retry.json().getJsonObject("message").getLong("id"));
    assertEquals(1, messages());

    Api.Response reply = send(pupil, conversation, UUID.randomUUID().toString(), "Hi!");
    assertEquals(201, reply.status());
    assertEquals(2, reply.json().getJsonObject("message").getLong("seq"));
    assertEquals(2, messages());
  }

  @Test
  @DisplayName("R3.3: concurrent retries of one client message id store one row, and sequences stay gap-free")
  void concurrent_retries_store_one_row() {
    long conversation = open(student);
    String clientMsgId = UUID.randomUUID().toString();
    List<CompletableFuture<Api.Response>> sends = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sends.add(CompletableFuture.supplyAsync(() -> send(staff, conversation, clientMsgId, "once")));
    }
    long ids = sends.stream().map(CompletableFuture::join)
        .peek(r -> assertTrue(r.status() == 200 || r.status() == 201, () -> r.status() + " " + r.json()))
        .map(r -> r.json().getJsonObject("message").getLong("id")).distinct().count();
    assertEquals(1, ids);
    assertEquals(1, messages());
    Api.Response next = send(staff, conversation, UUID.randomUUID().toString(), "next");
    assertEquals(2, next.json().getJsonObject("message").getLong("seq"));
  }

  @Test
  @DisplayName("Bad message input is refused with a JSON error and stores nothing")
  void bad_messages_are_refused() {
    long conversation = open(student);
    String id = UUID.randomUUID().toString();
    assertError(send(staff, conversation, id, ""), 400);
    assertError(send(staff, conversation, id, "   \n  "), 400);
    assertError(send(staff, conversation, id, "x".repeat(4001)), 400);
    assertError(send(staff, conversation, "not-a-uuid", "hello"), 400);
    assertError(staff.post("/api/conversations/" + conversation + "/messages", new JsonObject().put("body", "no id")), 400);
    assertError(staff.post("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", id).put("body", 42)), 400);
    assertError(staff.postRaw("/api/conversations/" + conversation + "/messages", "{\"body\": ", "application/json"), 400);
    assertError(staff.postRaw("/api/conversations/" + conversation + "/messages", "[1,2]", "application/json"), 400);
    assertError(staff.postRaw("/api/conversations/" + conversation + "/messages", "body=hi", "text/plain"), 415);
    assertError(send(staff, 999_999, id, "hello"), 404);
    assertEquals(0, messages());
    assertEquals(0, db.queryLong("select last_seq from conversations where id = ?", conversation));

    // The limit is 4,000 characters, counted as characters, not bytes: emoji count once.
    assertEquals(201, send(staff, conversation, id, "x".repeat(4000)).status());
    assertEquals(201, send(staff, conversation, UUID.randomUUID().toString(), "😀".repeat(4000)).status());
  }

  @Test
  @DisplayName("A client message id reused for another conversation is a conflict, not a silent mix-up")
  void reusing_a_client_message_id_elsewhere_conflicts() {
    long first = open(student);
    long second = open(otherStudent);
    String id = UUID.randomUUID().toString();
    assertEquals(201, send(staff, first, id, "to Sam").status());
    assertError(send(staff, second, id, "to Olga"), 409);
    assertEquals(1, messages());
  }

  @Test
  @DisplayName("A student cannot read or write another student's conversation (404, nothing stored)")
  void students_stay_in_their_own_conversation() {
    long mine = open(student);
    long theirs = open(otherStudent);
    assertEquals(201, send(staff, theirs, UUID.randomUUID().toString(), "private to Olga").status());

    assertError(pupil.get("/api/conversations/" + theirs), 404);
    assertError(pupil.get("/api/conversations/" + theirs + "/messages"), 404);
    assertError(send(pupil, theirs, UUID.randomUUID().toString(), "let me in"), 404);
    assertEquals(1, messages());

    assertEquals(200, pupil.get("/api/conversations/" + mine).status());
    JsonObject own = pupil.get("/api/me/conversation").json().getJsonObject("conversation");
    assertEquals(mine, own.getLong("id"));
    assertError(pupil.get("/api/students"), 403);
    assertError(pupil.get("/api/classes"), 403);
  }

  @Test
  @DisplayName("Without a session every API call is 401")
  void anonymous_calls_are_refused() {
    Api anonymous = new Api(TestEnv.baseUrl());
    assertError(anonymous.get("/api/me"), 401);
    assertError(anonymous.get("/api/students"), 401);
    assertError(anonymous.post("/api/students/" + student + "/conversation", null), 401);
    assertError(anonymous.get("/api/conversations/1/messages"), 401);
    assertError(anonymous.get("/api/nothing-here"), 401);
    assertError(staff.get("/api/nothing-here"), 404);
  }

  @Test
  @DisplayName("R3.4: history comes newest page first, then older pages by cursor; catch-up after a sequence")
  void history_is_paged_by_cursor() {
    long conversation = open(student);
    for (int i = 1; i <= 120; i++) {
      assertEquals(201, (i % 2 == 0 ? pupil : staff).postPatiently("/api/conversations/" + conversation + "/messages",
          new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", "m" + i)).status());
    }
    JsonObject newest = pupil.get("/api/conversations/" + conversation + "/messages").json();
    assertSeqs(newest.getJsonArray("messages"), 71, 120);
    assertTrue(newest.getBoolean("hasMore"));

    JsonObject older = pupil.get("/api/conversations/" + conversation + "/messages?before=71&limit=50").json();
    assertSeqs(older.getJsonArray("messages"), 21, 70);
    assertTrue(older.getBoolean("hasMore"));
    JsonObject oldest = pupil.get("/api/conversations/" + conversation + "/messages?before=21").json();
    assertSeqs(oldest.getJsonArray("messages"), 1, 20);
    assertFalse(oldest.getBoolean("hasMore"));

    JsonObject after = staff.get("/api/conversations/" + conversation + "/messages?after=115").json();
    assertSeqs(after.getJsonArray("messages"), 116, 120);
    assertFalse(after.getBoolean("hasMore"));
    assertEquals("m120", after.getJsonArray("messages").getJsonObject(4).getString("body"));

    assertError(staff.get("/api/conversations/" + conversation + "/messages?limit=0"), 400);
    assertError(staff.get("/api/conversations/" + conversation + "/messages?limit=201"), 400);
    assertError(staff.get("/api/conversations/" + conversation + "/messages?before=5&after=2"), 400);
    assertError(staff.get("/api/conversations/" + conversation + "/messages?before=abc"), 400);
  }

  @Test
  @DisplayName("A body is stored exactly as written: markup stays text")
  void markup_is_stored_as_text() {
    long conversation = open(student);
    String html = "<img src=x onerror=alert(1)> & <b>bold</b>";
    assertEquals(201, send(staff, conversation, UUID.randomUUID().toString(), html).status());
    JsonObject page = pupil.get("/api/conversations/" + conversation + "/messages").json();
    assertEquals(html, page.getJsonArray("messages").getJsonObject(0).getString("body"));
  }

  static void assertSeqs(JsonArray messages, long from, long to) {
    assertEquals(to - from + 1, messages.size(), () -> messages.encode());
    for (int i = 0; i < messages.size(); i++) {
      assertEquals(from + i, messages.getJsonObject(i).getLong("seq"));
    }
  }

  static void assertError(Api.Response r, int status) {
    assertEquals(status, r.status(), () -> r.raw().body());
    assertNotNull(r.json(), "error body must be JSON");
    assertNotNull(r.json().getJsonObject("error").getString("code"));
    assertNotNull(r.json().getJsonObject("error").getString("message"));
    assertNull(r.json().getValue("message"));
  }
}
