package app.homeroom.ops;

import app.homeroom.support.Api;
import app.homeroom.support.Await;
import app.homeroom.support.School;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 29, point 3: HOMEROOM_LOG_FORMAT=json gives one JSON object a line, with the node's id, and the user id and
 * request id of the request a line was written for; text stays the default.
 */
class JsonLogTest {

  static School school;
  static TestEnv.ChildNode node;

  @BeforeAll
  static void start() throws Exception {
    school = School.fresh();
    node = TestEnv.startChildNode(Map.of("HOMEROOM_LOG_FORMAT", "json"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static List<String> lines() {
    try {
      return Files.readAllLines(node.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonObject> json() {
    return lines().stream().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
  }

  @Test
  @DisplayName("Issue 29.3: JSON log lines on request: level, logger, message, time and the node id in each")
  void json_lines() {
    List<String> lines = lines();
    List<JsonObject> json = json();
    assertFalse(json.isEmpty(), String.join("\n", lines));
    JsonObject started = json.stream().filter(j -> String.valueOf(j.getString("formattedMessage")).startsWith("network transport"))
        .findFirst().orElseThrow(() -> new AssertionError(String.join("\n", lines)));
    assertTrue(started.getString("level").equals("INFO") && started.getString("loggerName").equals("app.homeroom.Node"),
        started.encode());
    assertTrue(started.getLong("timestamp") > 0, started.encode());
    String nodeId = started.getJsonObject("context").getJsonObject("properties").getString("nodeId");
    assertTrue(nodeId != null && nodeId.length() == 36, started.encode());
    // Every log line is JSON: nothing in the text format slipped through.
    assertTrue(lines.stream().noneMatch(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")), String.join("\n", lines));
    // Lines logged outside any request carry no user or request.
    assertFalse(started.containsKey("mdc") && started.getJsonObject("mdc").containsKey("requestId"), started.encode());
  }

  @Test
  @DisplayName("Issue 29.3: a line written for a request, after a database round trip, names its user and request id")
  void user_and_request_in_mdc() throws InterruptedException {
    Api ada = new Api(node.baseUrl());
    assertEquals(200, ada.post("/api/login", new JsonObject().put("email", School.ADMIN_EMAIL)
        .put("password", School.PASSWORD)).status());
    // The proxy's id is kept (and echoed) when it is plain; the line is logged after the sessions are ended in the database.
    Api.Response out = ada.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/logout/everywhere"))
        .header("x-request-id", "proxy-req-4711").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertEquals(204, out.status(), out.raw().body());
    assertEquals("proxy-req-4711", out.raw().headers().firstValue("x-request-id").orElse(null));
    String expected = "User " + school.admin + " signed out everywhere";
    JsonObject[] found = new JsonObject[1];
    Await.until(() -> (found[0] = json().stream().filter(j -> expected.equals(j.getString("formattedMessage")))
        .findFirst().orElse(null)) != null, 10_000, "the sign-out line");
    JsonObject line = found[0];
    JsonObject mdc = line.getJsonObject("mdc");
    assertEquals(Long.toString(school.admin), mdc.getString("userId"), line.encode());
    assertEquals("proxy-req-4711", mdc.getString("requestId"), line.encode());

    // An id that is not plain is replaced by one of the node's own (it would go into every line).
    Api.Response odd = new Api(node.baseUrl()).send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/health/live"))
        .header("x-request-id", "<script>alert(1)</script>").GET());
    String given = odd.raw().headers().firstValue("x-request-id").orElse("");
    assertTrue(given.matches("[0-9a-f]{16}"), given);
    assertNotEquals("<script>alert(1)</script>", given);
  }
}
