package app.homeroom.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Whether a decoded bridge frame, encoded again, stays within a byte limit (issue 8.3), answered without encoding it
 * in the usual case. A walk over the frame gives an upper bound of its encoded size; only a frame whose bound is over
 * the limit is encoded to measure it exactly. Re-encoding every incoming frame had cost 3 % of a node's CPU under
 * load (issue 9).
 */
final class FrameSize {

  /** A value the walk cannot bound cheaply: encode to measure. */
  private static final long UNKNOWN = Long.MAX_VALUE / 4;

  private FrameSize() {
  }

  /** Exactly {@code frame.toBuffer().length() <= limit}. */
  static boolean fits(JsonObject frame, int limit) {
    return bound(frame) <= limit || frame.toBuffer().length() <= limit;
  }

  /** At least the UTF-8 length of the frame's JSON encoding. */
  static long bound(JsonObject frame) {
    return bound(frame.getMap());
  }

  private static long bound(Object value) {
    if (value == null) {
      return 4;
    }
    if (value instanceof String s) {
      return string(s);
    }
    if (value instanceof Boolean) {
      return 5;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return 20; // "-9223372036854775808"
    }
    if (value instanceof Double || value instanceof Float) {
      return 25; // "-1.7976931348623157E308", and any shortest representation is shorter
    }
    if (value instanceof BigInteger || value instanceof BigDecimal) {
      return value.toString().length();
    }
    if (value instanceof JsonObject o) {
      return bound(o.getMap());
    }
    if (value instanceof JsonArray a) {
      return bound(a.getList());
    }
    if (value instanceof Map<?, ?> map) {
      long total = 2;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        total += string(String.valueOf(e.getKey())) + 1 + bound(e.getValue()) + 1;
        if (total >= UNKNOWN) {
          return UNKNOWN;
        }
      }
      return total;
    }
    if (value instanceof List<?> list) {
      long total = 2;
      for (Object element : list) {
        total += bound(element) + 1;
        if (total >= UNKNOWN) {
          return UNKNOWN;
        }
      }
      return total;
    }
    return UNKNOWN;
  }

  /** Quotes, and at most 6 bytes a char: a control character becomes a six-character escape; UTF-8 needs at most 3. */
  private static long string(String s) {
    return 2 + 6L * s.length();
  }
}
