package app.homeroom.bus;

import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import io.vertx.core.json.JsonObject;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one codec between the bus's JSON and its records ({@link Command}, {@link Reply}, {@link Event}): a record's
 * JSON has one field per component, named as the component. Decoding checks each field by its component's type,
 * with the messages of {@link Params}:
 * <ul>
 *   <li>{@code long} marked {@link Id}: required, a positive id; {@code long}: required, a whole number;
 *       {@code Long}: optional, a whole number;</li>
 *   <li>{@code UUID}: required, a UUID; {@code String}: required text, or optional text when marked
 *       {@link Optional};</li>
 *   <li>{@code Boolean}: optional, true or false.</li>
 * </ul>
 * Encoding writes numbers, booleans, text and JSON values as they are, null as null, and an {@link Event}'s
 * {@code type} first.
 */
public final class BusCodec {

  /** A {@code long} field that must be a positive id. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Id {}

  /** A {@code String} field that may be absent (null). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Optional {}

  private record Shape(RecordComponent[] components, Constructor<?> constructor) {}

  private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

  private BusCodec() {}

  /** The command body as {@code type}, or a 400 {@link ApiError} naming the first field that is wrong. */
  public static <R extends Record> R decode(Class<R> type, Object body) {
    JsonObject json = Params.body(body);
    Shape shape = shape(type);
    Object[] values = new Object[shape.components.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = field(json, shape.components[i]);
    }
    try {
      return type.cast(shape.constructor.newInstance(values));
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make " + type.getSimpleName(), e);
    }
  }

  /** A record as JSON (an {@link Event} with its {@code type} first); a {@link JsonObject} as it is. */
  public static JsonObject encode(Object value) {
    if (value instanceof JsonObject json) {
      return json;
    }
    if (!(value instanceof Record record)) {
      throw new IllegalArgumentException("not a bus record: " + value);
    }
    JsonObject json = new JsonObject();
    if (record instanceof Event event) {
      json.put("type", event.type().type());
    }
    for (RecordComponent c : shape(record.getClass()).components) {
      try {
        Object v = c.getAccessor().invoke(record);
        json.put(c.getName(), v instanceof UUID u ? u.toString() : v);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + c, e);
      }
    }
    return json;
  }

  private static Object field(JsonObject json, RecordComponent c) {
    String name = c.getName();
    Class<?> t = c.getType();
    if (t == long.class) {
      if (c.isAnnotationPresent(Id.class)) {
        return Params.requireId(json, name);
      }
      Long v = Params.optionalLong(json, name);
      if (v == null) {
        throw ApiError.badRequest("'" + name + "' is required");
      }
      return v;
    }
    if (t == Long.class) {
      return Params.optionalLong(json, name);
    }
    if (t == UUID.class) {
      return Params.requireUuid(json, name);
    }
    if (t == Boolean.class) {
      Object v = json.getValue(name);
      if (v != null && !(v instanceof Boolean)) {
        throw ApiError.badRequest("'" + name + "' must be true or false");
      }
      return v;
    }
    if (t == String.class) {
      return c.isAnnotationPresent(Optional.class) ? Params.optionalString(json, name) : Params.requireString(json, name);
    }
    throw new IllegalStateException("no decoding for " + t + " (" + c + ")");
  }

  private static Shape shape(Class<?> type) {
    return SHAPES.computeIfAbsent(type, t -> {
      RecordComponent[] components = t.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
      }
      try {
        Constructor<?> constructor = t.getDeclaredConstructor(types);
        constructor.setAccessible(true);
        for (RecordComponent c : components) {
          c.getAccessor().setAccessible(true);
        }
        return new Shape(components, constructor);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(t + " has no canonical constructor", e);
      }
    });
  }
}
