package app.homeroom.chat;

import app.homeroom.support.Api;
import app.homeroom.support.LiveClients;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** R4.1–R4.4 on the server: delivered/read watermarks, receipts, typing, and what is refused. */
class ReceiptsAndTypingTest {

  School school;
  long conversation;
  final LiveClients live = new LiveClients();

  @BeforeEach
  void setUp() {
    school = School.fresh();
    conversation = school.openConversation(school.student);
  }

  @AfterEach
  void closeClients() {
    live.close();
  }

  SockJsClient connect(Api who) throws Exception {
    return live.connect(who);
  }

  /**
   * Registers on {@code address}, then waits for the answer to a request sent after it: frames on one socket are
   * handled in order, so the registration is live by then (a message published at once could otherwise miss it, as
   * on one CI run).
   */
  void listen(SockJsClient client, String address) throws InterruptedException {
    client.register(address);
    client.call("chat.notifications.list", new JsonObject());
  }

  void say(Api who, long conversationId, int times) {
    for (int i = 0; i < times; i++) {
      Api.Response r = who.postPatiently("/api/conversations/" + conversationId + "/messages",
          new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", "m" + i));
      assertEquals(201, r.status(), () -> r.raw().body());
    }
  }

  JsonObject ack(Api who, String kind, long conversationId, Object seq) {
    Api.Response r = who.post("/api/conversations/" + conversationId + "/" + kind, new JsonObject().put("seq", seq));
    return new JsonObject().put("status", r.status()).put("body", r.json());
  }

  JsonObject receiptOf(long userId) {
    JsonArray receipts = school.pupil.get("/api/conversations/" + conversation).json().getJsonArray("receipts");
    for (Object o : receipts) {
      if (((JsonObject) o).getLong("userId") == userId) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  static boolean event(JsonObject frame, String type) {
    JsonObject b = frame.getJsonObject("body");
    return b != null && type.equals(b.getString("type"));
  }

  @Test
  @DisplayName("R4.3, R4.4: watermarks only move forward, read implies delivered, and a reload gets them back")
  void watermarks_move_forward_only() {
    say(school.staff, conversation, 5);
    assertEquals(3, ack(school.pupil, "delivered", conversation, 3).getJsonObject("body").getLong("deliveredSeq"));
    assertEquals(3, ack(school.pupil, "delivered", conversation, 1).getJsonObject("body").getLong("deliveredSeq"), "never back");
    JsonObject read = ack(school.pupil, "read", conversation, 2).getJsonObject("body");
    assertEquals(2, read.getLong("readSeq"));
    assertEquals(3, read.getLong("deliveredSeq"), "reading 2 leaves delivered at 3");
    read = ack(school.pupil, "read", conversation, 5).getJsonObject("body");
    assertEquals(5, read.getLong("deliveredSeq"), "read implies delivered");

    JsonObject sam = receiptOf(school.student);
    assertEquals("Sam Student", sam.getString("name"));
    assertEquals("student", sam.getString("role"));
    assertEquals(5, sam.getLong("deliveredSeq"));
    assertEquals(5, sam.getLong("readSeq"));
    JsonObject ada = receiptOf(school.admin);
    assertEquals(5, ada.getLong("readSeq"), "the sender has read their own messages");
  }

  @Test
  @DisplayName("R4.3: fetching the newest messages (first load or catch-up) counts as delivered; older pages do not move it")
  void fetching_delivers() {
    say(school.staff, conversation, 4);
    assertEquals(200, school.pupil.get("/api/conversations/" + conversation + "/messages?after=0").status());
    assertEquals(4, receiptOf(school.student).getLong("deliveredSeq"));
    assertEquals(0, receiptOf(school.student).getLong("readSeq"), "fetched is not read");
  }

  @Test
  @DisplayName("issue 9: the node writes marks through its marks pool, whose commits do not wait for the disk")
  void marks_go_through_the_marks_pool() {
    say(school.staff, conversation, 2);
    assertEquals(200, ack(school.pupil, "read", conversation, 2).getInteger("status"));
    // The pool opens connections when first asked, and only marks ask it: a backend of it that last ran a mark
    // statement is the node's chat service writing marks there (DatabasePoolsTest checks the pool's setting).
    assertTrue(school.db.queryLong("select count(*) from pg_stat_activity where application_name = 'homeroom-marks'"
        + " and query like '%conversation_reads%'") > 0, "a marks-pool backend wrote the read mark");
  }

  @Test
  @DisplayName("Bad acknowledgements are refused with an error and change nothing")
  void bad_acknowledgements_are_refused() {
    say(school.staff, conversation, 2);
    assertEquals(400, ack(school.pupil, "delivered", conversation, 3).getInteger("status"), "beyond the last message");
    assertEquals(400, ack(school.pupil, "delivered", conversation, 0).getInteger("status"));
    assertEquals(400, ack(school.pupil, "delivered", conversation, -4).getInteger("status"));
    assertEquals(400, ack(school.pupil, "delivered", conversation, "two").getInteger("status"));
    assertEquals(404, ack(school.pupil, "delivered", 987_654, 1).getInteger("status"));
    long olgas = school.openConversation(school.otherStudent);
    say(school.staff, olgas, 1);
    assertEquals(404, ack(school.pupil, "delivered", olgas, 1).getInteger("status"), "a foreign conversation");
    assertEquals(404, ack(school.pupil, "read", olgas, 1).getInteger("status"));
    assertEquals(0, school.db.queryLong("select count(*) from conversation_reads where user_id = ?", school.student));
  }

  @Test
  @DisplayName("R4.3, R4.4: marks that move reach the participants live as receipts; typing reaches them too, with the typist's name")
  void receipts_and_typing_are_live() throws Exception {
    say(school.staff, conversation, 3);
    SockJsClient ada = connect(school.staff);
    listen(ada, "role.admin");
    SockJsClient sam = connect(school.pupil);
    listen(sam, "user." + school.student);
    // Prove both registrations are live before asserting on what arrives.
    say(school.staff, conversation, 1);
    ada.await(f -> event(f, "chat.message.created"), 5_000);
    sam.await(f -> event(f, "chat.message.created"), 5_000);

    JsonObject delivered = sam.call("chat.conversation.delivered", new JsonObject().put("conversationId", conversation).put("seq", 4));
    assertEquals("rec", delivered.getString("type"), delivered::encode);
    JsonObject receipt = ada.await(f -> event(f, "chat.receipt"), 5_000).getJsonObject("body");
    assertEquals(school.student, receipt.getLong("userId"));
    assertEquals("Sam Student", receipt.getString("name"));
    assertEquals(4, receipt.getLong("deliveredSeq"));

    sam.call("chat.typing", new JsonObject().put("conversationId", conversation));
    JsonObject typing = ada.await(f -> event(f, "chat.typing"), 5_000).getJsonObject("body");
    assertEquals("Sam Student", typing.getString("name"));
    assertEquals(school.student, typing.getLong("userId"));
    assertEquals(6000, typing.getLong("expiresInMs"));

    ada.call("chat.typing", new JsonObject().put("conversationId", conversation));
    JsonObject adaTyping = sam.await(f -> event(f, "chat.typing") && f.getJsonObject("body").getLong("userId") == school.admin, 5_000);
    assertEquals("Ada Admin", adaTyping.getJsonObject("body").getString("name"), "the student sees which admin is typing");

    // Nobody is sent their own typing back (their clients would only drop it; issue 9: a quarter of typing frames).
    // Each typing event above has reached the other side, so an echo would have arrived by now.
    assertTrue(sam.nothingMatching(f -> event(f, "chat.typing") && f.getJsonObject("body").getLong("userId") == school.student, 300),
        "the student's own typing is not sent back to them");
    assertTrue(ada.nothingMatching(f -> event(f, "chat.typing") && f.getJsonObject("body").getLong("userId") == school.admin, 300),
        "the admin's own typing is not sent back to them");
  }

  @Test
  @DisplayName("Typing and acknowledgements for a conversation the user is not in are refused on the bridge")
  void foreign_typing_and_acks_are_refused() throws Exception {
    long olgas = school.openConversation(school.otherStudent);
    say(school.staff, olgas, 1);
    SockJsClient sam = connect(school.pupil);
    assertEquals(404, sam.call("chat.typing", new JsonObject().put("conversationId", olgas)).getInteger("failureCode"));
    assertEquals(404, sam.call("chat.conversation.delivered", new JsonObject().put("conversationId", olgas).put("seq", 1)).getInteger("failureCode"));
    assertEquals(404, sam.call("chat.conversation.read", new JsonObject().put("conversationId", olgas).put("seq", 1)).getInteger("failureCode"));
    assertEquals(400, sam.call("chat.typing", new JsonObject()).getInteger("failureCode"));
    assertEquals(0, school.db.queryLong("select count(*) from conversation_reads where user_id = ?", school.student));
  }

  @Test
  @DisplayName("Typing is throttled: a flood of typing events forwards about one per second")
  void typing_is_throttled() throws Exception {
    SockJsClient ada = connect(school.staff);
    listen(ada, "role.admin");
    say(school.staff, conversation, 1);
    ada.await(f -> event(f, "chat.message.created"), 5_000);
    SockJsClient sam = connect(school.pupil);
    long started = System.currentTimeMillis();
    for (int i = 0; i < 20; i++) {
      sam.send(new JsonObject().put("type", "send").put("address", "chat.typing")
          .put("body", new JsonObject().put("conversationId", conversation)));
    }
    ada.await(f -> event(f, "chat.typing"), 5_000);
    int forwarded = 1;
    while (!ada.nothingMatching(f -> event(f, "chat.typing"), 500)) {
      forwarded++;
    }
    long seconds = (System.currentTimeMillis() - started) / 1000;
    System.out.printf("typing burst: 20 events -> %d forwarded in %d s%n", forwarded, seconds);
    assertTrue(forwarded <= seconds + 1, "20 events forwarded " + forwarded + " times in " + seconds + " s");
  }

  @Test
  @DisplayName("R4.1, R4.2: after sending, the typist's next typing event is forwarded at once (the throttle forgets)")
  void typing_after_sending_is_forwarded_at_once() throws Exception {
    SockJsClient ada = connect(school.staff);
    listen(ada, "role.admin");
    say(school.staff, conversation, 1);
    ada.await(f -> event(f, "chat.message.created"), 5_000);
    SockJsClient sam = connect(school.pupil);
    sam.call("chat.typing", new JsonObject().put("conversationId", conversation));
    ada.await(f -> event(f, "chat.typing"), 5_000);
    sam.call("chat.message.send", new JsonObject().put("conversationId", conversation)
        .put("clientMsgId", UUID.randomUUID().toString()).put("body", "done"));
    sam.call("chat.typing", new JsonObject().put("conversationId", conversation));
    ada.await(f -> event(f, "chat.typing"), 900);
  }

  @Test
  @DisplayName("Budget: a burst of 100 acknowledgements from one client costs a handful of writes")
  void a_burst_of_acknowledgements_is_coalesced() throws Exception {
    say(school.staff, conversation, 100);
    SockJsClient sam = connect(school.pupil);
    ChatShared stats = TestEnv.node().context().chat();
    long acksBefore = stats.acks();
    long writesBefore = stats.ackWrites();
    // Fire-and-forget, as a flooding or buggy client would (the bridge caps a socket's outstanding replies).
    for (int seq = 1; seq <= 100; seq++) {
      sam.send(new JsonObject().put("type", "send").put("address", seq % 2 == 0 ? "chat.conversation.read" : "chat.conversation.delivered")
          .put("body", new JsonObject().put("conversationId", conversation).put("seq", seq)));
    }
    // The marks reach 100 once every acknowledgement has been taken in: wait for that, then count.
    long deadline = System.currentTimeMillis() + 10_000;
    while (stats.acks() - acksBefore < 100 || receiptOf(school.student) == null
        || receiptOf(school.student).getLong("readSeq") < 100) {
      assertTrue(System.currentTimeMillis() < deadline, "the burst was not absorbed within 10 s");
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
    }
    long acks = stats.acks() - acksBefore;
    long writes = stats.ackWrites() - writesBefore;
    System.out.printf("acknowledgement burst: %d acks -> %d writes%n", acks, writes);
    assertEquals(100, acks);
    assertTrue(writes <= 20, "a burst of 100 acknowledgements took " + writes + " writes");
    assertEquals(100, receiptOf(school.student).getLong("readSeq"));
    assertEquals(100, receiptOf(school.student).getLong("deliveredSeq"));
  }
}
