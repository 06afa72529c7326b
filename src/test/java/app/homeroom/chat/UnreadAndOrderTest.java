package app.homeroom.chat;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** R2.3: unread counts per admin, read marks that only move forward, and the roster's order. */
class UnreadAndOrderTest {

  School school;
  Api bea;
  long beaId;
  long conversation;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    beaId = school.db.createAdmin("Bea Admin", "bea@test.school", School.PASSWORD);
    bea = Api.signedIn("bea@test.school", School.PASSWORD);
    conversation = school.openConversation(school.student);
  }

  long say(Api who, long conversationId, String body) {
    Api.Response r = who.post("/api/conversations/" + conversationId + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
    assertEquals(201, r.status(), () -> r.raw().body());
    return r.json().getJsonObject("message").getLong("seq");
  }

  JsonObject row(Api admin, long studentId) {
    Api.Response r = admin.get("/api/students/" + studentId);
    assertEquals(200, r.status(), () -> r.raw().body());
    return r.json().getJsonObject("student");
  }

  Api.Response read(Api who, long conversationId, Object seq) {
    return who.post("/api/conversations/" + conversationId + "/read", new JsonObject().put("seq", seq));
  }

  @Test
  @DisplayName("R2.3: unread counts the student's messages each admin has not read, separately per admin")
  void unread_is_per_admin() {
    say(school.staff, conversation, "Hello Sam");
    say(school.pupil, conversation, "one");
    say(school.pupil, conversation, "two");
    long third = say(school.pupil, conversation, "three");
    assertEquals(3, row(school.staff, school.student).getLong("unread"), "Ada's own message is not unread for her");
    assertEquals(3, row(bea, school.student).getLong("unread"));

    JsonObject marked = read(school.staff, conversation, third - 1).json();
    assertEquals(third - 1, marked.getLong("readSeq"));
    assertEquals(1, marked.getLong("unread"));
    assertEquals(1, row(school.staff, school.student).getLong("unread"));
    assertEquals(3, row(bea, school.student).getLong("unread"), "Bea has read nothing");

    say(school.pupil, conversation, "four");
    assertEquals(2, row(school.staff, school.student).getLong("unread"));
    say(bea, conversation, "Bea answers");
    assertEquals(0, row(bea, school.student).getLong("unread"), "answering reads everything before it");
    assertEquals(2, row(school.staff, school.student).getLong("unread"));
  }

  @Test
  @DisplayName("R2.3: a read mark only moves forward; stale or repeated acknowledgements change nothing")
  void read_marks_only_move_forward() {
    for (int i = 0; i < 5; i++) {
      say(school.pupil, conversation, "m" + i);
    }
    assertEquals(5, read(school.staff, conversation, 5).json().getLong("readSeq"));
    JsonObject stale = read(school.staff, conversation, 2).json();
    assertEquals(5, stale.getLong("readSeq"));
    assertEquals(0, stale.getLong("unread"));
    assertEquals(5, read(school.staff, conversation, 5).json().getLong("readSeq"));
    assertEquals(0, row(school.staff, school.student).getLong("unread"));
  }

  @Test
  @DisplayName("Bad acknowledgements are refused and change nothing: beyond the last message, zero, foreign, malformed")
  void bad_acknowledgements_are_refused() {
    say(school.pupil, conversation, "hi");
    assertEquals(400, read(school.staff, conversation, 2).status(), "beyond the last message");
    assertEquals(400, read(school.staff, conversation, 0).status());
    assertEquals(400, read(school.staff, conversation, "x").status());
    assertEquals(400, school.staff.post("/api/conversations/" + conversation + "/read", new JsonObject()).status());
    assertEquals(404, read(school.staff, 999_999, 1).status());
    long olgas = school.openConversation(school.otherStudent);
    say(school.staff, olgas, "for Olga");
    assertEquals(404, read(school.pupil, olgas, 1).status(), "a student cannot touch another's conversation");
    assertEquals(0, school.db.queryLong("select count(*) from conversation_reads where user_id = ? and conversation_id = ?",
        school.student, olgas), "nothing written for the foreign conversation");
    assertEquals(0, school.db.queryLong("select count(*) from conversation_reads where user_id = ? and conversation_id = ?",
        school.admin, conversation), "refused acknowledgements leave no mark");
    assertEquals(1, row(school.staff, school.student).getLong("unread"));
  }

  @Test
  @DisplayName("R2.3: students with unread messages come first, then latest activity, then name; the order follows live")
  void roster_order() {
    long zoe = school.db.createStudent("Zoe Zed", "zoe@test.school", "R-003", "7A", School.PASSWORD);
    long amy = school.db.createStudent("Amy Able", "amy@test.school", "R-004", "7A", School.PASSWORD);
    Api zoeApi = Api.signedIn("zoe@test.school", School.PASSWORD);
    long zoeConversation = school.openConversation(zoe);
    long amyConversation = school.openConversation(amy);

    say(school.staff, amyConversation, "Amy, a question");          // activity, nothing unread
    say(zoeApi, zoeConversation, "Zoe writes first");              // unread 1, older
    long samSeq = say(school.pupil, conversation, "Sam writes");    // unread 1, newest
    assertEquals(List.of("Sam Student", "Zoe Zed", "Amy Able", "Olga Other"), names(school.staff));

    read(school.staff, conversation, samSeq);                      // Sam read: now only activity
    assertEquals(List.of("Zoe Zed", "Sam Student", "Amy Able", "Olga Other"), names(school.staff));
    assertEquals(List.of("Sam Student", "Zoe Zed", "Amy Able", "Olga Other"), names(bea), "Bea's order is her own");

    JsonObject page = school.staff.get("/api/students?limit=2").json();
    assertEquals(4, page.getLong("total"));
    assertEquals("Zoe Zed", page.getJsonArray("students").getJsonObject(0).getString("name"));
    JsonObject olga = row(school.staff, school.otherStudent);
    assertEquals(0, olga.getLong("unread"));
    assertEquals(0, olga.getLong("lastSeq"));
  }

  List<String> names(Api admin) {
    JsonArray students = admin.get("/api/students?limit=200").json().getJsonArray("students");
    List<String> names = new ArrayList<>();
    students.forEach(s -> names.add(((JsonObject) s).getString("name")));
    return names;
  }

  @Test
  @DisplayName("The single-row endpoint is for staff and real students only")
  void single_row_rules() {
    assertEquals(403, school.pupil.get("/api/students/" + school.student).status());
    assertEquals(404, school.staff.get("/api/students/" + school.admin).status());
    assertEquals(404, school.staff.get("/api/students/999999").status());
    assertEquals(400, school.staff.get("/api/students/abc").status());
    assertEquals(200, new Api(TestEnv.baseUrl()).get("/api/session").status());
  }
}
