package app.homeroom.audit;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, point 5: admin actions that change data are recorded with who and when, in the same statement as the
 * change (no entry without the change, none missing), readable by admins only with keyset paging, and the database
 * refuses to edit or delete them.
 */
class AuditTest {

  School school;
  Api ada;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    ada = school.staff;
  }

  JsonArray events(Api who, String query) {
    Api.Response r = who.get("/api/audit" + query);
    assertEquals(200, r.status(), r.raw().body());
    return r.json().getJsonArray("events");
  }

  static List<String> actions(JsonArray events) {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(((JsonObject) e).getString("action")));
    return out;
  }

  @Test
  @DisplayName("Issue 8.5: creating, disabling, enabling a student, closing and reopening a conversation (by an admin,"
      + " and by a student's message) are each recorded once with who and when, newest first")
  void admin_actions_are_recorded() {
    Instant before = Instant.now().minusSeconds(1);
    Api.Response created = ada.post("/api/students", new JsonObject().put("name", "Nina New").put("email", "nina@test.school")
        .put("rollId", "R-100").put("className", "8C"));
    assertEquals(201, created.status(), created.raw().body());
    long nina = created.json().getJsonObject("student").getLong("id");
    assertEquals(200, ada.post("/api/students/" + nina + "/disable", null).status());
    assertEquals(200, ada.post("/api/students/" + nina + "/enable", null).status());
    long conversation = school.openConversation(school.student);
    assertEquals(200, ada.post("/api/conversations/" + conversation + "/close", new JsonObject().put("note", "Done")).status());
    assertEquals(200, ada.post("/api/conversations/" + conversation + "/reopen", new JsonObject()).status());
    assertEquals(200, ada.post("/api/conversations/" + conversation + "/close", new JsonObject()).status());
    assertEquals(201, school.pupil.post("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", "One more question")).status());

    JsonArray events = events(ada, "");
    assertEquals(List.of("conversation.reopened", "conversation.closed", "conversation.reopened", "conversation.closed",
        "student.enabled", "student.disabled", "student.created"), actions(events));
    for (Object o : events) {
      JsonObject e = (JsonObject) o;
      Instant at = Instant.parse(e.getString("at"));
      assertTrue(!at.isBefore(before) && !at.isAfter(Instant.now().plusSeconds(1)), e::encode);
    }
    JsonObject studentCreated = events.getJsonObject(6);
    assertEquals(school.admin, studentCreated.getJsonObject("actor").getLong("id"));
    assertEquals("Ada Admin", studentCreated.getJsonObject("actor").getString("name"));
    assertEquals(new JsonObject().put("type", "student").put("id", nina).put("name", "Nina New"), studentCreated.getJsonObject("target"));
    assertEquals("nina@test.school", studentCreated.getJsonObject("details").getString("email"));
    assertEquals(false, events.getJsonObject(5).getJsonObject("details").getBoolean("wasDisabled"));
    assertEquals(true, events.getJsonObject(4).getJsonObject("details").getBoolean("wasDisabled"));
    JsonObject closed = events.getJsonObject(3);
    assertEquals("Done", closed.getJsonObject("details").getString("note"));
    assertEquals(school.student, closed.getJsonObject("target").getLong("studentId"));
    assertEquals("Sam Student", closed.getJsonObject("target").getString("name"));
    JsonObject reopenedByMessage = events.getJsonObject(0);
    assertEquals(school.student, reopenedByMessage.getJsonObject("actor").getLong("id"), "the writer reopened it");
    assertEquals(true, reopenedByMessage.getJsonObject("details").getBoolean("byMessage"));
    // Each status entry of the timeline has its audit entry, with the same sequence number.
    assertEquals(4L, school.db.queryLong("select count(*) from messages m join audit_events a on a.target_type = 'conversation'"
        + " and a.target_id = m.conversation_id and (a.details->>'seq')::bigint = m.seq where m.kind <> 'message'"));

    // Filters: by action, by student (their account and their conversation).
    assertEquals(List.of("conversation.closed", "conversation.closed"), actions(events(ada, "?action=conversation.closed")));
    assertEquals(List.of("student.enabled", "student.disabled", "student.created"), actions(events(ada, "?studentId=" + nina)));
    assertEquals(4, events(ada, "?studentId=" + school.student).size());
    assertEquals(1, events(ada, "?actorId=" + school.student).size());
    assertEquals(400, ada.get("/api/audit?action=drop.table").status());
  }

  @Test
  @DisplayName("Issue 8.5: a change that fails or changes nothing writes no entry; ten admins closing at once write one")
  void no_entry_without_the_change() throws Exception {
    Api.Response taken = ada.post("/api/students", new JsonObject().put("name", "Dup").put("email", School.STUDENT_EMAIL)
        .put("rollId", "R-555").put("className", "8C"));
    assertEquals(409, taken.status());
    assertEquals(404, ada.post("/api/students/" + school.admin + "/disable", null).status(), "not a student");
    assertEquals(403, school.pupil.post("/api/students/" + school.otherStudent + "/disable", null).status());
    long conversation = school.openConversation(school.student);
    assertEquals(200, ada.post("/api/conversations/" + conversation + "/reopen", new JsonObject()).status(), "already active");
    assertEquals(0L, school.db.queryLong("select count(*) from audit_events"));

    List<Api> admins = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String email = "admin" + i + "@test.school";
      school.db.createAdmin("Admin " + i, email, School.PASSWORD);
      admins.add(Api.signedIn(email, School.PASSWORD));
    }
    List<CompletableFuture<Integer>> closes = admins.stream().map(a -> CompletableFuture.supplyAsync(
        () -> a.post("/api/conversations/" + conversation + "/close", new JsonObject()).status())).toList();
    for (CompletableFuture<Integer> f : closes) {
      assertEquals(200, f.get());
    }
    assertEquals(1L, school.db.queryLong("select count(*) from audit_events where action = 'conversation.closed'"));
    assertEquals(1L, school.db.queryLong("select count(*) from messages where kind = 'closed'"));
  }

  @Test
  @DisplayName("Issue 8.5: admins only (students 403, signed out 401); keyset paging reaches every entry exactly once")
  void read_by_admins_with_keyset_paging() {
    long conversation = school.openConversation(school.student);
    for (int i = 0; i < 7; i++) {
      ada.post("/api/conversations/" + conversation + (i % 2 == 0 ? "/close" : "/reopen"), new JsonObject());
    }
    assertEquals(403, school.pupil.get("/api/audit").status());
    assertEquals(401, new Api(TestEnv.baseUrl()).get("/api/audit").status());

    List<Long> ids = new ArrayList<>();
    String query = "?limit=3";
    int pages = 0;
    while (true) {
      JsonObject page = ada.get("/api/audit" + query).json();
      page.getJsonArray("events").forEach(e -> ids.add(((JsonObject) e).getLong("id")));
      pages++;
      Long next = page.getLong("nextBefore");
      if (next == null) {
        break;
      }
      query = "?limit=3&before=" + next;
    }
    assertEquals(3, pages);
    assertEquals(7, ids.size());
    List<Long> sorted = new ArrayList<>(ids);
    sorted.sort((a, b) -> Long.compare(b, a));
    assertEquals(sorted, ids, "newest first, no entry twice");
    assertNull(ada.get("/api/audit?limit=7").json().getValue("nextBefore"));
  }

  @Test
  @DisplayName("Issue 8.5: entries cannot be edited: no endpoint does it, and the database refuses UPDATE and DELETE")
  void entries_cannot_be_edited() {
    long conversation = school.openConversation(school.student);
    ada.post("/api/conversations/" + conversation + "/close", new JsonObject());
    long id = school.db.queryLong("select id from audit_events");
    for (String method : List.of("PUT", "PATCH", "DELETE")) {
      Api.Response r = ada.send(HttpRequest.newBuilder(URI.create(TestEnv.baseUrl() + "/api/audit/" + id))
          .header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}")));
      assertTrue(r.status() == 404 || r.status() == 405, method + " " + r.status());
    }
    RuntimeException update = assertThrows(RuntimeException.class,
        () -> school.db.exec("update audit_events set actor_id = ? where id = ?", school.student, id));
    assertTrue(String.valueOf(update.getCause() == null ? update : update.getCause()).contains("append-only"), update::toString);
    assertThrows(RuntimeException.class, () -> school.db.exec("delete from audit_events where id = ?", id));
    assertEquals(school.admin, school.db.queryLong("select actor_id from audit_events where id = ?", id));
  }
}
