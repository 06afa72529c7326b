package app.homeroom.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Typing indicators and delivered/read receipts in the browser (R4.1–R4.4), with real pages on both sides.
 *
 * <p>"Looking at the chat" is the page being visible and focused. Headless pages always count as focused, so
 * contexts made with {@link #lookingAway()} start with a window that has lost the focus (an init script makes
 * {@code document.hasFocus()} false); {@link #lookAt(Page)} gives it back, as a person switching windows would.
 */
@DisplayName("Typing indicators and delivery/read receipts in the browser")
class ReceiptsAndTypingBrowserTest extends BrowserTestBase {

  static final String GRACE_EMAIL = "grace@test.school";
  /** A typing indicator must vanish this long after its typist stopped at the latest: 6 s, plus margin. */
  static final double EXPIRY_TIMEOUT_MS = 10_000;
  /** "At once": well under the 6 s a stale indicator would take to expire. */
  static final double AT_ONCE_TIMEOUT_MS = 3_000;

  /** The window starts without the focus; {@code window.__away = false} and a focus event give it back. */
  static final String AWAY_SCRIPT = """
      (() => {
        window.__away = true;
        const hasFocus = Document.prototype.hasFocus;
        Document.prototype.hasFocus = function () { return !window.__away && hasFocus.call(this); };
      })();""";

  long sam;
  long samConversation;

  @BeforeEach
  void openSamsConversation() {
    sam = school.student;
    samConversation = school.openConversation(sam);
    school.db.createAdmin("Grace Admin", GRACE_EMAIL, PASSWORD);
  }

  @Test
  @DisplayName("R4.1 R4.2: the student typing shows \"Sam Student is typing…\" in the admin's chat and a hint on the"
      + " student's row; it goes at once when the message arrives, and within 6 s when the student's page is closed"
      + " abruptly")
  void student_typing_shows_to_the_admin_and_never_sticks() {
    Page admin = signIn(ADMIN_EMAIL);
    row(admin, sam).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    BrowserContext studentContext = newContext();
    Page student = studentChat(signIn(studentContext, STUDENT_EMAIL, "live"));
    assertThat(student.getByTestId("chat-empty")).isVisible();
    Locator indicator = admin.getByTestId("typing-indicator");
    Locator hint = row(admin, sam).getByTestId("typing-hint");

    student.getByTestId("composer").pressSequentially("Hello, I have a question");
    assertThat(indicator).hasText("Sam Student is typing…");
    assertThat(indicator).hasAttribute("aria-live", "polite");
    assertThat(hint).hasText("typing…");
    Browsers.screenshot(admin, "typing-admin-sees-student");

    student.getByTestId("composer").press("Enter");
    assertThat(message(admin, 1)).hasText("Hello, I have a question");
    assertThat(indicator).isEmpty(new LocatorAssertions.IsEmptyOptions().setTimeout(AT_ONCE_TIMEOUT_MS));
    assertThat(hint).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(AT_ONCE_TIMEOUT_MS));

    // Typing again (at a person's pace), then the tab dies without a word: the indicator goes by itself.
    student.getByTestId("composer").pressSequentially("Also, when is the exam?",
        new Locator.PressSequentiallyOptions().setDelay(100));
    assertThat(indicator).hasText("Sam Student is typing…");
    studentContext.close();
    contexts.remove(studentContext);
    assertThat(indicator).isEmpty(new LocatorAssertions.IsEmptyOptions().setTimeout(EXPIRY_TIMEOUT_MS));
    assertThat(hint).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(EXPIRY_TIMEOUT_MS));
    assertThat(row(admin, sam).getByText("sam@test.school")).isVisible();
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("R4.1 R4.2: an admin typing shows to the student by name and to the other admin (chat and list); two"
      + " typing read \"Ada Admin and Grace Admin are typing…\"; a sent message ends its sender's at once, a closed"
      + " page ends the other's within 6 s")
  void admins_typing_shows_to_the_student_and_to_each_other() {
    Page student = studentChat(signIn(STUDENT_EMAIL));
    BrowserContext adaContext = newContext();
    Page ada = signIn(adaContext, ADMIN_EMAIL, "live");
    row(ada, sam).click();
    BrowserContext graceContext = newContext();
    Page grace = signIn(graceContext, GRACE_EMAIL, "live");
    row(grace, sam).click();
    assertThat(grace.getByTestId("chat-title")).hasText("Sam Student");
    assertThat(ada.getByTestId("chat-title")).hasText("Sam Student");
    Locator studentSees = student.getByTestId("typing-indicator");

    ada.getByTestId("composer").pressSequentially("Hi Sam");
    assertThat(studentSees).hasText("Ada Admin is typing…");
    // A colleague typing shows in the staff's team bar (issue 27, point 2), the student's typing under the composer.
    assertThat(grace.getByTestId("team-typing")).hasText("Ada Admin is typing…");
    assertThat(grace.getByTestId("typing-indicator")).isEmpty();
    assertThat(row(grace, sam).getByTestId("typing-hint")).hasText("Ada Admin is typing…");
    assertThat(ada.getByTestId("team-typing")).hasCount(0); // not one's own
    grace.getByTestId("composer").pressSequentially("Hello");
    assertThat(studentSees).hasText("Ada Admin and Grace Admin are typing…");
    assertThat(ada.getByTestId("team-typing")).hasText("Grace Admin is typing…");
    Browsers.screenshot(student, "typing-student-sees-two-admins");

    ada.getByTestId("send-button").click();
    assertThat(message(student, 1)).hasText("Hi Sam");
    assertThat(studentSees).hasText("Grace Admin is typing…", new LocatorAssertions.HasTextOptions().setTimeout(AT_ONCE_TIMEOUT_MS));

    graceContext.close();
    contexts.remove(graceContext);
    assertThat(studentSees).isEmpty(new LocatorAssertions.IsEmptyOptions().setTimeout(EXPIRY_TIMEOUT_MS));
    assertThat(ada.getByTestId("team-typing")).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(EXPIRY_TIMEOUT_MS));
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("R4.3 R4.4: an admin's message to an offline student stays \"sent\" (after a reload too) until the"
      + " student signs in, then turns \"delivered\" while they look elsewhere, \"read\" when they look at the chat;"
      + " a message to the connected student is delivered at once; all right after reloads")
  void ticks_follow_the_student_from_offline_to_read() {
    Page admin = signIn(ADMIN_EMAIL);
    row(admin, sam).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    admin.getByTestId("composer").fill("Your report is ready");
    admin.getByTestId("composer").press("Enter");
    assertThat(status(admin, 1)).hasAttribute("data-status", "sent");
    assertThat(status(admin, 1)).hasText("Sent"); // the words, for screen readers
    assertThat(status(admin, 1)).hasAttribute("title", "Sent");
    admin.reload();
    assertThat(message(admin, 1)).hasText("Your report is ready");
    assertThat(status(admin, 1)).hasAttribute("data-status", "sent");

    // The student signs in with another window in front: their client has it, nobody has looked yet.
    BrowserContext studentContext = lookingAway();
    Page student = studentChat(signIn(studentContext, STUDENT_EMAIL, "live"));
    assertThat(message(student, 1)).hasText("Your report is ready");
    assertThat(status(admin, 1)).hasAttribute("data-status", "delivered");
    assertThat(status(admin, 1)).hasText("Delivered");
    assertThat(admin.getByTestId("receipt-line")).hasText("Delivered");

    // Connected, still looking elsewhere: the next message is delivered at once.
    admin.getByTestId("composer").fill("Come and pick it up");
    admin.getByTestId("composer").press("Enter");
    assertThat(message(student, 2)).hasText("Come and pick it up");
    assertThat(status(admin, 2)).hasAttribute("data-status", "delivered");
    Browsers.screenshot(admin, "receipts-delivered");
    admin.reload();
    assertThat(status(admin, 1)).hasAttribute("data-status", "delivered");
    assertThat(status(admin, 2)).hasAttribute("data-status", "delivered");

    lookAt(student);
    assertThat(status(admin, 1)).hasAttribute("data-status", "read");
    assertThat(status(admin, 2)).hasAttribute("data-status", "read");
    assertThat(status(admin, 2)).hasText("Read");
    assertThat(admin.getByTestId("receipt-line")).hasText("Read");
    Browsers.screenshot(admin, "receipts-read");
    admin.reload();
    assertThat(message(admin, 2)).hasText("Come and pick it up");
    assertThat(status(admin, 1)).hasAttribute("data-status", "read");
    assertThat(status(admin, 2)).hasAttribute("data-status", "read");
    assertThat(status(student, 1)).hasCount(0); // a student sees no ticks on staff messages
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("R4.3 R4.4: the student's message shows \"delivered\" once an admin's client has it and \"read\" once an"
      + " admin looked at it; admins see which admin read it (\"Read by Grace Admin\"), live and after reloads")
  void the_student_sees_read_and_admins_see_which_admin() {
    BrowserContext adaContext = lookingAway();
    Page ada = signIn(adaContext, ADMIN_EMAIL, "live");
    row(ada, sam).click();
    assertThat(ada.getByTestId("chat-title")).hasText("Sam Student");
    Page student = studentChat(signIn(STUDENT_EMAIL));
    assertThat(student.getByTestId("chat-empty")).isVisible();

    student.getByTestId("composer").fill("When is the exam?");
    student.getByTestId("send-button").click();
    assertThat(message(ada, 1)).hasText("When is the exam?");
    assertThat(status(student, 1)).hasAttribute("data-status", "delivered");
    assertThat(status(student, 1)).hasText("Delivered");
    assertThat(status(ada, 1)).hasCount(0); // no admin has read it yet

    Page grace = signIn(GRACE_EMAIL);
    row(grace, sam).click();
    assertThat(message(grace, 1)).hasText("When is the exam?");
    assertThat(status(student, 1)).hasAttribute("data-status", "read");
    assertThat(status(student, 1)).hasText("Read");
    assertThat(status(ada, 1)).hasAttribute("data-status", "read");
    assertThat(status(ada, 1)).hasText("Read by Grace Admin");
    assertThat(status(ada, 1)).hasAttribute("title", "Read by Grace Admin");
    assertThat(ada.getByTestId("receipt-line")).hasText("Read by Grace Admin");
    Browsers.screenshot(ada, "receipts-read-by-other-admin");
    Browsers.screenshot(student, "receipts-student-read");

    lookAt(ada);
    assertThat(status(ada, 1)).hasText("Read by Ada Admin and Grace Admin");
    assertThat(status(grace, 1)).hasText("Read by Ada Admin and Grace Admin");
    student.reload();
    assertThat(message(student, 1)).hasText("When is the exam?");
    assertThat(status(student, 1)).hasAttribute("data-status", "read");
    ada.reload();
    assertThat(message(ada, 1)).hasText("When is the exam?");
    assertThat(status(ada, 1)).hasText("Read by Ada Admin and Grace Admin");
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("R4.1: typing straight after sending a message shows again at once (the message ended the last one)")
  void typing_right_after_sending_shows_at_once() {
    Page admin = signIn(ADMIN_EMAIL);
    row(admin, sam).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    Page student = studentChat(signIn(STUDENT_EMAIL));
    Locator indicator = admin.getByTestId("typing-indicator");

    student.getByTestId("composer").pressSequentially("Hello");
    assertThat(indicator).hasText("Sam Student is typing…");
    student.getByTestId("composer").press("Enter");
    assertThat(message(admin, 1)).hasText("Hello");
    assertThat(indicator).isEmpty(new LocatorAssertions.IsEmptyOptions().setTimeout(AT_ONCE_TIMEOUT_MS));
    student.getByTestId("composer").pressSequentially("Are you there?");
    assertThat(indicator).hasText("Sam Student is typing…", new LocatorAssertions.HasTextOptions().setTimeout(AT_ONCE_TIMEOUT_MS));
    assertEquals(List.of(), pageErrors);
  }

  /** A context whose pages start with their window out of focus (not looking at the chat). */
  BrowserContext lookingAway() {
    BrowserContext context = newContext();
    context.addInitScript(AWAY_SCRIPT);
    return context;
  }

  /** The person comes back to the window: it has the focus again. */
  static void lookAt(Page page) {
    page.evaluate("() => { window.__away = false; window.dispatchEvent(new Event('focus')); }");
  }

  /** The receipt status of the stored message with this sequence number. */
  static Locator status(Page page, long seq) {
    return page.locator("[data-testid=message][data-seq='" + seq + "'][data-pending=false] [data-testid=message-status]");
  }
}
