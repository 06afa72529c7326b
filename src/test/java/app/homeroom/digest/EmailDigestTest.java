package app.homeroom.digest;

import app.homeroom.Node;
import app.homeroom.common.Smtp;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.support.Api;
import app.homeroom.support.LiveClients;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 31, point 1: email digests through a real SMTP server in this JVM (GreenMail), read back after. Rounds run
 * here by hand (two workers standing for two nodes) so what each round does is exact; the last test lets a node with
 * SMTP configured run them on its own, with real presence.
 */
class EmailDigestTest {

  static final String PUBLIC_URL = "https://chat.school.example";
  static GreenMail smtp;
  static HomeroomConfig.Mail mail;
  static Vertx vertx;
  static Pool pool;

  School school;
  long conversation;
  final LiveClients live = new LiveClients();

  @BeforeAll
  static void start() {
    smtp = new GreenMail(new ServerSetup(TestEnv.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    mail = HomeroomConfig.Mail.none().withPublicUrl(PUBLIC_URL).withSmtp("127.0.0.1", smtp.getSmtp().getPort(), "none");
    TestEnv.node();
    vertx = Vertx.vertx();
    pool = TestEnv.node().context().pools().general(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    smtp.stop();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void setUp() throws Exception {
    school = School.fresh();
    school.db.exec("delete from email_digests");
    school.db.exec("update school_settings set digests_enabled = true, digest_delay_minutes = 0,"
        + " quiet_hours_enabled = false, time_zone = 'UTC'");
    smtp.purgeEmailFromAllMailboxes();
    conversation = school.openConversation(school.student);
  }

  @AfterEach
  void closeClients() {
    live.close();
  }

  DigestWorker worker(String node, Set<Long> online) {
    return new DigestWorker(pool, Smtp.client(vertx, mail, "digest-test-" + node), mail, node,
        ids -> Future.succeededFuture(online));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void say(Api who, String body) {
    Api.Response r = who.postPatiently("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
    assertEquals(201, r.status(), () -> r.raw().body());
  }

  @Test
  @DisplayName("Issue 31.1: one plain-text digest for what waits (who, how many, the latest excerpt, a link), never one"
      + " per message; two nodes' rounds at once send it once; a later digest covers only what came after")
  void one_digest_per_batch_across_nodes() throws Exception {
    school.db.createAdmin("Grace Admin", "grace@test.school", School.PASSWORD);
    Api grace = Api.signedIn("grace@test.school", School.PASSWORD);
    say(school.staff, "Hello Sam, the trip form is due on Friday.");
    say(grace, "And bring <b>£5</b> for the museum & the bus.");
    DigestWorker a = worker("node-a", Set.of());
    DigestWorker b = worker("node-b", Set.of());
    List<Future<Integer>> rounds = List.of(a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce());
    int sent = rounds.stream().mapToInt(EmailDigestTest::await).sum();
    assertEquals(1, sent, "one digest, whichever node sent it");
    assertEquals(1, smtp.getReceivedMessages().length);
    MimeMessage digest = smtp.getReceivedMessages()[0];
    assertEquals("sam@test.school", digest.getAllRecipients()[0].toString().replaceAll(".*<|>.*", ""));
    assertEquals("2 messages from your school are waiting for you", digest.getSubject());
    assertTrue(digest.getContentType().startsWith("text/plain"), digest.getContentType());
    String body = GreenMailUtil.getBody(digest).replace("=\r\n", "").replace("\r\n", "\n");
    assertTrue(body.contains("Hello Sam,"), body);
    assertTrue(body.contains("Ada Admin, Grace Admin sent you 2 messages"), body);
    assertTrue(body.contains("And bring <b>=C2=A35</b> for the museum & the bus.") || body.contains("And bring <b>£5</b>"),
        "the latest excerpt, as text: " + body);
    assertTrue(body.contains(PUBLIC_URL + "/student"), body);
    assertFalse(body.contains("trip form"), "only the latest is quoted: " + body);

    // Nothing new: no second digest, however many rounds.
    assertEquals(0, await(a.runOnce()) + await(b.runOnce()));
    // A later message: a digest of that one only.
    say(school.staff, "Also: the bus leaves at 8:15.");
    assertEquals(1, await(b.runOnce()) + await(a.runOnce()));
    MimeMessage second = smtp.getReceivedMessages()[1];
    assertEquals("A message from Ada Admin is waiting for you", second.getSubject());
    assertTrue(GreenMailUtil.getBody(second).contains("the bus leaves at 8:15"));
  }

  @Test
  @DisplayName("Issue 31.1: no digest while the student is online, after they read it, when they turned digests off,"
      + " when the school did, or before the delay; a student's own messages are never in one")
  void when_no_digest_goes() {
    say(school.pupil, "Hello?");
    assertEquals(0, await(worker("n", Set.of()).runOnce()), "only staff messages call for a digest");
    say(school.staff, "Hi Sam!");
    assertEquals(0, await(worker("n", Set.of(school.student)).runOnce()), "online: they see it in Homeroom");
    assertEquals(200, school.pupil.put("/api/me/preferences", new JsonObject().put("emailDigests", false)).status());
    assertEquals(0, await(worker("n", Set.of()).runOnce()), "turned off by the student");
    assertEquals(200, school.pupil.put("/api/me/preferences", new JsonObject().putNull("emailDigests")).status());
    assertEquals(200, school.staff.put("/api/settings/notifications",
        new JsonObject().put("digestsEnabled", true).put("digestDelayMinutes", 10)).status());
    assertEquals(0, await(worker("n", Set.of()).runOnce()), "not ten minutes yet");
    assertEquals(200, school.staff.put("/api/settings/notifications",
        new JsonObject().put("digestsEnabled", false).put("digestDelayMinutes", 0)).status());
    assertEquals(0, await(worker("n", Set.of()).runOnce()), "off for the school, and Sam follows the school");
    assertEquals(200, school.pupil.put("/api/me/preferences", new JsonObject().put("emailDigests", true)).status());
    assertEquals(1, await(worker("n", Set.of()).runOnce()), "Sam turned them on for himself");
    assertEquals(1, smtp.getReceivedMessages().length);

    say(school.staff, "One more thing.");
    school.pupil.post("/api/conversations/" + conversation + "/read", new JsonObject().put("seq", 3));
    assertEquals(0, await(worker("n", Set.of()).runOnce()), "read: nothing waits");
  }

  @Test
  @DisplayName("Issue 31.2: in the school's quiet hours no digest goes; it goes once they end")
  void quiet_hours_hold_digests() {
    say(school.staff, "Good evening Sam.");
    // Quiet from an hour ago to an hour from now, in the school's time zone.
    java.time.LocalTime now = java.time.LocalTime.now(java.time.ZoneId.of("Asia/Tokyo")).withSecond(0).withNano(0);
    Api.Response quiet = school.staff.put("/api/settings/notifications", new JsonObject().put("digestsEnabled", true)
        .put("digestDelayMinutes", 0).put("quietHoursEnabled", true).put("timeZone", "Asia/Tokyo")
        .put("quietStart", now.minusHours(1).toString()).put("quietEnd", now.plusHours(1).toString()));
    assertEquals(200, quiet.status(), () -> quiet.raw().body());
    assertTrue(quiet.json().getBoolean("quietNow"));
    assertTrue(school.pupil.get("/api/me/preferences").json().getBoolean("quietNow"), "the student's page knows too");
    assertEquals(0, await(worker("n", Set.of()).runOnce()), "quiet: the digest waits");
    Api.Response over = school.staff.put("/api/settings/notifications", new JsonObject().put("digestsEnabled", true)
        .put("digestDelayMinutes", 0).put("quietStart", now.plusHours(2).toString()).put("quietEnd", now.plusHours(3).toString()));
    assertEquals(200, over.status());
    assertTrue(over.json().getBoolean("quietHoursEnabled"), "fields not sent stay as they were");
    assertEquals("Asia/Tokyo", over.json().getString("timeZone"));
    assertFalse(over.json().getBoolean("quietNow"));
    assertEquals(1, await(worker("n", Set.of()).runOnce()), "the quiet hours ended: it goes");
    assertEquals(400, school.staff.put("/api/settings/notifications", new JsonObject().put("digestsEnabled", true)
        .put("digestDelayMinutes", 0).put("quietStart", "25:00")).status());
    assertEquals(400, school.staff.put("/api/settings/notifications", new JsonObject().put("digestsEnabled", true)
        .put("digestDelayMinutes", 0).put("timeZone", "Mars/Olympus")).status());
  }

  @Test
  @DisplayName("Issue 31.1: an SMTP outage sends nothing and loses nothing: the digest goes, once, when the server is back")
  void an_outage_is_retried_with_back_off() {
    say(school.staff, "Hello Sam, please call the office.");
    smtp.stop();
    assertEquals(0, await(worker("n", Set.of()).runOnce()));
    assertEquals(1, school.db.queryLong("select attempts from email_digests where student_id = ?", school.student));
    assertTrue(school.db.queryLong("select extract(epoch from next_attempt_at - now())::bigint from email_digests"
        + " where student_id = ?", school.student) > 30, "tried again after a wait");
    smtp.start();
    assertEquals(0, await(worker("n", Set.of()).runOnce()), "not before the wait");
    school.db.exec("update email_digests set next_attempt_at = now() where student_id = ?", school.student);
    assertEquals(1, await(worker("n", Set.of()).runOnce()));
    assertEquals(1, smtp.getReceivedMessages().length);
    assertEquals(0, school.db.queryLong("select attempts from email_digests where student_id = ?", school.student));
  }

  @Test
  @DisplayName("Issue 31.1: settings and preferences: staff only for the school's, each change audited, bad values a 400")
  void settings() {
    assertEquals(403, school.pupil.get("/api/settings/notifications").status());
    assertEquals(403, school.pupil.put("/api/settings/notifications",
        new JsonObject().put("digestsEnabled", false).put("digestDelayMinutes", 5)).status());
    assertEquals(400, school.staff.put("/api/settings/notifications",
        new JsonObject().put("digestsEnabled", "yes").put("digestDelayMinutes", 5)).status());
    assertEquals(400, school.staff.put("/api/settings/notifications",
        new JsonObject().put("digestsEnabled", true).put("digestDelayMinutes", 5000)).status());
    Api.Response changed = school.staff.put("/api/settings/notifications",
        new JsonObject().put("digestsEnabled", true).put("digestDelayMinutes", 15));
    assertEquals(200, changed.status(), () -> changed.raw().body());
    assertEquals(15, changed.json().getInteger("digestDelayMinutes"));
    assertEquals("Ada Admin", changed.json().getString("updatedBy"));
    Api.Response mine = school.pupil.put("/api/me/preferences", new JsonObject().put("emailDigests", false));
    assertEquals(200, mine.status());
    assertFalse(mine.json().getBoolean("emailDigests"));
    assertTrue(mine.json().getBoolean("schoolDefault"));
    assertEquals(400, school.pupil.put("/api/me/preferences", new JsonObject().put("emailDigests", "no")).status());
    assertEquals(List.of("settings.notifications_changed", "user.digests_changed"),
        school.db.queryStrings("select action from audit_events where action in"
            + " ('settings.notifications_changed', 'user.digests_changed') order by id"));
  }

  @Test
  @DisplayName("Issue 31.1: a node with SMTP set up sends the digest on its own, and not while the student is connected")
  void a_node_sends_digests_on_its_own() throws Exception {
    Node mailing = TestEnv.startNode(c -> c.withMail(mail));
    try {
      int port = mailing.httpPort();
      Api sam = Api.signedIn("http://localhost:" + port, School.STUDENT_EMAIL, School.PASSWORD);
      SockJsClient connected = SockJsClient.connect(port, sam.sessionCookie(), "http://localhost:" + port);
      connected.register("user." + school.student);
      say(school.staff, "Are you coming to the meeting?");
      // A round found Sam due, saw him connected and let him go: claimed, then released, and nothing sent.
      app.homeroom.support.Await.until(() -> school.db.queryLong("select count(*) from email_digests where student_id = ?"
          + " and claimed_until is null and last_sent_at is null", school.student) == 1,
          DigestVerticle.INTERVAL_MS * 2 + 10_000, "a digest round while Sam is connected");
      assertEquals(0, smtp.getReceivedMessages().length, "connected: no email");
      connected.close();
      assertTrue(smtp.waitForIncomingEmail(DigestVerticle.INTERVAL_MS * 2 + 35_000, 1), "the digest after Sam left");
      assertEquals("A message from Ada Admin is waiting for you", smtp.getReceivedMessages()[0].getSubject());
    } finally {
      mailing.close();
    }
  }
}
