package app.homeroom.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Events for browsers' inboxes ({@link Address#USER_INBOX}, {@link Address#ADMIN_INBOX}), published once and shared.
 *
 * <p>Issue 9: a node delivers each event to every socket registered on its address, one event-bus consumer per
 * socket (three to twenty admins' tabs get every message). With Vert.x's own JSON codec each consumer receives a
 * deep copy, and the bridge encodes the same envelope again for every socket: together about a fifth of a node's
 * CPU at 2,000 messages a second. Here an event is instead
 * <ul>
 *   <li><b>frozen</b> when it is published ({@link #freeze}): a copy in which no map or list can be changed, at any
 *   depth, so one instance can safely be read by every consumer on every event loop;</li>
 *   <li>carried by a codec ({@link Codec}) that hands that instance to each local consumer instead of a copy, and
 *   sends it between nodes as its JSON, which the receiving node freezes again;</li>
 *   <li>encoded for the bridge once per address ({@link #bridgeFrame}): the {@code rec} frame the bridge itself
 *   would write, kept with the event, which {@code BridgeHook} writes to each socket.</li>
 * </ul>
 * Every node of a cluster must register the codec ({@link #register}) before it joins the traffic: a node without
 * it cannot decode an event sent from another node.
 */
public final class Events {

  /** The codec's name on the event bus. */
  public static final String CODEC = "homeroom.event";

  private static final DeliveryOptions SHARED = new DeliveryOptions().setCodecName(CODEC);
  private static final DeliveryOptions SHARED_ON_THIS_NODE = new DeliveryOptions().setCodecName(CODEC).setLocalOnly(true);

  private Events() {
  }

  /** Registers the codec on this node's event bus; once per Vert.x instance, before anything is published. */
  public static void register(EventBus eventBus) {
    eventBus.registerCodec(new Codec());
  }

  /**
   * Freezes {@code event} once and publishes it to each address (best effort, like every event). Returns the
   * frozen instance every local consumer receives.
   */
  public static JsonObject publish(EventBus eventBus, JsonObject event, String... addresses) {
    JsonObject frozen = freeze(event);
    for (String address : addresses) {
      eventBus.publish(address, frozen, SHARED);
    }
    return frozen;
  }

  /** As {@link #publish}, to the consumers on this node only. */
  public static JsonObject publishOnThisNode(EventBus eventBus, JsonObject event, String address) {
    JsonObject frozen = freeze(event);
    eventBus.publish(address, frozen, SHARED_ON_THIS_NODE);
    return frozen;
  }

  /**
   * A deep copy of {@code event} that cannot be changed: every write to it, or to an object or array inside it,
   * throws {@link UnsupportedOperationException}. Changing {@code event} afterwards does not reach the copy. An
   * event frozen already is returned as it is.
   */
  public static JsonObject freeze(JsonObject event) {
    return event.getMap() instanceof Frozen ? event : new JsonObject(new Frozen(frozenEntries(event.getMap()), null));
  }

  /**
   * The bridge's {@code rec} frame for this event on {@code address} (what {@code EventBusBridgeImpl} would encode
   * for a published message without headers), encoded once per event and address. Null when {@code body} was not
   * frozen here: such a body goes the bridge's usual way.
   */
  public static String bridgeFrame(Object body, String address) {
    return body instanceof JsonObject json && json.getMap() instanceof Frozen frozen ? frozen.frame(address) : null;
  }

  private static Map<String, Object> frozenEntries(Map<String, Object> source) {
    Map<String, Object> entries = new LinkedHashMap<>(Math.max(4, source.size() * 2));
    source.forEach((key, value) -> entries.put(key, frozenValue(value)));
    return entries;
  }

  @SuppressWarnings("unchecked")
  private static Object frozenValue(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Instant
        || value instanceof Integer || value instanceof Long || value instanceof Double || value instanceof Float
        || value instanceof Short || value instanceof Byte || value instanceof java.math.BigDecimal
        || value instanceof java.math.BigInteger || value instanceof Enum<?>) {
      return value;
    }
    if (value instanceof JsonObject object) {
      return object.getMap() instanceof Frozen ? object
          : new JsonObject(Collections.unmodifiableMap(frozenEntries(object.getMap())));
    }
    if (value instanceof Map<?, ?> map) {
      return new JsonObject(Collections.unmodifiableMap(frozenEntries((Map<String, Object>) map)));
    }
    List<?> list = value instanceof JsonArray array ? array.getList() : value instanceof List<?> l ? l : null;
    if (list != null) {
      List<Object> items = new ArrayList<>(list.size());
      for (Object item : list) {
        items.add(frozenValue(item));
      }
      return new JsonArray(Collections.unmodifiableList(items));
    }
    // byte[], Buffer and the like can be changed in place: an event never carries them.
    throw new IllegalArgumentException("An event cannot carry a " + value.getClass().getName());
  }

  /** One address's frame of an event. */
  private record Frame(String address, String text) {
  }

  /**
   * The top-level map of a frozen event: read-only (AbstractMap's writes, and those of the unmodifiable views it
   * hands out, throw) and the keeper of the event's encodings. Its readers may be on any event loop: the encodings
   * are computed at most a few times in a race, always to the same text.
   */
  static final class Frozen extends AbstractMap<String, Object> {

    private final Map<String, Object> entries;
    private volatile String json;
    // An event goes to at most two addresses (the student's inbox and the admin inbox): two slots are enough.
    private volatile Frame first;
    private volatile Frame second;

    Frozen(Map<String, Object> entries, String json) {
      this.entries = Collections.unmodifiableMap(entries);
      this.json = json;
    }

    String json() {
      String encoded = json;
      if (encoded == null) {
        encoded = new JsonObject(this).encode();
        json = encoded;
      }
      return encoded;
    }

    String frame(String address) {
      Frame cached = first;
      if (cached != null && cached.address.equals(address)) {
        return cached.text;
      }
      cached = second;
      if (cached != null && cached.address.equals(address)) {
        return cached.text;
      }
      // The bridge's envelope is {type, address, body} in that order; the address is encoded by the same encoder.
      String head = new JsonObject().put("type", "rec").put("address", address).encode();
      String text = head.substring(0, head.length() - 1) + ",\"body\":" + json() + "}";
      Frame made = new Frame(address, text);
      if (first == null) {
        first = made;
      } else if (second == null) {
        second = made;
      }
      return text;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return entries.entrySet();
    }

    @Override
    public Object get(Object key) {
      return entries.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return entries.containsKey(key);
    }

    @Override
    public int size() {
      return entries.size();
    }

    @Override
    public boolean isEmpty() {
      return entries.isEmpty();
    }

    @Override
    public Set<String> keySet() {
      return entries.keySet();
    }

    @Override
    public Collection<Object> values() {
      return entries.values();
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
      entries.forEach(action);
    }
  }

  /**
   * Local consumers share the frozen instance ({@link #transform} copies nothing); between nodes an event travels as
   * its JSON, and the receiving node freezes what it decodes, keeping that JSON for the bridge's frames.
   */
  static final class Codec implements MessageCodec<JsonObject, JsonObject> {

    @Override
    public void encodeToWire(Buffer buffer, JsonObject event) {
      byte[] json = ((Frozen) freeze(event).getMap()).json().getBytes(StandardCharsets.UTF_8);
      buffer.appendInt(json.length).appendBytes(json);
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      String json = buffer.getString(pos + 4, pos + 4 + length, StandardCharsets.UTF_8.name());
      return new JsonObject(new Frozen(frozenEntries(new JsonObject(json).getMap()), json));
    }

    @Override
    public JsonObject transform(JsonObject event) {
      // Published through Events.publish, it is frozen already and this is the instance itself.
      return freeze(event);
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
