package app.homeroom.browser;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestEnv;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What every browser test class shares: one Chromium per class, a fresh {@link School} (Ada the admin, Sam and
 * Olga the students) and new browser contexts per test, sign-in through the real form, and the page errors,
 * console errors and dialogs seen, for tests to assert on.
 *
 * <p>Everything waits on conditions (Playwright's auto-retrying assertions), never on sleeps.
 */
abstract class BrowserTestBase {

  static final String PASSWORD = School.PASSWORD;
  static final String ADMIN_EMAIL = School.ADMIN_EMAIL;
  static final String STUDENT_EMAIL = School.STUDENT_EMAIL;
  static final String OTHER_STUDENT_EMAIL = "olga@test.school";
  static final int DESKTOP_WIDTH = 1280;
  static final int DESKTOP_HEIGHT = 800;
  static final int PHONE_WIDTH = 375;
  static final int PHONE_HEIGHT = 740;

  static Playwright playwright;
  static Browser browser;

  School school;
  String base;
  final List<BrowserContext> contexts = new CopyOnWriteArrayList<>();
  /** Uncaught page errors and dialogs (an alert would mean injected script ran). */
  final List<String> pageErrors = new CopyOnWriteArrayList<>();
  final List<String> dialogs = new CopyOnWriteArrayList<>();
  /** Messages the pages logged with {@code console.error}. */
  final List<String> consoleErrors = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void launchBrowser() {
    if (!Browsers.chromiumInstalled()) {
      return; // each test then skips or fails in seed(), so reports count them
    }
    PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    playwright = Playwright.create();
    browser = Browsers.launch(playwright);
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
    if (playwright != null) {
      playwright.close();
      playwright = null;
    }
  }

  @BeforeEach
  void seed() {
    Browsers.requireChromium();
    base = TestEnv.baseUrl();
    school = School.fresh();
  }

  @AfterEach
  void closeContexts() {
    contexts.forEach(BrowserContext::close);
    contexts.clear();
  }

  BrowserContext newContext() {
    return newContext(new Browser.NewContextOptions().setViewportSize(DESKTOP_WIDTH, DESKTOP_HEIGHT));
  }

  BrowserContext newContext(Browser.NewContextOptions options) {
    BrowserContext context = browser.newContext(options);
    context.setDefaultTimeout(15_000);
    contexts.add(context);
    return context;
  }

  /**
   * A context whose pages may show notifications, each one recorded in {@code window.__notifications}, and whose
   * visibility a test can switch ({@link StudentNotificationsBrowserTest#PAGE_SCRIPT}).
   */
  BrowserContext notifyingContext() {
    BrowserContext context = newContext();
    context.grantPermissions(List.of("notifications"));
    context.addInitScript(StudentNotificationsBrowserTest.PAGE_SCRIPT);
    return context;
  }

  Page signIn(String email) {
    return signIn(newContext(), email, "live");
  }

  /** Signs in through the form; waits for the live connection when {@code expectState} says so. */
  Page signIn(BrowserContext context, String email, String expectState) {
    return signIn(context, email, expectState, base);
  }

  /** Signs in through the form of the node at {@code at} (another node of the cluster). */
  Page signIn(BrowserContext context, String email, String expectState, String at) {
    Page page = watch(context.newPage(), email);
    page.navigate(at + "/");
    assertThat(page).hasURL(at + "/login");
    page.getByTestId("login-email").fill(email);
    page.getByTestId("login-password").fill(PASSWORD);
    page.getByTestId("login-submit").click();
    assertThat(page.getByTestId("logout")).isVisible(); // the name is hidden on a phone; "Sign out" never is
    if (expectState != null) {
      assertThat(page.getByTestId("connection-status")).hasAttribute("data-state", expectState);
    }
    return page;
  }

  /** Another tab of an already signed-in context, opened at {@code path}, live. */
  Page openTab(BrowserContext context, String who, String path) {
    Page page = watch(context.newPage(), who);
    page.navigate(base + path);
    assertThat(page.getByTestId("connection-status")).hasAttribute("data-state", "live");
    return page;
  }

  Page watch(Page page, String who) {
    page.onPageError(error -> pageErrors.add(who + ": " + error));
    page.onConsoleMessage(message -> {
      if ("error".equals(message.type())) {
        consoleErrors.add(who + ": " + message.text());
      }
    });
    page.onDialog(dialog -> {
      dialogs.add(who + ": " + dialog.message());
      dialog.dismiss();
    });
    return page;
  }

  /**
   * The student's chat: pending notifications show first at sign-in (R5.4); the "Chat" tab opens the chat (a
   * no-op when it already shows).
   */
  static Page studentChat(Page student) {
    student.getByTestId("chat-tab").click();
    assertThat(student.getByTestId("chat-tab")).hasAttribute("aria-pressed", "true");
    return student;
  }

  /** A student's row in the admin's list. */
  static Locator row(Page admin, long studentId) {
    return admin.locator("[data-testid=student-row][data-student-id='" + studentId + "']");
  }

  /** Someone writes over the REST API (for tests where that person's browser is not under test). */
  static void say(Api who, long conversationId, String body) {
    Api.Response r = who.postPatiently("/api/conversations/" + conversationId + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
    assertEquals(201, r.status(), () -> "send failed: " + r.raw().body());
  }

  /** The body of the stored message with this sequence number (pending copies have no data-seq). */
  static Locator message(Page page, long seq) {
    return page.locator("[data-testid=message][data-seq='" + seq + "'][data-pending=false] [data-testid=message-body]");
  }
}
