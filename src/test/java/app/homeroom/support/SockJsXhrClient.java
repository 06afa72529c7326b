package app.homeroom.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw bridge client on SockJS's HTTP transports, as sockjs-client speaks them (vertx-web's {@code XhrTransport},
 * {@code EventSourceTransport}): it receives on {@code POST /eventbus/000/<session>/xhr} (one response per batch of
 * frames, then a new poll), {@code POST …/xhr_streaming} (a 2 KiB {@code h} prelude, then one frame per line until
 * the server ends the response after 128 KiB, then a new request) or {@code GET …/eventsource}
 * ({@code data: <frame>} lines), and sends with {@code POST …/xhr_send}, whose body is a JSON array of strings
 * (answered 204; 404 for an unknown session). SockJS frames: {@code o} open, {@code h} heartbeat, {@code a[...]}
 * messages, {@code c[code,reason]} closed. Every request carries the session cookie and the Origin, as a browser's.
 */
public final class SockJsXhrClient implements BridgeClient {

  private final BridgeTransport transport;
  private final String base;
  private final String sessionId;
  private final String cookie;
  private final String origin;
  /** Receiving and sending on separate clients: the server closes a poll's connection after answering it. */
  private final HttpClient receiving = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final HttpClient sending = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> opened = new CompletableFuture<>();
  private final Thread reader;
  private volatile boolean closed;
  private volatile boolean stopped;
  private volatile InputStream current;
  /** Close frames received ({@code c[code,reason]}), e.g. 2010 "Another connection still open". */
  public final List<JsonArray> closeFrames = new java.util.concurrent.CopyOnWriteArrayList<>();

  private SockJsXhrClient(BridgeTransport transport, int port, String cookie, String origin, String sessionId) {
    this.transport = transport;
    this.base = "http://localhost:" + port + "/eventbus/000/" + sessionId + "/";
    this.sessionId = sessionId;
    this.cookie = cookie;
    this.origin = origin;
    this.reader = new Thread(this::receive, "sockjs-" + transport + "-" + sessionId);
    reader.setDaemon(true);
  }

  static SockJsXhrClient connect(BridgeTransport transport, int port, String cookie, String origin, String sessionId)
      throws Exception {
    SockJsXhrClient c = new SockJsXhrClient(transport, port, cookie, origin, sessionId);
    c.reader.start();
    try {
      c.opened.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      c.close();
      throw (Exception) e.getCause();
    }
    return c;
  }

  private HttpRequest.Builder request(String suffix) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + suffix)).timeout(Duration.ofSeconds(60));
    if (cookie != null) {
      b.header("cookie", cookie);
    }
    if (origin != null) {
      b.header("origin", origin);
    }
    return b;
  }

  /** The receiving side: one request after another until closed. */
  private void receive() {
    int failures = 0;
    while (!stopped && !closed) {
      HttpRequest.Builder b = switch (transport) {
        case XHR_POLLING -> request("xhr").POST(HttpRequest.BodyPublishers.noBody());
        case XHR_STREAMING -> request("xhr_streaming").POST(HttpRequest.BodyPublishers.noBody());
        case EVENTSOURCE -> request("eventsource").GET();
        case WEBSOCKET -> throw new IllegalStateException();
      };
      try {
        HttpResponse<InputStream> r = receiving.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        current = r.body();
        if (r.statusCode() != 200) {
          String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
          closed = true;
          opened.completeExceptionally(new BridgeTransport.Refused(r.statusCode(), body));
          return;
        }
        failures = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = lines.readLine()) != null && !stopped) {
            onLine(line);
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        // A pooled connection the server had closed: try again, a few times.
        if (!stopped && ++failures >= 3) {
          closed = true;
          opened.completeExceptionally(e);
        }
      }
    }
  }

  private void onLine(String line) {
    String frame = transport == BridgeTransport.EVENTSOURCE
        ? (line.startsWith("data: ") ? line.substring("data: ".length()) : "")
        : line;
    if (frame.isEmpty() || frame.startsWith("h")) {
      return; // blank separator, heartbeat, or the xhr_streaming prelude
    }
    switch (frame.charAt(0)) {
      case 'o' -> opened.complete(200);
      case 'a' -> new JsonArray(frame.substring(1)).forEach(s -> {
        try {
          frames.add(new JsonObject((String) s));
        } catch (RuntimeException e) {
          frames.add(new JsonObject().put("type", "unparseable").put("raw", String.valueOf(s)));
        }
      });
      case 'c' -> {
        closeFrames.add(new JsonArray(frame.substring(1)));
        closed = true;
        opened.complete(200);
      }
      default -> { }
    }
  }

  @Override
  public void send(JsonObject frame) {
    int status = sendRaw(new JsonArray().add(frame.encode()).encode());
    if (status != 204) {
      throw new IllegalStateException("xhr_send answered " + status);
    }
  }

  @Override
  public int sendRaw(String payload) {
    return post("xhr_send", payload, cookie, origin);
  }

  /** An {@code xhr_send} with a body of raw bytes (e.g. invalid UTF-8); returns the status. */
  public int postBytes(byte[] body) {
    return post("xhr_send", HttpRequest.BodyPublishers.ofByteArray(body), cookie, origin);
  }

  /** A POST to this client's session URL ({@code suffix} e.g. "xhr_send") with another cookie and Origin. */
  public int post(String suffix, String body, String cookie, String origin) {
    return post(suffix, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), cookie, origin);
  }

  private int post(String suffix, HttpRequest.BodyPublisher body, String cookie, String origin) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + suffix)).timeout(Duration.ofSeconds(20))
        .header("content-type", "text/plain;charset=UTF-8").POST(body);
    if (cookie != null) {
      b.header("cookie", cookie);
    }
    if (origin != null) {
      b.header("origin", origin);
    }
    try {
      return sending.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }


  @Override
  public JsonObject await(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
    return BridgeClient.awaitFrame(frames, match, timeoutMs);
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public BridgeTransport transport() {
    return transport;
  }

  /** Stops receiving: the open request is aborted, so the server ends the session. */
  @Override
  public void close() {
    stopped = true;
    reader.interrupt(); // cancels a poll still waiting for its response headers (JDK 16+)
    InputStream in = current;
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
