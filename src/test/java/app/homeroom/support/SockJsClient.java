package app.homeroom.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw client of the event-bus bridge over SockJS's WebSocket transport ({@code /eventbus/S/SESSION/websocket}):
 * SockJS framing ({@code o}, {@code h}, {@code a[...]}, {@code c[...]}) around the bridge's JSON frames. It lets
 * bridge tests send exactly what a hostile or buggy browser could: forged headers, PUBLISH, foreign addresses.
 */
public final class SockJsClient implements BridgeClient {

  private static final Vertx VERTX = Vertx.vertx();

  private final WebSocket socket;
  private final String sessionId;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private volatile boolean closed;
  /** The SockJS close frame received ({@code c[code,"reason"]}), or null. */
  public volatile String closeFrame;

  private SockJsClient(WebSocket socket, String sessionId) {
    this.socket = socket;
    this.sessionId = sessionId;
    socket.textMessageHandler(this::onText);
    socket.closeHandler(v -> closed = true);
  }

  /** Connects with the given session cookie (may be null) and Origin (may be null); fails if refused. */
  public static SockJsClient connect(int port, String cookie, String origin) throws Exception {
    return connect(port, cookie, origin, UUID.randomUUID().toString().substring(0, 8));
  }

  /** As {@link #connect(int, String, String)}, at {@code /eventbus/000/<sessionId>/websocket}. */
  public static SockJsClient connect(int port, String cookie, String origin, String sessionId) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(port)
        .setURI("/eventbus/000/" + sessionId + "/websocket");
    if (cookie != null) {
      options.addHeader("cookie", cookie);
    }
    if (origin != null) {
      options.addHeader("origin", origin);
    }
    WebSocketClient client = VERTX.createWebSocketClient();
    WebSocket ws = client.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    SockJsClient c = new SockJsClient(ws, sessionId);
    return c;
  }

  /** The status with which a handshake is refused, or 101 when it is accepted. */
  public static int handshakeStatus(int port, String cookie, String origin) {
    try (SockJsClient c = connect(port, cookie, origin)) {
      return 101;
    } catch (Exception e) {
      Throwable t = e.getCause() != null ? e.getCause() : e;
      if (t instanceof io.vertx.core.http.UpgradeRejectedException r) {
        return r.getStatus();
      }
      throw new IllegalStateException(t);
    }
  }

  private void onText(String text) {
    if (text.startsWith("a")) {
      new JsonArray(text.substring(1)).forEach(s -> frames.add(new JsonObject((String) s)));
    } else if (text.startsWith("c")) {
      closeFrame = text;
      closed = true;
    }
  }

  public void send(JsonObject frame) {
    socket.writeTextMessage(new JsonArray().add(frame.encode()).encode());
  }

  @Override
  public int sendRaw(String payload) {
    socket.writeTextMessage(payload);
    return -1;
  }

  /**
   * Sends an ASCII SockJS payload as ONE WebSocket text message split into frames of {@code fragment} characters
   * (a text frame, then continuation frames), as a client may to slip a large message past a per-frame limit.
   */
  public void sendFragmented(String payload, int fragment) {
    for (int at = 0; at < payload.length(); at += fragment) {
      String part = payload.substring(at, Math.min(payload.length(), at + fragment));
      boolean last = at + fragment >= payload.length();
      socket.writeFrame(at == 0 ? io.vertx.core.http.WebSocketFrame.textFrame(part, last)
          : io.vertx.core.http.WebSocketFrame.continuationFrame(io.vertx.core.buffer.Buffer.buffer(part), last));
    }
  }

  /** Sends raw bytes as one binary WebSocket message (e.g. invalid UTF-8). */
  public void sendBinary(byte[] payload) {
    socket.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(payload));
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public BridgeTransport transport() {
    return BridgeTransport.WEBSOCKET;
  }

  public void register(String address) {
    send(new JsonObject().put("type", "register").put("address", address));
  }

  /** Sends a request; its reply (rec or err) arrives with {@code address == replyAddress}. */
  public String request(String address, JsonObject body, JsonObject headers) {
    String reply = UUID.randomUUID().toString();
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", reply);
    if (headers != null) {
      frame.put("headers", headers);
    }
    send(frame);
    return reply;
  }

  /** Sends a request and waits for its reply frame. */
  public JsonObject call(String address, JsonObject body) throws InterruptedException {
    String reply = request(address, body, null);
    return await(f -> reply.equals(f.getString("address")), 10_000);
  }

  /** The first frame (received before or after this call) matching the predicate; fails after the timeout. */
  public JsonObject await(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
    return BridgeClient.awaitFrame(frames, match, timeoutMs);
  }

  /** True when no frame matching arrives within the window: for asserting that something did NOT happen. */
  public boolean nothingMatching(Predicate<JsonObject> match, long windowMs) throws InterruptedException {
    try {
      await(match, windowMs);
      return false;
    } catch (AssertionError e) {
      return true;
    }
  }

  /** Every frame received and not yet consumed by an await, removed from the queue. */
  public java.util.List<JsonObject> drain() {
    java.util.List<JsonObject> all = new java.util.ArrayList<>();
    frames.drainTo(all);
    return all;
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    socket.close();
  }
}
