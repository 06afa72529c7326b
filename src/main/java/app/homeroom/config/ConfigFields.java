package app.homeroom.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/** Reading one value of the configuration, each with the message that names the setting when it is wrong. */
final class ConfigFields {

  private ConfigFields() {}

  static JsonObject obj(JsonObject parent, String key) {
    Object value = parent.getValue(key);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject o)) {
      throw new ConfigException("config key '" + key + "' must be an object");
    }
    return o;
  }

  static String str(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v == null ? null : v.toString();
  }

  static String nonBlank(JsonObject o, String key, String name) {
    String v = blankToNull(str(o, key));
    if (v == null) {
      throw new ConfigException(name + " must not be empty");
    }
    return v;
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  static int port(JsonObject o, String key, String name, boolean allowZero) {
    int p = intIn(o, key, allowZero ? 0 : 1, 65535, name);
    return p;
  }

  static int intIn(JsonObject o, String key, int min, int max, String name) {
    String v = str(o, key);
    try {
      int i = Integer.parseInt(v == null ? "" : v.trim());
      if (i < min || i > max) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a whole number from " + min + " to " + max + ", got '" + v + "'");
    }
  }

  static int intOr(JsonObject o, String key, int fallback, int min, int max, String name) {
    return o.getValue(key) == null ? fallback : intIn(o, key, min, max, name);
  }

  static boolean bool(JsonObject o, String key) {
    String v = str(o, key);
    if (v == null) {
      return false;
    }
    return switch (v.trim().toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off", "" -> false;
      default -> throw new ConfigException("'" + key + "' must be true or false, got '" + v + "'");
    };
  }

  static List<String> strings(JsonObject o, String key) {
    Object v = o.getValue(key);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof JsonArray a)) {
      throw new ConfigException("'" + key + "' must be a list");
    }
    a.forEach(x -> out.add(String.valueOf(x).trim()));
    return List.copyOf(out);
  }

  static void checkOrigin(String origin, String name) {
    try {
      URI uri = new URI(origin);
      if (uri.getScheme() == null || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
        throw new URISyntaxException(origin, "expected scheme://host[:port]");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(name + " must look like https://school.example.org");
    }
  }
}
