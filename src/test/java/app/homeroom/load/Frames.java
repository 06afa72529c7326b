package app.homeroom.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format the generator speaks, written by hand and read with Jackson's streaming parser, so that tens of
 * thousands of frames a second cost little CPU on a machine the server shares.
 *
 * <p>Over SockJS's WebSocket transport the server sends {@code o} (open), {@code h} (heartbeat), {@code c[code,
 * "reason"]} (close) and {@code a["<frame>", ...]} (messages, each a JSON document in a JSON string); the client
 * sends {@code ["<frame>", ...]}. Inside are the Vert.x bridge frames: {@code register}, {@code send} (with a
 * {@code replyAddress}), {@code ping} out; {@code rec} and {@code err} in (docs/API.md).
 */
final class Frames {

  /**
   * Field names are not interned: a parser per frame would otherwise take and hand back the shared symbol table each
   * time, which was an eighth of the generator's CPU (JFR, issue 9).
   */
  private static final JsonFactory JSON = JsonFactory.builder()
      .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();

  private Frames() {}

  /** What the generator needs from one inbound bridge frame; everything else is skipped, not built. */
  static final class Inbound {
    /** "rec" or "err". */
    String type;
    /** The reply address of a reply, or the inbox ({@code user.<id>}, {@code role.admin}) of an event. */
    String address;
    /** The event's {@code body.type} (e.g. "chat.message.created"), null for replies without one. */
    String eventType;
    /** From {@code body.message} (a message reply or a chat.message.created event). */
    String clientMsgId;
    long seq = -1;
    long conversationId = -1;
    /** A message's announcement (issue 28): its copy in a student's conversation; -1 for any other message. */
    long announcementId = -1;
    boolean duplicate;
    /** err frames: the failure code (-1 when absent) and message (or a string body, e.g. "rejected"). */
    int failureCode = -1;
    String failureMessage;
    /** err frames of a rate-limit refusal: how long to wait before asking again, in ms (-1 when absent). */
    long retryAfter = -1;
    /** The frame as received, for the rare frames read in full (fetch replies). */
    String raw;
  }

  // ---- outbound ------------------------------------------------------------------------------------------------

  static String register(String address) {
    return wrap("{\"type\":\"register\",\"address\":\"" + address + "\"}");
  }

  static String ping() {
    return "[\"{\\\"type\\\":\\\"ping\\\"}\"]";
  }

  /** A send (request) frame; {@code bodyJson} is already JSON. */
  static String send(String address, String replyAddress, String bodyJson) {
    return wrap("{\"type\":\"send\",\"address\":\"" + address + "\",\"replyAddress\":\"" + replyAddress
        + "\",\"body\":" + bodyJson + "}");
  }

  static String messageBody(long conversationId, String clientMsgId, String text) {
    return "{\"conversationId\":" + conversationId + ",\"clientMsgId\":\"" + clientMsgId + "\",\"body\":"
        + quote(text) + "}";
  }

  /** The SockJS client frame: a JSON array holding the bridge frame as one JSON string. */
  static String wrap(String frameJson) {
    return "[" + quote(frameJson) + "]";
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  // ---- inbound -------------------------------------------------------------------------------------------------

  /** The bridge frames inside a SockJS {@code a[...]} text frame. */
  static List<Inbound> decode(String sockJsFrame) {
    List<Inbound> out = new ArrayList<>(1);
    try (JsonParser p = JSON.createParser(sockJsFrame.substring(1))) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException("not a SockJS message frame: " + abbreviate(sockJsFrame));
      }
      while (p.nextToken() == JsonToken.VALUE_STRING) {
        out.add(parse(p.getText()));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("bad SockJS frame: " + abbreviate(sockJsFrame), e);
    }
    return out;
  }

  /** One bridge frame (a JSON object). */
  static Inbound parse(String frame) throws IOException {
    Inbound in = new Inbound();
    in.raw = frame;
    try (JsonParser p = JSON.createParser(frame)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "type" -> in.type = p.getText();
          case "address" -> in.address = p.getText();
          case "failureCode" -> in.failureCode = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
          case "retryAfter" -> in.retryAfter = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
          case "message" -> {
            if (t == JsonToken.VALUE_STRING) {
              in.failureMessage = p.getText();
            } else {
              p.skipChildren();
            }
          }
          case "body" -> {
            if (t == JsonToken.START_OBJECT) {
              body(p, in);
            } else if (t == JsonToken.VALUE_STRING) {
              in.failureMessage = p.getText();
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
    }
    return in;
  }

  private static void body(JsonParser p, Inbound in) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "type" -> in.eventType = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "duplicate" -> in.duplicate = t == JsonToken.VALUE_TRUE;
        case "message" -> {
          if (t == JsonToken.START_OBJECT) {
            message(p, in);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private static void message(JsonParser p, Inbound in) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "clientMsgId" -> in.clientMsgId = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "seq" -> in.seq = p.getLongValue();
        case "conversationId" -> in.conversationId = p.getLongValue();
        case "announcementId" -> in.announcementId = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
        default -> p.skipChildren();
      }
    }
  }

  private static void expect(JsonToken actual, JsonToken wanted) {
    if (actual != wanted) {
      throw new IllegalArgumentException("expected " + wanted + ", got " + actual);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
