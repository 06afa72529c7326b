package app.homeroom.http;

import app.homeroom.support.Api;
import app.homeroom.support.BridgeClient;
import app.homeroom.support.BridgeTransport;
import app.homeroom.support.LogCapture;
import app.homeroom.support.School;
import app.homeroom.support.SockJsXhrClient;
import app.homeroom.support.TestDb;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, point 1: bridge abuse is refused on every SockJS transport (WebSocket, xhr-polling, xhr-streaming,
 * eventsource; JSONP is disabled). Sam (a student) is the attacker; Olga (another student, on her own inbox) and
 * Ada (the admin, on {@code role.admin}) are the victims, connected on the same transport. Each abuse gets an
 * {@code err} frame or a 403, is logged once at WARN, and delivers nothing: after it, a legitimate event is sent to
 * each victim as a sentinel, and nothing forged may arrive before (or with) it.
 */
class BridgeAbuseTest {

  School school;
  TestDb db;
  int port;
  String origin;
  long sam;
  long olga;
  long samConversation;
  long olgaConversation;
  Api olgaApi;
  LogCapture log;
  final List<BridgeClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() {
    school = School.fresh();
    db = school.db;
    port = TestEnv.node().httpPort();
    origin = "http://localhost:" + port;
    sam = school.student;
    olga = school.otherStudent;
    samConversation = school.openConversation(sam);
    olgaConversation = school.openConversation(olga);
    olgaApi = Api.signedIn("olga@test.school", School.PASSWORD);
    // The bridge hook (http) and the guard (web) both log refusals.
    log = LogCapture.of("app.homeroom");
  }

  @AfterEach
  void tearDown() {
    clients.forEach(BridgeClient::close);
    log.close();
  }

  BridgeClient connect(BridgeTransport transport, Api who) throws Exception {
    BridgeClient c = transport.connect(port, who.sessionCookie(), origin);
    clients.add(c);
    return c;
  }

  /** Olga, listening on her inbox: she receives events for her conversation (proven before the test goes on). */
  BridgeClient olgaListening(BridgeTransport transport) throws Exception {
    BridgeClient c = connect(transport, olgaApi);
    c.register("user." + olga);
    sentinel(c, olgaConversation);
    return c;
  }

  /** Ada, listening on the admin inbox. */
  BridgeClient adaListening(BridgeTransport transport) throws Exception {
    BridgeClient c = connect(transport, school.staff);
    c.register("role.admin");
    sentinel(c, olgaConversation);
    return c;
  }

  /**
   * Ada writes to the conversation until this client receives it (registration is asynchronous), and returns the
   * frames that client saw before it: anything forged would be among them, since a socket gets its frames in order.
   */
  List<JsonObject> sentinel(BridgeClient c, long conversation) throws InterruptedException {
    List<JsonObject> before = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      String text = "sentinel " + UUID.randomUUID();
      school.staff.post("/api/conversations/" + conversation + "/messages",
          new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", text));
      try {
        c.await(f -> {
          if (isMessage(f, text)) {
            return true;
          }
          before.add(f);
          return false;
        }, 2_000);
        return before;
      } catch (AssertionError notYet) {
        // not registered yet: try again
      }
    }
    throw new AssertionError("the client never received an event on its inbox");
  }

  static boolean isMessage(JsonObject f, String text) {
    JsonObject body = f.getValue("body") instanceof JsonObject b ? b : null;
    return "rec".equals(f.getString("type")) && body != null && "chat.message.created".equals(body.getString("type"))
        && text.equals(body.getJsonObject("message").getString("body"));
  }

  static boolean mentions(JsonObject f, String marker) {
    return f.encode().contains(marker);
  }

  static JsonObject err(BridgeClient c) throws InterruptedException {
    return c.await(f -> "err".equals(f.getString("type")) && f.getValue("failureCode") == null, 5_000);
  }

  JsonObject sendFrame(long conversation, String body) {
    return new JsonObject().put("conversationId", conversation).put("clientMsgId", UUID.randomUUID().toString())
        .put("body", body);
  }

  /** Nothing carrying {@code marker} reached the victim before a sentinel sent after the abuse. */
  void nothingDelivered(BridgeClient victim, long conversation, String marker) throws InterruptedException {
    List<JsonObject> seen = sentinel(victim, conversation);
    assertTrue(seen.stream().noneMatch(f -> mentions(f, marker)), () -> "delivered to the victim: " + seen);
  }

  void loggedOnce(String... fragments) throws InterruptedException {
    assertEquals(1, log.awaitWarnings(fragments), () -> "expected one WARN with " + List.of(fragments) + "; got "
        + log.warnings(fragments));
  }

