package app.homeroom.push;

import app.homeroom.Node;
import app.homeroom.support.Api;
import app.homeroom.support.Await;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 31, point 3: Web Push, the server's half, against a push service standing in the test JVM
 * ({@link PushReceiver}): what a node posts is decrypted with the subscription's own keys and its VAPID signature
 * checked, so the test reads what a browser would show. A node of its own allows that service's address.
 */
class WebPushTest {

  static PushReceiver service;
  static Node node;
  static Vertx vertx;
  static String base;

  School school;
  Api staff;
  Api sam;
  long conversation;

  @BeforeAll
  static void start() throws Exception {
    service = new PushReceiver();
    node = TestEnv.startNode(c -> c.withPush(c.push().withAllowedEndpoints(List.of(service.prefix()))));
    base = "http://localhost:" + node.httpPort();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    service.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void setUp() {
    school = School.fresh();
    school.db.exec("update school_settings set push_enabled = true, quiet_hours_enabled = false, time_zone = 'UTC'");
    service.received.clear();
    service.answers.clear();
    staff = Api.signedIn(base, School.ADMIN_EMAIL, School.PASSWORD);
    sam = Api.signedIn(base, School.STUDENT_EMAIL, School.PASSWORD);
    conversation = school.openConversation(school.student);
  }

  long say(String body) {
    Api.Response r = staff.postPatiently("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
    assertEquals(201, r.status(), () -> r.raw().body());
    return r.json().getJsonObject("message").getLong("seq");
  }

  PushReceiver.Browser subscribe(Api who, String name) throws Exception {
    PushReceiver.Browser browser = service.new Browser(name);
    Api.Response r = who.put("/api/me/push-subscription", browser.subscription());
    assertEquals(200, r.status(), () -> r.raw().body());
    return browser;
  }

  String publicKey() {
    return sam.get("/api/push").json().getString("publicKey");
  }

  @Test
  @DisplayName("Issue 31.3: a staff message to a student who is away is pushed, encrypted for their browser (RFC 8291)"
      + " and signed with the school's VAPID key (RFC 8292); the payload says who, how many and the latest, as text")
  void pushes_an_encrypted_message() throws Exception {
    Api.Response status = sam.get("/api/push");
    assertEquals(200, status.status());
    assertTrue(status.json().getBoolean("available"));
    assertEquals(87, status.json().getString("publicKey").length(), "65 bytes, base64url");
    assertEquals(status.json().getString("publicKey"), school.pupil.get("/api/push").json().getString("publicKey"),
        "one key pair for the installation: the shared node subscribes with the same key");
    PushReceiver.Browser laptop = subscribe(sam, "sam-laptop");
    PushReceiver.Browser phone = subscribe(sam, "sam-phone");
    assertEquals(2, sam.get("/api/push").json().getLong("subscriptions"));

    long seq = say("Hello Sam, the <b>trip</b> form is due on Friday.");
    PushReceiver.Received first = service.next(10_000);
    PushReceiver.Received second = service.next(10_000);
    assertNotNull(first, "a push");
    assertNotNull(second, "one for each browser");
    for (PushReceiver.Received push : List.of(first, second)) {
      PushReceiver.Browser browser = push.path().endsWith("sam-laptop") ? laptop : phone;
      assertEquals("aes128gcm", push.headers().get("content-encoding"));
      assertEquals("86400", push.headers().get("ttl"));
      assertEquals("high", push.headers().get("urgency"));
      assertEquals("conversation-" + conversation, push.headers().get("topic"));
      JsonObject claims = service.vapid(push, publicKey());
      assertEquals("mailto:homeroom@homeroom.invalid", claims.getString("sub"));
      JsonObject shown = browser.decrypt(push);
      assertEquals("Ada Admin", shown.getString("title"));
      assertEquals("Hello Sam, the <b>trip</b> form is due on Friday.", shown.getString("body"), "as text, unchanged");
      assertEquals("/student", shown.getString("url"));
      assertEquals("homeroom-conversation-" + conversation, shown.getString("tag"));
      assertEquals(seq, shown.getLong("seq"));
    }
    assertNull(service.next(1_000), "one push per browser");
    assertEquals(2, school.db.queryLong("select count(*) from push_subscriptions where last_push_at is not null"));

    // More while Sam is still away: the latest push counts everything unread.
    say("Also, bring a packed lunch.");
    say("And the bus leaves at 8:15.");
    JsonObject latest = null;
    for (PushReceiver.Received push; (push = service.next(3_000)) != null; ) {
      latest = (push.path().endsWith("sam-laptop") ? laptop : phone).decrypt(push);
    }
    assertNotNull(latest);
    assertEquals("3 new messages", latest.getString("title"));
    assertEquals("Ada Admin: And the bus leaves at 8:15.", latest.getString("body"));
    assertEquals(3, latest.getLong("count"));
  }

  @Test
  @DisplayName("Issue 31.3: no push while the student has Homeroom open anywhere; one as soon as they have left")
  void no_push_while_connected() throws Exception {
    PushReceiver.Browser laptop = subscribe(sam, "sam-laptop");
    SockJsClient open = SockJsClient.connect(node.httpPort(), sam.sessionCookie(), base);
    open.register("user." + school.student);
    Await.until(() -> online(true), 10_000, "Sam online");
    say("Are you there?");
    assertNull(service.next(3_000), "connected: they see it in Homeroom");
    open.close();
    Await.until(() -> online(false), 15_000, "Sam offline");
    say("Never mind, I will email.");
    PushReceiver.Received push = service.next(10_000);
    assertNotNull(push, "away now: pushed");
    assertEquals("2 new messages", laptop.decrypt(push).getString("title"), "what waits, the first one too");
  }

  boolean online(boolean expected) {
    return staff.get("/api/students/" + school.student).json().getJsonObject("student").getBoolean("online") == expected;
  }

  @Test
  @DisplayName("Issue 31.2 and 31.3: in quiet hours the push waits; once they end it goes, once, however many nodes look")
  void quiet_hours_hold_pushes() throws Exception {
    PushReceiver.Browser laptop = subscribe(sam, "sam-laptop");
    school.db.exec("update school_settings set quiet_hours_enabled = true, quiet_weekends = false,"
        + " quiet_start = (now() at time zone 'UTC')::time - interval '1 hour',"
        + " quiet_end = (now() at time zone 'UTC')::time + interval '1 hour'");
    long seq = say("Good evening Sam, see you tomorrow.");
    assertNull(service.next(3_000), "quiet: no push");
    assertEquals(seq, school.db.queryLong("select held_up_to_seq from push_deliveries where student_id = ?", school.student));
    PushWorker a = worker();
    PushWorker b = worker();
    assertEquals(0, await(a.heldRound()), "still quiet");
    school.db.exec("update school_settings set quiet_start = (now() at time zone 'UTC')::time + interval '2 hours',"
        + " quiet_end = (now() at time zone 'UTC')::time + interval '3 hours'");
    // Two nodes' rounds at once (and the nodes' own): one push.
    List<Future<Integer>> rounds = List.of(a.heldRound(), b.heldRound(), a.heldRound());
    rounds.forEach(WebPushTest::await);
    PushReceiver.Received push = service.next(10_000);
    assertNotNull(push, "pushed once quiet hours ended");
    assertEquals("Good evening Sam, see you tomorrow.", laptop.decrypt(push).getString("body"));
    assertNull(service.next(2_000), "once");
  }

  PushWorker worker() {
    return new PushWorker(node.context().pools().general(vertx),
        new PushSender(vertx, node.context().pushKeys(), "mailto:homeroom@homeroom.invalid"),
        ids -> Future.succeededFuture(Set.of()));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("Issue 31.3: a subscription its push service says is gone (410, 404) is removed; a failing one is kept")
  void expired_subscriptions_are_removed() throws Exception {
    service.answers.put("/push/sam-old-phone", 410);
    service.answers.put("/push/sam-flaky", 503);
    subscribe(sam, "sam-old-phone");
    subscribe(sam, "sam-flaky");
    say("Hello?");
    assertNotNull(service.next(10_000));
    assertNotNull(service.next(10_000));
    Await.until(() -> school.db.queryLong("select count(*) from push_subscriptions where endpoint like '%sam-old-phone'") == 0,
        5_000, "the gone subscription removed");
    Await.until(() -> school.db.queryLong("select failures from push_subscriptions where endpoint like '%sam-flaky'") == 1,
        5_000, "the failure counted");
    assertEquals(1, sam.get("/api/push").json().getLong("subscriptions"));
  }

  @Test
  @DisplayName("Issue 31.3: signing out forgets this browser's subscription; signing out everywhere, all of them;"
      + " a student who unsubscribes gets nothing; a school that turned pushes off pushes nothing")
  void what_ends_a_subscription() throws Exception {
    subscribe(sam, "sam-laptop");
    Api samElsewhere = Api.signedIn(base, School.STUDENT_EMAIL, School.PASSWORD);
    subscribe(samElsewhere, "sam-phone");
    assertEquals(204, sam.post("/api/logout", null).status());
    assertEquals(List.of("http://127.0.0.1:" + service.port + "/push/sam-phone"),
        school.db.queryStrings("select endpoint from push_subscriptions"), "the laptop's session ended: its pushes too");
    Api.Response off = samElsewhere.send(HttpRequest.newBuilder(URI.create(base + "/api/me/push-subscription"))
        .header("content-type", "application/json").method("DELETE", HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("endpoint", "http://127.0.0.1:" + service.port + "/push/sam-phone").encode())));
    assertEquals(200, off.status(), () -> off.raw().body());
    assertEquals(0, off.json().getLong("subscriptions"));
    say("Anyone there?");
    assertNull(service.next(2_000), "no subscription: no push");

    subscribe(samElsewhere, "sam-phone");
    Api.Response schoolOff = staff.put("/api/settings/notifications", new JsonObject().put("digestsEnabled", true)
        .put("digestDelayMinutes", 10).put("pushEnabled", false));
    assertEquals(200, schoolOff.status(), () -> schoolOff.raw().body());
    assertFalse(schoolOff.json().getBoolean("pushEnabled"));
    assertFalse(samElsewhere.get("/api/push").json().getBoolean("available"));
    say("Still nobody?");
    assertNull(service.next(2_000), "the school turned pushes off");
    assertEquals(1, school.db.queryLong("select count(*) from audit_events where action = 'settings.notifications_changed'"
        + " and details->>'pushEnabled' = 'false'"));

    assertEquals(204, samElsewhere.post("/api/logout/everywhere", null).status());
    assertEquals(0, school.db.queryLong("select count(*) from push_subscriptions"), "every session ended: every subscription");
  }

  @Test
  @DisplayName("Issue 31.3: bad subscriptions are refused with a clear 400 and nothing stored: an endpoint outside the"
      + " allowed push services (any other host, path, port, user or dot segment), malformed keys; staff get a 403")
  void bad_subscriptions_are_refused() throws Exception {
    PushReceiver.Browser browser = service.new Browser("sam");
    JsonObject good = browser.subscription();
    String prefix = service.prefix();
    for (String endpoint : List.of("https://evil.example/push/sam", "http://127.0.0.1:" + service.port + "/admin/x",
        "http://127.0.0.1:" + (service.port + 1) + "/push/sam", "http://user@127.0.0.1:" + service.port + "/push/sam",
        prefix + "../admin", "http://localhost:" + service.port + "/push/sam", "file:///etc/passwd", "not a url at all")) {
      Api.Response r = sam.put("/api/me/push-subscription", good.copy().put("endpoint", endpoint));
      assertEquals(400, r.status(), endpoint);
      assertTrue(r.json().getJsonObject("error").getString("message").contains("push service"), r.raw().body());
    }
    assertEquals(400, sam.put("/api/me/push-subscription", good.copy().put("keys", new JsonObject()
        .put("p256dh", "AAAA").put("auth", good.getJsonObject("keys").getString("auth")))).status());
    assertEquals(400, sam.put("/api/me/push-subscription", good.copy().put("keys", new JsonObject()
        .put("p256dh", good.getJsonObject("keys").getString("p256dh")).put("auth", "not*base64"))).status());
    assertEquals(400, sam.put("/api/me/push-subscription", good.copy().putNull("keys")).status());
    assertEquals(403, staff.put("/api/me/push-subscription", good).status());
    assertEquals(0, school.db.queryLong("select count(*) from push_subscriptions"));
    assertEquals(200, sam.put("/api/me/push-subscription", good).status(), "the good one, to show the others failed for their fault");
  }
}
