package app.homeroom.http;

import app.homeroom.support.Api;
import app.homeroom.support.Await;
import app.homeroom.support.BridgeTransport;
import app.homeroom.support.LogCapture;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.SockJsXhrClient;
import app.homeroom.support.TestEnv;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, point 1 (fuzz): more than 10,000 malformed or hostile frames through the bridge, from three WebSocket
 * sockets and an xhr-streaming session, while Ada and Sam keep chatting over it. Afterwards: the node still serves,
 * every hostile frame that reaches the bridge got exactly one {@code err} frame (a SockJS-level broken payload gets
 * 500 over xhr_send, an over-limit body 413), no "blocked" warning was
 * logged, and the bridge's event-bus consumers are back to what they were (counted in the cluster's subscription
 * map, where every bridge REGISTER adds one).
 *
 * <p>It runs on a node of its own with the rate limits off (issue 8, point 3): this test is about malformed frames,
 * and its ~300 hostile sends per user would otherwise (rightly) get the hostile sockets closed and slow Sam and Ada
 * down; {@code RateLimitTest} covers floods with the limits on.
 */
class BridgeFuzzTest {

  static final long PROMPT_MS = 5_000;

  @Test
  @DisplayName("10,000+ hostile frames: the node keeps serving others promptly, answers each with err, blocks no"
      + " event loop and leaks no consumer")
  void fuzz() throws Exception {
    School school = School.fresh();
    try (app.homeroom.Node unlimited = TestEnv.startNode(c -> c.withLimits(c.limits().withRateLimited(false)))) {
      fuzz(school, unlimited.httpPort());
    }
  }

