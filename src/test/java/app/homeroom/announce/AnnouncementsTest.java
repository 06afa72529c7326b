package app.homeroom.announce;

import app.homeroom.support.Api;
import app.homeroom.support.LiveClients;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 28, points 1 and 2 on the server: class announcements, their progress, nudges, and acknowledgements. */
class AnnouncementsTest {

  static final String TRIP = "The museum trip is on Friday: bring the signed form and a packed lunch.";

  School school;
  long maya;
  long noah;
  Api mayaApi;
  final LiveClients live = new LiveClients();

  @BeforeEach
  void setUp() {
    school = School.fresh();
    maya = school.db.createStudent("Maya Moss", "maya@test.school", "R-003", "7A", School.PASSWORD);
    noah = school.db.createStudent("Noah North", "noah@test.school", "R-004", "7A", School.PASSWORD);
    mayaApi = Api.signedIn("maya@test.school", School.PASSWORD);
  }

  @AfterEach
  void closeClients() {
    live.close();
  }

  static JsonObject draft(UUID clientId, String body, boolean needsAck, List<String> classes, List<Long> students) {
    return new JsonObject().put("clientId", clientId.toString()).put("body", body).put("needsAck", needsAck)
        .put("classes", new JsonArray(classes)).put("studentIds", new JsonArray(students));
  }

  Api.Response announce(Api who, JsonObject draft) {
    return who.post("/api/announcements", draft);
  }

  long count(String sql, Object... params) {
    return school.db.queryLong(sql, params);
  }

  SockJsClient listening(Api who, String inbox) throws Exception {
    SockJsClient client = live.connect(who);
    client.register(inbox);
    // Answered after the registration: from here on, events on the inbox reach this client.
    client.call("chat.notifications.list", new JsonObject());
    return client;
  }

  SockJsClient staffListening(String inbox) throws Exception {
    SockJsClient client = live.connect(school.staff);
    client.register(inbox);
    long any = school.openConversation(school.otherStudent);
    client.call("chat.typing", new JsonObject().put("conversationId", any));
    return client;
  }

  static boolean event(JsonObject frame, String type) {
    JsonObject b = frame.getJsonObject("body");
    return b != null && type.equals(b.getString("type"));
  }

