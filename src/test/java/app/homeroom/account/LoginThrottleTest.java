package app.homeroom.account;

import app.homeroom.support.Api;
import app.homeroom.support.Await;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestDb;
import app.homeroom.support.TestEnv;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 8, point 2: sign-in throttled per client address as well as per account; no credential ever logged. */
class LoginThrottleTest {

  TestDb db;

  @BeforeEach
  void setUp() {
    db = School.fresh().db;
  }

  @AfterEach
  void forgetFailures() {
    // Every test signs in from 127.0.0.1: leave no address throttled for the next.
    db.exec("truncate login_address_failures, login_failures");
  }

  static JsonObject credentials(String email, String password) {
    return new JsonObject().put("email", email).put("password", password);
  }

  /** POST /api/login from a chosen local address (the loopback network has many: 127.0.0.0/8). */
  static int loginFrom(Vertx vertx, String localAddress, JsonObject body) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(localAddress));
    try {
      HttpClientResponse r = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(TestEnv.node().httpPort()).setURI("/api/login").putHeader("content-type", "application/json"))
          .compose(req -> req.send(body.encode()))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      return r.statusCode();
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("Failed sign-ins from one address, each on a different account, slow that address down (429 + Retry-After), not others")
  void failures_from_one_address_are_slowed_down() throws Exception {
    Api api = new Api(TestEnv.baseUrl());
    for (int i = 0; i < AccountService.FREE_ADDRESS_FAILURES; i++) {
      // A different (unknown) account each time: the per-account count never reaches its limit.
      Api.Response r = api.post("/api/login", credentials("guess-" + UUID.randomUUID() + "@test.school", "wrong password"));
      assertEquals(401, r.status(), "attempt " + (i + 1));
    }
    // Olga never signed in from here (Sam did, in School.fresh(): for him this is a known address, see below).
    Api.Response slowed = api.post("/api/login", credentials("olga@test.school", School.PASSWORD));
    assertEquals(429, slowed.status(), "even the right password waits while the address is slowed down");
    assertTrue(Long.parseLong(slowed.raw().headers().firstValue("retry-after").orElseThrow()) >= 1);
    assertTrue(slowed.json().getJsonObject("error").getString("message").contains("from this address"),
        slowed.json().encode());
    assertEquals(AccountService.FREE_ADDRESS_FAILURES,
        db.queryLong("select failures from login_address_failures where address = '127.0.0.1'"));

    // Another address is not slowed down: the right password works from there (Linux routes all of 127/8 locally).
    Vertx vertx = Vertx.vertx();
    try {
      assertEquals(200, loginFrom(vertx, "127.0.0.2", credentials(School.STUDENT_EMAIL, School.PASSWORD)));
    } finally {
      vertx.close();
    }

    // Once the wait is over the address may try again; a success does not clear the address's count.
    db.exec("update login_address_failures set last_failed_at = now() - interval '10 minutes'");
    assertEquals(200, api.post("/api/login", credentials(School.STUDENT_EMAIL, School.PASSWORD)).status());
    assertEquals(AccountService.FREE_ADDRESS_FAILURES,
        db.queryLong("select failures from login_address_failures where address = '127.0.0.1'"));
  }

  @Test
  @DisplayName("Issue 24.4: nobody can lock someone else out: a guesser's failures slow down their address, not the owner's")
  void a_guesser_cannot_lock_the_owner_out() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject wrong = credentials("olga@test.school", "not her password");
      for (int i = 0; i < AccountService.FREE_FAILURES; i++) {
        assertEquals(401, loginFrom(vertx, "127.0.0.3", wrong), "guess " + (i + 1));
      }
      // The guesser is slowed down, even with the right password (it could be their next guess)…
      assertEquals(429, loginFrom(vertx, "127.0.0.3", credentials("olga@test.school", School.PASSWORD)));
      // …while Olga, from her own address, signs in as usual.
      assertEquals(200, loginFrom(vertx, "127.0.0.4", credentials("olga@test.school", School.PASSWORD)));

      // A shared address (a school's NAT) slowed down by someone's guessing on many accounts: those who signed in
      // from it before still can; an account new to it waits.
      assertEquals(200, loginFrom(vertx, "127.0.0.5", credentials(School.STUDENT_EMAIL, School.PASSWORD)));
      for (int i = 0; i < AccountService.FREE_ADDRESS_FAILURES; i++) {
        loginFrom(vertx, "127.0.0.5", credentials("guess-" + UUID.randomUUID() + "@test.school", "wrong password"));
      }
      assertEquals(200, loginFrom(vertx, "127.0.0.5", credentials(School.STUDENT_EMAIL, School.PASSWORD)));
      assertEquals(429, loginFrom(vertx, "127.0.0.5", credentials("olga@test.school", School.PASSWORD)));
    } finally {
      vertx.close();
    }
  }

  @Test
  @DisplayName("Neither a password nor a session token appears in the logs of sign-in, failed sign-in, a socket and sign-out")
  void no_credentials_in_logs() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.setContext(context);
    logs.start();
    root.addAppender(logs);
    String wrongPassword = "wrong-" + UUID.randomUUID();
    String token;
    try {
      Api api = new Api(TestEnv.baseUrl());
      assertEquals(401, api.post("/api/login", credentials(School.STUDENT_EMAIL, wrongPassword)).status());
      assertEquals(200, api.post("/api/login", credentials(School.STUDENT_EMAIL, School.PASSWORD)).status());
      String cookie = api.sessionCookie();
      token = cookie.substring(cookie.indexOf('=') + 1);
      int port = TestEnv.node().httpPort();
      try (SockJsClient socket = SockJsClient.connect(port, cookie, "http://localhost:" + port)) {
        // A refused frame is logged (BridgeHook): the log line must still not carry the token.
        socket.register("user.0");
        assertEquals(204, api.post("/api/logout", null).status());
        Await.until(socket::isClosed, 3_000, "logout closes the socket");
      }
      // A refused request with the (now revoked) token.
      Api stale = new Api(TestEnv.baseUrl());
      assertEquals(401, stale.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(TestEnv.baseUrl() + "/api/me"))
          .header("cookie", cookie).GET()).status());
    } finally {
      root.detachAppender(logs);
      logs.stop();
    }
    List<String> lines = logs.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
    assertFalse(lines.isEmpty(), "the appender captured something (the socket's close is logged)");
    for (String line : lines) {
      assertFalse(line.contains(School.PASSWORD), line);
      assertFalse(line.contains(wrongPassword), line);
      assertFalse(line.contains(token), line);
      // Not even the token's signature or payload alone.
      for (String part : token.split("\\.")) {
        assertFalse(part.length() > 20 && line.contains(part), line);
      }
    }
  }
}
