package app.homeroom.browser;

import app.homeroom.support.Api;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Message search in the browser (R6.4): Sam's conversation holds 150 messages (seeded over the REST API), one with a
 * unique word far from the newest page. The admin finds it, sees the match highlighted in the snippet, and opens the
 * conversation at the hit: the window around it loads, the hit is scrolled into view, highlighted and focused, older
 * pages load scrolling up and newer ones scrolling down, and live messages wait until the window reaches the newest.
 * The student searches their own conversation the same way.
 */
@DisplayName("Message search and opening a conversation at a hit in the browser")
class SearchBrowserTest extends BrowserTestBase {

  static final int SEEDED = 150;
  static final int HIT = 41; // odd: one of Sam's messages
  static final String UNIQUE = "quokka";
  static final String ZONE = "Pacific/Auckland";

  long sam;
  long olga;
  long samConversation;

  @BeforeEach
  void seedALongConversation() {
    sam = school.student;
    olga = school.otherStudent;
    samConversation = school.openConversation(sam);
    for (int seq = 1; seq <= SEEDED; seq++) {
      String body = "Lesson note " + seq + (seq == HIT ? ": we saw a " + UNIQUE + " on the school trip" : "");
      say(seq % 2 == 1 ? school.pupil : school.staff, samConversation, body);
    }
    long olgaConversation = school.openConversation(olga);
    say(Api.signedIn(OTHER_STUDENT_EMAIL, PASSWORD), olgaConversation, "Is the " + UNIQUE + " picture on the wall mine?");
  }

  BrowserContext viewerContext() {
    return newContext(new Browser.NewContextOptions().setViewportSize(DESKTOP_WIDTH, DESKTOP_HEIGHT)
        .setTimezoneId(ZONE).setLocale("en-GB"));
  }

