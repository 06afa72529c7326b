package app.homeroom.browser;

import app.homeroom.Node;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.support.TestEnv;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 31, point 1: the school's digest settings on the Settings page, and a student's own choice in their menu. */
class NotificationSettingsBrowserTest extends BrowserTestBase {

  @Test
  @DisplayName("Issue 31.1: staff set email digests and their delay on the Settings page; a student turns theirs off"
      + " from the account menu; both are what the server keeps, and the page has no serious axe violation")
  void settings_and_the_students_choice() {
    Page ada = signIn(newContext(new Browser.NewContextOptions().setViewportSize(DESKTOP_WIDTH, DESKTOP_HEIGHT)
        .setBypassCSP(true)), ADMIN_EMAIL, "live");
    ada.getByTestId("nav-settings").click();
    assertThat(ada.locator("h1")).hasText("Settings");
    assertThat(ada.getByTestId("digests-enabled")).isChecked();
    assertThat(ada.getByTestId("digest-delay")).hasValue("10");
    // The test node has no SMTP: the page says digests wait for it.
    assertThat(ada.getByTestId("email-not-configured")).isVisible();
    AccessibilityBrowserTest.assertNoSeriousViolations(ada, "settings page");
    ada.getByTestId("digest-delay").fill("25");
    ada.getByTestId("digests-enabled").uncheck();
    assertThat(ada.getByTestId("push-enabled")).isChecked();
    ada.getByTestId("push-enabled").uncheck(); // issue 31.3: Web Push off for the school
    ada.getByTestId("settings-save").click();
    assertThat(ada.getByTestId("settings-notice")).hasText("Saved.");
    assertThat(ada.getByText("Last changed by Ada Admin")).isVisible();
    Browsers.screenshot(ada, "settings-page");
    assertEquals(25, school.staff.get("/api/settings/notifications").json().getInteger("digestDelayMinutes"));
    assertEquals(false, school.staff.get("/api/settings/notifications").json().getBoolean("digestsEnabled"));
    assertEquals(false, school.staff.get("/api/settings/notifications").json().getBoolean("pushEnabled"));
    ada.getByTestId("digest-delay").fill("-3");
    ada.getByTestId("settings-save").click();
    assertEquals(25, school.staff.get("/api/settings/notifications").json().getInteger("digestDelayMinutes"),
        "a bad delay is not saved");
    school.db.exec("update school_settings set digests_enabled = true, digest_delay_minutes = 10, push_enabled = true");

    // A node that can send email offers the student the choice (nothing is sent here: Sam has nothing waiting).
    Node mailing = TestEnv.startNode(c -> c.withMail(HomeroomConfig.Mail.none().withPublicUrl("http://localhost")
        .withSmtp("127.0.0.1", TestEnv.freePort(), "none")));
    try {
      Page sam = signIn(newContext(), STUDENT_EMAIL, "live", "http://localhost:" + mailing.httpPort());
      sam.getByTestId("current-user").click();
      assertThat(sam.getByTestId("email-digests")).hasAttribute("aria-checked", "true");
      sam.getByTestId("email-digests").click();
      assertThat(sam.getByTestId("email-digests")).hasAttribute("aria-checked", "false");
      assertEquals(false, school.pupil.get("/api/me/preferences").json().getBoolean("emailDigests"));
      Browsers.screenshot(sam, "student-digest-choice");
      sam.keyboard().press("Escape");
      sam.getByTestId("current-user").click();
      assertThat(sam.getByTestId("email-digests")).hasAttribute("aria-checked", "false"); // as kept
    } finally {
      mailing.close();
    }
  }

  @Test
  @DisplayName("Issue 31.2: in the school's quiet hours a student away from the chat gets no toast or system"
      + " notification for a staff message (the message itself arrives), and staff writing are told so")
  void quiet_hours_hold_the_students_notifications() {
    long conversation = school.openConversation(school.student);
    Page ada = signIn(newContext(new Browser.NewContextOptions().setViewportSize(DESKTOP_WIDTH, DESKTOP_HEIGHT)
        .setBypassCSP(true)), ADMIN_EMAIL, "live");
    ada.getByTestId("nav-settings").click();
    java.time.LocalTime now = java.time.LocalTime.now(java.time.ZoneOffset.UTC).withSecond(0).withNano(0);
    ada.getByTestId("quiet-enabled").check();
    ada.getByTestId("quiet-start").fill(now.minusHours(1).toString());
    ada.getByTestId("quiet-end").fill(now.plusHours(1).toString());
    ada.getByTestId("time-zone").selectOption("UTC");
    ada.getByTestId("settings-save").click();
    assertThat(ada.getByTestId("settings-notice")).hasText("Saved.");
    assertThat(ada.getByTestId("quiet-now")).containsText("Quiet hours now");
    AccessibilityBrowserTest.assertNoSeriousViolations(ada, "settings page with quiet hours");
    Browsers.screenshot(ada, "settings-quiet-hours");
    assertEquals(true, school.staff.get("/api/settings/notifications").json().getBoolean("quietNow"));

    try {
      Page sam = signIn(notifyingContext(), STUDENT_EMAIL, "live");
      StudentNotificationsBrowserTest.hide(sam);
      ada.getByTestId("nav-messages").click();
      row(ada, school.student).click();
      assertThat(ada.getByTestId("quiet-hint")).containsText("Quiet hours: Sam Student is notified at");
      ada.getByTestId("composer").fill("Sorry for the late message: tomorrow's trip starts at 9.");
      // When the toast is due, Sam's page asks whether it is quiet hours: once it has the answer, a toast would show.
      sam.waitForResponse(response -> response.url().endsWith("/api/me/preferences"),
          () -> ada.getByTestId("composer").press("Enter"));
      sam.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))"); // the answer handled, the page drawn
      assertEquals(0, sam.getByTestId("toast").count(), "quiet hours: no toast");
      studentChat(sam);
      assertThat(message(sam, 1)).hasText("Sorry for the late message: tomorrow's trip starts at 9.");
      assertEquals(0, StudentNotificationsBrowserTest.notificationsShown(sam));
    } finally {
      school.db.exec("update school_settings set quiet_hours_enabled = false, time_zone = 'UTC'");
    }
  }
}
