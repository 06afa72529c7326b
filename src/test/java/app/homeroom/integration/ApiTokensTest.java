package app.homeroom.integration;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestDb;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 25, point 5: API tokens for the school's information system, scoped, hashed, revocable, last-used time. */
class ApiTokensTest {

  School school;
  TestDb db;
  Api ada;
  /** No cookies: only the bearer token speaks. */
  Api system;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    db = school.db;
    ada = school.staff;
    system = new Api(TestEnv.baseUrl());
  }

  private String token(String name, String... scopes) {
    Api.Response r = ada.post("/api/tokens", new JsonObject().put("name", name).put("scopes", new JsonArray(java.util.List.of((Object[]) scopes))));
    assertEquals(201, r.status(), r.raw().body());
    String secret = r.json().getString("secret");
    assertTrue(secret.matches("hr_[A-Za-z0-9_-]{43}"), secret);
    return secret;
  }

  private Api.Response call(String token, String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(TestEnv.baseUrl() + path))
        .header("authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("content-type", contentType);
    }
    return system.send(b);
  }

  private Api.Response upsert(String token, JsonObject student) {
    return call(token, "POST", "/api/people/upsert", "application/json", student.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject student(String name, String email, String roll, String cls) {
    return new JsonObject().put("name", name).put("email", email).put("rollId", roll).put("className", cls);
  }

  @Test
  @DisplayName("Issue 25.5: a token is shown once and stored hashed; a read token lists and previews, and nothing else")
  void read_scope() {
    String read = token("SIS read", "roster:read");
    JsonObject listed = ada.get("/api/tokens").json().getJsonArray("tokens").getJsonObject(0);
    assertEquals("SIS read", listed.getString("name"));
    assertNull(listed.getValue("secret"));
    assertNull(listed.getValue("lastUsedAt"));
    assertEquals(0, db.queryLong("select count(*) from api_tokens where position(convert_to('" + read
        + "', 'UTF8') in token_hash) > 0 or encode(token_hash, 'escape') like '%hr_%'"));

    Api.Response people = call(read, "GET", "/api/people?role=student", null, null);
    assertEquals(200, people.status(), people.raw().body());
    assertEquals(2, people.json().getInteger("total"));
    assertEquals(200, call(read, "GET", "/api/people/" + school.student, null, null).status());
    byte[] csv = "name,email,roll id,class\nNew One,new1@test.school,R-800,7A\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(200, call(read, "POST", "/api/people/import?dryRun=true", "text/csv", csv).status());
    assertEquals(403, call(read, "POST", "/api/people/import?dryRun=false", "text/csv", csv).status());
    assertEquals(403, upsert(read, student("A", "a@test.school", "R-1", "7A")).status());
    // Nothing outside the roster: not the chat, not tokens, not sign-out, not the live channel.
    assertEquals(403, call(read, "GET", "/api/students", null, null).status());
    assertEquals(403, call(read, "GET", "/api/tokens", null, null).status());
    assertEquals(403, call(read, "POST", "/api/logout/everywhere", null, null).status());
    assertEquals(403, call(read, "POST", "/api/people", "application/json", "{}".getBytes()).status());
    assertTrue(db.queryLong("select count(*) from api_tokens where last_used_at is not null") == 1);
    assertNotNull(ada.get("/api/tokens").json().getJsonArray("tokens").getJsonObject(0).getString("lastUsedAt"));
  }

  @Test
  @DisplayName("Issue 25.5: a write token upserts one student (created, unchanged, updated) and applies imports, audited as the token")
  void write_scope() {
    String write = token("SIS sync", "roster:read", "roster:write");
    Api.Response created = upsert(write, student("Una Upsert", "una@test.school", "R-600", "7A"));
    assertEquals(200, created.status(), created.raw().body());
    assertEquals("created", created.json().getString("result"));
    assertEquals("invited", created.json().getJsonObject("person").getString("status"));
    assertEquals("unchanged", upsert(write, student("Una Upsert", "una@test.school", "R-600", "7A")).json().getString("result"));
    Api.Response moved = upsert(write, student("Una Upsert", "una@test.school", "r-600", "8A"));
    assertEquals("updated", moved.json().getString("result"), moved.raw().body());
    assertEquals("8A", moved.json().getJsonObject("person").getString("className"));
    Api.Response bad = upsert(write, student("Una Upsert", "sam@test.school", "R-600", "8A"));
    assertEquals(400, bad.status());
    assertEquals("Email sam@test.school is taken by Sam Student (roll ID R-001)",
        bad.json().getJsonObject("error").getString("message"));

    long tokenId = db.queryLong("select id from api_tokens");
    assertEquals(2, db.queryLong("select count(*) from audit_events where action in ('student.created', 'student.updated')"
        + " and actor_id = " + school.admin + " and (details->>'apiToken')::bigint = " + tokenId));
    byte[] csv = "name,email,roll id,class\nNew One,new1@test.school,R-800,7A\n".getBytes(StandardCharsets.UTF_8);
    Api.Response applied = call(write, "POST", "/api/people/import?dryRun=false", "text/csv", csv);
    assertEquals(200, applied.status(), applied.raw().body());
    assertEquals(1, applied.json().getInteger("create"));
  }

  @Test
  @DisplayName("Issue 25.5: a revoked token, or one whose admin is disabled, stops at once; malformed ones are 401")
  void revoked_and_disabled() {
    String read = token("Old system", "roster:read");
    long id = db.queryLong("select id from api_tokens");
    assertEquals(200, call(read, "GET", "/api/people", null, null).status());
    Api.Response revoked = ada.post("/api/tokens/" + id + "/revoke", null);
    assertEquals(200, revoked.status());
    assertNotNull(revoked.json().getJsonObject("token").getString("revokedAt"));
    assertEquals(401, call(read, "GET", "/api/people", null, null).status());
    assertEquals(200, ada.post("/api/tokens/" + id + "/revoke", null).status());
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'apitoken.revoked'"));
    assertEquals(404, ada.post("/api/tokens/999999/revoke", null).status());

    String other = token("Other", "roster:read");
    long ben = ada.post("/api/people", new JsonObject().put("role", "admin").put("name", "Ben Staff")
        .put("email", "ben@test.school")).json().getJsonObject("person").getLong("id");
    db.exec("update users set password_hash = (select password_hash from users where id = " + school.admin + ") where id = " + ben);
    Api benApi = Api.signedIn("ben@test.school", School.PASSWORD);
    String bens = benApi.post("/api/tokens", new JsonObject().put("name", "Ben's").put("scopes", new JsonArray().add("roster:read")))
        .json().getString("secret");
    assertEquals(200, call(bens, "GET", "/api/people", null, null).status());
    assertEquals(200, ada.post("/api/people/" + ben + "/disable", null).status());
    assertEquals(401, call(bens, "GET", "/api/people", null, null).status());
    assertEquals(200, call(other, "GET", "/api/people", null, null).status());

    assertEquals(401, call("hr_short", "GET", "/api/people", null, null).status());
    assertEquals(401, system.send(HttpRequest.newBuilder(URI.create(TestEnv.baseUrl() + "/api/people"))
        .header("authorization", "Basic YWRhOnB3")).status());
    assertEquals(403, school.pupil.post("/api/tokens", new JsonObject().put("name", "x")
        .put("scopes", new JsonArray().add("roster:read"))).status());
    assertEquals(400, ada.post("/api/tokens", new JsonObject().put("name", "x")
        .put("scopes", new JsonArray().add("chat:write"))).status());
    assertFalse(ada.get("/api/tokens").json().getJsonArray("tokens").isEmpty());
  }
}