  @Test
  @DisplayName("Issue 28.1: an announcement to a class lands in each student's own conversation (created, or reopened"
      + " when closed), live, once per clientId, with progress delivered / read / acknowledged of total")
  void a_class_announcement_reaches_each_student_privately() throws Exception {
    long samConversation = school.openConversation(school.student);
    assertEquals(200, school.staff.post("/api/conversations/" + samConversation + "/close", new JsonObject()).status());
    SockJsClient mayaLive = listening(mayaApi, "user." + maya);
    SockJsClient samLive = listening(school.pupil, "user." + school.student);
    SockJsClient staffLive = staffListening("role.admin");

    UUID clientId = UUID.randomUUID();
    Api.Response sent = announce(school.staff, draft(clientId, TRIP, true, List.of("7A"), List.of()));
    assertEquals(201, sent.status(), () -> sent.raw().body());
    JsonObject a = sent.json().getJsonObject("announcement");
    assertEquals(3, a.getInteger("total"), "Sam, Maya and Noah are in 7A; Olga is not");
    assertEquals(0, a.getLong("read"));
    assertEquals(0, a.getLong("acknowledged"));
    assertTrue(a.getBoolean("needsAck"));
    long id = a.getLong("id");

    // One message in each of their own conversations; Olga (7B) has none; Maya's and Noah's were created for it.
    for (long student : new long[] {school.student, maya, noah}) {
      assertEquals(1, count("select count(*) from messages m join conversations c on c.id = m.conversation_id"
          + " where c.student_id = ? and m.announcement_id = ? and m.needs_ack and m.body = ?", student, id, TRIP));
    }
    assertEquals(0, count("select count(*) from messages m join conversations c on c.id = m.conversation_id"
        + " where c.student_id = ? and m.announcement_id is not null", school.otherStudent));
    // Sam's closed conversation is active again, with a "reopened" entry just before the announcement (R6.3).
    assertEquals("active", school.db.queryString("select status from conversations where id = ?", samConversation));
    assertEquals("reopened", school.db.queryString("select kind from messages where conversation_id = ? and seq ="
        + " (select last_seq - 1 from conversations where id = ?)", samConversation, samConversation));

    // Live: Maya's copy on her inbox (with what she needs to acknowledge it), her notification, and the staff's list.
    JsonObject created = mayaLive.await(f -> event(f, "chat.message.created"), 5_000).getJsonObject("body");
    JsonObject copy = created.getJsonObject("message");
    assertEquals(TRIP, copy.getString("body"));
    assertEquals(id, copy.getLong("announcementId"));
    assertTrue(copy.getBoolean("needsAck"));
    assertNull(copy.getString("acknowledgedAt"));
    JsonObject notified = mayaLive.await(f -> event(f, "notification.changed"), 5_000).getJsonObject("body");
    assertEquals(1, notified.getJsonArray("notifications").getJsonObject(0).getLong("count"));
    // The same count the notifications query makes; Sam's counts the "reopened" entry out, as a status entry.
    assertEquals(1, mayaApi.get("/api/me/notifications").json().getJsonArray("notifications").getJsonObject(0)
        .getLong("count"));
    assertEquals(1, samLive.await(f -> event(f, "notification.changed"), 5_000).getJsonObject("body")
        .getJsonArray("notifications").getJsonObject(0).getLong("count"), "the reopened entry is not a message");
    assertEquals(1, school.pupil.get("/api/me/notifications").json().getJsonArray("notifications").getJsonObject(0)
        .getLong("count"));
    JsonObject changed = staffLive.await(f -> event(f, "announcement.changed"), 5_000).getJsonObject("body");
    assertEquals(id, changed.getJsonObject("announcement").getLong("id"));

    // A retry of the same announcement stores nothing more.
    Api.Response again = announce(school.staff, draft(clientId, TRIP, true, List.of("7A"), List.of()));
    assertEquals(200, again.status());
    assertTrue(again.json().getBoolean("duplicate"));
    assertEquals(id, again.json().getJsonObject("announcement").getLong("id"));
    assertEquals(3, count("select count(*) from messages where announcement_id = ?", id));
    assertEquals(1, count("select count(*) from audit_events where action = 'announcement.sent' and target_id = ?", id));

    // Maya reads it and acknowledges it: the progress and the list of who is behind follow.
    long mayaConversation = copy.getLong("conversationId");
    assertEquals(200, mayaApi.post("/api/conversations/" + mayaConversation + "/read",
        new JsonObject().put("seq", copy.getLong("seq"))).status());
    Api.Response ack = mayaApi.post("/api/messages/" + copy.getLong("id") + "/acknowledgement", null);
    assertEquals(200, ack.status(), () -> ack.raw().body());
    String at = ack.json().getString("acknowledgedAt");
    assertNotNull(at);
    JsonObject acknowledged = staffLive.await(f -> event(f, "chat.message.acknowledged"), 5_000).getJsonObject("body");
    assertEquals(copy.getLong("id"), acknowledged.getLong("messageId"));
    assertEquals(id, acknowledged.getLong("announcementId"));
    assertEquals(maya, acknowledged.getLong("studentId"));
    // A second press answers the first; the record cannot be changed or withdrawn.
    Api.Response twice = mayaApi.post("/api/messages/" + copy.getLong("id") + "/acknowledgement", null);
    assertEquals(at, twice.json().getString("acknowledgedAt"));
    assertTrue(twice.json().getBoolean("duplicate"));
    assertThrows(IllegalStateException.class, () -> school.db.exec("delete from acknowledgements"));
    assertThrows(IllegalStateException.class, () -> school.db.exec("update acknowledgements set acknowledged_at = now()"));
    assertEquals(1, count("select count(*) from acknowledgements"));

    JsonObject detail = school.staff.get("/api/announcements/" + id).json();
    JsonObject progress = detail.getJsonObject("announcement");
    assertEquals(3, progress.getInteger("total"));
    assertEquals(1, progress.getLong("read"));
    assertEquals(1, progress.getLong("acknowledged"));
    JsonArray recipients = detail.getJsonArray("recipients");
    assertEquals(3, recipients.size());
    for (Object o : recipients) {
      JsonObject r = (JsonObject) o;
      boolean isMaya = r.getLong("studentId") == maya;
      assertEquals(isMaya, r.getBoolean("read"), r.encode());
      assertEquals(isMaya, r.getString("acknowledgedAt") != null, r.encode());
    }
    // Her history shows it acknowledged.
    JsonArray history = mayaApi.get("/api/conversations/" + mayaConversation + "/messages").json().getJsonArray("messages");
    assertEquals(at, history.getJsonObject(history.size() - 1).getString("acknowledgedAt"));
    // The list shows the same progress.
    JsonObject listed = school.staff.get("/api/announcements").json().getJsonArray("announcements").getJsonObject(0);
    assertEquals(1, listed.getLong("acknowledged"));
  }

