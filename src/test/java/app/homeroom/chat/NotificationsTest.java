package app.homeroom.chat;

import app.homeroom.chat.notifications.Notifications;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** R5.1–R5.4 on the server: pending notification state, kept per student, and its authorization. */
class NotificationsTest {

  School school;

  @BeforeEach
  void setUp() {
    school = School.fresh();
  }

  JsonArray pending(Api who) {
    Api.Response r = who.get("/api/me/notifications");
    assertEquals(200, r.status(), () -> r.raw().body());
    return r.json().getJsonArray("notifications");
  }

  long say(Api who, long conversationId, String body) {
    Api.Response r = who.post("/api/conversations/" + conversationId + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
    assertEquals(201, r.status(), () -> r.raw().body());
    return r.json().getJsonObject("message").getLong("seq");
  }

  Api.Response dismiss(Api who, long conversationId, Object seq) {
    return who.post("/api/me/notifications/" + conversationId + "/dismiss", new JsonObject().put("seq", seq));
  }

  @Test
  @DisplayName("R5.1: a conversation staff started, with nothing in it yet, is a pending notification until dismissed")
  void a_started_conversation_notifies() {
    assertEquals(0, pending(school.pupil).size());
    long conversation = school.openConversation(school.student);
    JsonObject n = pending(school.pupil).getJsonObject(0);
    assertTrue(n.getBoolean("started"));
    assertEquals("Ada Admin", n.getString("startedBy"));
    assertEquals(conversation, n.getLong("conversationId"));
    assertEquals(0, n.getLong("count"));
    assertEquals(200, dismiss(school.pupil, conversation, 0).status());
    assertEquals(0, pending(school.pupil).size());
  }

  @Test
  @DisplayName("R5.3, R5.4: messages to an offline student wait for them: at login one notification says who, how many and the latest")
  void offline_messages_are_pending_at_login() {
    long conversation = school.openConversation(school.student);
    say(school.staff, conversation, "Hello Sam");
    long last = say(school.staff, conversation, "Please bring your <b>permission slip</b> tomorrow");
    JsonObject n = pending(school.pupil).getJsonObject(0);
    assertEquals(2, n.getLong("count"));
    assertEquals("Ada Admin", n.getString("latestSender"));
    assertEquals("Please bring your <b>permission slip</b> tomorrow", n.getString("latestExcerpt"), "text, as written");
    assertEquals(last, n.getLong("latestSeq"));

    // Reading the chat clears it, everywhere (the state is on the server).
    assertEquals(200, school.pupil.post("/api/conversations/" + conversation + "/read", new JsonObject().put("seq", last)).status());
    assertEquals(0, pending(school.pupil).size());
    say(school.pupil, conversation, "Will do!");
    assertEquals(0, pending(school.pupil).size(), "the student's own message is no notification");
  }

  @Test
  @DisplayName("R5.4: dismissing hides a notification until a newer staff message; the count stays what is unread")
  void dismissing_holds_until_something_new() {
    long conversation = school.openConversation(school.student);
    long first = say(school.staff, conversation, "One");
    assertEquals(200, dismiss(school.pupil, conversation, first).status());
    assertEquals(0, pending(school.pupil).size());
    say(school.staff, conversation, "Two");
    JsonObject n = pending(school.pupil).getJsonObject(0);
    assertEquals(2, n.getLong("count"), "both are still unread");
    assertEquals("Two", n.getString("latestExcerpt"));
    assertEquals(200, dismiss(school.pupil, conversation, first).status(), "an older dismissal changes nothing");
    assertEquals(1, pending(school.pupil).size());
  }

  @Test
  @DisplayName("Dismissing what is not yours or does not exist is refused and changes nothing")
  void bad_dismissals_are_refused() {
    long mine = school.openConversation(school.student);
    long theirs = school.openConversation(school.otherStudent);
    say(school.staff, theirs, "For Olga");
    say(school.staff, mine, "For Sam");
    assertEquals(404, dismiss(school.pupil, theirs, 1).status());
    assertEquals(404, dismiss(school.pupil, 987_654, 1).status());
    assertEquals(400, dismiss(school.pupil, mine, 5).status(), "beyond the last message");
    assertEquals(400, dismiss(school.pupil, mine, -1).status());
    assertEquals(400, dismiss(school.pupil, mine, "x").status());
    assertEquals(403, dismiss(school.staff, mine, 1).status());
    assertEquals(403, school.staff.get("/api/me/notifications").status());
    assertEquals(1, pending(school.pupil).size());
    Api olga = Api.signedIn("olga@test.school", School.PASSWORD);
    assertEquals(1, pending(olga).size(), "Olga's notification untouched");
  }

  @Test
  @DisplayName("R5.2, R5.4: every tab hears notification.changed when staff write and when the student reads")
  void tabs_hear_changes() throws Exception {
    long conversation = school.openConversation(school.student);
    try (SockJsClient tab = studentTab()) {
      // Prove the registration live before asserting on content.
      String probe = "probe";
      say(school.staff, conversation, probe);
      tab.await(f -> notificationChange(f), 5_000);
      long seq = say(school.staff, conversation, "x".repeat(300));
      JsonObject changed = tab.await(f -> notificationChange(f)
          && f.getJsonObject("body").getJsonArray("notifications").getJsonObject(0).getLong("count") == 2, 5_000);
      String excerpt = changed.getJsonObject("body").getJsonArray("notifications").getJsonObject(0).getString("latestExcerpt");
      assertEquals(Notifications.EXCERPT_CHARS, excerpt.codePointCount(0, excerpt.length()), "a long message is cut");
      assertTrue(excerpt.endsWith("…"));

      school.pupil.post("/api/conversations/" + conversation + "/read", new JsonObject().put("seq", seq));
      tab.await(f -> notificationChange(f)
          && f.getJsonObject("body").getJsonArray("notifications").isEmpty(), 5_000);
    }
  }

  @Test
  @DisplayName("R5.2, issue 9: what a staff message pushes is what the student would be answered, in every state")
  void pushed_after_a_staff_message_equals_the_stored_state() throws Exception {
    long conversation = school.openConversation(school.student);
    try (SockJsClient tab = studentTab()) {
      long first = sayAndCompare(tab, conversation, "First");
      sayAndCompare(tab, conversation, "Second, with   spaces\nand a line");
      // The student reads part of it, writes, and staff write again: only what is past the read mark counts.
      assertEquals(200, school.pupil.post("/api/conversations/" + conversation + "/read",
          new JsonObject().put("seq", first)).status());
      say(school.pupil, conversation, "A question");
      sayAndCompare(tab, conversation, "x".repeat(300));
      // Dismissed, then a newer staff message: pending again, with the whole unread count.
      long dismissedAt = sayAndCompare(tab, conversation, "Before dismissing");
      assertEquals(200, dismiss(school.pupil, conversation, dismissedAt).status());
      sayAndCompare(tab, conversation, "After dismissing");
      // Closed, then reopened by a staff message (the send's reopening path).
      assertEquals(200, school.staff.post("/api/conversations/" + conversation + "/close", new JsonObject()).status());
      sayAndCompare(tab, conversation, "Reopening");
      // Another admin writes: the latest sender is theirs.
      school.db.createAdmin("Ben Admin", "ben@test.school", School.PASSWORD);
      Api other = Api.signedIn("ben@test.school", School.PASSWORD);
      sayAndCompare(tab, conversation, "From someone else", other);
    }
  }

  @Test
  @DisplayName("R5.2, issue 30: the unread count, kept without reading the messages past the mark, is always the"
      + " staff messages past it, counted row by row: through the student's own messages, closes, reopens and reads")
  void the_unread_count_equals_the_rows() {
    long conversation = school.openConversation(school.student);
    java.util.List<Runnable> steps = java.util.List.of(
        () -> say(school.staff, conversation, "staff"),
        () -> say(school.pupil, conversation, "student"),
        () -> school.staff.post("/api/conversations/" + conversation + "/close", new JsonObject()),
        () -> school.staff.post("/api/conversations/" + conversation + "/reopen", new JsonObject()),
        () -> school.pupil.post("/api/conversations/" + conversation + "/read", new JsonObject().put("seq",
            school.db.queryLong("select last_seq from conversations where id = ?", conversation))),
        () -> school.pupil.post("/api/conversations/" + conversation + "/read", new JsonObject().put("seq",
            Math.max(1, school.db.queryLong("select last_seq - 2 from conversations where id = ?", conversation)))));
    java.util.Random random = new java.util.Random(30);
    for (int i = 0; i < 40; i++) {
      steps.get(random.nextInt(steps.size())).run();
      long rows = school.db.queryLong("""
          select count(*) from messages m join conversations c on c.id = m.conversation_id
            left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
           where c.id = ? and m.kind = 'message' and m.sender_id <> c.student_id and m.seq > coalesce(cr.read_seq, 0)""",
          conversation);
      JsonArray list = pending(school.pupil);
      long counted = list.isEmpty() ? 0 : list.getJsonObject(0).getLong("count");
      if (!list.isEmpty() || rows == 0) {
        assertEquals(rows, counted, "after step " + i);
      }
    }
  }

  /** A tab of the student's, listening on their inbox. */
  private SockJsClient studentTab() throws Exception {
    int port = TestEnv.node().httpPort();
    SockJsClient tab = SockJsClient.connect(port, school.pupil.sessionCookie(), "http://localhost:" + port);
    tab.register("user." + school.student);
    // The socket's frames are handled in order: once this request is answered, the register before it has been too.
    assertEquals("rec", tab.call("chat.notifications.list", new JsonObject()).getString("type"));
    tab.drain();
    return tab;
  }

  private static boolean notificationChange(JsonObject frame) {
    return frame.getJsonObject("body") != null && "notification.changed".equals(frame.getJsonObject("body").getString("type"));
  }

  private long sayAndCompare(SockJsClient tab, long conversation, String body) throws Exception {
    return sayAndCompare(tab, conversation, body, school.staff);
  }

  /** Staff write; the notification.changed for that message must equal GET /api/me/notifications just after. */
  private long sayAndCompare(SockJsClient tab, long conversation, String body, Api staff) throws Exception {
    long seq = say(staff, conversation, body);
    JsonObject pushed = tab.await(f -> notificationChange(f)
        && !f.getJsonObject("body").getJsonArray("notifications").isEmpty()
        && f.getJsonObject("body").getJsonArray("notifications").getJsonObject(0).getLong("latestSeq") == seq, 5_000);
    assertEquals(pending(school.pupil), pushed.getJsonObject("body").getJsonArray("notifications"), "after \"" + body + "\"");
    return seq;
  }
}
