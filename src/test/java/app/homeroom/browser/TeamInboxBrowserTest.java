package app.homeroom.browser;

import app.homeroom.support.Api;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Issue 27: several admins sharing the students' conversations. */
class TeamInboxBrowserTest extends BrowserTestBase {

  static final String GRACE_EMAIL = "grace@test.school";

  static Locator entry(Page page, long seq) {
    return page.locator("[data-testid=message][data-seq='" + seq + "'][data-pending=false]");
  }

  static String bubbleColour(Page page, long seq) {
    return (String) entry(page, seq).locator("[data-testid=message-body]")
        .evaluate("el => getComputedStyle(el).backgroundColor");
  }

  @Test
  @DisplayName("Issue 27.5: staff see every staff message on the staff side, a colleague's in a second colour with the"
      + " name; the student sees the staff's on the other side")
  void staff_messages_look_like_staff() {
    school.db.createAdmin("Grace Admin", GRACE_EMAIL, PASSWORD);
    long conversation = school.openConversation(school.student);
    say(school.staff, conversation, "Hello Sam, this is Ada.");
    say(Api.signedIn(GRACE_EMAIL, PASSWORD), conversation, "And Grace here, from the office.");
    say(school.pupil, conversation, "Hi both!");

    Page ada = signIn(ADMIN_EMAIL);
    row(ada, school.student).click();
    assertThat(entry(ada, 3).locator("[data-testid=message-body]")).hasText("Hi both!");
    // Opened from the list to write (issue 27, point 6): the composer has the focus.
    assertThat(ada.getByTestId("composer")).isFocused();
    assertThat(entry(ada, 1)).hasAttribute("data-author", "me");
    assertThat(entry(ada, 1)).hasAttribute("data-side", "end");
    assertThat(entry(ada, 2)).hasAttribute("data-author", "colleague");
    assertThat(entry(ada, 2)).hasAttribute("data-side", "end");
    assertThat(entry(ada, 2).getByTestId("message-sender")).hasText("Grace Admin");
    assertThat(entry(ada, 3)).hasAttribute("data-author", "student");
    assertThat(entry(ada, 3)).hasAttribute("data-side", "start");
    // Three kinds of writer, three looks: Ada's own in the main colour, Grace's in the second, Sam's plain.
    String own = bubbleColour(ada, 1);
    String colleague = bubbleColour(ada, 2);
    String student = bubbleColour(ada, 3);
    assertNotEquals(own, colleague);
    assertNotEquals(colleague, student);
    // On the staff side means to the right of the student's messages.
    double staffLeft = entry(ada, 2).boundingBox().x;
    double studentLeft = entry(ada, 3).boundingBox().x;
    org.junit.jupiter.api.Assertions.assertTrue(staffLeft > studentLeft, "colleague at x " + staffLeft + ", student at x " + studentLeft);
    Browsers.screenshot(ada, "team-staff-side");

    Page sam = studentChat(signIn(STUDENT_EMAIL));
    assertThat(entry(sam, 3).locator("[data-testid=message-body]")).hasText("Hi both!");
    assertThat(entry(sam, 1)).hasAttribute("data-author", "staff");
    assertThat(entry(sam, 2)).hasAttribute("data-author", "staff");
    assertThat(entry(sam, 2)).hasAttribute("data-side", "start");
    assertThat(entry(sam, 3)).hasAttribute("data-author", "me");
    assertThat(entry(sam, 3)).hasAttribute("data-side", "end");
  }

  @Test
  @DisplayName("Issue 27.6: a link to a chat opened while signed out says why it asks to sign in, then opens the chat")
  void a_deep_link_says_why_it_asks_to_sign_in() {
    Page page = newContext().newPage();
    page.navigate(base + "/admin/students/" + school.student);
    assertThat(page).hasURL(base + "/login");
    assertThat(page.getByRole(com.microsoft.playwright.options.AriaRole.STATUS)).containsText("Sign in to open that page");
    Browsers.screenshot(page, "login-deep-link");
    page.getByTestId("login-email").fill(ADMIN_EMAIL);
    page.getByTestId("login-password").fill(PASSWORD);
    page.getByTestId("login-submit").click();
    assertThat(page).hasURL(base + "/admin/students/" + school.student);
    assertThat(page.getByTestId("chat-title")).hasText("Sam Student");

    // Opening the site's address itself needs no explanation.
    Page plain = newContext().newPage();
    plain.navigate(base + "/");
    assertThat(plain).hasURL(base + "/login");
    assertThat(plain.getByTestId("login-email")).isVisible();
    assertThat(plain.getByRole(com.microsoft.playwright.options.AriaRole.STATUS)).hasCount(0);
  }

  @Test
  @DisplayName("Issue 27.6: every page has one first-level heading and one main landmark, the sign-in page too")
  void one_h1_and_a_main_landmark_on_every_page() {
    Page page = newContext().newPage();
    page.navigate(base + "/login");
    assertThat(page.getByTestId("login-email")).isVisible();
    assertOneH1AndMain(page, "sign-in");
    page.getByTestId("login-email").fill(ADMIN_EMAIL);
    page.getByTestId("login-password").fill(PASSWORD);
    page.getByTestId("login-submit").click();
    assertThat(page.getByTestId("connection-status")).hasAttribute("data-state", "live");
    assertOneH1AndMain(page, "messages");
    page.navigate(base + "/admin/people");
    assertThat(page.locator("h1")).hasText("People");
    assertOneH1AndMain(page, "people");
    Page sam = studentChat(signIn(STUDENT_EMAIL));
    assertOneH1AndMain(sam, "student");
  }

  private static void assertOneH1AndMain(Page page, String which) {
    assertThat(page.locator("h1")).hasCount(1);
    assertThat(page.getByRole(com.microsoft.playwright.options.AriaRole.MAIN)).hasCount(1);
  }
}
