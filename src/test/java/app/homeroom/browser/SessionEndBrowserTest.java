package app.homeroom.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** Issue 8, point 2, as a person sees it: signing out in one tab ends the session in the others within seconds. */
class SessionEndBrowserTest extends BrowserTestBase {

  @Test
  @DisplayName("Signing out in one tab closes the other tab's live channel, which then shows the sign-in page")
  void signing_out_in_one_tab_signs_out_the_others() {
    BrowserContext context = newContext();
    Page first = signIn(context, ADMIN_EMAIL, "live");
    Page second = openTab(context, ADMIN_EMAIL, "/admin");

    first.getByTestId("logout").click();
    assertThat(first).hasURL(base + "/login");
    // The server closed the second tab's socket; the tab notices at once, not after its reconnect attempts give up.
    assertThat(second).hasURL(java.util.regex.Pattern.compile(".*/login.*"),
        new com.microsoft.playwright.assertions.PageAssertions.HasURLOptions().setTimeout(8_000));
    assertThat(second.getByTestId("login-email")).isVisible();
  }

  @Test
  @DisplayName("Issue 8.2, 27.6: 'Sign out everywhere', once confirmed, on one device signs out the other device too")
  void signing_out_everywhere_signs_out_other_devices() {
    Page laptop = signIn(newContext(), ADMIN_EMAIL, "live");
    Page phone = signIn(newContext(), ADMIN_EMAIL, "live");
    Page stranger = signIn(newContext(), STUDENT_EMAIL, "live");

    laptop.getByTestId("current-user").click(); // the account menu
    laptop.getByTestId("logout-everywhere").click();
    // Asked first (issue 27, point 6): cancelling changes nothing, on either device.
    assertThat(laptop.getByTestId("confirm-dialog")).isVisible();
    assertThat(laptop.getByTestId("confirm-dialog")).containsText("Sign out on every device?");
    laptop.getByTestId("confirm-cancel").click();
    assertThat(laptop.getByTestId("confirm-dialog")).isHidden();
    assertThat(laptop.getByTestId("connection-status")).hasAttribute("data-state", "live");
    assertThat(phone.getByTestId("connection-status")).hasAttribute("data-state", "live");
    laptop.getByTestId("current-user").click();
    laptop.getByTestId("logout-everywhere").click();
    laptop.getByTestId("confirm-yes").click();
    assertThat(laptop).hasURL(base + "/login");
    assertThat(phone).hasURL(java.util.regex.Pattern.compile(".*/login.*"),
        new com.microsoft.playwright.assertions.PageAssertions.HasURLOptions().setTimeout(8_000));
    assertThat(phone.getByTestId("login-email")).isVisible();
    // Another user is not affected.
    assertThat(stranger.getByTestId("connection-status")).hasAttribute("data-state", "live");
    assertThat(stranger.getByTestId("logout")).isVisible();
  }
}