  private void fuzz(School school, int port) throws Exception {
    String origin = "http://localhost:" + port;
    long samConversation = school.openConversation(school.student);
    Api olga = Api.signedIn("olga@test.school", School.PASSWORD);
    Random random = new Random(8);
    Map<String, Integer> sent = new TreeMap<>();
    Map<String, Integer> xhrStatuses = new TreeMap<>();

    try (LogCapture all = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
         LogCapture bridge = LogCapture.quietly("app.homeroom.http.BridgeHook");
         LogCapture sockJs = LogCapture.quietly("io.vertx.ext.web.handler.sockjs");
         SockJsClient ada = SockJsClient.connect(port, school.staff.sessionCookie(), origin);
         SockJsClient sam = SockJsClient.connect(port, school.pupil.sessionCookie(), origin)) {
      ada.register("role.admin");
      sam.register("user." + school.student);
      List<Long> latencies = new ArrayList<>();
      chat(ada, sam, samConversation, latencies); // both registered
      int baseline = bridgeConsumers(school);

      List<SockJsClient> hostile = new ArrayList<>();
      for (Api who : List.of(olga, school.pupil, school.staff)) {
        SockJsClient c = SockJsClient.connect(port, who.sessionCookie(), origin);
        hostile.add(c);
      }
      hostile.get(0).register("user." + school.otherStudent);
      hostile.get(1).register("user." + school.student);
      SockJsXhrClient xhr = (SockJsXhrClient) BridgeTransport.XHR_STREAMING.connect(port, olga.sessionCookie(), origin);
      xhr.register("user." + school.otherStudent);

      int expectedErrs = 0;
      for (int i = 0; i < 9_400; i++) {
        SockJsClient c = hostile.get(i % hostile.size());
        String category;
        String payload;
        switch (i % 10) {
          case 0, 1 -> { // bad JSON inside a valid SockJS message
            category = "bad JSON";
            payload = garbage(random);
          }
          case 2 -> {
            category = "missing type";
            payload = new JsonObject().put("address", "chat.message.send").put("body", new JsonObject().put("i", i)).encode();
          }
          case 3 -> {
            category = "unknown type";
            payload = new JsonObject().put("type", List.of("SEND", "subscribe", "", "rec", "err", "nonsense" + i).get(i % 6))
                .put("address", "chat.message.send").encode();
          }
          case 4 -> {
            category = i % 60 == 4 ? "huge body" : "deeply nested body";
            payload = i % 60 == 4
                ? new JsonObject().put("type", "send").put("address", "chat.message.send").put("replyAddress", UUID.randomUUID().toString())
                    .put("body", new JsonObject().put("body", "x".repeat(70_000 + random.nextInt(150_000)))).encode()
                : new JsonObject().put("type", "send").put("address", "chat.message.send").put("replyAddress", UUID.randomUUID().toString())
                    .encode().replace("}", ",\"body\":" + nested(200 + random.nextInt(3_000)) + "}");
          }
          case 5, 6 -> {
            category = "long address";
            String address = "chat.message.send." + "a".repeat(50 + random.nextInt(8_000));
            payload = new JsonObject().put("type", i % 2 == 0 ? "send" : "register").put("address", address)
                .put("body", new JsonObject()).encode();
          }
          case 7 -> {
            category = "hostile address (surrogates, controls, publish)";
            payload = new JsonObject().put("type", i % 20 == 7 ? "publish" : "send")
                .put("address", List.of("chat.message.send\ud800", "role.admin\n", "user.\u0000" + i, "__vertx.reply." + i, "presence.socket").get(i % 5))
                .put("body", new JsonObject().put("userId", 1).put("open", true)).encode();
          }
          case 8 -> {
            category = "re-register and foreign register";
            payload = new JsonObject().put("type", "register").put("address", i % 20 == 8 ? "user." + random.nextInt(1000) + "000" : "role.admin").encode();
            if (c == hostile.get(2) && i % 20 != 8) {
              payload = new JsonObject().put("type", "register").put("address", "user.1" + i).encode(); // Ada on a student's inbox
            }
          }
          default -> { // invalid UTF-8 in a binary frame: the bridge reads text frames only
            category = "invalid UTF-8 (binary frame)";
            c.sendBinary(new byte[] {'[', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, '"', ']'});
            sent.merge(category, 1, Integer::sum);
            continue;
          }
        }
        c.sendRaw(new JsonArray().add(payload).encode());
        sent.merge(category, 1, Integer::sum);
        expectedErrs++;
        if (i % 500 == 0) {
          chat(ada, sam, samConversation, latencies);
        }
      }

      // Some over xhr_send: broken SockJS payloads, invalid UTF-8 bytes, over-limit bodies, hostile frames.
      for (int i = 0; i < 900; i++) {
        int status;
        String category;
        switch (i % 3) {
          case 0 -> {
            category = "xhr_send: broken SockJS JSON";
            status = xhr.sendRaw(List.of("[\"unterminated", "{", "[1,2", "\u0000", "a[\"x\"]").get(i % 5));
          }
          case 1 -> {
            category = "xhr_send: invalid UTF-8";
            status = xhr.postBytes(new byte[] {'[', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xC0, '"', ']'});
          }
          default -> {
            category = i % 30 == 2 ? "xhr_send: huge body" : "xhr_send: hostile frame";
            status = xhr.sendRaw(i % 30 == 2 ? "[\"" + "z".repeat(300_000) + "\"]"
                : new JsonArray().add(new JsonObject().put("type", "publish").put("address", "role.admin").encode()).encode());
          }
        }
        sent.merge(category, 1, Integer::sum);
        xhrStatuses.merge(category + " -> " + status, 1, Integer::sum);
      }
      chat(ada, sam, samConversation, latencies);

      // Each hostile socket: a request after its flood is answered, so everything before it was processed.
      Map<String, Integer> errs = new TreeMap<>();
      int errTotal = 0;
      for (SockJsClient c : hostile) {
        JsonObject reply = c.call("chat.messages.fetch", new JsonObject().put("conversationId", 987654321));
        assertEquals(404, reply.getInteger("failureCode"), reply::encode);
        for (JsonObject f : c.drain()) {
          if ("err".equals(f.getString("type"))) {
            errTotal++;
            errs.merge(f.getValue("failureCode") != null ? "command " + f.getValue("failureCode") : f.getString("body"), 1, Integer::sum);
          }
        }
        assertFalse(c.isClosed(), "frames below the cap do not close a socket");
      }
      int total = sent.values().stream().mapToInt(Integer::intValue).sum();
      System.out.println("[BridgeFuzzTest] hostile frames sent: " + total + " " + sent);
      System.out.println("[BridgeFuzzTest] err frames received: " + errTotal + " " + errs);
      System.out.println("[BridgeFuzzTest] xhr_send statuses: " + xhrStatuses);
      System.out.println("[BridgeFuzzTest] refusals logged by BridgeHook: " + bridge.warnings("Bridge refused").size()
          + "; chat round trips: " + latencies.size() + ", slowest " + latencies.stream().mapToLong(Long::longValue).max().orElse(0) + " ms");
      assertTrue(total >= 10_000, "at least 10,000 hostile frames");
      assertEquals(expectedErrs, errTotal, "one err frame per hostile frame that reached the bridge");
      assertTrue(xhrStatuses.keySet().stream().allMatch(k -> k.endsWith(" 204") || k.endsWith(" 500") || k.endsWith(" 413")), xhrStatuses::toString);

      // The node still answers, new sockets work, the legitimate pair never waited long.
      assertEquals(200, school.staff.get("/api/me").status());
      try (SockJsClient fresh = SockJsClient.connect(port, olga.sessionCookie(), origin)) {
        assertEquals("rec", fresh.call("chat.notifications.list", new JsonObject()).getString("type"));
      }
      chat(ada, sam, samConversation, latencies);
      assertTrue(latencies.size() >= 20);

      // Registrations: the hostile ones existed (the count sees bridge REGISTERs) and are gone after closing.
      assertTrue(bridgeConsumers(school) > baseline, "the hostile sockets' own registrations are counted");
      hostile.forEach(SockJsClient::close);
      xhr.close();
      Await.holdsWithin(() -> bridgeConsumers(school) == baseline, 15_000);
      assertEquals(baseline, bridgeConsumers(school), "no leaked event-bus consumers");
      chat(ada, sam, samConversation, latencies);

      List<String> blocked = all.warnings("has been blocked");
      System.out.println("[BridgeFuzzTest] blocked-thread warnings: " + blocked.size());
      assertEquals(List.of(), blocked);
    }
  }

