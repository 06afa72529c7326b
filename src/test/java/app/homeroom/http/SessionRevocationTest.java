package app.homeroom.http;

import app.homeroom.Node;
import app.homeroom.session.Sessions;
import app.homeroom.bus.Address;
import app.homeroom.bus.Identity;
import app.homeroom.support.Api;
import app.homeroom.session.Revocations;
import app.homeroom.support.Await;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, point 2: a session that ends early (sign-out, a disabled account) or expires is refused by every node
 * and its open bridge sockets are closed within seconds, on the node that holds them, including a second node of
 * the cluster; other sessions and other users are untouched.
 */
class SessionRevocationTest {

  static Node second;
  static Vertx vertx;

  School school;
  int port1;
  int port2;
  final List<SockJsClient> clients = new ArrayList<>();

  @BeforeAll
  static void startSecondNode() {
    TestEnv.node();
    second = TestEnv.startNode();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopSecondNode() {
    if (second != null) {
      second.stop();
    }
    if (vertx != null) {
      vertx.close();
    }
  }

  @BeforeEach
  void setUp() {
    school = School.fresh();
    port1 = TestEnv.node().httpPort();
    port2 = second.httpPort();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(SockJsClient::close);
  }

  SockJsClient connect(int port, String cookie) throws Exception {
    SockJsClient c = SockJsClient.connect(port, cookie, "http://localhost:" + port);
    clients.add(c);
    return c;
  }

  /** The socket answers a request: it is open and its session accepted. */
  static void assertAlive(SockJsClient c) throws InterruptedException {
    assertFalse(c.isClosed(), "socket closed");
    JsonObject reply = c.call(Address.NOTIFICATIONS_LIST.address(), new JsonObject());
    assertFalse("err".equals(reply.getString("type")), "refused: " + reply);
  }

  /** A REST GET on the given node with exactly this cookie (no jar). */
  static Api.Response getWithCookie(int port, String path, String cookie) {
    return new Api("http://localhost:" + port).send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("cookie", cookie).GET());
  }

  static String message(Api.Response r) {
    return r.json() == null ? "" : r.json().getJsonObject("error").getString("message");
  }

  @Test
  @DisplayName("Signing out closes that session's sockets on both nodes within seconds; the token is then refused everywhere")
  void logout_closes_this_sessions_sockets_everywhere() throws Exception {
    String cookie = school.pupil.sessionCookie();
    // The same student on another device, and another student: they stay.
    Api otherDevice = Api.signedIn(School.STUDENT_EMAIL, School.PASSWORD);
    Api olga = Api.signedIn("olga@test.school", School.PASSWORD);

    SockJsClient here = connect(port1, cookie);
    SockJsClient there = connect(port2, cookie);
    SockJsClient sameUserOtherDevice = connect(port2, otherDevice.sessionCookie());
    SockJsClient otherUser = connect(port2, olga.sessionCookie());
    for (SockJsClient c : List.of(here, there, sameUserOtherDevice, otherUser)) {
      assertAlive(c);
    }
    assertEquals(200, getWithCookie(port2, "/api/me", cookie).status());

    long start = System.currentTimeMillis();
    assertEquals(204, school.pupil.post("/api/logout", null).status());
    Await.until(here::isClosed, 3_000, "the socket on the node that served the logout closes");
    Await.until(there::isClosed, 3_000, "the socket on the other node closes");
    System.out.println("sockets closed " + (System.currentTimeMillis() - start) + " ms after logout");

    // The old token: refused by REST on both nodes (the second one within the event's delivery time) ...
    Api.Response r1 = getWithCookie(port1, "/api/me", cookie);
    assertEquals(401, r1.status());
    assertTrue(message(r1).contains("signed out"), message(r1));
    Await.until(() -> getWithCookie(port2, "/api/me", cookie).status() == 401, 3_000, "node 2 refuses the token");
    // ... and cannot open a socket on either.
    assertEquals(401, SockJsClient.handshakeStatus(port1, cookie, "http://localhost:" + port1));
    assertEquals(401, SockJsClient.handshakeStatus(port2, cookie, "http://localhost:" + port2));
    // Without the cookie the session endpoint says nobody is signed in; with it, too.
    Api.Response session = getWithCookie(port2, "/api/session", cookie);
    assertEquals(200, session.status());
    assertTrue(session.json().getValue("user") == null, session.json().encode());

    // Sign-out means this device: the other device and the other user are untouched.
    assertAlive(sameUserOtherDevice);
    assertAlive(otherUser);
    assertEquals(200, otherDevice.get("/api/me").status());
    assertEquals(1L, school.db.queryLong("select count(*) from revoked_sessions where user_id = ?", school.student));
  }

