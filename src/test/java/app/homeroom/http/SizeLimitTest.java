package app.homeroom.http;

import app.homeroom.support.Api;
import app.homeroom.support.Await;
import app.homeroom.support.BridgeClient;
import app.homeroom.support.BridgeTransport;
import app.homeroom.support.LogCapture;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.SockJsXhrClient;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, point 3 (size caps), the same on every transport and on REST:
 * <ul>
 *   <li>a bridge frame over {@link BridgeHook#MAX_FRAME_BYTES} (64 KiB) is refused with an {@code err} frame and the
 *   socket lives on, whichever SockJS transport carried it;</li>
 *   <li>a SockJS message over {@link HttpVerticle#MAX_TRANSPORT_BYTES} (256 KiB) is refused by the transport: the
 *   WebSocket is closed (one frame or many 64 KiB fragments alike), an {@code xhr_send} is answered 413;</li>
 *   <li>a REST body over {@link HttpVerticle#MAX_BODY_BYTES} (64 KiB) is answered 413 {@code payload_too_large};</li>
 *   <li>a message text over 4,000 characters is a 400 on the bridge and on REST alike (the same service check).</li>
 * </ul>
 */
class SizeLimitTest {

  School school;
  int port;
  String origin;
  long conversation;
  LogCapture quiet;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    port = TestEnv.node().httpPort();
    origin = "http://localhost:" + port;
    conversation = school.openConversation(school.student);
    quiet = LogCapture.quietly("io.vertx");
  }

  @AfterEach
  void tearDown() {
    quiet.close();
  }

  /** A SockJS payload holding one SEND frame whose JSON is about {@code bytes} long. */
  String payloadOf(int bytes, String reply) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", "chat.message.send").put("replyAddress", reply)
        .put("body", new JsonObject().put("conversationId", conversation).put("clientMsgId", UUID.randomUUID().toString())
            .put("body", "x".repeat(bytes)));
    return new JsonArray().add(frame.encode()).encode();
  }

  long stored() {
    return school.db.queryLong("select count(*) from messages where sender_id = ?", school.student);
  }

  @ParameterizedTest
  @EnumSource(BridgeTransport.class)
  @DisplayName("Issue 8.3: a 100 KiB bridge frame gets an err frame on every transport; nothing stored, the socket"
      + " still works")
  void a_frame_over_64_KiB_is_refused_on_every_transport(BridgeTransport transport) throws Exception {
    try (BridgeClient sam = transport.connect(port, school.pupil.sessionCookie(), origin)) {
      int status = sam.sendRaw(payloadOf(100 * 1024, UUID.randomUUID().toString()));
      assertTrue(status == -1 || status == 204, "xhr_send status " + status);
      JsonObject err = sam.await(f -> "err".equals(f.getString("type")), 10_000);
      assertEquals("rejected", err.getString("body"), err::encode);
      JsonObject ok = sam.call("chat.message.send", new JsonObject().put("conversationId", conversation)
          .put("clientMsgId", UUID.randomUUID().toString()).put("body", "small"));
      assertEquals("rec", ok.getString("type"), ok::encode);
      assertEquals(1, stored(), "only the small message is stored");
      assertFalse(sam.isClosed());
    }
  }

  @Test
  @DisplayName("Issue 8.3: a 300 KB WebSocket message in 64 KiB fragments closes the WebSocket at once")
  void a_fragmented_message_over_the_cap_closes_the_websocket() throws Exception {
    try (SockJsClient sam = SockJsClient.connect(port, school.pupil.sessionCookie(), origin)) {
      assertEquals("rec", sam.call("chat.notifications.list", new JsonObject()).getString("type"));
      long t0 = System.nanoTime();
      sam.sendFragmented(payloadOf(300_000, UUID.randomUUID().toString()), 64 * 1024);
      Await.until(sam::isClosed, 5_000, "the WebSocket is closed after a 300 KB fragmented message");
      System.out.printf("[SizeLimitTest] 300 KB in 64 KiB fragments: closed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      assertEquals(0, stored());
      // The closed socket is released (counted against the per-user cap no longer).
      Await.until(() -> TestEnv.node().context().limits().openSockets(school.student) == 0, 5_000, "socket released");
    }
  }

  @Test
  @DisplayName("Issue 8.3: a single 300 KB WebSocket frame closes the WebSocket")
  void a_single_frame_over_the_cap_closes_the_websocket() throws Exception {
    try (SockJsClient sam = SockJsClient.connect(port, school.pupil.sessionCookie(), origin)) {
      assertEquals("rec", sam.call("chat.notifications.list", new JsonObject()).getString("type"));
      String payload = payloadOf(300_000, UUID.randomUUID().toString());
      sam.sendFragmented(payload, payload.length());
      Await.until(sam::isClosed, 5_000, "the WebSocket is closed after a 300 KB frame");
      assertEquals(0, stored());
    }
  }

  @Test
  @DisplayName("Issue 8.3: a 200 KB WebSocket message (under the transport cap) is refused by the bridge, socket kept")
  void a_message_between_the_caps_is_refused_but_the_websocket_lives() throws Exception {
    try (SockJsClient sam = SockJsClient.connect(port, school.pupil.sessionCookie(), origin)) {
      sam.sendFragmented(payloadOf(200_000, UUID.randomUUID().toString()), 64 * 1024);
      assertEquals("rejected", sam.await(f -> "err".equals(f.getString("type")), 10_000).getString("body"));
      assertEquals("rec", sam.call("chat.notifications.list", new JsonObject()).getString("type"));
      assertFalse(sam.isClosed());
    }
  }

  @ParameterizedTest
  @EnumSource(value = BridgeTransport.class, names = {"XHR_POLLING", "XHR_STREAMING", "EVENTSOURCE"})
  @DisplayName("Issue 8.3: an xhr_send body over 256 KiB is answered 413 on every HTTP transport; the session lives on")
  void an_xhr_send_over_the_cap_is_413(BridgeTransport transport) throws Exception {
    try (BridgeClient sam = transport.connect(port, school.pupil.sessionCookie(), origin)) {
      assertEquals(413, sam.sendRaw(payloadOf(300_000, UUID.randomUUID().toString())));
      assertEquals("rec", sam.call("chat.notifications.list", new JsonObject()).getString("type"));
      assertEquals(0, stored());
      assertTrue(sam instanceof SockJsXhrClient);
    }
  }

  @Test
  @DisplayName("Issue 8.3: REST bodies over 64 KiB are 413 payload_too_large; a text over 4,000 characters is 400 on"
      + " REST and on the bridge alike")
  void rest_and_text_limits() throws Exception {
    Api.Response big = school.pupil.post("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", "y".repeat(70 * 1024)));
    assertEquals(413, big.status(), big.raw().body());
    assertEquals("payload_too_large", big.json().getJsonObject("error").getString("code"));

    Api.Response tooLong = school.pupil.post("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", "z".repeat(4_001)));
    assertEquals(400, tooLong.status(), tooLong.raw().body());
    try (SockJsClient sam = SockJsClient.connect(port, school.pupil.sessionCookie(), origin)) {
      JsonObject answer = sam.call("chat.message.send", new JsonObject().put("conversationId", conversation)
          .put("clientMsgId", UUID.randomUUID().toString()).put("body", "z".repeat(4_001)));
      assertEquals(400, answer.getInteger("failureCode"), answer::encode);
    }
    assertEquals(201, school.pupil.post("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", "z".repeat(4_000))).status());
  }
}