  @Test
  @DisplayName("Issue 28.2: nudging reminds only those who have not acknowledged, at most once in ten minutes; a"
      + " reminder does not count as a copy")
  void nudge_reminds_those_behind() {
    Api.Response sent = announce(school.staff, draft(UUID.randomUUID(), TRIP, true, List.of(), List.of(maya, noah)));
    assertEquals(201, sent.status(), () -> sent.raw().body());
    long id = sent.json().getJsonObject("announcement").getLong("id");
    assertEquals(2, sent.json().getJsonObject("announcement").getInteger("total"));
    long mayaCopy = school.db.queryLong("select m.id from messages m join conversations c on c.id = m.conversation_id"
        + " where c.student_id = ? and m.announcement_id = ?", maya, id);
    assertEquals(200, mayaApi.post("/api/messages/" + mayaCopy + "/acknowledgement", null).status());

    Api.Response nudged = school.staff.post("/api/announcements/" + id + "/nudge", null);
    assertEquals(200, nudged.status(), () -> nudged.raw().body());
    assertEquals(1, nudged.json().getInteger("nudged"));
    assertEquals(1, count("select count(*) from messages m join conversations c on c.id = m.conversation_id"
        + " where c.student_id = ? and m.body like 'Reminder:%'", noah));
    assertEquals(0, count("select count(*) from messages m join conversations c on c.id = m.conversation_id"
        + " where c.student_id = ? and m.body like 'Reminder:%'", maya));
    assertEquals(2, count("select count(*) from messages where announcement_id = ?", id));
    assertEquals(1, count("select count(*) from audit_events where action = 'announcement.nudged' and target_id = ?", id));
    Api.Response soon = school.staff.post("/api/announcements/" + id + "/nudge", null);
    assertEquals(409, soon.status());
    assertEquals(1, count("select count(*) from messages where body like 'Reminder:%'"));
  }

