package app.homeroom.people;

import app.homeroom.Node;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestEnv;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25, point 3: sign-up links by email through a real SMTP server (GreenMail, in this JVM, read back after), and
 * sign-in slips for a class. A node of its own has SMTP configured; the shared node has none.
 */
class LinkEmailAndSlipsTest {

  static final String PUBLIC_URL = "https://chat.test.school";
  static GreenMail smtp;
  static Node mailing;
  School school;
  Api ada;

  @BeforeAll
  static void start() {
    smtp = new GreenMail(new ServerSetup(TestEnv.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    mailing = TestEnv.startNode(c -> c.withMail(HomeroomConfig.Mail.none().withPublicUrl(PUBLIC_URL)
        .withSmtp("127.0.0.1", smtp.getSmtp().getPort(), "none")));
  }

  @AfterAll
  static void stop() {
    mailing.close();
    smtp.stop();
  }

  @BeforeEach
  void setUp() throws Exception {
    school = School.fresh();
    smtp.purgeEmailFromAllMailboxes();
    ada = new Api("http://localhost:" + mailing.httpPort());
    assertEquals(200, ada.post("/api/login", new JsonObject().put("email", School.ADMIN_EMAIL)
        .put("password", School.PASSWORD)).status());
  }

  private static String linkIn(MimeMessage mail) {
    Matcher m = Pattern.compile(Pattern.quote(PUBLIC_URL) + "(/signup/[A-Za-z0-9_-]{43})").matcher(GreenMailUtil.getBody(mail));
    assertTrue(m.find(), GreenMailUtil.getBody(mail));
    return m.group(1);
  }

  @Test
  @DisplayName("Issue 25.3c: a new student's sign-up link is emailed; the link in the mail signs them up")
  void sign_up_link_by_email() throws Exception {
    Api.Response created = ada.post("/api/people", new JsonObject().put("role", "student").put("name", "Mia Mail")
        .put("email", "mia@test.school").put("rollId", "R-900").put("className", "7A").put("sendEmail", true));
    assertEquals(201, created.status(), created.raw().body());
    assertEquals(true, created.json().getBoolean("emailed"));
    assertTrue(smtp.waitForIncomingEmail(5_000, 1));
    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertEquals("Your Homeroom account", mail.getSubject());
    assertEquals("mia@test.school", ((jakarta.mail.internet.InternetAddress) mail.getAllRecipients()[0]).getAddress());
    String path = linkIn(mail);
    assertEquals(created.json().getJsonObject("link").getString("path"), path);

    Api mia = new Api("http://localhost:" + mailing.httpPort());
    Api.Response signedUp = mia.post("/api/" + path.substring(1), new JsonObject().put("password", "marigold ferry lamp"));
    assertEquals(200, signedUp.status(), signedUp.raw().body());
    assertEquals("Mia Mail", mia.get("/api/me").json().getJsonObject("user").getString("name"));
  }

  @Test
  @DisplayName("Issue 25.3c/25.4: a reset link by email; without SMTP the request is a clear 409 and nothing is issued")
  void reset_link_by_email_and_no_smtp() throws Exception {
    Api.Response reset = ada.post("/api/people/" + school.student + "/link", new JsonObject().put("sendEmail", true));
    assertEquals(200, reset.status(), reset.raw().body());
    assertEquals("reset", reset.json().getJsonObject("link").getString("purpose"));
    assertTrue(smtp.waitForIncomingEmail(5_000, 1));
    assertEquals("Reset your Homeroom password", smtp.getReceivedMessages()[0].getSubject());
    assertEquals(true, ada.get("/api/people").json().getBoolean("emailEnabled"));

    long links = school.db.queryLong("select count(*) from signup_links");
    Api.Response none = school.staff.post("/api/people/" + school.student + "/link", new JsonObject().put("sendEmail", true));
    assertEquals(409, none.status());
    assertTrue(none.json().getJsonObject("error").getString("message").contains("HOMEROOM_SMTP_HOST"));
    assertEquals(links, school.db.queryLong("select count(*) from signup_links"));
    assertEquals(false, school.staff.get("/api/people").json().getBoolean("emailEnabled"));
  }

  @Test
  @DisplayName("Issue 25.3b: slips for a class: one per student without a password, a link and QR code each, audited")
  void slips_for_a_class() {
    school.db.exec("insert into users (role, name, email, roll_id, class_name) values"
        + " ('student', 'Zoe Invited', 'zoe@test.school', 'R-010', '7A'),"
        + " ('student', 'Abe Invited', 'abe@test.school', 'R-011', '7A'),"
        + " ('student', 'Dee Disabled', 'dee@test.school', 'R-012', '7A')");
    school.db.exec("update users set disabled_at = now() where email = 'dee@test.school'");
    Api.Response r = ada.post("/api/people/slips", new JsonObject().put("className", "7A"));
    assertEquals(200, r.status(), r.raw().body());
    JsonArray slips = r.json().getJsonArray("slips");
    assertEquals(2, slips.size()); // Sam has a password; Dee is disabled
    JsonObject abe = slips.getJsonObject(0);
    assertEquals("Abe Invited", abe.getString("name"));
    assertEquals("signup", abe.getString("purpose"));
    assertTrue(abe.getString("url").matches(Pattern.quote(PUBLIC_URL) + "/signup/[A-Za-z0-9_-]{43}"), abe.getString("url"));
    assertTrue(abe.getJsonObject("qr").getInteger("size") >= 21);
    assertTrue(abe.getJsonObject("qr").getString("path").startsWith("M0 0h7"), "finder pattern top left");
    assertEquals(2, school.db.queryLong("select count(*) from audit_events where action = 'student.link_issued'"
        + " and details->>'slip' = 'true'"));

    // With students who have a password: Sam's slip carries a reset link. Abe's first slip no longer works.
    JsonArray all = ada.post("/api/people/slips", new JsonObject().put("className", "7A").put("includeActive", true))
        .json().getJsonArray("slips");
    assertEquals(3, all.size());
    assertEquals("reset", all.stream().map(JsonObject.class::cast).filter(s -> s.getString("name").equals("Sam Student"))
        .findFirst().orElseThrow().getString("purpose"));
    String oldToken = abe.getString("url").substring(abe.getString("url").lastIndexOf('/') + 1);
    assertEquals(410, ada.get("/api/signup/" + oldToken).status());

    assertEquals(400, ada.post("/api/people/slips", new JsonObject()).status());
    assertEquals(0, ada.post("/api/people/slips", new JsonObject().put("className", "9Z")).json().getJsonArray("slips").size());
    assertEquals(403, school.pupil.post("/api/people/slips", new JsonObject().put("className", "7A")).status());
    assertFalse(school.staff.post("/api/people/slips", new JsonObject().put("className", "7A")).json()
        .getString("origin").isEmpty());
  }
}
