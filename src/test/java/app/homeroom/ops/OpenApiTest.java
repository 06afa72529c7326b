package app.homeroom.ops;

import app.homeroom.support.Api;
import app.homeroom.support.Contract;
import app.homeroom.support.School;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 29, point 4: the OpenAPI 3.1 document. Every response the suite gets is checked against it (support/Api →
 * support/Contract); here: it is served, it describes only endpoints that exist, the check does catch an answer that
 * differs, and request bodies are validated against it.
 */
class OpenApiTest {

  static School school;

  @BeforeAll
  static void start() {
    school = School.fresh();
  }

  @Test
  @DisplayName("Issue 29.4: GET /api/openapi.json serves the document, without a session")
  void served() {
    Api.Response r = new Api(TestEnv.baseUrl()).get("/api/openapi.json");
    assertEquals(200, r.status());
    assertEquals("3.1.0", r.json().getString("openapi"));
    assertEquals(Contract.document(), r.json());
  }

  @Test
  @DisplayName("Issue 29.4: every documented operation exists (none answers 'No such endpoint')")
  void every_operation_exists() {
    List<String> missing = new ArrayList<>();
    // An admin of its own (signing out ends its sessions), the sign-outs last: after them, the API answers 401 first.
    school.db.createAdmin("Olivia Ops", "olivia.ops@test.school", School.PASSWORD);
    Api olivia = Api.signedIn("olivia.ops@test.school", School.PASSWORD);
    List<String[]> ops = new ArrayList<>(Contract.operations());
    ops.sort(java.util.Comparator.comparing(op -> op[1].startsWith("/api/logout")));
    for (String[] op : ops) {
      String path = op[1].replaceAll("\\{[^}]+}", "1");
      if (op[2].startsWith("sso")) {
        path = path.replace("/1/", "/nobody/"); // an unknown provider: a redirect or a 404 of its own
      }
      Api.Response r = switch (op[0]) {
        case "GET" -> olivia.get(path);
        case "PATCH" -> olivia.patch(path, new JsonObject());
        case "PUT" -> olivia.put(path, new JsonObject());
        case "DELETE" -> olivia.delete(path);
        default -> olivia.post(path, null);
      };
      if (r.status() == 404 && r.json() != null && "No such endpoint".equals(r.json().getJsonObject("error").getString("message"))) {
        missing.add(op[0] + " " + op[1]);
      }
    }
    assertEquals(List.of(), missing);
    assertTrue(Contract.operations().size() >= 46, "operations: " + Contract.operations().size());
  }

  @Test
  @DisplayName("Issue 29.4: the check catches an answer that differs from the document")
  void the_check_can_fail() {
    // A roster row whose id is text, an undocumented status, an error without its code: each is refused.
    assertThrows(AssertionError.class, () -> Contract.check("GET", "/api/students", 200, "application/json",
        new JsonObject().put("students", new JsonArray().add(new JsonObject().put("id", "7"))).put("total", 1).encode()));
    assertThrows(AssertionError.class, () -> Contract.check("GET", "/api/me", 200, "application/json", "{\"who\":1}"));
    assertThrows(AssertionError.class, () -> Contract.check("GET", "/api/me", 500, "application/json",
        "{\"error\":{\"message\":\"no code\"}}"));
    assertThrows(AssertionError.class, () -> Contract.check("GET", "/api/not-documented", 200, "application/json", "{}"));
    Contract.check("GET", "/api/me", 401, "application/json", "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Not signed in\"}}");
  }

  @Test
  @DisplayName("Issue 29.4: a request body of the wrong shape is a 400 naming the place, and writes nothing")
  void request_bodies_are_validated() {
    long before = school.db.queryLong("select count(*) from api_tokens");
    Api.Response scope = school.staff.post("/api/tokens", new JsonObject().put("name", "SIS")
        .put("scopes", new JsonArray().add("chat:write")));
    assertEquals(400, scope.status());
    assertTrue(scope.json().getJsonObject("error").getString("message").contains("/scopes/0"), scope.json().encode());
    Api.Response type = school.staff.post("/api/tokens", new JsonObject().put("name", 5)
        .put("scopes", new JsonArray().add("roster:read")));
    assertEquals(400, type.status());
    assertTrue(type.json().getJsonObject("error").getString("message").contains("/name"), type.json().encode());
    Api.Response none = school.staff.post("/api/tokens", new JsonObject().put("name", "SIS").put("scopes", new JsonArray()));
    assertEquals(400, none.status(), none.raw().body());
    assertEquals(before, school.db.queryLong("select count(*) from api_tokens"));
    assertEquals(201, school.staff.post("/api/tokens", new JsonObject().put("name", "SIS")
        .put("scopes", new JsonArray().add("roster:read").add("roster:read"))).status());
  }
}
