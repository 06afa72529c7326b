package app.homeroom.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9: an inbox event is built once, frozen, and shared by every consumer on a node (each browser socket is one),
 * and its bridge frame is encoded once per address instead of once per socket. These tests hold the three promises
 * that makes: consumers get one shared instance, nobody can change it, and the frame is exactly what the bridge
 * itself would have written.
 */
class EventsTest {

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Events.register(vertx.eventBus());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static JsonObject messageCreated() {
    return new JsonObject().put("type", EventType.MESSAGE_CREATED.type()).put("studentId", 42)
        .put("message", new JsonObject().put("id", 9001).put("seq", 7).put("body", "Résumé \"quoted\" </script> 😀\n\u0001")
            .put("senderName", "Ada Lovelace").putNull("note").put("tags", new JsonArray().add("a").add(1.5).add(true)))
        .put("conversationStatus", "active");
  }

  @Test
  @DisplayName("Every local consumer of either address gets the very same frozen event: no copy per consumer")
  void every_consumer_shares_one_instance() throws Exception {
    EventBus eb = vertx.eventBus();
    List<Object> received = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(4);
    CompletableFuture<Void> registered = CompletableFuture.allOf(
        consumer(eb, "test.user.1", received, all), consumer(eb, "test.user.1", received, all),
        consumer(eb, "test.admins", received, all), consumer(eb, "test.admins", received, all));
    registered.get(10, TimeUnit.SECONDS);

    JsonObject published = Events.publish(eb, messageCreated(), "test.user.1", "test.admins");

    assertTrue(all.await(10, TimeUnit.SECONDS), "four deliveries");
    assertEquals(4, received.size());
    for (Object body : received) {
      assertSame(published, body, "the published instance itself, not a copy");
    }
    assertEquals(messageCreated(), published, "the same content as what was built");
  }

  private static CompletableFuture<Void> consumer(EventBus eb, String address, List<Object> into, CountDownLatch latch) {
    return eb.consumer(address, msg -> {
      into.add(msg.body());
      latch.countDown();
    }).completion().toCompletionStage().toCompletableFuture();
  }

  @Test
  @DisplayName("A published event cannot be changed, at any depth, and changing what it was built from does not reach it")
  void a_published_event_is_frozen() {
    JsonObject built = messageCreated();
    JsonObject frozen = Events.freeze(built);

    assertThrows(UnsupportedOperationException.class, () -> frozen.put("type", "other"));
    assertThrows(UnsupportedOperationException.class, () -> frozen.remove("studentId"));
    assertThrows(UnsupportedOperationException.class, frozen::clear);
    assertThrows(UnsupportedOperationException.class, () -> frozen.getMap().putIfAbsent("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> frozen.getMap().entrySet().iterator().next().setValue(1));
    assertThrows(UnsupportedOperationException.class, () -> frozen.getJsonObject("message").put("body", "edited"));
    assertThrows(UnsupportedOperationException.class,
        () -> frozen.getJsonObject("message").getJsonArray("tags").add("more"));

    built.getJsonObject("message").put("body", "changed after publishing");
    built.put("studentId", 1);
    assertEquals(messageCreated(), frozen, "a frozen event is a copy of what it was built from");
    assertSame(frozen, Events.freeze(frozen), "freezing a frozen event costs nothing");
  }

  @Test
  @DisplayName("The frame for a socket is byte for byte what the bridge would encode, on each address")
  void the_frame_is_the_bridges_own_encoding() {
    JsonObject event = Events.freeze(messageCreated());
    for (String address : List.of("user.42", "role.admin", "user.7")) {
      String expected = new JsonObject().put("type", "rec").put("address", address).put("body", event).encode();
      assertEquals(expected, Events.bridgeFrame(event, address));
      assertSame(Events.bridgeFrame(event, "user.42"), Events.bridgeFrame(event, "user.42"),
          "encoded once for its first address, then reused");
    }
    assertNull(Events.bridgeFrame(messageCreated(), "user.42"), "an event not frozen here goes the bridge's usual way");
    assertNull(Events.bridgeFrame("text", "user.42"));
  }

  @Test
  @DisplayName("Between nodes the event travels as its JSON, and arrives frozen, equal, with the same frame")
  void the_wire_form_round_trips() {
    Events.Codec codec = new Events.Codec();
    JsonObject event = Events.freeze(messageCreated());
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(wire, event);

    JsonObject arrived = codec.decodeFromWire("prefix".length(), wire);

    assertEquals(event, arrived);
    assertThrows(UnsupportedOperationException.class, () -> arrived.put("type", "other"));
    assertEquals(Events.bridgeFrame(event, "role.admin"), Events.bridgeFrame(arrived, "role.admin"));
    assertSame(event, codec.transform(event), "no copy for a consumer on the same node");
  }
}
