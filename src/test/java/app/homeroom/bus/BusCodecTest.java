package app.homeroom.bus;

import app.homeroom.common.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Issue 23, point 3: commands, replies and events are records with one codec. */
class BusCodecTest {

  @Test
  @DisplayName("every client command names its request and reply types; every event type its record")
  void the_contract_is_typed() {
    for (Address a : Address.values()) {
      if (a.kind() == Address.Kind.CLIENT_COMMAND) {
        assertNotNull(a.request(), a + " names its request");
        assertNotNull(a.reply(), a + " names its reply");
      } else {
        assertNull(a.request(), a + " is not a command");
      }
    }
    for (EventType t : EventType.values()) {
      assertEquals(t, recordOf(t).type(), t + "'s record says it is " + t);
    }
  }

  @Test
  @DisplayName("a command body decodes to its record, field by field")
  void decodes() {
    UUID id = UUID.randomUUID();
    Command.SendMessage send = BusCodec.decode(Command.SendMessage.class,
        new JsonObject().put("conversationId", 7).put("clientMsgId", id.toString()).put("body", "hi"));
    assertEquals(new Command.SendMessage(7, id, "hi", null, null), send);
    assertEquals(new Command.FetchMessages(3, null, 10L, null, null),
        BusCodec.decode(Command.FetchMessages.class, new JsonObject().put("conversationId", "3").put("before", 10)));
    assertEquals(new Command.ChangeStatus(3, null), BusCodec.decode(Command.ChangeStatus.class,
        new JsonObject().put("conversationId", 3)));
    assertEquals(new Command.ListNotifications(), BusCodec.decode(Command.ListNotifications.class, new JsonObject()));
  }

  @Test
  @DisplayName("a bad body is a 400 naming the first wrong field, as Params words it")
  void refuses() {
    List.of(
        new Object[] {new JsonObject(), "'conversationId' is required"},
        new Object[] {new JsonObject().put("conversationId", 0), "'conversationId' must be a positive id"},
        new Object[] {new JsonObject().put("conversationId", "x"), "'conversationId' must be a whole number"},
        new Object[] {new JsonObject().put("conversationId", 1), "'clientMsgId' is required"},
        new Object[] {new JsonObject().put("conversationId", 1).put("clientMsgId", "nope"), "'clientMsgId' must be a UUID"},
        new Object[] {new JsonObject().put("conversationId", 1).put("clientMsgId", UUID.randomUUID().toString())
            .put("body", 5), "'body' must be text"}
    ).forEach(c -> {
      ApiError e = assertThrows(ApiError.class, () -> BusCodec.decode(Command.SendMessage.class, c[0]));
      assertEquals(400, e.status());
      assertEquals(c[1], e.getMessage());
    });
    ApiError seq = assertThrows(ApiError.class, () -> BusCodec.decode(Command.Acknowledge.class,
        new JsonObject().put("conversationId", 1)));
    assertEquals("'seq' is required", seq.getMessage());
    ApiError notObject = assertThrows(ApiError.class, () -> BusCodec.decode(Command.Typing.class, "text"));
    assertEquals("Expected a JSON object", notObject.getMessage());
  }

  @Test
  @DisplayName("an event encodes as {type, its fields in order}, as browsers read it")
  void encodes() {
    JsonObject message = new JsonObject().put("id", 1);
    JsonObject json = BusCodec.encode(new Event.MessageCreated(9, message, "active"));
    assertEquals(List.of("type", "studentId", "message", "conversationStatus"), List.copyOf(json.fieldNames()));
    assertEquals(new JsonObject().put("type", "chat.message.created").put("studentId", 9L).put("message", message)
        .put("conversationStatus", "active"), json);
    assertEquals(new JsonObject().put("type", "notification.changed").put("notifications", new JsonArray()),
        BusCodec.encode(new Event.NotificationChanged(new JsonArray())));
    assertEquals(new JsonObject().put("message", message).put("duplicate", false).putNull("reopened"),
        BusCodec.encode(new Reply.Sent(message, false, null)));
  }

  private static Event recordOf(EventType t) {
    Class<? extends Event> c = t.record();
    var components = c.getRecordComponents();
    Object[] args = new Object[components.length];
    for (int i = 0; i < args.length; i++) {
      Class<?> type = components[i].getType();
      args[i] = type == long.class ? 0L : type == boolean.class ? false : null;
    }
    try {
      Class<?>[] types = java.util.Arrays.stream(components).map(java.lang.reflect.RecordComponent::getType)
          .toArray(Class<?>[]::new);
      return c.getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
