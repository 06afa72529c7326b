package app.homeroom.people;

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
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 25: the People table, invitations with one-time links, editing, disabling, and passwords over time. */
class PeopleRestTest {

  static final String PASSWORD = School.PASSWORD;
  static final String NEW_PASSWORD = "violet tram umbrella 42";

  School school;
  TestDb db;
  Api ada;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    db = school.db;
    ada = school.staff;
  }

  private static JsonObject student(String name, String email, String rollId, String className) {
    return new JsonObject().put("role", "student").put("name", name).put("email", email).put("rollId", rollId)
        .put("className", className);
  }

  private static String token(JsonObject created) {
    String path = created.getJsonObject("link").getString("path");
    assertTrue(path.startsWith("/signup/"), path);
    return path.substring("/signup/".length());
  }

  private static List<String> names(Api.Response r) {
    return r.json().getJsonArray("people").stream().map(p -> ((JsonObject) p).getString("name")).collect(Collectors.toList());
  }

  @Test
  @DisplayName("Issue 25.1: students and staff in one table, searchable and filtered by role, status and class; staff only")
  void one_table_of_people() {
    long invited = ada.post("/api/people", new JsonObject().put("role", "admin").put("name", "Ben Staff")
        .put("email", "ben@test.school")).json().getJsonObject("person").getLong("id");
    assertTrue(invited > 0);
    db.exec("update users set disabled_at = now() where email = 'olga@test.school'");

    Api.Response all = ada.get("/api/people");
    assertEquals(200, all.status(), () -> all.raw().body());
    assertEquals(List.of("Ada Admin", "Ben Staff", "Olga Other", "Sam Student"), names(all));
    assertEquals(4, all.json().getLong("total"));
    JsonObject sam = all.json().getJsonArray("people").getJsonObject(3);
    assertEquals("student", sam.getString("role"));
    assertEquals("R-001", sam.getString("rollId"));
    assertEquals("7A", sam.getString("className"));
    assertEquals("active", sam.getString("status"));
    assertTrue(sam.getString("lastSignInAt") != null, "Sam signed in when the school was set up");
    assertEquals("invited", all.json().getJsonArray("people").getJsonObject(1).getString("status"));
    assertNull(all.json().getJsonArray("people").getJsonObject(1).getValue("lastSignInAt"));

    assertEquals(List.of("Ada Admin", "Ben Staff"), names(ada.get("/api/people?role=admin")));
    assertEquals(List.of("Olga Other"), names(ada.get("/api/people?status=disabled")));
    assertEquals(List.of("Ben Staff"), names(ada.get("/api/people?status=invited")));
    assertEquals(List.of("Olga Other"), names(ada.get("/api/people?className=7B")));
    assertEquals(List.of("Sam Student"), names(ada.get("/api/people?q=r-00&status=active")));
    assertEquals(List.of("Ben Staff"), names(ada.get("/api/people?q=BEN%40")));
    Api.Response page = ada.get("/api/people?limit=2&offset=2");
    assertEquals(List.of("Olga Other", "Sam Student"), names(page));
    assertEquals(4, page.json().getLong("total"));

    assertEquals(400, ada.get("/api/people?status=sleeping").status());
    assertEquals(400, ada.get("/api/people?role=parent").status());
    assertEquals(403, school.pupil.get("/api/people").status());
    assertEquals(401, new Api(TestEnv.baseUrl()).get("/api/people").status());
  }

  @Test
  @DisplayName("Issue 25.3: a new student gets a one-time sign-up link, sets a password that passes the policy, and is signed in")
  void sign_up_link_end_to_end() {
    Api.Response created = ada.post("/api/people", student("Nina New", "Nina@Test.School", "R-100", "7A"));
    assertEquals(201, created.status(), () -> created.raw().body());
    JsonObject person = created.json().getJsonObject("person");
    assertEquals("invited", person.getString("status"));
    assertEquals("nina@test.school", person.getString("email"));
    assertNull(created.json().getValue("password"), "no password travels in JSON");
    String token = token(created.json());
    assertEquals(1, db.queryLong("select count(*) from signup_links where user_id = ? and purpose = 'signup'"
        + " and expires_at between now() + interval '13 days' and now() + interval '14 days 1 minute'", person.getLong("id")));
    assertEquals(0, db.queryLong("select count(*) from signup_links where encode(token_hash, 'escape') like ?", "%" + token + "%"),
        "only the token's hash is stored");

    Api nina = new Api(TestEnv.baseUrl());
    assertEquals(401, nina.post("/api/login", new JsonObject().put("email", "nina@test.school").put("password", "")).status());
    Api.Response info = nina.get("/api/signup/" + token);
    assertEquals(200, info.status(), () -> info.raw().body());
    assertEquals("Nina New", info.json().getJsonObject("link").getString("name"));
    assertEquals("signup", info.json().getJsonObject("link").getString("purpose"));

    // NIST 800-63B: long enough, not common, not built on the person's name; no composition rules.
    assertPolicyRefuses(nina, token, "short", "at least 10 characters");
    assertPolicyRefuses(nina, token, "password123", "too easy to guess");
    assertPolicyRefuses(nina, token, "1234567890", "too easy to guess");
    assertPolicyRefuses(nina, token, "nina.new.nina", "too easy to guess");
    assertEquals("invited", ada.get("/api/people/" + person.getLong("id")).json().getJsonObject("person").getString("status"),
        "a refused password leaves the account as it was");

    Api.Response set = nina.post("/api/signup/" + token, new JsonObject().put("password", NEW_PASSWORD));
    assertEquals(200, set.status(), () -> set.raw().body());
    assertEquals("nina@test.school", nina.get("/api/me").json().getJsonObject("user").getString("email"),
        "setting the password signs in");
    assertEquals(410, new Api(TestEnv.baseUrl()).post("/api/signup/" + token, new JsonObject().put("password", "another good passphrase")).status(),
        "a link is used once");
    assertEquals(410, new Api(TestEnv.baseUrl()).get("/api/signup/" + token).status());
    Api.signedIn("nina@test.school", NEW_PASSWORD);
    assertEquals("active", ada.get("/api/people/" + person.getLong("id")).json().getJsonObject("person").getString("status"));
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'student.created' and target_type = 'student' and target_id = ?", person.getLong("id")));
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'user.password_set' and actor_id = ?", person.getLong("id")));

    assertEquals(404, nina.get("/api/signup/not-a-token").status());
    assertEquals(404, nina.get("/api/signup/" + "A".repeat(43)).status());
  }

  private static void assertPolicyRefuses(Api api, String token, String password, String says) {
    Api.Response r = api.post("/api/signup/" + token, new JsonObject().put("password", password));
    assertEquals(400, r.status(), password);
    assertTrue(r.json().getJsonObject("error").getString("message").contains(says), r.raw().body());
  }

  @Test
  @DisplayName("Issue 25.3: an expired link is refused; a new link retires the one before it")
  void links_expire_and_are_retired() {
    JsonObject created = ada.post("/api/people", student("Nina New", "nina@test.school", "R-100", "7A")).json();
    long nina = created.getJsonObject("person").getLong("id");
    String first = token(created);
    Api.Response again = ada.post("/api/people/" + nina + "/link", null);
    assertEquals(200, again.status(), () -> again.raw().body());
    assertEquals("signup", again.json().getJsonObject("link").getString("purpose"));
    String second = again.json().getJsonObject("link").getString("path").substring("/signup/".length());
    assertNotEquals(first, second);
    Api anyone = new Api(TestEnv.baseUrl());
    assertEquals(410, anyone.get("/api/signup/" + first).status(), "the earlier link is retired");
    assertEquals(200, anyone.get("/api/signup/" + second).status());

    db.exec("update signup_links set expires_at = now() - interval '1 second' where user_id = ?", nina);
    Api.Response expired = anyone.post("/api/signup/" + second, new JsonObject().put("password", NEW_PASSWORD));
    assertEquals(410, expired.status());
    assertTrue(expired.json().getJsonObject("error").getString("message").contains("expired"));

    ada.post("/api/people/" + nina + "/disable", null);
    assertEquals(409, ada.post("/api/people/" + nina + "/link", null).status(), "no link for a disabled account");
    assertEquals(403, school.pupil.post("/api/people/" + nina + "/link", null).status());
  }

  @Test
  @DisplayName("Issue 25.1: a member of staff is invited, signs up, and starts a conversation with a student")
  void staff_invitation() {
    assertEquals(400, ada.post("/api/people", new JsonObject().put("role", "admin").put("name", "Ben")
        .put("email", "ben@test.school").put("className", "7A")).status(), "staff have no class");
    assertEquals(400, ada.post("/api/people", new JsonObject().put("role", "janitor").put("name", "Ben")
        .put("email", "ben@test.school")).status());
    JsonObject created = ada.post("/api/people", new JsonObject().put("role", "admin").put("name", "Ben Staff")
        .put("email", "ben@test.school")).json();
    Api ben = new Api(TestEnv.baseUrl());
    assertEquals(200, ben.post("/api/signup/" + token(created), new JsonObject().put("password", NEW_PASSWORD)).status());
    Api.Response open = ben.post("/api/students/" + school.student + "/conversation", null);
    assertEquals(200, open.status(), () -> open.raw().body());
    assertEquals(200, ben.get("/api/people").status());
  }

  @Test
  @DisplayName("Issue 25.1: editing checks every field, names what changed in the audit, and a conflict changes nothing")
  void editing_a_person() {
    Api.Response edited = ada.patch("/api/people/" + school.student,
        new JsonObject().put("name", "Samuel Student").put("className", "8C"));
    assertEquals(200, edited.status(), () -> edited.raw().body());
    assertEquals("Samuel Student", edited.json().getJsonObject("person").getString("name"));
    assertEquals("8C", edited.json().getJsonObject("person").getString("className"));
    assertEquals("R-001", edited.json().getJsonObject("person").getString("rollId"));
    JsonObject details = new JsonObject(db.queryString(
        "select details::text from audit_events where action = 'student.updated' and target_id = ?", school.student));
    assertEquals(new JsonObject().put("from", "Sam Student").put("to", "Samuel Student"), details.getJsonObject("name"));
    assertEquals(new JsonObject().put("from", "7A").put("to", "8C"), details.getJsonObject("className"));
    assertEquals(2, details.size(), "only what changed");

    assertEquals(409, ada.patch("/api/people/" + school.student, new JsonObject().put("name", "X")
        .put("email", "OLGA@test.school")).status(), "email taken");
    assertEquals(409, ada.patch("/api/people/" + school.student, new JsonObject().put("rollId", "r-002")).status(), "roll ID taken");
    assertEquals(400, ada.patch("/api/people/" + school.student, new JsonObject().put("email", "\"><svg/onload=alert(1)>@x.y")).status());
    assertEquals(400, ada.patch("/api/people/" + school.student, new JsonObject().put("className", "<b>7A</b>")).status());
    assertEquals(400, ada.patch("/api/people/" + school.student, new JsonObject()).status());
    assertEquals(400, ada.patch("/api/people/" + school.admin, new JsonObject().put("name", "Ada A").put("rollId", "R-9")).status(),
        "staff have no roll ID");
    assertEquals(404, ada.patch("/api/people/999999", new JsonObject().put("name", "Nobody")).status());
    assertEquals(415, ada.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(TestEnv.baseUrl() + "/api/people/" + school.student))
        .header("content-type", "text/plain").method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{}"))).status());
    assertEquals("Samuel Student", db.queryString("select name from users where id = ?", school.student));
    assertEquals("Ada Admin", db.queryString("select name from users where id = ?", school.admin), "a refused edit changes nothing");
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'student.updated'"));
    assertEquals(403, school.pupil.patch("/api/people/" + school.student, new JsonObject().put("name", "Me")).status());
  }

  @Test
  @DisplayName("Issue 25.1: nobody disables themself or the last active admin; a disabled admin's sessions end")
  void disabling_staff() {
    assertEquals(409, ada.post("/api/people/" + school.admin + "/disable", null).status(), "not yourself");
    long ben = db.createAdmin("Ben Staff", "ben@test.school", PASSWORD);
    Api benApi = Api.signedIn("ben@test.school", PASSWORD);
    Api.Response off = ada.post("/api/people/" + ben + "/disable", null);
    assertEquals(200, off.status(), () -> off.raw().body());
    assertTrue(off.json().getJsonObject("person").getBoolean("disabled"));
    assertEquals(401, benApi.get("/api/me").status(), "a disabled admin's session ends");
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'staff.disabled' and target_id = ?", ben));

    assertEquals(200, ada.post("/api/people/" + ben + "/enable", null).status());
    Api benAgain = Api.signedIn("ben@test.school", PASSWORD);
    // Ada disabled by Ben: allowed, Ben remains. Then Ben is the last active admin.
    assertEquals(200, benAgain.post("/api/people/" + school.admin + "/disable", null).status());
    db.exec("update users set disabled_at = null where id = ?", school.admin);
    db.exec("update users set disabled_at = now() where id = ?", ben);
    Api adaAgain = Api.signedIn(School.ADMIN_EMAIL, PASSWORD);
    long carl = db.createAdmin("Carl Staff", "carl@test.school", PASSWORD);
    db.exec("update users set disabled_at = now() where id = ?", carl);
    assertEquals(409, adaAgain.post("/api/people/" + school.admin + "/disable", null).status());
    assertEquals(404, adaAgain.post("/api/people/999999/disable", null).status());
  }

  @Test
  @DisplayName("Issue 25.1: two admins disabling each other at once: one succeeds, an active admin always remains")
  void last_admin_holds_under_a_race() {
    for (int round = 0; round < 5; round++) {
      db.exec("update users set disabled_at = now() where role = 'admin' and id <> ?", school.admin);
      db.exec("update users set disabled_at = null where id = ?", school.admin);
      long ben = db.createAdmin("Ben Staff", "ben" + round + "@test.school", PASSWORD);
      Api adaApi = Api.signedIn(School.ADMIN_EMAIL, PASSWORD);
      Api benApi = Api.signedIn("ben" + round + "@test.school", PASSWORD);
      CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> adaApi.post("/api/people/" + ben + "/disable", null).status());
      CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> benApi.post("/api/people/" + school.admin + "/disable", null).status());
      List<Integer> statuses = List.of(a.join(), b.join());
      assertEquals(1, db.queryLong("select count(*) from users where role = 'admin' and disabled_at is null"),
          "round " + round + ": " + statuses);
      assertTrue(statuses.contains(200), statuses.toString());
    }
  }

  @Test
  @DisplayName("Issue 25.4: an admin's reset link ends the person's sessions when the new password is set")
  void reset_link() {
    Api.Response issued = ada.post("/api/people/" + school.student + "/link", null);
    assertEquals(200, issued.status(), () -> issued.raw().body());
    assertEquals("reset", issued.json().getJsonObject("link").getString("purpose"));
    assertEquals(200, school.pupil.get("/api/me").status(), "a reset link alone ends nothing");
    Api phone = new Api(TestEnv.baseUrl());
    assertEquals(200, phone.post("/api/signup/" + token(issued.json()), new JsonObject().put("password", NEW_PASSWORD)).status());
    assertEquals(401, school.pupil.get("/api/me").status(), "the sessions from before the reset end");
    assertEquals(200, phone.get("/api/me").status());
    assertEquals(401, new Api(TestEnv.baseUrl()).post("/api/login", new JsonObject().put("email", School.STUDENT_EMAIL)
        .put("password", PASSWORD)).status());
    Api.signedIn(School.STUDENT_EMAIL, NEW_PASSWORD);
  }

  @Test
  @DisplayName("Issue 25.4: a user changes their own password with the current one; their other sessions end, this one stays")
  void change_own_password() {
    Api laptop = Api.signedIn(School.STUDENT_EMAIL, PASSWORD);
    Api tablet = school.pupil;
    JsonObject wrong = new JsonObject().put("currentPassword", "not my password").put("newPassword", NEW_PASSWORD);
    assertEquals(400, laptop.post("/api/me/password", wrong).status());
    assertEquals(400, laptop.post("/api/me/password", new JsonObject().put("currentPassword", PASSWORD)
        .put("newPassword", PASSWORD)).status(), "the same password");
    assertEquals(400, laptop.post("/api/me/password", new JsonObject().put("currentPassword", PASSWORD)
        .put("newPassword", "qwertyuiop")).status(), "a common one");
    assertEquals(400, laptop.post("/api/me/password", new JsonObject().put("currentPassword", PASSWORD)).status());

    Api.Response changed = laptop.post("/api/me/password", new JsonObject().put("currentPassword", PASSWORD)
        .put("newPassword", NEW_PASSWORD));
    assertEquals(200, changed.status(), () -> changed.raw().body());
    assertEquals(200, laptop.get("/api/me").status(), "this device stays signed in");
    assertEquals(401, tablet.get("/api/me").status(), "the other device is signed out");
    assertEquals(1, db.queryLong("select failures from login_failures where account_key = ?", School.STUDENT_EMAIL),
        "a wrong current password counts as a failed sign-in");
    Api.signedIn(School.STUDENT_EMAIL, NEW_PASSWORD);
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'user.password_changed' and actor_id = ?",
        school.student));
  }

  @Test
  @DisplayName("Issue 25: the older student routes use the same rules and answer as before, without a password in JSON")
  void student_routes_share_the_code() {
    Api.Response created = ada.post("/api/students", new JsonObject().put("name", "Nina New").put("email", "nina@test.school")
        .put("rollId", "R-100").put("className", "7A"));
    assertEquals(201, created.status(), () -> created.raw().body());
    assertEquals("nina@test.school", created.json().getJsonObject("student").getString("email"));
    assertNull(created.json().getJsonObject("student").getValue("conversationId"));
    assertNull(created.json().getValue("password"));
    assertEquals("signup", created.json().getJsonObject("link").getString("purpose"));
    JsonArray actions = new JsonArray(db.queryString("select json_agg(action order by id)::text from audit_events"));
    assertEquals(new JsonArray().add("student.created"), actions);
    assertEquals(404, ada.post("/api/students/" + school.admin + "/disable", null).status(), "an admin is not a student");
  }
}