  @Test
  @DisplayName("R6.4: the admin searches a unique word, sees it highlighted, opens the hit: it is visible, highlighted"
      + " and focused with its neighbours loaded; scrolling up loads older messages, a live message waits (\"Jump to"
      + " latest\") and scrolling down reaches the newest; a reload keeps the hit; load more, sort, filters")
  void admin_finds_a_message_and_opens_the_conversation_at_it() {
    Page ada = signIn(viewerContext(), ADMIN_EMAIL, "live");
    ada.getByTestId("search-open").click();
    Locator input = ada.getByTestId("search-input");
    assertThat(input).isFocused();
    assertThat(ada.getByTestId("search-idle")).isVisible();
    input.fill(UNIQUE);
    input.press("Enter");

    Locator results = ada.getByTestId("search-result");
    assertThat(results).hasCount(2); // Sam's message and Olga's
    Locator hit = ada.locator("[data-testid=search-result][data-student-id='" + sam + "']");
    assertThat(hit).hasAttribute("data-seq", String.valueOf(HIT));
    assertThat(hit.getByTestId("search-result-student")).hasText("Sam Student");
    assertThat(hit).containsText("Class 7A");
    assertThat(hit.getByTestId("search-result-sender")).hasText("Sam Student");
    assertThat(hit.getByTestId("search-result-time")).hasAttribute("datetime", Pattern.compile("^\\d{4}-.*Z$"));
    assertThat(hit.locator("[data-testid=search-snippet] mark")).hasText(UNIQUE);
    assertThat(hit.getByTestId("search-snippet")).containsText("on the school trip");
    Browsers.screenshot(ada, "search-admin-results");

    // The hit opens the conversation at it: not in the newest page (seqs 101-150).
    hit.click();
    assertThat(ada.getByTestId("search-panel")).not().isVisible();
    assertThat(ada).hasURL(base + "/admin/students/" + sam + "?seq=" + HIT);
    assertThat(ada.getByTestId("chat-title")).hasText("Sam Student");
    Locator hitMessage = entry(ada, HIT);
    assertThat(hitMessage).hasAttribute("data-hit", "true");
    assertThat(hitMessage).hasClass(Pattern.compile("\\bhit\\b"));
    assertThat(hitMessage).isInViewport();
    assertThat(hitMessage).isFocused();
    assertThat(message(ada, HIT)).containsText(UNIQUE);
    assertThat(message(ada, HIT - 1)).hasText("Lesson note " + (HIT - 1));
    assertThat(message(ada, HIT + 1)).hasText("Lesson note " + (HIT + 1));
    assertThat(message(ada, SEEDED)).hasCount(0); // the window does not reach the newest message
    assertThat(message(ada, 1)).hasCount(0);
    assertThat(ada.getByTestId("jump-to-latest")).isVisible();
    assertThat(ada.getByTestId("history")).hasAttribute("data-at-latest", "false");
    Browsers.screenshot(ada, "search-admin-at-hit");

    // A reload keeps the selection: the same conversation, at the same hit.
    ada.reload();
    assertThat(entry(ada, HIT)).hasAttribute("data-hit", "true");
    assertThat(entry(ada, HIT)).isInViewport();
    assertThat(message(ada, SEEDED)).hasCount(0);

    // Scrolling up loads the older pages (before= the first seq), down to the start.
    Locator history = ada.getByTestId("history");
    scrollUntil(ada, history, "el => { el.scrollTop = 0; }", () -> message(ada, 1).count() > 0);
    assertThat(message(ada, 1)).hasText("Lesson note 1");
    assertThat(history).containsText("Start of the conversation");

    // A live message while the window does not reach the end is not appended out of order: it waits.
    say(school.pupil, samConversation, "Live while you read the past");
    assertThat(ada.getByTestId("jump-to-latest")).hasText(Pattern.compile("Jump to latest · 1 new"));
    assertThat(message(ada, SEEDED + 1)).hasCount(0);

    // Scrolling down loads newer pages (after= the last seq) until the newest: then the waiting message is there.
    scrollUntil(ada, history, "el => { el.scrollTop = el.scrollHeight; }", () -> message(ada, SEEDED + 1).count() > 0);
    assertThat(message(ada, SEEDED)).hasText("Lesson note " + SEEDED);
    assertThat(message(ada, SEEDED + 1)).hasText("Live while you read the past");
    assertThat(history).hasAttribute("data-at-latest", "true");
    assertThat(ada.getByTestId("jump-to-latest")).hasCount(0);
    assertEquals(SEEDED + 1, ada.locator("[data-testid=message][data-pending=false]").count(), "each message once");
    List<Integer> seqs = ada.locator("[data-testid=message][data-pending=false]").all().stream()
        .map(m -> Integer.valueOf(m.getAttribute("data-seq"))).toList();
    assertEquals(seqs.stream().sorted().toList(), seqs, "in seq order");
    // At the end, live messages are appended again.
    say(school.pupil, samConversation, "And now at the end");
    assertThat(message(ada, SEEDED + 2)).hasText("And now at the end");

    // Searching again: "Load more" follows nextCursor; Newest sorts by date; the student filter and no results.
    ada.getByTestId("search-open").click();
    input.fill("lesson");
    input.press("Enter");
    assertThat(results).hasCount(20);
    ada.getByTestId("search-load-more").click();
    assertThat(results).hasCount(40);
    ada.getByTestId("search-load-more").click();
    assertThat(results).hasCount(60);
    ada.getByTestId("search-sort").selectOption("date");
    assertThat(results).hasCount(20);
    assertThat(results.first()).hasAttribute("data-seq", String.valueOf(SEEDED));

    input.fill("sam");
    input.press("Enter");
    Locator student = ada.locator("[data-testid=search-student][data-student-id='" + sam + "']");
    assertThat(student).containsText("Sam Student");
    ada.getByTestId("search-only-student").first().click();
    assertThat(ada.getByTestId("search-student-filter")).containsText("Sam Student");
    // The name that found Sam is not what to look for in his messages (issue 27, point 6): the box is emptied for
    // the words to find, and has the focus.
    assertThat(input).hasValue("");
    assertThat(input).isFocused();
    input.fill(UNIQUE);
    input.press("Enter");
    assertThat(results).hasCount(1);
    assertThat(results.first()).hasAttribute("data-student-id", String.valueOf(sam));
    ada.getByTestId("search-clear-student").click();
    assertThat(results).hasCount(2);

    input.fill("xylophone");
    input.press("Enter");
    assertThat(ada.getByTestId("search-no-results")).containsText("No messages match “xylophone”");
    assertThat(ada.getByTestId("search-summary")).hasText("No messages found.");
    Browsers.screenshot(ada, "search-admin-no-results");

    // A student match opens that student's conversation; Escape closes the panel and gives the focus back.
    input.fill("olga");
    input.press("Enter");
    ada.locator("[data-testid=search-student][data-student-id='" + olga + "']").click();
    assertThat(ada).hasURL(base + "/admin/students/" + olga);
    assertThat(ada.getByTestId("chat-title")).hasText("Olga Other");
    ada.getByTestId("search-open").click();
    assertThat(input).hasValue("olga"); // the panel keeps the last search
    ada.keyboard().press("Escape"); // in a search box, the browser's own Escape clears it first
    assertThat(input).hasValue("");
    ada.keyboard().press("Escape");
    assertThat(ada.getByTestId("search-panel")).not().isVisible();
    assertThat(ada.getByTestId("search-open")).isFocused();
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("R6.4: a student searches their own conversation from the keyboard (\"/\", Enter): only their messages,"
      + " only the text, sort, sender and date filters; the hit opens, highlighted, and \"Jump to latest\" loads the"
      + " newest page; dates are local days")
  void a_student_searches_their_own_conversation() {
    Page student = studentChat(signIn(viewerContext(), STUDENT_EMAIL, "live"));
    assertThat(message(student, SEEDED)).isInViewport(); // shown after the notifications: at the newest message
    student.locator("body").press("/");
    Locator input = student.getByTestId("search-input");
    assertThat(input).isFocused();
    input.fill(UNIQUE);
    input.press("Enter");
    Locator results = student.getByTestId("search-result");
    assertThat(results).hasCount(1); // Olga's message is not theirs
    assertThat(results.first().locator("mark")).hasText(UNIQUE);
    assertThat(results.first().getByTestId("search-result-sender")).hasText("You");
    student.getByTestId("search-filters-toggle").click();
    assertThat(student.getByTestId("search-sender-role")).isVisible();
    assertThat(student.getByTestId("search-from")).isVisible();
    assertThat(student.getByTestId("search-to")).isVisible();
    assertThat(student.getByTestId("search-class")).hasCount(0);
    assertThat(student.getByTestId("search-status")).hasCount(0);
    assertThat(student.getByTestId("search-students")).hasCount(0);

    // Dates are calendar days where the student is (Auckland here): today finds it, tomorrow does not.
    LocalDate today = LocalDate.now(ZoneId.of(ZONE));
    student.getByTestId("search-from").fill(today.toString());
    student.getByTestId("search-to").fill(today.toString());
    assertThat(results).hasCount(1);
    student.getByTestId("search-from").fill(today.plusDays(1).toString());
    student.getByTestId("search-to").fill(today.plusDays(1).toString());
    assertThat(student.getByTestId("search-no-results")).isVisible();
    student.getByTestId("search-clear-filters").click();
    assertThat(results).hasCount(1);
    // Staff only: the hit is the student's own message.
    student.getByTestId("search-sender-role").selectOption("admin");
    assertThat(student.getByTestId("search-no-results")).isVisible();
    student.getByTestId("search-sender-role").selectOption("student");
    assertThat(results).hasCount(1);
    Browsers.screenshot(student, "search-student-results");

    results.first().focus();
    results.first().press("Enter");
    assertThat(student).hasURL(base + "/student?seq=" + HIT);
    assertThat(entry(student, HIT)).hasAttribute("data-hit", "true");
    assertThat(entry(student, HIT)).isInViewport();
    assertThat(entry(student, HIT)).isFocused();
    assertThat(message(student, SEEDED)).hasCount(0);
    Browsers.screenshot(student, "search-student-at-hit");

    student.getByTestId("jump-to-latest").click();
    assertThat(message(student, SEEDED)).isInViewport();
    assertThat(student.getByTestId("jump-to-latest")).hasCount(0);
    assertThat(student).hasURL(base + "/student");
    assertThat(message(student, HIT)).hasCount(0); // the newest page replaced the window
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  /** A timeline entry (message or status entry) by seq, stored. */
  static Locator entry(Page page, long seq) {
    return page.locator("[data-testid=message-list] > li[data-seq='" + seq + "']");
  }

  /** Scrolls the history (as a person would, repeatedly) until the condition holds. */
  static void scrollUntil(Page page, Locator history, String scroll, java.util.function.BooleanSupplier done) {
    page.waitForCondition(() -> {
      history.evaluate(scroll);
      return done.getAsBoolean();
    }, new Page.WaitForConditionOptions().setTimeout(20_000));
  }
}
