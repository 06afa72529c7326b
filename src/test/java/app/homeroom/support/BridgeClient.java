package app.homeroom.support;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw event-bus bridge client on one SockJS transport ({@link BridgeTransport}): the same hostile or honest frames,
 * whichever way they travel, so a bridge test can run on every transport.
 */
public interface BridgeClient extends AutoCloseable {

  /** Sends one bridge frame (a JSON object) in a SockJS message. */
  void send(JsonObject frame);

  /**
   * Sends a raw SockJS payload as is (normally a JSON array of strings): a WebSocket text message, or an
   * {@code xhr_send} body. Returns the HTTP status of the {@code xhr_send}, or -1 on the WebSocket.
   */
  int sendRaw(String payload);

  /** The first frame (received before or after this call) matching the predicate; fails after the timeout. */
  JsonObject await(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException;

  boolean isClosed();

  /** The SockJS session id in this client's URLs. */
  String sessionId();

  BridgeTransport transport();

  @Override
  void close();

  /**
   * The first frame in {@code frames} (now or arriving within the timeout) matching the predicate; frames it skips
   * stay queued, in order, for later awaits. Fails with an AssertionError listing what it saw.
   */
  static JsonObject awaitFrame(BlockingQueue<JsonObject> frames, Predicate<JsonObject> match, long timeoutMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    List<JsonObject> skipped = new ArrayList<>();
    try {
      while (true) {
        long left = deadline - System.currentTimeMillis();
        JsonObject f = left > 0 ? frames.poll(left, TimeUnit.MILLISECONDS) : null;
        if (f == null) {
          throw new AssertionError("no matching frame within " + timeoutMs + " ms; saw " + skipped);
        }
        if (match.test(f)) {
          return f;
        }
        skipped.add(f);
      }
    } finally {
      List<JsonObject> rest = new ArrayList<>(skipped);
      frames.drainTo(rest);
      frames.addAll(rest);
    }
  }

  default void register(String address) {
    send(new JsonObject().put("type", "register").put("address", address));
  }

  /** Sends a request; its reply (rec or err) arrives with {@code address == replyAddress}. */
  default String request(String address, JsonObject body, JsonObject headers) {
    String reply = UUID.randomUUID().toString();
    request(address, body, headers, reply);
    return reply;
  }

  /** Sends a request with the given reply address. */
  default void request(String address, JsonObject body, JsonObject headers, String replyAddress) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", replyAddress);
    if (headers != null) {
      frame.put("headers", headers);
    }
    send(frame);
  }

  /** Sends a request and waits for its reply frame. */
  default JsonObject call(String address, JsonObject body) throws InterruptedException {
    String reply = request(address, body, null);
    return await(f -> reply.equals(f.getString("address")), 10_000);
  }

  /** True when no frame matching arrives within the window: for asserting that something did NOT happen. */
  default boolean nothingMatching(Predicate<JsonObject> match, long windowMs) throws InterruptedException {
    try {
      await(match, windowMs);
      return false;
    } catch (AssertionError e) {
      return true;
    }
  }
}
