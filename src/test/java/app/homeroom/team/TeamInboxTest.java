package app.homeroom.team;

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

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 27 on the server: private notes (point 3), assignment (point 1), who is viewing (point 2), saved replies (point 4). */
class TeamInboxTest {

  static final String SECRET = "Sam's guardian called: custody arrangement changed";

  School school;
  long conversation;
  long grace;
  Api graceApi;
  final LiveClients live = new LiveClients();

  @BeforeEach
  void setUp() {
    school = School.fresh();
    grace = school.db.createAdmin("Grace Admin", "grace@test.school", School.PASSWORD);
    graceApi = Api.signedIn("grace@test.school", School.PASSWORD);
    conversation = school.openConversation(school.student);
  }

  @AfterEach
  void closeClients() {
    live.close();
  }

  SockJsClient connect(Api who) throws Exception {
    return live.connect(who);
  }

  /**
   * A bridge client of {@code who} registered on {@code inbox}, once the registration is in place (the bridge has
   * answered a command after it).
   */
  SockJsClient listening(Api who, String inbox) throws Exception {
    SockJsClient client = connect(who);
    client.register(inbox);
    client.call("chat.typing", new JsonObject().put("conversationId", conversation));
    return client;
  }

  static boolean event(JsonObject frame, String type) {
    JsonObject b = frame.getJsonObject("body");
    return b != null && type.equals(b.getString("type"));
  }

  static boolean mentions(JsonObject frame, String text) {
    return frame.encode().contains(text);
  }