  @ParameterizedTest
  @EnumSource(BridgeTransport.class)
  @DisplayName("REGISTER on an address the user may not read: err frame, logged once, nothing delivered")
  void registering_where_you_may_not_read(BridgeTransport transport) throws Exception {
    BridgeClient victim = olgaListening(transport);
    BridgeClient attacker = connect(transport, school.pupil);
    for (String address : List.of("user." + olga, "role.admin", "chat.message.send", "presence.node.changed")) {
      attacker.register(address);
      assertEquals("rejected", err(attacker).getString("body"), address);
      loggedOnce("REGISTER from user " + sam + " on address '" + address + "'", "not your inbox");
    }
    String marker = "for Olga only " + UUID.randomUUID();
    school.staff.post("/api/conversations/" + olgaConversation + "/messages", sendFrame(olgaConversation, marker));
    victim.await(f -> isMessage(f, marker), 5_000); // it was published...
    attacker.register("user." + sam);
    nothingDelivered(attacker, samConversation, marker); // ...and never reached Sam
    assertFalse(attacker.isClosed(), "a refused frame does not kill the socket");
  }

  @ParameterizedTest
  @EnumSource(BridgeTransport.class)
  @DisplayName("SEND to an address the user may not use: err frame (or 403 from the command), logged once, nothing delivered")
  void sending_where_you_may_not(BridgeTransport transport) throws Exception {
    BridgeClient olgaSocket = olgaListening(transport);
    BridgeClient ada = adaListening(transport);
    BridgeClient attacker = connect(transport, school.pupil);
    String marker = "forged " + UUID.randomUUID();
    JsonObject forgedEvent = new JsonObject().put("type", "chat.message.created").put("studentId", olga)
        .put("message", new JsonObject().put("body", marker).put("senderRole", "admin"));
    for (String address : List.of("user." + olga, "role.admin", "presence.node.changed", "presence.socket", "chat.message.created")) {
      attacker.send(new JsonObject().put("type", "send").put("address", address).put("body", forgedEvent));
      assertEquals("rejected", err(attacker).getString("body"), address);
      loggedOnce("SEND from user " + sam + " on address '" + address + "'", "not a client command");
    }
    // Staff-only commands answer a student with 403.
    JsonObject close = attacker.call("chat.conversation.close", new JsonObject().put("conversationId", samConversation).put("note", marker));
    assertEquals(403, close.getInteger("failureCode"), close::encode);
    JsonObject open = attacker.call("chat.conversation.open", new JsonObject().put("studentId", olga));
    assertEquals(403, open.getInteger("failureCode"), open::encode);
    assertEquals("active", db.queryString("select status from conversations where id = ?", samConversation));

    nothingDelivered(olgaSocket, olgaConversation, marker);
    nothingDelivered(ada, olgaConversation, marker);
    assertEquals(0, db.queryLong("select count(*) from messages where body = ? or note = ?", marker, marker));
  }

  @ParameterizedTest
  @EnumSource(BridgeTransport.class)
  @DisplayName("Client PUBLISH is refused on every address: err frame, logged once, nothing delivered or stored")
  void publishing_is_refused(BridgeTransport transport) throws Exception {
    BridgeClient olgaSocket = olgaListening(transport);
    BridgeClient ada = adaListening(transport);
    BridgeClient attacker = connect(transport, school.pupil);
    String marker = "published " + UUID.randomUUID();
    for (String address : List.of("role.admin", "user." + olga, "chat.message.send")) {
      JsonObject body = address.equals("chat.message.send") ? sendFrame(samConversation, marker)
          : new JsonObject().put("type", "chat.message.created").put("message", new JsonObject().put("body", marker));
      attacker.send(new JsonObject().put("type", "publish").put("address", address).put("body", body));
      assertEquals("rejected", err(attacker).getString("body"), address);
      loggedOnce("PUBLISH from user " + sam + " on address '" + address + "'", "clients may not publish");
    }
    nothingDelivered(olgaSocket, olgaConversation, marker);
    nothingDelivered(ada, olgaConversation, marker);
    assertEquals(0, db.queryLong("select count(*) from messages where body = ?", marker));
  }