  @Test
  @DisplayName("Issue 8.2: signing out everywhere ends every session of the user (this device and the others) on both"
      + " nodes, closes all their sockets, a node started afterwards refuses them too; other users stay; audited")
  void logout_everywhere_ends_every_session_of_the_user() throws Exception {
    String cookie = school.pupil.sessionCookie();
    Api otherDevice = Api.signedIn(School.STUDENT_EMAIL, School.PASSWORD);
    Api olga = Api.signedIn("olga@test.school", School.PASSWORD);
    SockJsClient here = connect(port1, cookie);
    SockJsClient otherDeviceThere = connect(port2, otherDevice.sessionCookie());
    SockJsClient otherDeviceHere = connect(port1, otherDevice.sessionCookie());
    SockJsClient otherUser = connect(port2, olga.sessionCookie());
    for (SockJsClient c : List.of(here, otherDeviceThere, otherDeviceHere, otherUser)) {
      assertAlive(c);
    }

    long start = System.currentTimeMillis();
    Api.Response r = school.pupil.post("/api/logout/everywhere", null);
    assertEquals(204, r.status(), r.raw().body());
    assertTrue(r.raw().headers().allValues("set-cookie").stream().anyMatch(h -> h.startsWith("hr_session=;")
        || h.contains("Max-Age=0")), "the cookie is cleared: " + r.raw().headers().allValues("set-cookie"));
    for (SockJsClient c : List.of(here, otherDeviceThere, otherDeviceHere)) {
      Await.until(c::isClosed, 3_000, "every socket of the user closes, on both nodes");
    }
    System.out.println("all sockets closed " + (System.currentTimeMillis() - start) + " ms after signing out everywhere");
    for (String token : List.of(cookie, otherDevice.sessionCookie())) {
      assertEquals(401, getWithCookie(port1, "/api/me", token).status());
      Await.until(() -> getWithCookie(port2, "/api/me", token).status() == 401, 3_000, "node 2 refuses every token");
      assertEquals(401, SockJsClient.handshakeStatus(port2, token, "http://localhost:" + port2));
    }
    // The database is the truth: a node that never saw the event refuses the other device too.
    try (Node third = TestEnv.startNode()) {
      assertEquals(401, getWithCookie(third.httpPort(), "/api/me", otherDevice.sessionCookie()).status());
    }
    assertAlive(otherUser);
    assertEquals(200, olga.get("/api/me").status());
    assertEquals(1L, school.db.queryLong("select count(*) from audit_events where action = 'user.signed_out_everywhere'"
        + " and actor_id = ? and target_id = ?", school.student, school.student));
    // Signing in again works (within a second: sessions of the second it happened in count as before it).
    Await.until(() -> Api.signedIn(School.STUDENT_EMAIL, School.PASSWORD).get("/api/me").status() == 200, 3_000,
        "a new sign-in is accepted");
    // Without a session there is nothing to end.
    assertEquals(401, new Api(TestEnv.baseUrl()).post("/api/logout/everywhere", null).status());
  }

  @Test
  @DisplayName("A token revoked on one node is refused by a node that never saw the event (the database is the truth)")
  void revocation_is_stored_not_only_broadcast() {
    String cookie = school.pupil.sessionCookie();
    assertEquals(204, school.pupil.post("/api/logout", null).status());
    Node third = TestEnv.startNode();
    try {
      Api.Response r = getWithCookie(third.httpPort(), "/api/me", cookie);
      assertEquals(401, r.status());
      assertTrue(message(r).contains("signed out"), message(r));
    } finally {
      third.stop();
    }
  }

  @Test
  @DisplayName("A session ended in the database while its cluster event was lost: its sockets close within seconds anyway,"
      + " and a session started afterwards stays")
  void a_lost_event_still_closes_the_sockets() throws Exception {
    String before = school.pupil.sessionCookie();
    SockJsClient old = connect(port1, before);
    SockJsClient other = connect(port2, Api.signedIn("olga@test.school", School.PASSWORD).sessionCookie());
    assertAlive(old);

    // What "sign out everywhere" writes, without the event that would tell the nodes at once. Tokens carry whole
    // seconds, so the change is dated in the next second and the new session after it.
    school.db.exec("update users set sessions_valid_after = date_trunc('second', now()) + interval '1 second' where id = ?",
        school.student);
    Await.until(() -> school.db.queryLong("select count(*) from users where id = ? and sessions_valid_after <= now()",
        school.student) == 1, 3_000, "the ending takes effect");
    SockJsClient fresh = connect(port1, Api.signedIn(School.STUDENT_EMAIL, School.PASSWORD).sessionCookie());

    Await.until(old::isClosed, Revocations.FEED_MILLIS * 3, "the ended session's socket closes, from the database's word alone");
    assertAlive(other);
    // Two more reads of the feed: the session started after the ending is not touched.
    assertFalse(Await.holdsWithin(fresh::isClosed, Revocations.FEED_MILLIS * 2), "the newer session's socket stays open");
    assertAlive(fresh);
  }