  /** Ada writes to Sam over the bridge; Sam must get it promptly. Records the round trip. */
  static void chat(SockJsClient ada, SockJsClient sam, long conversation, List<Long> latencies) throws InterruptedException {
    String text = "still here " + UUID.randomUUID();
    long start = System.nanoTime();
    JsonObject reply = ada.call("chat.message.send", new JsonObject().put("conversationId", conversation)
        .put("clientMsgId", UUID.randomUUID().toString()).put("body", text));
    assertEquals("rec", reply.getString("type"), reply::encode);
    sam.await(f -> f.getValue("body") instanceof JsonObject b && b.getValue("message") instanceof JsonObject m
        && text.equals(m.getString("body")), PROMPT_MS);
    latencies.add((System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Consumers on this school's user inboxes (ids are new for every test, so sockets of earlier tests still timing
   * out do not count), cluster-wide: what bridge REGISTERs create.
   */
  static int bridgeConsumers(School school) {
    HazelcastInstance hz = Hazelcast.getAllHazelcastInstances().stream().filter(h -> h.getLifecycleService().isRunning())
        .findFirst().orElseThrow();
    MultiMap<String, Object> subs = hz.getMultiMap("__vertx.subs");
    int n = 0;
    for (String address : subs.keySet()) {
      if (List.of("user." + school.admin, "user." + school.student, "user." + school.otherStudent).contains(address)) {
        n += subs.valueCount(address);
      }
    }
    return n;
  }

  static String garbage(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> "{\"type\":\"send\",\"address\":";
      case 1 -> "not json at all " + random.nextInt();
      case 2 -> "{\"type\":\"send\"" + "]".repeat(random.nextInt(50));
      case 3 -> "[\"a\", 1, {]";
      case 4 -> "{'single':'quotes'}";
      default -> new String(new char[] {'{', (char) random.nextInt(0xD800), '\u0000', '"'});
    };
  }

  static String nested(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }
}