  void say(Api who, String body) {
    Api.Response r = who.postPatiently("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
    assertEquals(201, r.status(), () -> r.raw().body());
  }

  Api.Response note(Api who, UUID clientId, Object body) {
    return who.post("/api/conversations/" + conversation + "/notes",
        new JsonObject().put("clientId", clientId.toString()).put("body", body));
  }

  Api.Response assign(Api who, Long assignee) {
    return who.put("/api/conversations/" + conversation + "/assignee", new JsonObject().put("assigneeId", assignee));
  }

  JsonObject team(Api who) {
    Api.Response r = who.get("/api/conversations/" + conversation + "/team");
    assertEquals(200, r.status(), () -> r.raw().body());
    return r.json();
  }

  @Test
  @DisplayName("Issue 27.3: a private note reaches the staff live and is idempotent; the student cannot reach it by any"
      + " REST or bridge path: not live, not in history, catch-up, search, notifications or unread")
  void a_private_note_never_reaches_the_student() throws Exception {
    say(school.staff, "Hello Sam, how was the trip?");
    say(school.pupil, "Great thanks");
    SockJsClient graceLive = listening(graceApi, "role.admin");
    SockJsClient samLive = listening(school.pupil, "user." + school.student);
    long seqBefore = school.db.queryLong("select last_seq from conversations where id = ?", conversation);

    UUID clientId = UUID.randomUUID();
    Api.Response added = note(school.staff, clientId, SECRET);
    assertEquals(201, added.status(), () -> added.raw().body());
    JsonObject entry = added.json().getJsonObject("entry");
    assertEquals("note", entry.getString("kind"));
    assertEquals(SECRET, entry.getString("body"));
    assertEquals(school.admin, entry.getJsonObject("author").getLong("id"));
    assertEquals(2, entry.getLong("afterSeq"), "placed after the last message");
    // A retry with the same client id stores nothing new.
    Api.Response again = note(school.staff, clientId, SECRET);
    assertEquals(200, again.status());
    assertTrue(again.json().getBoolean("duplicate"));
    assertEquals(entry.getLong("id"), again.json().getJsonObject("entry").getLong("id"));
    assertEquals(1, school.db.queryLong("select count(*) from staff_entries where kind = 'note'"));

    // Staff: live on the admin inbox, and in the conversation's staff entries.
    JsonObject live = graceLive.await(f -> event(f, "team.entry.created"), 5_000).getJsonObject("body");
    assertEquals(conversation, live.getLong("conversationId"));
    assertEquals(SECRET, live.getJsonObject("entry").getString("body"));
    JsonArray entries = team(graceApi).getJsonArray("entries");
    assertEquals(1, entries.size());
    assertEquals(SECRET, entries.getJsonObject(0).getString("body"));

    // The student: nothing on their inbox, ...
    assertTrue(samLive.nothingMatching(f -> mentions(f, "custody"), 1_500), "the note reached the student's socket");
    // ... the timeline's sequence did not move (nothing to catch up on, no gap), ...
    assertEquals(seqBefore, school.db.queryLong("select last_seq from conversations where id = ?", conversation));
    // ... not in history or catch-up, over REST or the bridge, ...
    String history = school.pupil.get("/api/conversations/" + conversation + "/messages?limit=200").raw().body();
    assertFalse(history.contains("custody"), history);
    String catchUp = school.pupil.get("/api/conversations/" + conversation + "/messages?after=0").raw().body();
    assertFalse(catchUp.contains("custody"), catchUp);
    String mine = school.pupil.get("/api/me/conversation").raw().body();
    assertFalse(mine.contains("custody"), mine);
    JsonObject fetched = samLive.call("chat.messages.fetch", new JsonObject().put("conversationId", conversation));
    assertFalse(mentions(fetched, "custody"), fetched.encode());
    assertEquals(2, fetched.getJsonObject("body").getJsonArray("messages").size());
    JsonObject caughtUp = samLive.call("chat.messages.fetch",
        new JsonObject().put("conversationId", conversation).put("after", 0));
    assertFalse(mentions(caughtUp, "custody"), caughtUp.encode());
    // ... not in search (the staff's neither: notes are not messages), ...
    Api.Response search = school.pupil.getPatiently("/api/search?q=custody");
    assertEquals(200, search.status());
    assertEquals(0, search.json().getJsonArray("results").size(), search.raw().body());
    assertEquals(0, school.staff.getPatiently("/api/search?q=custody").json().getJsonArray("results").size());
    assertEquals(1, school.pupil.getPatiently("/api/search?q=trip").json().getJsonArray("results").size(),
        "the same search finds the messages");
    // ... not counted as unread or notified.
    JsonArray notifications = school.pupil.get("/api/me/notifications").json().getJsonArray("notifications");
    assertFalse(notifications.encode().contains("custody"));
    assertEquals(1, notifications.isEmpty() ? 1 : notifications.getJsonObject(0).getLong("unread"),
        "only the staff message counts: " + notifications.encode());
    // ... and the team routes refuse a student outright.
    assertEquals(403, school.pupil.get("/api/conversations/" + conversation + "/team").status());
    assertEquals(403, note(school.pupil, UUID.randomUUID(), "a student cannot write one").status());
    assertEquals(0, school.db.queryLong("select count(*) from staff_entries where author_id = ?", school.student));
  }

  @Test
  @DisplayName("Issue 27.3: a bad note is a 400 and writes nothing; a note to no conversation is a 404")
  void bad_notes_write_nothing() {
    assertEquals(400, note(school.staff, UUID.randomUUID(), "   ").status());
    assertEquals(400, note(school.staff, UUID.randomUUID(), "x".repeat(4001)).status());
    assertEquals(400, note(school.staff, UUID.randomUUID(), "bell \u0007").status());
    assertEquals(400, school.staff.post("/api/conversations/" + conversation + "/notes",
        new JsonObject().put("clientId", "not-a-uuid").put("body", "hi")).status());
    assertEquals(404, school.staff.post("/api/conversations/999999/notes",
        new JsonObject().put("clientId", UUID.randomUUID().toString()).put("body", "hi")).status());
    assertEquals(0, school.db.queryLong("select count(*) from staff_entries"));
  }

  @Test
  @DisplayName("Issue 27.1: assigning, reassigning and unassigning write a timeline entry and an audit entry each,"
      + " live to the staff; the same assignment twice writes one; the roster filters Mine / Unassigned / All")
  void assignment_is_recorded_and_filters_the_roster() throws Exception {
    SockJsClient graceLive = listening(graceApi, "role.admin");
    SockJsClient samLive = listening(school.pupil, "user." + school.student);

    Api.Response toGrace = assign(school.staff, grace);
    assertEquals(200, toGrace.status(), () -> toGrace.raw().body());
    assertEquals(grace, toGrace.json().getJsonObject("assignee").getLong("id"));
    assertEquals("Grace Admin", toGrace.json().getJsonObject("assignee").getString("name"));
    JsonObject entry = toGrace.json().getJsonObject("entry");
    assertEquals("assigned", entry.getString("kind"));
    assertEquals(school.admin, entry.getJsonObject("author").getLong("id"));
    assertEquals(grace, entry.getJsonObject("assignee").getLong("id"));
    JsonObject live = graceLive.await(f -> event(f, "team.entry.created"), 5_000).getJsonObject("body");
    assertEquals(grace, live.getJsonObject("assignee").getLong("id"));
    assertEquals(school.student, live.getLong("studentId"));

    // Assigning the same admin again, ten times at once, changes nothing and writes nothing.
    List<CompletableFuture<Api.Response>> racing = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      racing.add(CompletableFuture.supplyAsync(() -> assign(graceApi, grace)));
    }
    racing.forEach(f -> {
      assertEquals(200, f.join().status());
      assertNull(f.join().json().getValue("entry"));
    });
    assertEquals(1, school.db.queryLong("select count(*) from staff_entries where kind = 'assigned'"));

    // The roster: Grace's "Mine" holds Sam, Ada's does not; "Unassigned" holds Olga only.
    assertEquals(List.of(school.student), ids(graceApi.get("/api/students?assigned=mine")));
    assertEquals(List.of(), ids(school.staff.get("/api/students?assigned=mine")));
    assertEquals(List.of(school.otherStudent), ids(school.staff.get("/api/students?assigned=none")));
    assertEquals(2, ids(school.staff.get("/api/students?assigned=all")).size());
    JsonObject samRow = school.staff.get("/api/students").json().getJsonArray("students").stream()
        .map(JsonObject.class::cast).filter(s -> s.getLong("id") == school.student).findFirst().orElseThrow();
    assertEquals("Grace Admin", samRow.getJsonObject("assignee").getString("name"));
    assertEquals(400, school.staff.get("/api/students?assigned=someone").status());

    Api.Response toAda = assign(graceApi, school.admin);
    assertEquals("assigned", toAda.json().getJsonObject("entry").getString("kind"));
    Api.Response none = assign(school.staff, null);
    assertEquals(200, none.status());
    assertNull(none.json().getValue("assignee"));
    assertEquals("unassigned", none.json().getJsonObject("entry").getString("kind"));
    assertNull(assign(school.staff, null).json().getValue("entry"), "unassigning twice writes one entry");

    JsonArray entries = team(school.staff).getJsonArray("entries");
    assertEquals(List.of("unassigned", "assigned", "assigned"),
        entries.stream().map(e -> ((JsonObject) e).getString("kind")).toList());
    assertEquals(List.of("conversation.assigned", "conversation.assigned", "conversation.unassigned"),
        school.db.queryStrings("select action from audit_events where action like 'conversation.%assigned' order by id"));

    // Who may be assigned, and who may assign.
    assertEquals(400, assign(school.staff, school.student).status(), "a student is not staff");
    assertEquals(400, assign(school.staff, 999_999L).status());
    assertEquals(403, assign(school.pupil, school.admin).status());
    assertEquals(404, school.staff.put("/api/conversations/999999/assignee",
        new JsonObject().put("assigneeId", grace)).status());
    assertEquals(3, school.db.queryLong("select count(*) from staff_entries"));
    // The student heard none of it.
    assertTrue(samLive.nothingMatching(f -> event(f, "team.entry.created") || mentions(f, "assign"), 1_000));
  }

