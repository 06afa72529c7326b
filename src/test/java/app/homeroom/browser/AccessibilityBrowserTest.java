package app.homeroom.browser;

import app.homeroom.support.Api;
import app.homeroom.support.TestEnv;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * axe-core (from its WebJar) scans every screen a person sees, at desktop and phone widths: the sign-in form, the
 * admin's list with an unread badge, a "New" student and an open chat, and the student's page with messages and
 * the empty state before any admin has written. No "serious" or "critical" violation is allowed.
 *
 * <p>The page's CSP admits no inline script, and axe is injected as one, so only these contexts bypass the CSP.
 */
@DisplayName("Accessibility scans (axe-core) of the admin and student pages")
class AccessibilityBrowserTest extends BrowserTestBase {

  static final String AXE_RESOURCE = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
  static final String SERIOUS_VIOLATIONS = """
      async () => JSON.stringify((await axe.run(document, {resultTypes: ['violations']})).violations
          .filter(v => ['serious', 'critical'].includes(v.impact))
          .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)})))""";

  static String axeSource;

  @ParameterizedTest(name = "{0}×{1}")
  @CsvSource({"1280, 800", "375, 740"})
  @DisplayName("R2.1 R2.2 R2.3 R2.4 R1.3 R5.4: the admin's list and open chat, the student's chat, notifications and"
      + " empty state, and the sign-in form have no serious or critical axe violations")
  void pages_have_no_serious_accessibility_violations(int width, int height) {
    long sam = school.student;
    long samConversation = school.openConversation(sam);
    long olgaConversation = school.openConversation(school.otherStudent);
    say(school.staff, samConversation, "Hello Sam, how is the project going?");
    say(school.pupil, samConversation, "Nearly done, thanks!");
    say(Api.signedIn(OTHER_STUDENT_EMAIL, PASSWORD), olgaConversation, "Can I ask about the trip?");
    TestEnv.db().createStudent("Noor New", "noor@test.school", "R-003", "7A", PASSWORD);
    String size = width + "x" + height;

    BrowserContext adminContext = scanContext(width, height);
    Page admin = watch(adminContext.newPage(), ADMIN_EMAIL);
    admin.navigate(base + "/login");
    assertThat(admin.getByTestId("login-email")).isVisible();
    assertNoSeriousViolations(admin, "sign-in form " + size);

    admin.getByTestId("login-email").fill(ADMIN_EMAIL);
    admin.getByTestId("login-password").fill(PASSWORD);
    admin.getByTestId("login-submit").click();
    assertThat(admin.getByTestId("connection-status")).hasAttribute("data-state", "live");
    assertThat(row(admin, school.otherStudent).getByTestId("unread-count")).hasText("1");
    assertThat(admin.locator("[data-testid=student-status]", new Page.LocatorOptions().setHasText("New"))).hasCount(1);
    assertNoSeriousViolations(admin, "admin list " + size);

    row(admin, sam).click();
    assertThat(message(admin, 2)).hasText("Nearly done, thanks!");
    assertNoSeriousViolations(admin, "admin chat " + size);
    Browsers.screenshot(admin, "a11y-admin-chat-" + size);

    Page student = studentChat(signIn(scanContext(width, height), STUDENT_EMAIL, "live"));
    assertThat(message(student, 2)).hasText("Nearly done, thanks!");
    assertNoSeriousViolations(student, "student chat " + size);
    Browsers.screenshot(student, "a11y-student-chat-" + size);

    long pia = TestEnv.db().createStudent("Pia Pending", "pia@test.school", "R-004", "7B", PASSWORD);
    say(school.staff, school.openConversation(pia), "Pia, your <b>form</b> is missing a signature.");
    Page pending = signIn(scanContext(width, height), "pia@test.school", "live");
    assertThat(pending.getByTestId("notification")).hasCount(1);
    assertNoSeriousViolations(pending, "student notifications (R5.4) " + size);
    Browsers.screenshot(pending, "a11y-student-notifications-" + size);

    Page newcomer = signIn(scanContext(width, height), "noor@test.school", "live");
    assertThat(newcomer.getByTestId("no-conversation")).isVisible();
    assertNoSeriousViolations(newcomer, "student empty state " + size);
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @ParameterizedTest(name = "{0}×{1}")
  @CsvSource({"1280, 800", "375, 740"})
  @DisplayName("R6.2 R6.3 R6.4 R6.1: a closed conversation (admin and student), the close dialog, and the search panel"
      + " with results, student matches and open filters (admin and student) have no serious or critical axe"
      + " violations")
  void status_and_search_have_no_serious_accessibility_violations(int width, int height) {
    long sam = school.student;
    long samConversation = school.openConversation(sam);
    say(school.staff, samConversation, "Did the field trip form reach the office?");
    say(school.pupil, samConversation, "Yes, I handed the trip form in this morning.");
    long olgaConversation = school.openConversation(school.otherStudent);
    say(school.staff, olgaConversation, "Olga, your trip form is still missing.");
    assertEquals(200, school.staff.post("/api/conversations/" + samConversation + "/close",
        new io.vertx.core.json.JsonObject().put("note", "Form received, thanks")).status());
    String size = width + "x" + height;

    Page admin = signIn(scanContext(width, height), ADMIN_EMAIL, "live");
    admin.navigate(base + "/admin/students/" + sam);
    assertThat(admin.getByTestId("closed-banner")).containsText("Closed by Ada Admin");
    assertThat(admin.locator("[data-testid=status-entry][data-seq='3']")).isVisible();
    admin.locator("[data-testid=status-entry][data-seq='3'] time").focus(); // its tooltip shows (R6.1)
    assertNoSeriousViolations(admin, "admin's closed conversation " + size);
    Browsers.screenshot(admin, "a11y-admin-closed-" + size);

    admin.getByTestId("reopen-conversation").click();
    assertThat(admin.getByTestId("close-conversation")).isVisible();
    admin.getByTestId("close-conversation").click();
    assertThat(admin.getByTestId("close-dialog")).isVisible();
    assertNoSeriousViolations(admin, "close dialog " + size);
    Browsers.screenshot(admin, "a11y-admin-close-dialog-" + size);
    admin.keyboard().press("Escape");

    // Issue 8: the account bar's disable control and its confirm dialog.
    admin.getByTestId("disable-account").click();
    assertThat(admin.getByTestId("account-dialog")).isVisible();
    assertNoSeriousViolations(admin, "disable-account dialog " + size);
    admin.keyboard().press("Escape");
    assertThat(admin.getByTestId("account-dialog")).isHidden();

    admin.getByTestId("search-open").click();
    admin.getByTestId("search-input").fill("trip");
    admin.getByTestId("search-input").press("Enter");
    assertThat(admin.getByTestId("search-result")).hasCount(3);
    admin.getByTestId("search-input").fill("sam");
    admin.getByTestId("search-input").press("Enter");
    assertThat(admin.getByTestId("search-student")).hasCount(1);
    admin.getByTestId("search-only-student").click();
    admin.getByTestId("search-input").fill("trip");
    admin.getByTestId("search-input").press("Enter");
    assertThat(admin.getByTestId("search-result")).hasCount(2);
    assertNoSeriousViolations(admin, "admin's search panel " + size);
    Browsers.screenshot(admin, "a11y-admin-search-" + size);

    assertEquals(200, school.staff.post("/api/conversations/" + samConversation + "/close",
        new io.vertx.core.json.JsonObject()).status());
    Page student = studentChat(signIn(scanContext(width, height), STUDENT_EMAIL, "live"));
    assertThat(student.getByTestId("closed-banner")).hasText(
        "This conversation was closed by Ada Admin. Writing a message reopens it.");
    assertNoSeriousViolations(student, "student's closed conversation " + size);
    Browsers.screenshot(student, "a11y-student-closed-" + size);
    student.getByTestId("search-open").click();
    student.getByTestId("search-input").fill("trip");
    student.getByTestId("search-input").press("Enter");
    assertThat(student.getByTestId("search-result")).hasCount(2);
    student.getByTestId("search-filters-toggle").click();
    assertNoSeriousViolations(student, "student's search panel " + size);
    Browsers.screenshot(student, "a11y-student-search-" + size);
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @ParameterizedTest(name = "{0}×{1}")
  @CsvSource({"1280, 800", "375, 740"})
  @DisplayName("Issue 27: the team bar, a private note and an assignment line, the note composer, saved-reply"
      + " suggestions, the Saved replies page and a 'did you mean' have no serious or critical axe violations")
  void team_inbox_has_no_serious_accessibility_violations(int width, int height) {
    long sam = school.student;
    long samConversation = school.openConversation(sam);
    say(school.pupil, samConversation, "Can I hand the trip form in late?");
    assertEquals(201, school.staff.post("/api/conversations/" + samConversation + "/notes", new io.vertx.core.json.JsonObject()
        .put("clientId", java.util.UUID.randomUUID().toString()).put("body", "Check with the office first")).status());
    assertEquals(200, school.staff.put("/api/conversations/" + samConversation + "/assignee",
        new io.vertx.core.json.JsonObject().put("assigneeId", school.admin)).status());
    assertEquals(201, school.staff.post("/api/saved-replies", new io.vertx.core.json.JsonObject()
        .put("title", "Trip form").put("body", "Hi {student.first_name}, the trip form is due Friday.")).status());
    school.db.queryLong("select refresh_search_words(100000)");
    String size = width + "x" + height;

    Page admin = signIn(scanContext(width, height), ADMIN_EMAIL, "live");
    admin.navigate(base + "/admin/students/" + sam);
    assertThat(admin.getByTestId("staff-note")).isVisible();
    assertThat(admin.getByTestId("assignment-entry")).isVisible();
    assertThat(admin.getByTestId("assignee-select")).isEnabled();
    assertNoSeriousViolations(admin, "admin chat with a note and an assignment " + size);
    admin.getByTestId("composer").pressSequentially("/trip");
    assertThat(admin.getByTestId("saved-reply-option")).hasCount(1);
    assertNoSeriousViolations(admin, "saved-reply suggestions " + size);
    admin.getByTestId("composer").fill("");
    admin.getByTestId("mode-note").click();
    assertThat(admin.getByTestId("note-hint")).isVisible();
    assertNoSeriousViolations(admin, "note composer " + size);
    Browsers.screenshot(admin, "a11y-admin-team-" + size);

    admin.getByTestId("search-open").click();
    admin.getByTestId("search-input").fill("triip form");
    admin.getByTestId("search-input").press("Enter");
    assertThat(admin.getByTestId("search-did-you-mean")).isVisible();
    assertNoSeriousViolations(admin, "did you mean " + size);
    admin.keyboard().press("Escape");

    admin.navigate(base + "/admin/replies");
    assertThat(admin.getByTestId("saved-reply")).hasCount(1);
    assertNoSeriousViolations(admin, "saved replies page " + size);
    admin.getByTestId("saved-reply-add").click();
    assertThat(admin.getByTestId("saved-reply-form")).isVisible();
    assertNoSeriousViolations(admin, "saved reply form " + size);
    Browsers.screenshot(admin, "a11y-saved-replies-" + size);
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  BrowserContext scanContext(int width, int height) {
    return newContext(new Browser.NewContextOptions().setViewportSize(width, height).setBypassCSP(true));
  }

  static void assertNoSeriousViolations(Page page, String what) {
    page.addScriptTag(new Page.AddScriptTagOptions().setContent(axe()));
    String violations = (String) page.evaluate(SERIOUS_VIOLATIONS);
    assertEquals("[]", violations, "serious or critical axe violations on the " + what);
  }

  static synchronized String axe() {
    if (axeSource == null) {
      try (InputStream in = AccessibilityBrowserTest.class.getClassLoader().getResourceAsStream(AXE_RESOURCE)) {
        assertNotNull(in, AXE_RESOURCE + " is not on the test classpath (the axe-core WebJar)");
        axeSource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return axeSource;
  }
}
