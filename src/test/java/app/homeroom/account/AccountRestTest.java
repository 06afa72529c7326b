package app.homeroom.account;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestDb;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sign-in, sessions and the roster (R2.1, R2.2 groundwork). */
class AccountRestTest {

  static final String PASSWORD = School.PASSWORD;

  TestDb db;
  Api staff;

  @BeforeEach
  void setUp() {
    School school = School.fresh();
    db = school.db;
    staff = school.staff;
    // This suite builds its own roster.
    db.exec("delete from users where role = 'student'");
  }

  @Test
  @DisplayName("Login sets an HttpOnly, SameSite=Strict session cookie, never a token in the body or URL")
  void login_sets_a_safe_cookie() {
    Api api = new Api(TestEnv.baseUrl());
    Api.Response r = api.post("/api/login", new JsonObject().put("email", "ADA@test.school").put("password", PASSWORD));
    assertEquals(200, r.status());
    assertEquals("admin", r.json().getJsonObject("user").getString("role"));
    assertNull(r.json().getJsonObject("user").getValue("passwordHash"));
    String cookie = r.raw().headers().firstValue("set-cookie").orElseThrow();
    assertTrue(cookie.startsWith("hr_session="), cookie);
    assertTrue(cookie.toLowerCase().contains("; httponly"), cookie);
    assertTrue(cookie.contains("SameSite=Strict"), cookie);
    assertFalse(r.raw().body().contains(cookie.substring("hr_session=".length(), cookie.indexOf(';'))));
    assertEquals("ada@test.school", api.get("/api/me").json().getJsonObject("user").getString("email"));

    assertEquals("ada@test.school", api.get("/api/session").json().getJsonObject("user").getString("email"));

    assertEquals(204, api.post("/api/logout", null).status());
    assertEquals(401, api.get("/api/me").status());
    Api.Response signedOut = api.get("/api/session");
    assertEquals(200, signedOut.status(), "a signed-out page load is not an error");
    assertNull(signedOut.json().getValue("user"));
  }

  @Test
  @DisplayName("Wrong credentials are 401 alike for unknown emails; repeated failures are slowed down (429 + Retry-After)")
  void repeated_failures_are_slowed_down() {
    Api api = new Api(TestEnv.baseUrl());
    JsonObject wrong = new JsonObject().put("email", "ada@test.school").put("password", "wrong password");
    Api.Response unknown = api.post("/api/login", new JsonObject().put("email", "nobody@test.school").put("password", "whatever1"));
    assertEquals(401, unknown.status());
    for (int i = 0; i < AccountService.FREE_FAILURES; i++) {
      Api.Response r = api.post("/api/login", wrong);
      assertEquals(401, r.status());
      assertEquals(r.json().getJsonObject("error").getString("message"),
          unknown.json().getJsonObject("error").getString("message"));
    }
    Api.Response slowed = api.post("/api/login", new JsonObject().put("email", "ada@test.school").put("password", PASSWORD));
    assertEquals(429, slowed.status(), "even the right password waits while slowed down");
    assertTrue(Long.parseLong(slowed.raw().headers().firstValue("retry-after").orElseThrow()) >= 1);

    // Once the wait is over, the right password works and clears the count.
    db.exec("update login_failures set last_failed_at = now() - interval '10 minutes'");
    assertEquals(200, api.post("/api/login", new JsonObject().put("email", "ada@test.school").put("password", PASSWORD)).status());
    assertEquals(0, db.queryLong("select count(*) from login_failures where account_key like ?", "ada@test.school%"));
  }

  @Test
  @DisplayName("Login input is validated: missing fields and malformed JSON are 400")
  void login_input_is_validated() {
    Api api = new Api(TestEnv.baseUrl());
    assertEquals(400, api.post("/api/login", new JsonObject().put("email", "ada@test.school")).status());
    assertEquals(400, api.postRaw("/api/login", "{", "application/json").status());
    assertEquals(415, api.postRaw("/api/login", "email=a", "application/x-www-form-urlencoded").status());
  }

