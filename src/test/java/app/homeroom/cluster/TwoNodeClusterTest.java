package app.homeroom.cluster;

import app.homeroom.Node;
import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestDb;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes, one database, one Hazelcast cluster: an admin on node A and a student on node B exchange messages
 * both ways in real time (R3.1, R3.2), each persisted exactly once (R3.3). Scaling out is launching a node.
 */
class TwoNodeClusterTest {

  static final String PASSWORD = School.PASSWORD;
  static Node nodeB;

  @BeforeAll
  static void startSecondNode() {
    TestEnv.node();
    nodeB = TestEnv.startNode();
  }

  @AfterAll
  static void stopSecondNode() {
    if (nodeB != null) {
      nodeB.stop();
    }
  }

  @Test
  @DisplayName("R3.1, R3.2, R3.3: admin on node A and student on node B chat both ways, each message stored once")
  void admin_and_student_on_different_nodes_chat_both_ways() throws Exception {
    School school = School.fresh();
    TestDb db = school.db;
    long student = school.student;
    int portA = TestEnv.node().httpPort();
    int portB = nodeB.httpPort();

    Api staff = school.staff;
    Api pupilOnB = new Api("http://localhost:" + portB);
    assertEquals(200, pupilOnB.post("/api/login", new JsonObject().put("email", "sam@test.school").put("password", PASSWORD)).status(),
        "a session issued by node B");

    List<SockJsClient> clients = new ArrayList<>();
    try {
      SockJsClient ada = SockJsClient.connect(portA, staff.sessionCookie(), "http://localhost:" + portA);
      SockJsClient sam = SockJsClient.connect(portB, pupilOnB.sessionCookie(), "http://localhost:" + portB);
      clients.add(ada);
      clients.add(sam);
      ada.register("role.admin");
      sam.register("user." + student);

      JsonObject opened = ada.call("chat.conversation.open", new JsonObject().put("studentId", student));
      long conversation = opened.getJsonObject("body").getJsonObject("conversation").getLong("id");
      // A registration on node B reaches node A's view of the cluster a moment later, and an event published
      // in between is missed (clients catch up from the database for exactly this). So first prove both routes
      // live: probe until one arrives each way.
      int probes = probeUntilDelivered(ada, sam, conversation, "probe to sam")
          + probeUntilDelivered(sam, ada, conversation, "probe to ada");

      int rounds = 5;
      for (int i = 0; i < rounds; i++) {
        String fromAda = "ada " + i;
        JsonObject sent = ada.call("chat.message.send", new JsonObject().put("conversationId", conversation)
            .put("clientMsgId", UUID.randomUUID().toString()).put("body", fromAda));
        assertEquals("rec", sent.getString("type"), sent::encode);
        sam.await(f -> isMessage(f, fromAda), 10_000);

        String fromSam = "sam " + i;
        JsonObject replied = sam.call("chat.message.send", new JsonObject().put("conversationId", conversation)
            .put("clientMsgId", UUID.randomUUID().toString()).put("body", fromSam));
        assertEquals("rec", replied.getString("type"), replied::encode);
        ada.await(f -> isMessage(f, fromSam), 10_000);
      }
      assertEquals(2L * rounds, db.queryLong(
          "select count(*) from messages where conversation_id = ? and body not like 'probe%'", conversation));
      assertEquals(2L * rounds, db.queryLong("select count(distinct body) from messages where body not like 'probe%'"));
      assertEquals(2L * rounds + probes, db.queryLong("select max(seq) from messages"), "sequences have no gap");
    } finally {
      clients.forEach(SockJsClient::close);
    }
  }

  @Test
  @DisplayName("R3.3 (issue 7): one clientMsgId sent three times through two nodes, bridge and REST, at once, is stored once")
  void one_client_message_id_through_two_nodes_is_stored_once() throws Exception {
    School school = School.fresh();
    long conversation = school.openConversation(school.student);
    int portA = TestEnv.node().httpPort();
    int portB = nodeB.httpPort();
    Api pupilOnB = new Api("http://localhost:" + portB);
    assertEquals(200, pupilOnB.post("/api/login", new JsonObject().put("email", "sam@test.school").put("password", PASSWORD)).status());
    String clientMsgId = UUID.randomUUID().toString();
    JsonObject send = new JsonObject().put("conversationId", conversation).put("clientMsgId", clientMsgId)
        .put("body", "sent on a flaky connection");
    try (SockJsClient onA = SockJsClient.connect(portA, school.pupil.sessionCookie(), "http://localhost:" + portA);
         SockJsClient onB = SockJsClient.connect(portB, pupilOnB.sessionCookie(), "http://localhost:" + portB)) {
      // The three copies race: two over the bridge (one per node) and one over REST on node B.
      String replyA = onA.request("chat.message.send", send, null);
      String replyB = onB.request("chat.message.send", send, null);
      Api.Response rest = pupilOnB.post("/api/conversations/" + conversation + "/messages",
          new JsonObject().put("clientMsgId", clientMsgId).put("body", "sent on a flaky connection"));
      JsonObject a = onA.await(f -> replyA.equals(f.getString("address")), 10_000);
      JsonObject b = onB.await(f -> replyB.equals(f.getString("address")), 10_000);

      assertEquals("rec", a.getString("type"), a::encode);
      assertEquals("rec", b.getString("type"), b::encode);
      assertTrue(rest.status() == 200 || rest.status() == 201, () -> rest.raw().body());
      long id = rest.json().getJsonObject("message").getLong("id");
      assertEquals(id, a.getJsonObject("body").getJsonObject("message").getLong("id"), "the same stored row");
      assertEquals(id, b.getJsonObject("body").getJsonObject("message").getLong("id"), "the same stored row");
      int fresh = (a.getJsonObject("body").getBoolean("duplicate") ? 0 : 1)
          + (b.getJsonObject("body").getBoolean("duplicate") ? 0 : 1) + (rest.status() == 201 ? 1 : 0);
      assertEquals(1, fresh, "exactly one of the three stored it; the others were told it was a duplicate");
      assertEquals(1, school.db.queryLong("select count(*) from messages where client_msg_id = ?::uuid", clientMsgId));
      assertEquals(1, school.db.queryLong("select last_seq from conversations where id = ?", conversation),
          "no sequence number was used up by the duplicates");
    }
  }

  /** Sends numbered probes from one socket until the other receives one; returns how many were stored. */
  static int probeUntilDelivered(SockJsClient from, SockJsClient to, long conversation, String label) throws Exception {
    for (int i = 1; i <= 20; i++) {
      String body = label + " " + i;
      JsonObject sent = from.call("chat.message.send", new JsonObject().put("conversationId", conversation)
          .put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
      assertEquals("rec", sent.getString("type"), sent::encode);
      if (!to.nothingMatching(f -> isMessage(f, body), 500)) {
        return i;
      }
    }
    throw new AssertionError(label + ": no probe delivered within 20 tries");
  }

  static boolean isMessage(JsonObject frame, String body) {
    JsonObject b = frame.getJsonObject("body");
    return b != null && "chat.message.created".equals(b.getString("type"))
        && body.equals(b.getJsonObject("message").getString("body"));
  }
}
