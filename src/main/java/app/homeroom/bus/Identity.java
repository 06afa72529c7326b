package app.homeroom.bus;

import app.homeroom.common.ApiError;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Who is acting. It travels with a command as event-bus headers that only the server writes: the HTTP layer
 * from the session cookie, the bridge hook from the socket's authenticated user (replacing whatever headers a
 * browser put on its frame). Command handlers read it with {@link #from(MultiMap)} and trust nothing else.
 */
public record Identity(long userId, Role role, String name) {

  public enum Role {
    ADMIN, STUDENT;

    public String wire() {
      return name().toLowerCase();
    }

    public static Role parse(String s) {
      return valueOf(s.toUpperCase());
    }
  }

  public static final String HEADER_USER = "hr-user-id";
  public static final String HEADER_ROLE = "hr-role";
  public static final String HEADER_NAME = "hr-name";

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  public JsonObject headersJson() {
    return new JsonObject().put(HEADER_USER, Long.toString(userId)).put(HEADER_ROLE, role.wire()).put(HEADER_NAME, name);
  }

  public DeliveryOptions deliveryOptions() {
    return new DeliveryOptions()
        .addHeader(HEADER_USER, Long.toString(userId))
        .addHeader(HEADER_ROLE, role.wire())
        .addHeader(HEADER_NAME, name);
  }

  /** The identity the server attached to a command; a command without one is refused (401). */
  public static Identity from(MultiMap headers) {
    String id = headers.get(HEADER_USER);
    String role = headers.get(HEADER_ROLE);
    if (id == null || role == null) {
      throw ApiError.unauthorized("Not signed in");
    }
    try {
      return new Identity(Long.parseLong(id), Role.parse(role), headers.get(HEADER_NAME) == null ? "" : headers.get(HEADER_NAME));
    } catch (IllegalArgumentException e) {
      throw ApiError.unauthorized("Not signed in");
    }
  }
}