  @ParameterizedTest
  @EnumSource(BridgeTransport.class)
  @DisplayName("Forged identity in headers or body: refused where it would matter (404/403), stored as the real sender"
      + " otherwise, logged once, nothing delivered to the impersonated")
  void forged_identity(BridgeTransport transport) throws Exception {
    BridgeClient olgaSocket = olgaListening(transport);
    BridgeClient attacker = connect(transport, school.pupil);
    String marker = "impersonation " + UUID.randomUUID();
    JsonObject asAda = new JsonObject().put("hr-user-id", Long.toString(school.admin)).put("hr-role", "admin").put("hr-name", "Ada Admin");
    JsonObject asOlga = new JsonObject().put("HR-USER-ID", Long.toString(olga)).put("hr-role", "student");

    // Writing into Olga's conversation as Olga, or as staff: not a member, whatever the headers say.
    for (JsonObject forged : List.of(asOlga, asAda)) {
      String reply = attacker.request("chat.message.send", sendFrame(olgaConversation, marker)
          .put("senderId", olga).put("userId", olga), forged);
      JsonObject answer = attacker.await(f -> reply.equals(f.getString("address")), 10_000);
      assertEquals("err", answer.getString("type"), answer::encode);
      assertEquals(404, answer.getInteger("failureCode"));
      loggedOnce("forged identity headers", "from user " + sam + " on address 'chat.message.send'");
      log.events().clear();
    }
    // A staff-only command with staff headers and a staff body: still a student's request.
    String open = attacker.request("chat.conversation.open", new JsonObject().put("studentId", olga)
        .put("role", "admin").put("userId", school.admin), asAda);
    JsonObject refused = attacker.await(f -> open.equals(f.getString("address")), 10_000);
    assertEquals(403, refused.getInteger("failureCode"), refused::encode);
    loggedOnce("forged identity headers", "on address 'chat.conversation.open'");
    // Into Sam's own conversation, claiming to be Ada in headers and body: stored as Sam.
    String own = attacker.request("chat.message.send", sendFrame(samConversation, "who am I " + marker)
        .put("senderId", school.admin).put("senderRole", "admin").put("senderName", "Ada Admin"), asAda);
    JsonObject stored = attacker.await(f -> own.equals(f.getString("address")), 10_000);
    assertEquals("rec", stored.getString("type"), stored::encode);
    assertEquals(sam, stored.getJsonObject("body").getJsonObject("message").getLong("senderId"));
    assertEquals("student", stored.getJsonObject("body").getJsonObject("message").getString("senderRole"));
    assertEquals(sam, db.queryLong("select sender_id from messages where body = ?", "who am I " + marker));

    nothingDelivered(olgaSocket, olgaConversation, marker);
    assertEquals(0, db.queryLong("select count(*) from messages where conversation_id = ? and body like ?",
        olgaConversation, "%" + marker + "%"));
  }

  @ParameterizedTest
  @EnumSource(BridgeTransport.class)
  @DisplayName("A reply address issued to another socket cannot be sent to or reused: err frame, logged once, each"
      + " socket gets only its own replies")
  void reply_addresses_of_other_sockets(BridgeTransport transport) throws Exception {
    BridgeClient olgaSocket = olgaListening(transport);
    BridgeClient attacker = connect(transport, school.pupil);
    String marker = "hijacked reply " + UUID.randomUUID();

    school.staff.post("/api/conversations/" + samConversation + "/messages", sendFrame(samConversation, "Hello Sam"));
    // Olga's request with reply address R; Sam uses the same R for his own request, then sends to R.
    String r = UUID.randomUUID().toString();
    olgaSocket.request("chat.messages.fetch", new JsonObject().put("conversationId", olgaConversation).put("after", 0), null, r);
    attacker.request("chat.messages.fetch", new JsonObject().put("conversationId", samConversation).put("after", 0), null, r);
    attacker.send(new JsonObject().put("type", "send").put("address", r).put("body", new JsonObject().put("body", marker)));
    attacker.send(new JsonObject().put("type", "send").put("address", "__vertx.reply.1").put("body", new JsonObject().put("body", marker)));
    Predicate<JsonObject> atR = f -> r.equals(f.getString("address"));
    JsonObject olgasReply = olgaSocket.await(atR, 10_000);
    JsonObject samsReply = attacker.await(atR, 10_000);
    assertEquals(olgaConversation, olgasReply.getJsonObject("body").getJsonArray("messages").getJsonObject(0).getLong("conversationId"));
    assertEquals(samConversation, samsReply.getJsonObject("body").getJsonArray("messages").getJsonObject(0).getLong("conversationId"));
    assertEquals("rejected", err(attacker).getString("body"));
    assertEquals("rejected", err(attacker).getString("body"));
    loggedOnce("SEND from user " + sam + " on address '" + r + "'", "not a client command");
    loggedOnce("SEND from user " + sam + " on address '__vertx.reply.1'");

    List<JsonObject> seen = sentinel(olgaSocket, olgaConversation);
    assertTrue(seen.stream().noneMatch(atR), () -> "a second frame at Olga's reply address: " + seen);
    assertTrue(seen.stream().noneMatch(f -> mentions(f, marker)), seen::toString);
    assertTrue(attacker.nothingMatching(atR, 200), "Sam got one reply only");
  }