  private static List<Long> ids(Api.Response r) {
    assertEquals(200, r.status(), () -> r.raw().body());
    return r.json().getJsonArray("students").stream().map(s -> ((JsonObject) s).getLong("id")).toList();
  }

  @Test
  @DisplayName("Issue 27.2: who is viewing a conversation reaches the other staff, never the student; a student may not say it")
  void viewing_reaches_staff_only() throws Exception {
    SockJsClient ada = connect(school.staff);
    SockJsClient graceLive = listening(graceApi, "role.admin");
    SockJsClient samLive = listening(school.pupil, "user." + school.student);

    JsonObject reply = ada.call("team.viewing", new JsonObject().put("conversationId", conversation));
    assertNull(reply.getValue("failureCode"), reply.encode());
    JsonObject viewing = graceLive.await(f -> event(f, "team.viewing"), 5_000).getJsonObject("body");
    assertEquals(school.admin, viewing.getLong("userId"));
    assertEquals("Ada Admin", viewing.getString("name"));
    assertEquals(school.student, viewing.getLong("studentId"));
    assertTrue(viewing.getLong("expiresInMs") > 0);
    ada.call("team.viewing", new JsonObject().put("conversationId", conversation).put("state", "left"));
    JsonObject left = graceLive.await(f -> event(f, "team.viewing") && f.getJsonObject("body").getLong("expiresInMs") == 0,
        5_000);
    assertNotNull(left);

    JsonObject refused = samLive.call("team.viewing", new JsonObject().put("conversationId", conversation));
    assertEquals(403, refused.getInteger("failureCode"), refused.encode());
    JsonObject bad = ada.call("team.viewing", new JsonObject().put("conversationId", conversation).put("state", "dancing"));
    assertEquals(400, bad.getInteger("failureCode"), bad.encode());
    assertTrue(samLive.nothingMatching(f -> event(f, "team.viewing"), 1_000));
  }

