package app.homeroom.web;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 24, point 10: text that cannot be stored as written is refused, not mangled; addresses and class names are
 * what they claim to be; and the API takes JSON only, also where a POST carries no body.
 */
class InputNormalisationTest {

  School school;
  long conversation;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    conversation = school.openConversation(school.student);
  }

  @Test
  @DisplayName("a lone surrogate in a message or a note is a 400, and nothing is stored")
  void lone_surrogates_are_refused() {
    for (String text : List.of("a\\ud800b", "\\udc00", "end\\ud83d")) {
      // Escaped in the JSON text: the server's parser makes the lone UTF-16 half from it.
      String body = "{\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"body\":\"" + text + "\"}";
      Api.Response r = school.staff.postRaw("/api/conversations/" + conversation + "/messages", body, "application/json");
      assertEquals(400, r.status(), text + ": " + r.raw().body());
      assertEquals("bad_request", r.json().getJsonObject("error").getString("code"));
    }
    Api.Response note = school.staff.postRaw("/api/conversations/" + conversation + "/close",
        "{\"note\":\"x\\udfffy\"}", "application/json");
    assertEquals(400, note.status(), note.raw().body());
    assertEquals(0, school.db.queryLong("select count(*) from messages"), "nothing stored");
    // A whole pair is a character like any other.
    String emoji = "{\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"body\":\"ok \\ud83d\\ude00\"}";
    assertEquals(201, school.staff.postRaw("/api/conversations/" + conversation + "/messages", emoji,
        "application/json").status());
    assertEquals("ok \uD83D\uDE00", school.db.queryString("select body from messages where kind = 'message'"));
  }

  @Test
  @DisplayName("an email address must look like one: no markup, quotes or spaces; class names use a plain character set")
  void emails_and_class_names_are_checked() {
    for (String email : List.of("\"><svg/onload=alert(1)>@x.y", "a<b@x.y", "a b@x.y", "a@x", "a@x..y", "a@-x.y",
        "a@x.y>", "@x.y")) {
      Api.Response r = school.staff.post("/api/students", student(email, "7A"));
      assertEquals(400, r.status(), email + ": " + r.raw().body());
    }
    for (String className : List.of("<b>7A</b>", "7A\"", "7A;drop", "{7A}")) {
      Api.Response r = school.staff.post("/api/students", student("new.student@test.school", className));
      assertEquals(400, r.status(), className + ": " + r.raw().body());
    }
    assertEquals(0, school.db.queryLong("select count(*) from users where email = 'new.student@test.school'"));
    assertEquals(201, school.staff.post("/api/students", student("o'brien+7a@school-x.example.org", "10B Sciences"))
        .status(), "real addresses and class names still pass");
    assertEquals(201, school.staff.post("/api/students", student("zoe@test.school", "Année 3 – groupe 2")).status(),
        "class names may be in any alphabet");
  }

  @Test
  @DisplayName("a POST whose body is not JSON is a 415, also on endpoints that read no body")
  void posts_take_json_only() {
    Api.Response plain = school.staff.postRaw("/api/students/" + school.student + "/disable", "", "text/plain");
    assertEquals(415, plain.status(), plain.raw().body());
    Api.Response form = school.staff.postRaw("/api/students/" + school.student + "/conversation", "a=b",
        "application/x-www-form-urlencoded");
    assertEquals(415, form.status());
    Api.Response untyped = school.staff.postRaw("/api/students/" + school.student + "/disable", "x", null);
    assertEquals(415, untyped.status(), "a body without a type");
    assertEquals(0, school.db.queryLong("select count(*) from users where disabled_at is not null"), "nothing changed");
    // What the web client sends: no body and no type, or JSON.
    assertEquals(200, school.staff.postRaw("/api/students/" + school.otherStudent + "/conversation", "", null).status());
    assertEquals(200, school.staff.post("/api/students/" + school.otherStudent + "/conversation", null).status());
  }

  private static JsonObject student(String email, String className) {
    return new JsonObject().put("name", "New Student").put("email", email).put("rollId", "R-" + UUID.randomUUID()
        .toString().substring(0, 8)).put("className", className);
  }
}
