package app.homeroom.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's hand-written frames are what the bridge expects, and its streaming reader finds what it needs. */
class FramesTest {

  @Test
  void outbound_frames_are_sockjs_arrays_holding_bridge_frames() {
    String text = "Quote \" backslash \\ newline \n tab \t ünïcödé";
    String frame = Frames.send("chat.message.send", "m.abc", Frames.messageBody(42, "abc", text));
    JsonArray outer = new JsonArray(frame);
    assertEquals(1, outer.size());
    JsonObject inner = new JsonObject(outer.getString(0));
    assertEquals("send", inner.getString("type"));
    assertEquals("chat.message.send", inner.getString("address"));
    assertEquals("m.abc", inner.getString("replyAddress"));
    assertEquals(42L, inner.getJsonObject("body").getLong("conversationId"));
    assertEquals("abc", inner.getJsonObject("body").getString("clientMsgId"));
    assertEquals(text, inner.getJsonObject("body").getString("body"));
    assertEquals(new JsonObject().put("type", "ping"), new JsonObject(new JsonArray(Frames.ping()).getString(0)));
    assertEquals(new JsonObject().put("type", "register").put("address", "role.admin"),
        new JsonObject(new JsonArray(Frames.register("role.admin")).getString(0)));
  }

  @Test
  void reads_an_event_a_reply_and_an_error_from_one_sockjs_frame() {
    JsonObject message = new JsonObject().put("id", 9).put("conversationId", 5).put("seq", 17).put("kind", "message")
        .put("senderId", 3).put("clientMsgId", "c-1").put("body", "hi {\"message\": 1}").put("note", (String) null);
    JsonObject event = new JsonObject().put("type", "rec").put("address", "user.3")
        .put("headers", new JsonObject().put("x", "y"))
        .put("body", new JsonObject().put("type", "chat.message.created").put("studentId", 3).put("message", message)
            .put("conversationStatus", "active"));
    JsonObject reply = new JsonObject().put("type", "rec").put("address", "m.c-2")
        .put("body", new JsonObject().put("message", message.copy().put("clientMsgId", "c-2").put("seq", 18))
            .put("duplicate", true).putNull("reopened"));
    JsonObject err = new JsonObject().put("type", "err").put("address", "m.c-3").put("failureCode", 404)
        .put("failureType", "RECIPIENT_FAILURE").put("message", "No such conversation");
    JsonObject rejected = new JsonObject().put("type", "err").put("body", "rejected");
    String sockJs = "a" + new JsonArray().add(event.encode()).add(reply.encode()).add(err.encode()).add(rejected.encode()).encode();

    List<Frames.Inbound> frames = Frames.decode(sockJs);
    assertEquals(4, frames.size());
    Frames.Inbound e = frames.get(0);
    assertEquals("rec", e.type);
    assertEquals("user.3", e.address);
    assertEquals("chat.message.created", e.eventType);
    assertEquals("c-1", e.clientMsgId);
    assertEquals(17, e.seq);
    assertEquals(5, e.conversationId);
    assertFalse(e.duplicate);

    Frames.Inbound r = frames.get(1);
    assertEquals("m.c-2", r.address);
    assertNull(r.eventType);
    assertEquals("c-2", r.clientMsgId);
    assertEquals(18, r.seq);
    assertTrue(r.duplicate);

    Frames.Inbound x = frames.get(2);
    assertEquals("err", x.type);
    assertEquals(404, x.failureCode);
    assertEquals("No such conversation", x.failureMessage);

    Frames.Inbound y = frames.get(3);
    assertEquals("err", y.type);
    assertNull(y.address);
    assertEquals("rejected", y.failureMessage);
    assertEquals(rejected, new JsonObject(y.raw));
  }

  @Test
  void a_receipt_or_typing_event_has_no_message() {
    JsonObject typing = new JsonObject().put("type", "rec").put("address", "role.admin")
        .put("body", new JsonObject().put("type", "chat.typing").put("conversationId", 5).put("userId", 3));
    Frames.Inbound in = Frames.decode("a" + new JsonArray().add(typing.encode()).encode()).get(0);
    assertEquals("chat.typing", in.eventType);
    assertNull(in.clientMsgId);
    assertEquals(-1, in.seq);
  }
}