  @Test
  @DisplayName("Issue 27.4: staff share saved replies (create, change, remove, each audited); bad input is a 4xx")
  void saved_replies() {
    Api.Response created = school.staff.post("/api/saved-replies", new JsonObject()
        .put("title", "  Trip form reminder ").put("body", "Hi {student.first_name}, please bring the trip form for {student.class}."));
    assertEquals(201, created.status(), () -> created.raw().body());
    long id = created.json().getLong("id");
    assertEquals("Trip form reminder", created.json().getString("title"));
    // Shared: Grace sees Ada's.
    JsonArray list = graceApi.get("/api/saved-replies").json().getJsonArray("savedReplies");
    assertEquals(1, list.size());
    assertEquals("Ada Admin", list.getJsonObject(0).getJsonObject("updatedBy").getString("name"));

    Api.Response changed = graceApi.put("/api/saved-replies/" + id,
        new JsonObject().put("title", "Trip form").put("body", "Hello {student.first_name}!"));
    assertEquals(200, changed.status(), () -> changed.raw().body());
    assertEquals("Grace Admin", changed.json().getJsonObject("updatedBy").getString("name"));

    assertEquals(409, school.staff.post("/api/saved-replies",
        new JsonObject().put("title", "TRIP FORM").put("body", "x")).status(), "titles are unique, whatever the case");
    assertEquals(400, school.staff.post("/api/saved-replies", new JsonObject().put("title", "").put("body", "x")).status());
    assertEquals(400, school.staff.post("/api/saved-replies",
        new JsonObject().put("title", "two\nlines").put("body", "x")).status());
    assertEquals(400, school.staff.post("/api/saved-replies", new JsonObject().put("title", "t")).status());
    assertEquals(403, school.pupil.get("/api/saved-replies").status());
    assertEquals(403, school.pupil.post("/api/saved-replies", new JsonObject().put("title", "t").put("body", "b")).status());
    assertEquals(404, school.staff.put("/api/saved-replies/999999",
        new JsonObject().put("title", "t").put("body", "b")).status());

    assertEquals(200, school.staff.delete("/api/saved-replies/" + id).status());
    assertEquals(404, school.staff.delete("/api/saved-replies/" + id).status());
    assertEquals(0, school.staff.get("/api/saved-replies").json().getJsonArray("savedReplies").size());
    assertEquals(List.of("saved_reply.created", "saved_reply.updated", "saved_reply.deleted"),
        school.db.queryStrings("select action from audit_events where action like 'saved_reply.%' order by id"));
  }

  @Test
  @DisplayName("Issue 27.6: the roster says exactly how many matching students have messages the admin has not read")
  void the_roster_counts_students_with_unread_messages() {
    long olgaConversation = school.openConversation(school.otherStudent);
    say(school.pupil, "one");
    say(school.pupil, "two");
    Api olga = Api.signedIn("olga@test.school", School.PASSWORD);
    Api.Response r = olga.post("/api/conversations/" + olgaConversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", "hello"));
    assertEquals(201, r.status());
    assertEquals(2, school.staff.get("/api/students").json().getLong("withUnread"));
    assertEquals(1, school.staff.get("/api/students?q=olga").json().getLong("withUnread"));
    school.staff.post("/api/conversations/" + conversation + "/read", new JsonObject().put("seq", 2));
    assertEquals(1, school.staff.get("/api/students").json().getLong("withUnread"));
    // Grace has read nothing: her count is her own.
    assertEquals(2, graceApi.get("/api/students").json().getLong("withUnread"));
  }
}
