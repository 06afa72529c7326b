package app.homeroom.browser;

import app.homeroom.support.Api;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PageAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 8, point 2, in the admin view: a Disable/Enable control for the selected student, behind a confirm dialog,
 * with a visible "disabled" state in the chat's account bar and in the student list; disabling signs the student out
 * of their open tab within seconds; enabling lets them sign in again. Both are in the audit trail (issue 8, point 5).
 */
class AccountControlBrowserTest extends BrowserTestBase {

  @Test
  @DisplayName("Disable (confirmed) shows 'Account disabled' in the bar and the list and signs the student's tab out;"
      + " Cancel changes nothing; Enable lets the student sign in again")
  void admin_disables_and_enables_a_student() {
    Page sam = signIn(STUDENT_EMAIL);
    Page ada = signIn(ADMIN_EMAIL);
    row(ada, school.student).click();
    assertThat(ada.getByTestId("account-state")).hasText("Sam Student's account is active.");
    assertThat(row(ada, school.student).getByTestId("student-disabled")).hasCount(0);

    // Cancel: nothing happens.
    ada.getByTestId("disable-account").click();
    assertThat(ada.getByTestId("account-dialog")).isVisible();
    assertThat(ada.getByTestId("account-dialog")).containsText("Disable Sam Student's account?");
    ada.screenshot(new Page.ScreenshotOptions().setPath(java.nio.file.Path.of("target/screenshots/account-disable-dialog.png")));
    ada.getByTestId("account-dialog").getByText("Cancel").click();
    assertThat(ada.getByTestId("account-dialog")).isHidden();
    assertEquals(0L, school.db.queryLong("select count(*) from users where id = ? and disabled_at is not null", school.student));

    // Confirm: disabled, shown as such, and Sam's open tab is signed out within seconds.
    ada.getByTestId("disable-account").click();
    ada.getByTestId("confirm-account-change").click();
    assertThat(ada.getByTestId("account-dialog")).isHidden();
    assertThat(ada.getByTestId("account-disabled")).hasText("Account disabled");
    assertThat(ada.getByTestId("account-bar")).hasAttribute("data-disabled", "true");
    assertThat(row(ada, school.student).getByTestId("student-disabled")).hasText("Disabled");
    assertThat(ada.getByTestId("enable-account")).isFocused();
    assertThat(sam).hasURL(Pattern.compile(".*/login.*"), new PageAssertions.HasURLOptions().setTimeout(8_000));
    assertEquals(1L, school.db.queryLong("select count(*) from users where id = ? and disabled_at is not null", school.student));
    assertEquals(401, signInStatus());

    // After a reload the state is still shown (it comes from the server).
    ada.reload();
    assertThat(ada.getByTestId("account-disabled")).isVisible();
    assertThat(row(ada, school.student).getByTestId("student-disabled")).isVisible();
    ada.screenshot(new Page.ScreenshotOptions().setPath(java.nio.file.Path.of("target/screenshots/account-disabled.png")));

    // Enable (confirmed): active again, Sam may sign in.
    ada.getByTestId("enable-account").click();
    assertThat(ada.getByTestId("account-dialog")).containsText("Enable Sam Student's account?");
    ada.getByTestId("confirm-account-change").click();
    assertThat(ada.getByTestId("account-state")).hasText("Sam Student's account is active.");
    assertThat(row(ada, school.student).getByTestId("student-disabled")).hasCount(0);
    assertEquals(200, signInStatus());
    assertEquals(2L, school.db.queryLong("select count(*) from audit_events where target_id = ? and action in"
        + " ('student.disabled', 'student.enabled') and actor_id = ?", school.student, school.admin));
    BrowserContext again = newContext();
    signIn(again, STUDENT_EMAIL, "live");
  }

  int signInStatus() {
    return new Api(base).post("/api/login", new io.vertx.core.json.JsonObject().put("email", STUDENT_EMAIL)
        .put("password", PASSWORD)).status();
  }
}