  @ParameterizedTest
  @EnumSource(BridgeTransport.class)
  @DisplayName("Another client's SockJS session id: another user can neither send as it nor read it (403 on the xhr"
      + " transports, logged once; a WebSocket at that id is a session of its own)")
  void another_clients_session_id(BridgeTransport transport) throws Exception {
    BridgeClient victim = olgaListening(transport);
    String session = victim.sessionId();
    String marker = "sent as Olga " + UUID.randomUUID();
    String reply = UUID.randomUUID().toString();
    String frame = new JsonArray().add(new JsonObject().put("type", "send").put("address", "chat.message.send")
        .put("replyAddress", reply).put("body", sendFrame(olgaConversation, marker)).encode()).encode();
    String samCookie = school.pupil.sessionCookie();

    if (transport == BridgeTransport.WEBSOCKET) {
      // The id in a WebSocket URL names nothing the server looks up: Sam's socket at Olga's id is Sam's.
      BridgeClient attacker = BridgeTransport.WEBSOCKET.connect(port, samCookie, origin, session);
      clients.add(attacker);
      attacker.sendRaw(frame);
      JsonObject answer = attacker.await(f -> reply.equals(f.getString("address")), 10_000);
      assertEquals(404, answer.getInteger("failureCode"), answer::encode); // Sam is not in Olga's conversation
      assertEquals(404, xhr(session, "xhr_send", frame, samCookie, origin)); // no HTTP session by that id
      attacker.register("user." + sam);
      sentinel(attacker, samConversation); // Sam's events reach Sam's socket...
      assertTrue(victim.nothingMatching(f -> mentions(f, "sentinel") && !mentions(f, "user." + olga)
          || reply.equals(f.getString("address")), 300)); // ...never Olga's
    } else {
      assertEquals(403, xhr(session, "xhr_send", frame, samCookie, origin));
      loggedOnce("Refused POST /eventbus/000/" + session + "/xhr_send by user " + sam, "belongs to user " + olga);
      for (BridgeTransport reader : List.of(BridgeTransport.XHR_POLLING, BridgeTransport.XHR_STREAMING, BridgeTransport.EVENTSOURCE)) {
        BridgeTransport.Refused refused = assertThrows(BridgeTransport.Refused.class,
            () -> clients.add(reader.connect(port, samCookie, origin, session)), reader.name());
        assertEquals(403, refused.status, reader.name());
      }
      loggedOnce("/eventbus/000/" + session + "/xhr by user " + sam);
      loggedOnce("/eventbus/000/" + session + "/eventsource by user " + sam);
      // Olga herself may (a second tab of hers would).
      assertEquals(204, xhr(session, "xhr_send", "[]", olgaApi.sessionCookie(), origin));
    }
    assertEquals(0, db.queryLong("select count(*) from messages where body = ?", marker));
    nothingDelivered(victim, olgaConversation, reply); // no reply to the forged send, and her frames still reach her
    assertFalse(victim.isClosed());
  }

  @ParameterizedTest
  @EnumSource(BridgeTransport.class)
  @DisplayName("A foreign Origin: 403 on the handshake and on sends into a live session, logged once, nothing delivered")
  void foreign_origin(BridgeTransport transport) throws Exception {
    BridgeClient ada = adaListening(transport);
    BridgeClient samSocket = connect(transport, school.pupil);
    String evil = "http://evil-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
    Exception refused = assertThrows(Exception.class, () -> clients.add(transport.connect(port, school.pupil.sessionCookie(), evil)));
    int status = refused instanceof BridgeTransport.Refused r ? r.status
        : refused.getCause() instanceof io.vertx.core.http.UpgradeRejectedException u ? u.getStatus() : -1;
    assertEquals(403, status, refused::toString);
    loggedOnce("Origin " + evil + " is not allowed");

    // A foreign page making Sam's browser post into Sam's live session (his cookie, its Origin).
    String marker = "cross-site " + UUID.randomUUID();
    String evil2 = evil + ":8443";
    String frame = new JsonArray().add(new JsonObject().put("type", "send").put("address", "chat.message.send")
        .put("body", sendFrame(samConversation, marker)).encode()).encode();
    assertEquals(403, xhr(samSocket.sessionId(), "xhr_send", frame, school.pupil.sessionCookie(), evil2));
    loggedOnce("Refused POST /eventbus/000/" + samSocket.sessionId() + "/xhr_send", "Origin " + evil2 + " is not allowed");
    Api.Response info = school.pupil.send(HttpRequest.newBuilder(URI.create(TestEnv.baseUrl() + "/eventbus/info"))
        .header("origin", evil).GET());
    assertEquals(403, info.status());

    nothingDelivered(ada, olgaConversation, marker);
    assertEquals(0, db.queryLong("select count(*) from messages where body = ?", marker));
  }

  int xhr(String session, String suffix, String body, String cookie, String originHeader) {
    Api raw = new Api(TestEnv.baseUrl());
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(TestEnv.baseUrl() + "/eventbus/000/" + session + "/" + suffix))
        .header("cookie", cookie).header("origin", originHeader).header("content-type", "text/plain;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    return raw.send(b).status();
  }
}
