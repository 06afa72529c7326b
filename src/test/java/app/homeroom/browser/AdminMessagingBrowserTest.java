package app.homeroom.browser;

import app.homeroom.support.TestEnv;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin's messaging section in the browser (R2.1–R2.5): the "New" indicator, unread counts and their order
 * kept live and exact across tabs and reloads, presence, keyboard navigation and the phone layout. Students
 * write over the REST API here (their own browser is not what these tests are about), except for presence,
 * which is a student's page opening and closing.
 */
@DisplayName("Admin messaging section in the browser")
class AdminMessagingBrowserTest extends BrowserTestBase {

  @Test
  @DisplayName("R2.4: a student with no conversation shows \"New\"; the first open removes it, live in the admin's"
      + " other tab too, and it stays gone after a reload")
  void the_new_indicator_disappears_after_the_first_open() {
    BrowserContext adminContext = newContext();
    Page admin = signIn(adminContext, ADMIN_EMAIL, "live");
    Page otherTab = openTab(adminContext, ADMIN_EMAIL, "/admin");
    long olga = school.otherStudent;

    assertThat(row(admin, olga).getByTestId("student-status")).hasText("New");
    assertThat(row(otherTab, olga).getByTestId("student-status")).hasText("New");

    row(admin, olga).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Olga Other");
    assertThat(row(admin, olga).getByTestId("student-status")).hasText("Active");
    assertThat(row(otherTab, olga).getByTestId("student-status")).hasText("Active");
    assertThat(row(admin, school.student).getByTestId("student-status")).hasText("New");

    otherTab.reload();
    assertThat(row(otherTab, olga).getByTestId("student-status")).hasText("Active");
    assertThat(row(otherTab, school.student).getByTestId("student-status")).hasText("New");
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("R2.3: when a student writes while the admin reads another conversation, an unread badge appears and"
      + " the student moves to the top; opening the conversation clears it in this tab and the admin's other tab,"
      + " messages read while open never count, and the count is exact after a reload")
  void unread_badges_order_the_list_and_clear_when_read() {
    long sam = school.student;
    long olga = school.otherStudent;
    long samConversation = school.openConversation(sam);
    BrowserContext adminContext = newContext();
    Page admin = signIn(adminContext, ADMIN_EMAIL, "live");
    Locator rows = admin.getByTestId("student-row");

    // The admin reads Olga's conversation; with no activity anywhere the list is by name: Olga, then Sam.
    row(admin, olga).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Olga Other");
    assertThat(rows.first()).hasAttribute("data-student-id", String.valueOf(olga));
    Page otherTab = openTab(adminContext, ADMIN_EMAIL, "/admin");
    assertThat(row(otherTab, sam)).isVisible();
    List<String> listRequests = new CopyOnWriteArrayList<>();
    adminContext.onRequest(request -> {
      if (request.url().contains("/api/students?")) {
        listRequests.add(request.url());
      }
    });

    say(school.pupil, samConversation, "Hello?");
    say(school.pupil, samConversation, "Is anyone there?");
    for (Page page : List.of(admin, otherTab)) {
      assertThat(row(page, sam).getByTestId("unread-count")).hasText("2");
      assertThat(page.getByTestId("student-row").first()).hasAttribute("data-student-id", String.valueOf(sam));
    }
    assertEquals(List.of(), listRequests, "events update rows in place: the list is never fetched again for them");
    Browsers.screenshot(admin, "messaging-unread-badge");

    // Opening Sam's conversation reads it: the badge goes in this tab and in the other one.
    row(admin, sam).click();
    assertThat(message(admin, 2)).hasText("Is anyone there?");
    assertThat(row(admin, sam).getByTestId("unread-count")).hasCount(0);
    assertThat(row(otherTab, sam).getByTestId("unread-count")).hasCount(0);

    // While the admin has it open, a new message is read at once: the other tab sees it come, then go.
    say(school.pupil, samConversation, "Ah, hello!");
    assertThat(message(admin, 3)).hasText("Ah, hello!");
    assertThat(row(admin, sam)).hasAttribute("data-last-seq", "3");
    assertThat(row(admin, sam)).hasAttribute("data-unread", "0");
    assertThat(row(otherTab, sam)).hasAttribute("data-last-seq", "3");
    assertThat(row(otherTab, sam)).hasAttribute("data-unread", "0");

    // Back on Olga, three more from Sam count; a reload of either tab shows the same exact count.
    row(admin, olga).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Olga Other");
    for (int i = 1; i <= 3; i++) {
      say(school.pupil, samConversation, "Question " + i);
    }
    assertThat(row(admin, sam).getByTestId("unread-count")).hasText("3");
    assertThat(row(otherTab, sam).getByTestId("unread-count")).hasText("3");
    admin.reload();
    assertThat(admin.getByTestId("chat-title")).hasText("Olga Other");
    assertThat(row(admin, sam).getByTestId("unread-count")).hasText("3");
    assertThat(rows.first()).hasAttribute("data-student-id", String.valueOf(sam));
    otherTab.reload();
    assertThat(row(otherTab, sam).getByTestId("unread-count")).hasText("3");
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("R2.3 R2.5: messages that arrive while the admin's connection is down are counted once it is back"
      + " (the loaded rows are fetched again), without reloading the page")
  void counts_are_exact_after_a_reconnection() {
    long sam = school.student;
    long samConversation = school.openConversation(sam);
    BrowserContext adminContext = newContext();
    Page admin = signIn(adminContext, ADMIN_EMAIL, "live");
    admin.evaluate("window.__sameDocument = 'no reload'");
    assertThat(row(admin, sam)).hasAttribute("data-unread", "0");

    adminContext.setOffline(true);
    assertThat(admin.getByTestId("connection-status")).not().hasAttribute("data-state", "live");
    say(school.pupil, samConversation, "Are you there?");
    say(school.pupil, samConversation, "Hello?");
    adminContext.setOffline(false);

    assertThat(admin.getByTestId("connection-status")).hasAttribute("data-state", "live");
    assertThat(row(admin, sam).getByTestId("unread-count")).hasText("2");
    assertThat(admin.getByTestId("student-row").first()).hasAttribute("data-student-id", String.valueOf(sam));
    assertEquals("no reload", admin.evaluate("window.__sameDocument"));
    assertEquals(List.of(), pageErrors);
  }

  @Test
  @DisplayName("R2.2: a student's online status turns online when their page opens and offline when it closes, in"
      + " the list row and the chat header, with words for screen readers, live and after a reload")
  void presence_follows_the_students_page() {
    long sam = school.student;
    Page admin = signIn(ADMIN_EMAIL);
    Locator presence = row(admin, sam).getByTestId("presence");
    row(admin, sam).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    assertThat(presence).hasAttribute("data-online", "false");
    assertThat(row(admin, sam)).containsText("offline");
    assertThat(admin.getByTestId("chat-presence")).hasText("Offline");

    BrowserContext studentContext = newContext();
    signIn(studentContext, STUDENT_EMAIL, "live");
    assertThat(presence).hasAttribute("data-online", "true");
    assertThat(row(admin, sam)).containsText("online");
    assertThat(admin.getByTestId("chat-presence")).hasText("Online");
    assertThat(row(admin, school.otherStudent).getByTestId("presence")).hasAttribute("data-online", "false");
    Browsers.screenshot(admin, "messaging-presence-online");
    admin.reload(); // the list and the header load it too, not only the events
    assertThat(presence).hasAttribute("data-online", "true");
    assertThat(admin.getByTestId("chat-presence")).hasText("Online");

    studentContext.close();
    contexts.remove(studentContext);
    assertThat(presence).hasAttribute("data-online", "false");
    assertThat(admin.getByTestId("chat-presence")).hasText("Offline");
    assertEquals(List.of(), pageErrors);
  }

  @Test
  @DisplayName("R2.1 R1.1: the student list is a keyboard listbox: Tab enters it on the first row, ArrowDown twice and"
      + " Enter opens the third student with the focus in the composer, Home and End jump")
  void the_list_works_from_the_keyboard() {
    long bea = TestEnv.db().createStudent("Bea Brown", "bea@test.school", "R-003", "7A", PASSWORD);
    TestEnv.db().createStudent("Carl Clark", "carl@test.school", "R-004", "7B", PASSWORD);
    long olga = school.otherStudent;
    long sam = school.student;
    Page admin = signIn(ADMIN_EMAIL);
    Locator listbox = admin.getByRole(AriaRole.LISTBOX, new Page.GetByRoleOptions().setName("Students"));
    Locator options = listbox.getByRole(AriaRole.OPTION);
    assertThat(options).hasCount(4); // Bea, Carl, Olga, Sam: no activity yet, so by name

    admin.getByTestId("status-filter").focus(); // the last filter before the list (R6.2)
    admin.keyboard().press("Tab");
    assertThat(options.nth(0)).isFocused();
    assertThat(options.nth(0)).hasAttribute("data-student-id", String.valueOf(bea));

    admin.keyboard().press("ArrowDown");
    admin.keyboard().press("ArrowDown");
    assertThat(options.nth(2)).isFocused();
    admin.keyboard().press("Enter");
    assertThat(admin).hasURL(base + "/admin/students/" + olga);
    assertThat(admin.getByTestId("chat-title")).hasText("Olga Other");
    assertThat(row(admin, olga)).hasAttribute("aria-selected", "true");
    // Opened to write: the composer has the focus (issue 27, point 6); the list keeps its place for coming back.
    assertThat(admin.getByTestId("composer")).isFocused();
    Browsers.screenshot(admin, "messaging-keyboard");
    row(admin, olga).focus();

    admin.keyboard().press("End");
    assertThat(row(admin, sam)).isFocused();
    admin.keyboard().press("Home");
    assertThat(row(admin, bea)).isFocused();
    admin.keyboard().press("ArrowUp");
    assertThat(row(admin, bea)).isFocused();
    // Only one row is in the Tab order (roving tabindex).
    assertThat(listbox.locator("[tabindex='0']")).hasCount(1);
    assertEquals(List.of(), pageErrors);
  }

  @Test
  @DisplayName("R2.1 R1.3 R2.5: on a 375-px phone the list and the chat are two panes with a back button; the"
      + " connection status stays visible and nothing overflows sideways")
  void a_phone_shows_the_list_and_the_chat_as_two_panes() {
    BrowserContext phone = newContext(new Browser.NewContextOptions().setViewportSize(PHONE_WIDTH, PHONE_HEIGHT));
    Page admin = signIn(phone, ADMIN_EMAIL, "live");
    long sam = school.student;
    assertThat(admin.getByTestId("student-list")).isVisible();
    assertNoSidewaysScroll(admin);
    Browsers.screenshot(admin, "phone-admin-list");

    row(admin, sam).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    assertThat(admin.getByTestId("student-list")).isHidden();
    assertThat(admin.getByTestId("connection-status")).isVisible();
    assertThat(admin.getByTestId("composer")).isVisible();
    assertNoSidewaysScroll(admin);
    Browsers.screenshot(admin, "phone-admin-chat");

    admin.reload();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    admin.getByTestId("back-to-list").click();
    assertThat(admin).hasURL(base + "/admin");
    assertThat(admin.getByTestId("student-list")).isVisible();
    assertThat(row(admin, sam)).isFocused();
    assertEquals(List.of(), pageErrors);
  }

  @Test
  @DisplayName("R1.3 R6.4: from a wide screen down to a phone, every control of the admin's top bar is whole on screen"
      + " (the connection status, the search, the account, sign out) and the search button keeps at least its icon")
  void the_top_bar_fits_at_every_width() {
    BrowserContext context = newContext(new Browser.NewContextOptions().setViewportSize(1440, 800));
    Page admin = signIn(context, ADMIN_EMAIL, "live");
    for (int width : new int[] {1440, 1400, 1280, 1180, 1100, 1024, 900, 768, 700, 641, 600, 480, 375}) {
      admin.setViewportSize(width, 800);
      for (String control : List.of("connection-status", "search-open", "current-user", "logout")) {
        Locator it = admin.getByTestId(control);
        assertThat(it).isVisible();
        com.microsoft.playwright.options.BoundingBox box = it.boundingBox();
        String where = control + " at " + width + " px: x " + box.x + ", width " + box.width;
        assertTrue(box.x >= 0 && box.x + box.width <= width + 0.5, where + " is cut off");
      }
      com.microsoft.playwright.options.BoundingBox search = admin.getByTestId("search-open").boundingBox();
      assertTrue(search.width >= 36, "the search button at " + width + " px is " + search.width + " px wide");
      com.microsoft.playwright.options.BoundingBox icon = admin.getByTestId("search-open").locator("svg").boundingBox();
      assertTrue(icon.x >= search.x && icon.x + icon.width <= search.x + search.width + 0.5,
          "the search icon at " + width + " px lies outside its button");
      Object label = admin.getByTestId("search-open").locator(".label").evaluate(
          "l => getComputedStyle(l).display === 'none' ? 'hidden' : l.getBoundingClientRect().width");
      assertTrue("hidden".equals(label) || ((Number) label).doubleValue() >= 80,
          "the search button's words at " + width + " px are clipped to " + label + " px");
      // Where the account button shows only initials, the open menu says who is signed in, at its top.
      String name = admin.getByTestId("current-user").getAttribute("title");
      admin.getByTestId("current-user").click();
      if (width <= 1240) {
        assertThat(admin.getByTestId("menu-who")).isVisible();
        assertThat(admin.getByTestId("menu-who")).containsText(name);
      } else {
        assertThat(admin.getByTestId("menu-who")).isHidden();
      }
      if (width == 1280 || width == 1100 || width == 900) {
        Browsers.screenshot(admin, "top-bar-" + width);
      }
      admin.keyboard().press("Escape");
      assertThat(admin.getByTestId("menu-who")).isHidden();
    }
    assertEquals(List.of(), pageErrors);
  }

  static void assertNoSidewaysScroll(Page page) {
    assertTrue((Boolean) page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"),
        "the page scrolls sideways");
  }
}
