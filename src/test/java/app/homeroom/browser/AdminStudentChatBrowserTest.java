package app.homeroom.browser;

import app.homeroom.support.TestDb;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.TimeoutError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The admin and the student in two real browsers (two contexts, so two sessions and two live connections)
 * against one running node: the whole path from a click in the student list to a reply on screen.
 * Screenshots are saved under {@code target/screenshots/}.
 */
@DisplayName("Admin and student chat in the browser")
class AdminStudentChatBrowserTest extends BrowserTestBase {

  /** A body that would run script if it were ever rendered as HTML. */
  static final String HOSTILE = "Thanks! <img src=x onerror=alert(1)>";

  TestDb db;
  long studentId;

  @BeforeEach
  void names() {
    db = school.db;
    studentId = school.student;
  }

  @Test
  @DisplayName("R1.1 R1.2 R1.3 R3.1 R3.2 R3.3 R3.4 (R2.4 R2.5): an admin opens a new student's chat, both sides see"
      + " each other's messages live, bodies stay text, and a reload reopens the conversation with its history")
  void admin_opens_a_new_students_chat_and_both_sides_talk_live() {
    Page admin = signIn(ADMIN_EMAIL);
    Page student = studentChat(signIn(STUDENT_EMAIL));

    // The student has no conversation yet: a friendly empty page, which will update by itself.
    assertThat(student.getByTestId("no-conversation")).isVisible();
    student.evaluate("window.__sameDocument = 'no reload'");

    // R2.4: the student is listed with a "New" indicator (no conversation yet).
    Locator row = admin.locator("[data-testid=student-row][data-student-id='" + studentId + "']");
    assertThat(row).containsText("Sam Student");
    assertThat(row).containsText("sam@test.school");
    assertThat(row).containsText("R-001");
    assertThat(row).containsText("7A");
    assertThat(row.getByTestId("student-status")).hasText("New");

    // R1.1: clicking the student creates the conversation and opens it.
    row.click();
    assertThat(admin).hasURL(base + "/admin/students/" + studentId);
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    // R6.2: an open conversation shows the status "Active", in the chat and in the list.
    assertThat(admin.getByTestId("conversation-status")).hasAttribute("data-status", "active");
    assertThat(admin.getByTestId("conversation-status")).containsText("Active");
    assertThat(row.getByTestId("student-status")).hasText("Active");
    assertEquals(1, db.queryLong("select count(*) from conversations where student_id = ?", studentId),
        "R1.1: exactly one conversation created");

    // R1.2, R1.3: the chat interface is shown with the live connection's status.
    assertThat(admin.getByTestId("connection-status")).hasAttribute("data-state", "live");
    assertThat(admin.getByTestId("connection-status")).hasText("Live (WebSocket)"); // the mode, R1.4
    assertThat(admin.getByTestId("composer")).isVisible();

    // The admin writes; the message is stored (it gets seq 1) and shown as their own.
    String hello = "Hello Sam, welcome to Homeroom!";
    admin.getByTestId("composer").fill(hello);
    admin.getByTestId("send-button").click();
    assertThat(message(admin, 1)).hasText(hello);
    // R6.1: each message carries its timestamp: the stored instant, and the full date (on hover and focus, and
    // for screen readers: see TimestampsBrowserTest).
    Locator time = admin.locator("[data-testid=message][data-seq='1'][data-pending=false] time");
    assertThat(time).hasAttribute("datetime", Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T.*Z$"));
    assertThat(time.getByTestId("time-full")).hasText(Pattern.compile("\\d{4}"));
    assertThat(time).hasText(Pattern.compile("\\d{1,2}:\\d{2}"));
    assertThat(admin.locator("[data-testid=message][data-seq='1']")).hasClass(Pattern.compile("\\bown\\b"));

    // R3.1: the student sees the conversation appear and the message arrive without reloading.
    assertThat(message(student, 1)).hasText(hello);
    assertThat(student.locator("[data-testid=message][data-seq='1'] [data-testid=message-sender]")).hasText("Ada Admin");
    assertEquals("no reload", student.evaluate("window.__sameDocument"), "R3.1: delivered live, not by a reload");
    assertThat(student.getByTestId("connection-status")).hasAttribute("data-state", "live");

    // The student replies with Enter; R3.2: the admin sees it live. The body is shown as literal text.
    student.getByTestId("composer").fill(HOSTILE);
    student.getByTestId("composer").press("Enter");
    assertThat(message(student, 2)).hasText(HOSTILE);
    assertThat(message(admin, 2)).hasText(HOSTILE);
    assertThat(admin.getByTestId("announcer")).hasText("Sam Student: " + HOSTILE); // read out by screen readers
    assertThat(admin.locator("[data-testid=message-body] img")).hasCount(0);
    assertThat(student.locator("[data-testid=message-body] img")).hasCount(0);
    Browsers.screenshot(admin, "chat-admin-live");
    Browsers.screenshot(student, "chat-student-live");

    // R3.3: both messages are stored, once each.
    assertEquals(2, db.queryLong("select count(*) from messages"), "R3.3: exactly the two messages are stored");
    assertEquals(2, db.queryLong(
        "select count(*) from messages m join conversations c on c.id = m.conversation_id where c.student_id = ?",
        studentId));

    // R3.4, R2.5: a reload reopens the same conversation, shows its history, and goes live again.
    admin.reload();
    assertThat(admin).hasURL(base + "/admin/students/" + studentId);
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    assertThat(message(admin, 1)).hasText(hello);
    assertThat(message(admin, 2)).hasText(HOSTILE);
    assertThat(admin.getByTestId("message")).hasCount(2);
    assertThat(admin.getByTestId("connection-status")).hasAttribute("data-state", "live");
    assertThat(admin.locator("[data-testid=student-row][aria-selected=true]")).hasAttribute(
        "data-student-id", String.valueOf(studentId));
    Browsers.screenshot(admin, "chat-admin-after-reload");

    assertEquals(2, db.queryLong("select count(*) from messages"), "R3.3: a reload stores nothing");
    assertEquals(List.of(), dialogs, "no script from a message body ever ran");
    assertEquals(List.of(), pageErrors, "no uncaught errors in either page");
    assertEquals(List.of(), consoleErrors, "no console errors in either page");
  }

  @Test
  @DisplayName("R1.4: with the live channel unreachable the admin sees its status and 'Retry now', and messages"
      + " still go through over HTTP")
  void messages_fall_back_to_http_when_the_live_channel_is_down() {
    BrowserContext adminContext = newContext();
    // Every SockJS transport lives under /eventbus: refusing it leaves only the REST API.
    adminContext.route("**/eventbus/**", route -> route.abort());
    Page admin = signIn(adminContext, ADMIN_EMAIL, null);
    Page student = studentChat(signIn(STUDENT_EMAIL));

    assertThat(admin.getByTestId("connection-status")).not().hasAttribute("data-state", "live");
    assertThat(admin.getByTestId("retry-now")).isVisible();

    admin.locator("[data-testid=student-row][data-student-id='" + studentId + "']").click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    assertThat(admin.getByTestId("http-fallback")).isVisible();

    String body = "Sent while the live channel was down";
    admin.getByTestId("composer").fill(body);
    admin.getByTestId("composer").press("Enter");
    assertThat(message(admin, 1)).hasText(body);
    // The student's live connection still works: the message stored over HTTP is pushed to them.
    assertThat(message(student, 1)).hasText(body);
    Browsers.screenshot(admin, "chat-admin-http-fallback");
    assertEquals(1, db.queryLong("select count(*) from messages"));

    // Once the channel is reachable again, "Retry now" brings it back at once. The bus's own next attempt
    // (its backoff timer may fire any moment) can win that race and take the button away: as good.
    adminContext.unroute("**/eventbus/**");
    Locator retry = admin.getByTestId("retry-now");
    try {
      retry.click(new Locator.ClickOptions().setTimeout(3_000));
    } catch (TimeoutError reconnectedByItself) {
      assertThat(retry).hasCount(0);
    }
    assertThat(admin.getByTestId("connection-status")).hasAttribute("data-state", "live");
    assertThat(admin.getByTestId("retry-now")).hasCount(0);
    assertEquals(List.of(), pageErrors, "no uncaught errors in either page");
  }
}
