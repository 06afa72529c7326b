package app.homeroom.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8.3's frame cap, checked without encoding every frame again (issue 9: re-encoding each incoming frame was 3 %
 * of a node's CPU under load). {@link FrameSize#fits} must answer exactly what {@code frame.toBuffer().length() <=
 * limit} answers, for every frame.
 */
class FrameSizeTest {

  private static boolean exact(JsonObject frame, int limit) {
    return frame.toBuffer().length() <= limit;
  }

  @Test
  @DisplayName("A usual command frame fits by its bound, without being encoded")
  void a_small_frame_fits_by_its_bound() {
    JsonObject frame = new JsonObject().put("type", "send").put("address", "chat.message.send")
        .put("replyAddress", "0f8fad5b-d9cb-469f-a165-70867728950e")
        .put("body", new JsonObject().put("conversationId", 12).put("clientMsgId", "7c9e6679-7425-40de-944b-e07fc1f90ae7")
            .put("body", "Hello, can we talk about the trip?"));
    assertTrue(FrameSize.bound(frame) >= frame.toBuffer().length());
    assertTrue(FrameSize.fits(frame, 64 * 1024));
    // Even the longest message a user may write (4,000 characters) is within 64 KiB by its bound alone.
    frame.getJsonObject("body").put("body", "é".repeat(4000));
    assertTrue(FrameSize.bound(frame) <= 64 * 1024, "bound " + FrameSize.bound(frame));
  }

  @Test
  @DisplayName("At the limit, the answer is the exact one: multi-byte and escaped text on both sides of 64 KiB")
  void near_the_limit_the_answer_is_exact() {
    int limit = 64 * 1024;
    String[] units = {"x", "é", "€", "😀", "\"", "\n", "\u0001"};
    for (String unit : units) {
      for (int delta = -8; delta <= 8; delta++) {
        JsonObject probe = frame("");
        int overhead = probe.toBuffer().length();
        int unitBytes = frame(unit).toBuffer().length() - overhead;
        int count = Math.max(0, (limit - overhead) / unitBytes + delta);
        JsonObject frame = frame(unit.repeat(count));
        assertEquals(exact(frame, limit), FrameSize.fits(frame, limit), unit + " × " + count);
      }
    }
  }

  @Test
  @DisplayName("The bound is never below the encoded size, whatever the frame holds")
  void the_bound_is_an_upper_bound() {
    Random random = new Random(9);
    for (int i = 0; i < 2_000; i++) {
      JsonObject frame = randomObject(random, 3);
      assertTrue(FrameSize.bound(frame) >= frame.toBuffer().length(), frame::encode);
      assertEquals(exact(frame, 200), FrameSize.fits(frame, 200), frame::encode);
    }
  }

  @Test
  @DisplayName("Values the bound cannot size (binary, a long decimal) are measured by encoding")
  void unusual_values_are_encoded() {
    JsonObject frame = new JsonObject().put("bin", new byte[3000]).put("n", new BigDecimal("1".repeat(500)));
    assertFalse(FrameSize.fits(frame, 3000));
    assertEquals(exact(frame, 5000), FrameSize.fits(frame, 5000));
    JsonObject nested = new JsonObject().put("map", Map.of("a", List.of(1, 2.5, "three", true)));
    assertTrue(FrameSize.bound(nested) >= nested.toBuffer().length());
    assertTrue(FrameSize.fits(nested, 100));
  }

  private static JsonObject frame(String text) {
    return new JsonObject().put("type", "send").put("address", "chat.message.send")
        .put("body", new JsonObject().put("conversationId", 1).put("body", text));
  }

  private static JsonObject randomObject(Random random, int depth) {
    JsonObject o = new JsonObject();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      o.put(randomString(random), randomValue(random, depth));
    }
    return o;
  }

  private static Object randomValue(Random random, int depth) {
    return switch (random.nextInt(depth > 0 ? 9 : 7)) {
      case 0 -> randomString(random);
      case 1 -> random.nextLong();
      case 2 -> random.nextInt();
      case 3 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      case 4 -> random.nextBoolean();
      case 5 -> null;
      case 6 -> -Double.MAX_VALUE;
      case 7 -> randomObject(random, depth - 1);
      default -> {
        JsonArray a = new JsonArray();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.add(randomValue(random, depth - 1));
        }
        yield a;
      }
    };
  }

  private static String randomString(Random random) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(5);
      b.append(switch (kind) {
        case 0 -> (char) random.nextInt(0x20);
        case 1 -> "\"\\/".charAt(random.nextInt(3));
        case 2 -> (char) (0x80 + random.nextInt(0x780));
        case 3 -> "😀";
        default -> (char) ('a' + random.nextInt(26));
      });
    }
    return b.toString();
  }
}