  @Test
  @DisplayName("Issue 28.1/28.2: bad input is a 4xx naming the problem and writes nothing")
  void bad_input_writes_nothing() {
    assertEquals(400, announce(school.staff, draft(UUID.randomUUID(), "   ", false, List.of("7A"), List.of())).status());
    assertEquals(400, announce(school.staff, draft(UUID.randomUUID(), TRIP, false, List.of(), List.of())).status());
    Api.Response unknown = announce(school.staff, draft(UUID.randomUUID(), TRIP, false, List.of("7A", "9Z"), List.of()));
    assertEquals(400, unknown.status());
    assertTrue(unknown.json().getJsonObject("error").getString("message").contains("9Z"));
    // Olga is in 7B: hand-picked "from 7A", she is refused by name, and nobody gets it.
    Api.Response outside = announce(school.staff, draft(UUID.randomUUID(), TRIP, false, List.of("7A"),
        List.of(maya, school.otherStudent)));
    assertEquals(400, outside.status());
    assertTrue(outside.json().getJsonObject("error").getString("message").contains("Olga Other"));
    assertEquals(400, announce(school.staff, draft(UUID.randomUUID(), TRIP, false, List.of(), List.of(school.admin))).status());
    assertEquals(400, announce(school.staff, new JsonObject().put("clientId", "nope").put("body", TRIP)
        .put("classes", new JsonArray().add("7A"))).status());
    assertEquals(400, announce(school.staff, new JsonObject().put("clientId", UUID.randomUUID().toString())
        .put("body", TRIP).put("classes", "7A")).status());
    assertEquals(400, announce(school.staff, draft(UUID.randomUUID(), "x".repeat(4001), false, List.of("7A"), List.of()))
        .status());
    assertEquals(403, announce(school.pupil, draft(UUID.randomUUID(), TRIP, false, List.of("7A"), List.of())).status());
    assertEquals(0, count("select count(*) from announcements"));
    assertEquals(0, count("select count(*) from messages"));
    assertEquals(0, count("select count(*) from conversations"));

    assertEquals(404, school.staff.get("/api/announcements/999999").status());
    assertEquals(404, school.staff.post("/api/announcements/999999/nudge", null).status());
    assertEquals(403, school.pupil.get("/api/announcements").status());

    // Acknowledging: only a message that asks for it, only one's own.
    Api.Response plain = announce(school.staff, draft(UUID.randomUUID(), "No school on Monday", false, List.of(),
        List.of(maya)));
    long plainCopy = school.db.queryLong("select id from messages where announcement_id = ?",
        plain.json().getJsonObject("announcement").getLong("id"));
    assertEquals(400, mayaApi.post("/api/messages/" + plainCopy + "/acknowledgement", null).status());
    assertEquals(404, school.pupil.post("/api/messages/" + plainCopy + "/acknowledgement", null).status());
    assertEquals(403, school.staff.post("/api/messages/" + plainCopy + "/acknowledgement", null).status());
    assertEquals(0, count("select count(*) from acknowledgements"));
    assertFalse(school.staff.get("/api/announcements").json().getJsonArray("announcements").isEmpty());
  }

  @Test
  @DisplayName("Issue 28.2: staff mark a single message \"needs acknowledgement\"; the student acknowledges it over REST"
      + " and the staff see it live; students cannot ask it, and a bad flag is a 400 that stores nothing")
  void a_single_message_can_ask_for_acknowledgement() throws Exception {
    long conversation = school.openConversation(school.student);
    SockJsClient staffLive = staffListening("role.admin");
    Api.Response sent = school.staff.post("/api/conversations/" + conversation + "/messages", new JsonObject()
        .put("clientMsgId", UUID.randomUUID().toString()).put("body", "Timetable change: PE moves to Thursday")
        .put("needsAck", true));
    assertEquals(201, sent.status(), () -> sent.raw().body());
    JsonObject message = sent.json().getJsonObject("message");
    assertTrue(message.getBoolean("needsAck"));
    assertNull(message.getLong("announcementId"));
    // An ordinary message does not ask.
    Api.Response plain = school.staff.post("/api/conversations/" + conversation + "/messages", new JsonObject()
        .put("clientMsgId", UUID.randomUUID().toString()).put("body", "See you then"));
    assertFalse(plain.json().getJsonObject("message").getBoolean("needsAck"));

    Api.Response ack = school.pupil.post("/api/messages/" + message.getLong("id") + "/acknowledgement", null);
    assertEquals(200, ack.status(), () -> ack.raw().body());
    JsonObject live = staffLive.await(f -> event(f, "chat.message.acknowledged"), 5_000).getJsonObject("body");
    assertEquals(message.getLong("id"), live.getLong("messageId"));
    assertNull(live.getLong("announcementId"));

    assertEquals(400, school.pupil.post("/api/conversations/" + conversation + "/messages", new JsonObject()
        .put("clientMsgId", UUID.randomUUID().toString()).put("body", "me too").put("needsAck", true)).status());
    assertEquals(400, school.staff.post("/api/conversations/" + conversation + "/messages", new JsonObject()
        .put("clientMsgId", UUID.randomUUID().toString()).put("body", "odd flag").put("needsAck", "yes")).status());
    assertEquals(2, count("select count(*) from messages where conversation_id = ?", conversation));
    assertEquals(1, count("select count(*) from messages where needs_ack"));
  }
}
