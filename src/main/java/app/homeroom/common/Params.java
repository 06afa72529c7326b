package app.homeroom.common;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** Reads typed fields from a request body or query, answering bad input with a 400 that names the field. */
public final class Params {

  private Params() {}

  public static JsonObject body(Object body) {
    if (body instanceof JsonObject o) {
      return o;
    }
    throw ApiError.badRequest("Expected a JSON object");
  }

  public static long requireId(JsonObject o, String field) {
    Long v = optionalLong(o, field);
    if (v == null) {
      throw ApiError.badRequest("'" + field + "' is required");
    }
    if (v <= 0) {
      throw ApiError.badRequest("'" + field + "' must be a positive id");
    }
    return v;
  }

  public static Long optionalLong(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof String s) {
      return parseLong(s, field);
    }
    throw ApiError.badRequest("'" + field + "' must be a whole number");
  }

  public static long parseLong(String s, String field) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("'" + field + "' must be a whole number");
    }
  }

  public static long parseId(String s, String field) {
    long v = parseLong(s, field);
    if (v <= 0) {
      throw ApiError.badRequest("'" + field + "' must be a positive id");
    }
    return v;
  }

  public static String requireString(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      throw ApiError.badRequest("'" + field + "' is required");
    }
    if (!(v instanceof String s)) {
      throw ApiError.badRequest("'" + field + "' must be text");
    }
    return s;
  }

  public static String optionalString(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiError.badRequest("'" + field + "' must be text");
    }
    return s;
  }

  public static UUID requireUuid(JsonObject o, String field) {
    String s = requireString(o, field);
    try {
      UUID u = UUID.fromString(s);
      if (!u.toString().equalsIgnoreCase(s.trim())) {
        throw new IllegalArgumentException();
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("'" + field + "' must be a UUID");
    }
  }

  /** A limit within [1, max], {@code fallback} when absent. */
  public static int limit(Long requested, int fallback, int max) {
    if (requested == null) {
      return fallback;
    }
    if (requested < 1 || requested > max) {
      throw ApiError.badRequest("'limit' must be from 1 to " + max);
    }
    return requested.intValue();
  }
}
