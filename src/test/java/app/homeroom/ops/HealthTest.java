package app.homeroom.ops;

import app.homeroom.support.Api;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 29, point 1: liveness and readiness, without a session (the outage case is in db/DatabaseOutageTest). */
class HealthTest {

  @Test
  @DisplayName("Issue 29.1: /health/live answers UP; /health/ready names its checks (database, cluster, node), all UP")
  void live_and_ready() {
    TestEnv.node();
    Api anyone = new Api(TestEnv.baseUrl());
    Api.Response live = anyone.get("/health/live");
    assertEquals(200, live.status());
    assertEquals("UP", live.json().getString("status"));
    Api.Response ready = anyone.get("/health/ready");
    assertEquals(200, ready.status(), ready.raw().body());
    JsonObject body = ready.json();
    assertEquals("UP", body.getString("status"));
    Map<String, String> checks = body.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(c -> c.getString("id"), c -> c.getString("status")));
    assertEquals(Map.of("database", "UP", "cluster", "UP", "node", "UP"), checks);
  }
}
