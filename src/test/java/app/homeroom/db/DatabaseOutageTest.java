package app.homeroom.db;

import app.homeroom.support.Api;
import app.homeroom.support.Await;
import app.homeroom.support.BridgeClient;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7, database outage: the database goes away under a running node with a student connected. Sends fail at
 * once with a clear error (503 "unavailable", over the bridge and over REST), nothing is acknowledged that is not
 * stored, the socket stays open, and when the database is back the same node serves again without a restart:
 * the failed sends, retried with their original clientMsgId (as the web client's outbox does), are stored once.
 */
class DatabaseOutageTest {

  private static final String PASSWORD = "correct horse battery";

  private static TestEnv.Isolated iso;
  private static long conversationId;
  private static Api student;

  @BeforeAll
  static void start() throws Exception {
    iso = TestEnv.startIsolated();
    iso.db.createAdmin("Ada Admin", "ada@outage.school", PASSWORD);
    long studentId = iso.db.createStudent("Sam Student", "sam@outage.school", "R-1", "7A", PASSWORD);
    Api staff = signIn("ada@outage.school");
    Api.Response opened = staff.post("/api/students/" + studentId + "/conversation", null);
    assertEquals(200, opened.status(), opened.raw().body());
    conversationId = opened.json().getJsonObject("conversation").getLong("id");
    student = signIn("sam@outage.school");
  }

  @AfterAll
  static void stop() {
    if (iso != null) {
      iso.close();
    }
  }

  private static Api signIn(String email) {
    Api api = new Api(iso.baseUrl());
    Api.Response r = api.post("/api/login", new JsonObject().put("email", email).put("password", PASSWORD));
    assertEquals(200, r.status(), r.raw().body());
    return api;
  }

  private static JsonObject sendFrame(String clientMsgId, String body) {
    return new JsonObject().put("type", "send").put("address", "chat.message.send")
        .put("replyAddress", clientMsgId)
        .put("body", new JsonObject().put("conversationId", conversationId).put("clientMsgId", clientMsgId).put("body", body));
  }

  private static JsonObject restBody(String clientMsgId, String body) {
    return new JsonObject().put("clientMsgId", clientMsgId).put("body", body);
  }

  @Test
  @DisplayName("Database down: sends fail with 503 on bridge and REST, nothing stored; back up: the same node stores the retries once")
  void a_database_outage_fails_clearly_and_recovers_without_a_restart() throws Exception {
    try (BridgeClient bridge = SockJsClient.connect(iso.node.httpPort(), student.sessionCookie(), iso.baseUrl())) {
      // Up: a send is stored and acknowledged.
      String before = UUID.randomUUID().toString();
      bridge.send(sendFrame(before, "before the outage"));
      JsonObject stored = bridge.await(f -> before.equals(f.getString("address")), 10_000);
      assertEquals("rec", stored.getString("type"), stored.encode());

      iso.stopDatabase();
      try {
        // Bridge: an err frame saying the database is unreachable, promptly, and the socket stays open.
        String viaBridge = UUID.randomUUID().toString();
        long t0 = System.nanoTime();
        bridge.send(sendFrame(viaBridge, "sent while the database is down"));
        JsonObject refused = bridge.await(f -> viaBridge.equals(f.getString("address")), 15_000);
        long failMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("err", refused.getString("type"), refused.encode());
        assertEquals(503, refused.getInteger("failureCode"), refused.encode());
        assertTrue(refused.getString("message").contains("database"), refused.encode());

        // REST: the same answer as JSON.
        String viaRest = UUID.randomUUID().toString();
        Api.Response r = student.post("/api/conversations/" + conversationId + "/messages", restBody(viaRest, "REST while down"));
        assertEquals(503, r.status(), r.raw().body());
        assertEquals("unavailable", r.json().getJsonObject("error").getString("code"));
        Api.Response read = student.get("/api/conversations/" + conversationId + "/messages");
        assertEquals(503, read.status(), read.raw().body());
        assertFalse(bridge.isClosed(), "the bridge socket survives the outage");
        System.out.printf("[outage] a send failed %d ms after the database went down: %s%n", failMs, refused.getString("message"));

        // Issue 29.1: the node says it is not ready, naming the check that fails; it still lives.
        Api.Response notReady = new Api(iso.baseUrl()).get("/health/ready");
        assertEquals(503, notReady.status(), notReady.raw().body());
        assertTrue(notReady.raw().body().contains("\"id\":\"database\",\"status\":\"DOWN\""), notReady.raw().body());
        assertEquals(200, new Api(iso.baseUrl()).get("/health/live").status());

        iso.startDatabase();
        long up = System.nanoTime();
        Await.until(() -> new Api(iso.baseUrl()).get("/health/ready").status() == 200, 30_000,
            "ready again once the database is back");

        // Back: the same node, no restart; the retried sends are stored now (not "already stored": the failed
        // attempts stored nothing), once each.
        JsonObject retried;
        long deadline = System.currentTimeMillis() + 30_000;
        do {
          bridge.send(sendFrame(viaBridge, "sent while the database is down"));
          retried = bridge.await(x -> viaBridge.equals(x.getString("address")), 15_000);
        } while (!"rec".equals(retried.getString("type")) && System.currentTimeMillis() < deadline);
        assertEquals("rec", retried.getString("type"), "the node stores again once the database is back: " + retried.encode());
        System.out.printf("[outage] storing again %d ms after the database came back%n", (System.nanoTime() - up) / 1_000_000);
        JsonObject body = retried.getJsonObject("body");
        assertFalse(body.getBoolean("duplicate"), "the failed attempt had stored nothing");
        Api.Response again = student.post("/api/conversations/" + conversationId + "/messages", restBody(viaRest, "REST while down"));
        assertEquals(201, again.status(), again.raw().body());
        Api.Response twice = student.post("/api/conversations/" + conversationId + "/messages", restBody(viaRest, "REST while down"));
        assertEquals(200, twice.status(), "a second retry finds it stored: " + twice.raw().body());

        for (String id : new String[] {before, viaBridge, viaRest}) {
          assertEquals(1, iso.db.queryLong("select count(*) from messages where client_msg_id = ?::uuid", id), id);
        }
        Api.Response list = student.get("/api/conversations/" + conversationId + "/messages");
        assertEquals(200, list.status());
        assertEquals(3, list.json().getJsonArray("messages").size(), list.json().encode());
      } finally {
        iso.startDatabase();
      }
    }
  }
}
