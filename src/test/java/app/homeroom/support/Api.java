package app.homeroom.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A signed-in (or not) REST caller with its own cookie jar, as one browser would be. */
public final class Api {

  public record Response(int status, JsonObject json, HttpResponse<String> raw) {}

  private final String base;
  private final CookieManager cookies = new CookieManager();
  private final HttpClient http;

  public Api(String base) {
    this.base = base;
    // HTTP/1.1, as a browser speaks to a plain-http server (browsers never upgrade to cleartext HTTP/2). The JDK client
    // would otherwise upgrade to h2c and send requests over one shared connection; when the server closes a connection
    // after an answer (SockJS's xhr transports do), that is a GOAWAY, and a request already on its way over the same
    // connection failed with "GOAWAY received" (BridgeSecurityTest, once in CI).
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  public static Api signedIn(String email, String password) {
    return signedIn(TestEnv.baseUrl(), email, password);
  }

  /** Signed in on the node at {@code base}. */
  public static Api signedIn(String base, String email, String password) {
    Api api = new Api(base);
    Response r = api.post("/api/login", new JsonObject().put("email", email).put("password", password));
    if (r.status() != 200) {
      throw new IllegalStateException("login failed: " + r.status() + " " + r.json());
    }
    return api;
  }

  /** The session cookie value, for a raw bridge client. */
  public String sessionCookie() {
    return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("hr_session"))
        .map(c -> c.getName() + "=" + c.getValue()).findFirst().orElseThrow();
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /**
   * A download (a PDF, a zip): the bytes as they came. Checked against the OpenAPI document too: its status, and a
   * JSON body as JSON.
   */
  public HttpResponse<byte[]> getBytes(String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).GET().timeout(Duration.ofSeconds(30)).build();
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      String type = r.headers().firstValue("content-type").orElse(null);
      // Bytes (a PDF, a CSV, a zip) are documented as application/octet-stream: only JSON bodies are checked as such.
      boolean text = type != null && type.startsWith("application/json");
      boolean ok = r.statusCode() / 100 == 2;
      Contract.check(request.method(), request.uri().getPath(), r.statusCode(),
          text || !ok ? type : "application/octet-stream",
          new String(r.body(), text || !ok ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.StandardCharsets.ISO_8859_1));
      return r;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response post(String path, JsonObject body) {
    return postRaw(path, body == null ? "" : body.encode(), "application/json");
  }

  /**
   * POST as a well-behaved client does (issue 8, point 3): on 429 it waits the answer's {@code retryAfter} and tries
   * again, so tests that seed many messages through the API stay within the per-user rate limits.
   */
  public Response postPatiently(String path, JsonObject body) {
    return patiently(() -> post(path, body));
  }

  /** GET as a well-behaved client does: on 429 (reads and searches have per-user budgets, issue 24) it waits and asks again. */
  public Response getPatiently(String path) {
    return patiently(() -> get(path));
  }

  private static Response patiently(java.util.function.Supplier<Response> request) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      Response r = request.get();
      if (r.status() != 429 || System.currentTimeMillis() > deadline) {
        return r;
      }
      long wait = r.json() == null ? 100 : r.json().getJsonObject("error").getLong("retryAfter", 100L);
      java.util.concurrent.locks.LockSupport.parkNanos(wait * 1_000_000);
    }
  }

  public Response patch(String path, JsonObject body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public Response put(String path, JsonObject body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  public Response postRaw(String path, String body, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("content-type", contentType);
    }
    return send(b);
  }

  public Response postBytes(String path, byte[] body, String contentType) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Response send(HttpRequest.Builder builder) {
    try {
      HttpRequest request = builder.timeout(Duration.ofSeconds(20)).build();
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      // Issue 29, point 4: every answer the suite gets must be what the OpenAPI document says.
      Contract.check(request.method(), request.uri(), r);
      JsonObject json = null;
      String type = r.headers().firstValue("content-type").orElse("");
      if (type.startsWith("application/json") && !r.body().isEmpty()) {
        json = new JsonObject(r.body());
      }
      return new Response(r.statusCode(), json, r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