  @Test
  @DisplayName("Admins create students (invited with a one-time sign-up link, issue 25); email and roll ID are unique")
  void admins_create_students() {
    Api.Response created = staff.post("/api/students", new JsonObject().put("name", "Sam Student")
        .put("email", "Sam@Test.School").put("rollId", "R-001").put("className", "7A"));
    assertEquals(201, created.status(), () -> created.raw().body());
    JsonObject student = created.json().getJsonObject("student");
    assertEquals("sam@test.school", student.getString("email"));
    assertNull(student.getValue("conversationId"));
    assertNull(created.json().getValue("password"), "issue 25: no password in JSON; a one-time sign-up link instead");
    String password = "a fresh start 4 sam";
    assertEquals(200, new Api(TestEnv.baseUrl()).post("/api/signup/"
        + created.json().getJsonObject("link").getString("path").substring("/signup/".length()),
        new JsonObject().put("password", password)).status());
    assertEquals(200, new Api(TestEnv.baseUrl()).post("/api/login",
        new JsonObject().put("email", "sam@test.school").put("password", password)).status());

    assertEquals(409, staff.post("/api/students", new JsonObject().put("name", "Other").put("email", "SAM@test.school")
        .put("rollId", "R-002").put("className", "7A")).status());
    assertEquals(409, staff.post("/api/students", new JsonObject().put("name", "Other").put("email", "other@test.school")
        .put("rollId", "r-001").put("className", "7A")).status());
    assertEquals(400, staff.post("/api/students", new JsonObject().put("name", "Other").put("email", "not-an-email")
        .put("rollId", "R-003").put("className", "7A")).status());
    assertEquals(400, staff.post("/api/students", new JsonObject().put("name", " ").put("email", "x@test.school")
        .put("rollId", "R-003").put("className", "7A")).status());
    assertEquals(400, staff.post("/api/students", new JsonObject().put("name", "Short Pw").put("email", "y@test.school")
        .put("rollId", "R-004").put("className", "7A").put("password", "short")).status());
    assertEquals(1, db.queryLong("select count(*) from users where role = 'student'"));

    Api pupil = Api.signedIn("sam@test.school", password);
    assertEquals(403, pupil.post("/api/students", new JsonObject().put("name", "Sneaky").put("email", "z@test.school")
        .put("rollId", "R-009").put("className", "7A")).status());
  }

  @Test
  @DisplayName("R2.1, R2.2: the roster lists every student with name, email, roll ID, class and chat status, filtered and paged")
  void the_roster_lists_filters_and_pages() {
    for (int i = 1; i <= 30; i++) {
      db.createStudent("Student " + String.format("%02d", i), "s" + i + "@test.school", "R-" + i, i <= 10 ? "7A" : "8B", PASSWORD);
    }
    long withChat = db.queryLong("select id from users where email = 's5@test.school'");
    staff.post("/api/students/" + withChat + "/conversation", null);

    JsonObject page = staff.get("/api/students?limit=25").json();
    assertEquals(30, page.getLong("total"));
    JsonArray students = page.getJsonArray("students");
    assertEquals(25, students.size());
    JsonObject first = students.getJsonObject(0);
    for (String key : new String[] {"id", "name", "email", "rollId", "className"}) {
      assertNotNull(first.getValue(key), key);
    }
    assertEquals(30 - 25, staff.get("/api/students?limit=25&offset=25").json().getJsonArray("students").size());
    JsonObject pastTheEnd = staff.get("/api/students?limit=25&offset=50&className=7A").json();
    assertEquals(0, pastTheEnd.getJsonArray("students").size());
    assertEquals(10, pastTheEnd.getLong("total"), "the total stays true past the last page");
    assertEquals(10, staff.get("/api/students?className=7A&limit=200").json().getJsonArray("students").size());
    assertEquals(1, staff.get("/api/students?q=s17%40").json().getJsonArray("students").size());
    assertEquals(1, staff.get("/api/students?q=r-22").json().getJsonArray("students").size());
    assertEquals(0, staff.get("/api/students?q=%25").json().getJsonArray("students").size(), "LIKE wildcards are literal");
    assertEquals(400, staff.get("/api/students?limit=1000").status());
    assertEquals(400, staff.get("/api/students?offset=-1").status());
    assertEquals(JsonArray.of("7A", "8B"), staff.get("/api/classes").json().getJsonArray("classes"));

    JsonObject chatting = staff.get("/api/students?q=s5%40").json().getJsonArray("students").getJsonObject(0);
    assertEquals("active", chatting.getString("conversationStatus"));
    assertNotNull(chatting.getLong("conversationId"));
  }
}