  @Test
  @DisplayName("Disabling a student closes their sockets on every node, refuses their tokens and their sign-in; staff only")
  void disabling_an_account_ends_its_sessions() throws Exception {
    String cookie = school.pupil.sessionCookie();
    SockJsClient here = connect(port1, cookie);
    SockJsClient there = connect(port2, cookie);
    SockJsClient otherUser = connect(port2, Api.signedIn("olga@test.school", School.PASSWORD).sessionCookie());
    assertAlive(here);
    assertAlive(there);

    // Students cannot disable anyone.
    assertEquals(403, school.pupil.post("/api/students/" + school.otherStudent + "/disable", null).status());
    assertEquals(404, school.staff.post("/api/students/" + school.admin + "/disable", null).status());

    Api.Response disabled = school.staff.post("/api/students/" + school.student + "/disable", null);
    assertEquals(200, disabled.status(), disabled.raw().body());
    assertTrue(disabled.json().getJsonObject("student").getBoolean("disabled"));
    assertEquals(school.admin, school.db.queryLong("select disabled_by from users where id = ?", school.student));

    Await.until(here::isClosed, 3_000, "the socket on node 1 closes");
    Await.until(there::isClosed, 3_000, "the socket on node 2 closes");
    assertAlive(otherUser);

    Api.Response me = getWithCookie(port1, "/api/me", cookie);
    assertEquals(401, me.status());
    assertTrue(message(me).contains("disabled"), message(me));
    Await.until(() -> getWithCookie(port2, "/api/me", cookie).status() == 401, 3_000, "node 2 refuses the token");
    assertEquals(401, SockJsClient.handshakeStatus(port2, cookie, "http://localhost:" + port2));

    // The right password is told the account is disabled; a wrong one learns nothing more.
    Api fresh = new Api(TestEnv.baseUrl());
    Api.Response login = fresh.post("/api/login",
        new JsonObject().put("email", School.STUDENT_EMAIL).put("password", School.PASSWORD));
    assertEquals(401, login.status());
    assertTrue(message(login).contains("disabled"), message(login));
    Api.Response wrong = fresh.post("/api/login",
        new JsonObject().put("email", School.STUDENT_EMAIL).put("password", "not the password"));
    assertEquals(401, wrong.status());
    assertEquals("Wrong email or password", message(wrong));

    // Re-enabled: the student signs in again; the old token stays ended.
    assertEquals(200, school.staff.post("/api/students/" + school.student + "/enable", null).status());
    Api back = Api.signedIn(School.STUDENT_EMAIL, School.PASSWORD);
    assertEquals(200, back.get("/api/me").status());
    assertAlive(connect(port2, back.sessionCookie()));
    assertEquals(401, getWithCookie(port1, "/api/me", cookie).status());
  }

  @Test
  @DisplayName("A socket whose session token expires is closed by the sweep within seconds")
  void expired_sessions_sockets_are_closed() throws Exception {
    Sessions sessions = new Sessions(TestEnv.node().context().signingKeys(), 1);
    String token = sessions.issue(new Identity(school.student, Identity.Role.STUDENT, "Sam Student"), 4);
    String cookie = Sessions.COOKIE + "=" + token;
    SockJsClient c = connect(port2, cookie);
    SockJsClient longLived = connect(port2, school.pupil.sessionCookie());
    assertAlive(c);
    long start = System.currentTimeMillis();
    // Expiry in 4 s (whole seconds), a sweep every 2 s: closed within about 6 s of issue.
    Await.until(c::isClosed, 10_000, "the expired session's socket closes");
    System.out.println("expired socket closed " + (System.currentTimeMillis() - start) + " ms after connecting");
    assertEquals(401, getWithCookie(port2, "/api/me", cookie).status());
    assertAlive(longLived);
  }
}
