package app.homeroom.browser;

import app.homeroom.support.Api;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A conversation's status in the browser (R6.2, R6.3): an admin closes it with a note and reopens it, a student's
 * message reopens it, and every page looking at it (the student's chat, another admin's chat, the admins' lists)
 * follows live. Status changes are entries in the timeline that say who and when, kept for good (the audit
 * trail), and they are not messages: no unread count, no notification.
 */
@DisplayName("Conversation status (close, reopen) in the browser")
class ConversationStatusBrowserTest extends BrowserTestBase {

  static final String GRACE_EMAIL = "grace@test.school";
  static final String NOTE = "Sorted: the form arrived. <b>Thanks</b>!";

  long sam;
  long samConversation;

  @BeforeEach
  void openSamsConversation() {
    sam = school.student;
    samConversation = school.openConversation(sam);
    school.db.createAdmin("Grace Admin", GRACE_EMAIL, PASSWORD);
    say(school.staff, samConversation, "Did you hand in the permission form?");
    say(school.pupil, samConversation, "Yes, this morning at the office.");
  }

  @Test
  @DisplayName("R6.2 R6.3: an admin closes the conversation with a note; the student's chat, another admin's chat and"
      + " the lists show the entry and the closed state live; reopening keeps the whole history, and both audit"
      + " entries say who and when; status entries neither notify the student nor count as unread")
  void an_admin_closes_and_reopens_and_everyone_follows_live() {
    Page ada = signIn(ADMIN_EMAIL);
    row(ada, sam).click();
    assertThat(message(ada, 2)).hasText("Yes, this morning at the office.");
    Page grace = signIn(GRACE_EMAIL);
    row(grace, sam).click();
    assertThat(message(grace, 2)).hasText("Yes, this morning at the office.");
    // The student's tab is hidden (not looking): each staff message would give a toast and a browser notification
    // (R5.2), which the page records in window.__notifications.
    BrowserContext samContext = newContext();
    samContext.grantPermissions(List.of("notifications"));
    samContext.addInitScript(StudentNotificationsBrowserTest.PAGE_SCRIPT);
    Page student = studentChat(signIn(samContext, STUDENT_EMAIL, "live"));
    assertThat(message(student, 2)).hasText("Yes, this morning at the office.");
    StudentNotificationsBrowserTest.hide(student);
    for (Page page : List.of(ada, grace, student)) {
      assertThat(page.getByTestId("conversation-status")).hasAttribute("data-status", "active");
      assertThat(page.getByTestId("conversation-status")).containsText("Active");
      assertThat(page.getByTestId("closed-banner")).hasCount(0);
    }
    assertThat(student.getByTestId("close-conversation")).hasCount(0); // students cannot close

    // Ada closes it with a note (a small dialog; the note at most 500 characters).
    ada.getByTestId("close-conversation").click();
    Locator dialog = ada.getByTestId("close-dialog");
    assertThat(dialog).isVisible();
    assertThat(ada.getByTestId("close-note")).isFocused();
    assertThat(ada.getByTestId("close-note")).hasAttribute("maxlength", "500");
    ada.getByTestId("close-note").fill(NOTE);
    assertThat(ada.getByTestId("close-note-counter")).hasText(NOTE.length() + " / 500");
    Browsers.screenshot(ada, "status-close-dialog");
    ada.getByTestId("confirm-close").click();
    assertThat(dialog).not().isVisible();
    assertThat(ada.getByTestId("reopen-conversation")).isFocused();

    // Everyone looking sees the entry (seq 3, after the two messages) and the closed state, live.
    for (Page page : List.of(ada, grace, student)) {
      Locator entry = statusEntry(page, 3);
      assertThat(entry).hasAttribute("data-kind", "closed");
      assertThat(entry.getByTestId("status-entry-action")).hasText("Closed by Ada Admin");
      assertThat(entry.getByTestId("status-entry-note")).hasText("“" + NOTE + "”"); // as text, never HTML
      assertThat(entry.locator("time")).hasAttribute("datetime", Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T.*Z$"));
      assertThat(page.getByTestId("conversation-status")).hasAttribute("data-status", "closed");
      assertThat(page.getByTestId("conversation-status")).containsText("Closed");
      // No ticks for a status entry.
      assertThat(entry.getByTestId("message-status")).hasCount(0);
    }
    assertThat(ada.getByTestId("closed-banner")).hasText(Pattern.compile(
        "^\\s*Closed by Ada Admin on [^·]*\\d[^·]* · “" + literal(NOTE) + "”\\s*$"));
    assertThat(grace.getByTestId("closed-banner")).containsText("Closed by Ada Admin on ");
    assertThat(student.getByTestId("closed-banner")).hasText(
        "This conversation was closed by Ada Admin. Writing a message reopens it.");
    assertThat(ada.getByTestId("reopen-hint")).hasText("Closed: sending a message reopens it.");
    assertThat(ada.getByTestId("composer")).isEditable();
    assertThat(student.getByTestId("composer")).isEditable();
    assertThat(row(ada, sam).getByTestId("student-status")).hasText("Closed");
    assertThat(row(grace, sam).getByTestId("student-status")).hasText("Closed");
    assertThat(ada.locator("b")).hasCount(0);
    Browsers.screenshot(ada, "status-closed-admin");
    Browsers.screenshot(student, "status-closed-student");

    // Ada reopens it: the whole history is still there, with both audit entries (who, when).
    ada.getByTestId("reopen-conversation").click();
    assertThat(ada.getByTestId("close-conversation")).isFocused();
    for (Page page : List.of(ada, grace, student)) {
      Locator entry = statusEntry(page, 4);
      assertThat(entry).hasAttribute("data-kind", "reopened");
      assertThat(entry.getByTestId("status-entry-action")).hasText("Reopened by Ada Admin");
      assertThat(page.getByTestId("conversation-status")).hasAttribute("data-status", "active");
      assertThat(page.getByTestId("closed-banner")).hasCount(0);
      assertThat(message(page, 1)).hasText("Did you hand in the permission form?");
      assertThat(message(page, 2)).hasText("Yes, this morning at the office.");
      assertThat(statusEntry(page, 3).getByTestId("status-entry-action")).hasText("Closed by Ada Admin");
    }
    assertThat(row(grace, sam).getByTestId("student-status")).hasText("Active");

    // After a reload the audit trail comes from the server, in seq order with the messages.
    ada.reload();
    assertThat(statusEntry(ada, 3).getByTestId("status-entry-action")).hasText("Closed by Ada Admin");
    assertThat(statusEntry(ada, 3).getByTestId("status-entry-note")).hasText("“" + NOTE + "”");
    assertThat(statusEntry(ada, 4).getByTestId("status-entry-action")).hasText("Reopened by Ada Admin");
    assertEquals(List.of("1", "2", "3", "4"), ada.locator("[data-testid=message-list] > li[data-seq]").all().stream()
        .map(li -> li.getAttribute("data-seq")).toList(), "messages and status entries in seq order");
    for (long seq : List.of(3L, 4L)) {
      assertThat(statusEntry(ada, seq).locator("time")).hasText(Pattern.compile("\\d{1,2}:\\d{2}"));
    }
    assertEquals("closed,reopened", school.db.queryString(
        "select string_agg(kind, ',' order by seq) from messages where conversation_id = ? and kind <> 'message'",
        samConversation));

    // The student was not looking the whole time: the closing and reopening notified nothing; Ada's next message
    // gives the one and only notification, for exactly one new message (every one shown is recorded).
    ada.getByTestId("composer").fill("Anything else I can help with?");
    ada.getByTestId("composer").press("Enter");
    assertThat(message(student, 5)).hasText("Anything else I can help with?");
    assertThat(student.getByTestId("toast")).hasCount(1);
    assertThat(student.getByTestId("toast-title")).hasText("Ada Admin: 1 new message");
    assertThat(student.getByTestId("toast-body")).hasText("Anything else I can help with?");
    assertEquals(List.of(Map.of("title", "Ada Admin: 1 new message", "body", "Anything else I can help with?")),
        student.evaluate("() => window.__notifications"), "status entries gave no notification of their own");
    Browsers.screenshot(student, "status-reopened-student");
    assertEquals(List.of(), dialogs);
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("R6.2 R6.3 R1.4: when the server cannot be reached, a close is refused in its dialog and a reopen above"
      + " the closed banner, saying why; nothing changes, and trying again once it can be reached works")
  void a_close_or_reopen_that_cannot_reach_the_server_says_so_and_changes_nothing() {
    BrowserContext context = newContext();
    // The live channel is unreachable (every SockJS transport lives under /eventbus), so the commands go over HTTP;
    // while `down`, their requests fail as a dropped network fails them.
    context.route("**/eventbus/**", route -> route.abort());
    boolean[] down = {true};
    context.route(Pattern.compile(".*/api/conversations/" + samConversation + "/(close|reopen)$"), route -> {
      if (down[0]) {
        route.abort();
      } else {
        route.resume();
      }
    });
    Page ada = signIn(context, ADMIN_EMAIL, null);
    row(ada, sam).click();
    assertThat(message(ada, 2)).hasText("Yes, this morning at the office.");

    ada.getByTestId("close-conversation").click();
    ada.getByTestId("close-note").fill(NOTE);
    ada.getByTestId("confirm-close").click();
    Locator dialog = ada.getByTestId("close-dialog");
    assertThat(ada.getByTestId("close-error")).hasText(
        "Could not close it: Cannot reach the server. Check your connection and try again.");
    assertThat(dialog).isVisible();
    assertThat(ada.getByTestId("close-note")).hasValue(NOTE); // what Ada wrote is kept for the next try
    assertThat(ada.getByTestId("confirm-close")).isEnabled();
    assertThat(ada.getByTestId("conversation-status")).hasAttribute("data-status", "active");
    assertEquals(0, school.db.queryLong("select count(*) from messages where conversation_id = ? and kind <> 'message'",
        samConversation));
    Browsers.screenshot(ada, "status-close-failed");

    down[0] = false;
    ada.getByTestId("confirm-close").click();
    assertThat(dialog).not().isVisible();
    assertThat(ada.getByTestId("conversation-status")).hasAttribute("data-status", "closed");
    assertThat(statusEntry(ada, 3).getByTestId("status-entry-note")).hasText("“" + NOTE + "”");

    down[0] = true;
    ada.getByTestId("reopen-conversation").click();
    assertThat(ada.getByTestId("reopen-error")).hasText(
        "Could not reopen it: Cannot reach the server. Check your connection and try again.");
    assertThat(ada.getByTestId("conversation-status")).hasAttribute("data-status", "closed");
    assertThat(ada.getByTestId("closed-banner")).isVisible();
    assertThat(ada.getByTestId("reopen-conversation")).isFocused();
    Browsers.screenshot(ada, "status-reopen-failed");

    down[0] = false;
    ada.getByTestId("reopen-conversation").click();
    assertThat(ada.getByTestId("conversation-status")).hasAttribute("data-status", "active");
    assertThat(ada.getByTestId("reopen-error")).hasCount(0);
    assertThat(statusEntry(ada, 4).getByTestId("status-entry-action")).hasText("Reopened by Ada Admin");
    assertEquals("closed,reopened", school.db.queryString(
        "select string_agg(kind, ',' order by seq) from messages where conversation_id = ? and kind <> 'message'",
        samConversation));
    assertEquals(List.of(), pageErrors);
  }

  @Test
  @DisplayName("R6.3 R6.2: a student writing to a closed conversation reopens it; the admin sees \"Reopened by Sam"
      + " Student\" live, and the entry is not counted as unread in the admin's list")
  void a_student_message_reopens_a_closed_conversation() {
    Api.Response closed = school.staff.post("/api/conversations/" + samConversation + "/close",
        new JsonObject().put("note", "Holidays"));
    assertEquals(200, closed.status(), () -> closed.raw().body());
    Page ada = signIn(ADMIN_EMAIL);
    row(ada, sam).click();
    assertThat(ada.getByTestId("conversation-status")).hasAttribute("data-status", "closed");
    assertThat(ada.getByTestId("closed-banner")).hasText(Pattern.compile("^\\s*Closed by Ada Admin on [^·]*\\d[^·]* · “Holidays”\\s*$"));
    assertThat(row(ada, sam).getByTestId("student-status")).hasText("Closed");
    // Grace, another admin, on the list only: her unread count is the proof that entries are not counted (Ada's own
    // tabs share her read marks, and she is reading it).
    Page list = signIn(GRACE_EMAIL);
    assertThat(row(list, sam).getByTestId("student-status")).hasText("Closed");
    assertThat(row(list, sam)).hasAttribute("data-unread", "1"); // Sam's first message, which Grace has not read

    Page student = studentChat(signIn(STUDENT_EMAIL));
    assertThat(student.getByTestId("closed-banner")).hasText(
        "This conversation was closed by Ada Admin. Writing a message reopens it.");
    assertThat(statusEntry(student, 3).getByTestId("status-entry-note")).hasText("“Holidays”");
    student.getByTestId("composer").fill("Sorry, one more question about the trip");
    student.getByTestId("composer").press("Enter");

    // The entry comes just before the message, by the writer; the conversation is active again everywhere.
    for (Page page : List.of(student, ada)) {
      assertThat(statusEntry(page, 4).getByTestId("status-entry-action")).hasText("Reopened by Sam Student");
      assertThat(message(page, 5)).hasText("Sorry, one more question about the trip");
      assertThat(page.getByTestId("conversation-status")).hasAttribute("data-status", "active");
      assertThat(page.getByTestId("closed-banner")).hasCount(0);
    }
    assertThat(ada.getByTestId("announcer")).hasText("Sam Student: Sorry, one more question about the trip");
    assertThat(ada.getByTestId("reopen-hint")).hasCount(0);
    assertThat(row(ada, sam).getByTestId("student-status")).hasText("Active");
    assertThat(row(list, sam).getByTestId("student-status")).hasText("Active");
    // One more unread message for Grace, who is not looking at it: the "reopened" entry is not one.
    assertThat(row(list, sam)).hasAttribute("data-last-seq", "5");
    assertThat(row(list, sam).getByTestId("unread-count")).hasText("2");
    list.reload();
    assertThat(row(list, sam).getByTestId("unread-count")).hasText("2");
    Browsers.screenshot(ada, "status-reopened-by-student");
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("R6.2: the admin's list filters by conversation status (All, Active, Closed, Not started) and a row"
      + " leaves the Closed filter live when its conversation is reopened")
  void the_list_filters_by_status() {
    Page ada = signIn(ADMIN_EMAIL);
    long olga = school.otherStudent;
    Locator rows = ada.getByTestId("student-row");
    assertThat(rows).hasCount(2);
    ada.getByTestId("status-filter").selectOption("none");
    assertThat(rows).hasCount(1);
    assertThat(rows.first()).hasAttribute("data-student-id", String.valueOf(olga));
    ada.getByTestId("status-filter").selectOption("closed");
    assertThat(ada.getByTestId("student-count")).hasText("0 students");
    assertThat(rows).hasCount(0);

    // Closed elsewhere (over REST): the row comes into the Closed filter live; reopened, it leaves.
    assertEquals(200, school.staff.post("/api/conversations/" + samConversation + "/close", new JsonObject()).status());
    assertThat(rows).hasCount(1);
    assertThat(row(ada, sam).getByTestId("student-status")).hasText("Closed");
    ada.getByTestId("status-filter").selectOption("active");
    assertThat(rows).hasCount(0);
    ada.getByTestId("status-filter").selectOption("closed");
    assertThat(rows).hasCount(1);
    assertEquals(200, school.staff.post("/api/conversations/" + samConversation + "/reopen", new JsonObject()).status());
    assertThat(rows).hasCount(0);
    ada.getByTestId("status-filter").selectOption("");
    assertThat(rows).hasCount(2);
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  /** A regular expression (as Playwright runs it: JavaScript) matching this text literally. */
  static String literal(String text) {
    return text.replaceAll("[^\\w\\s]", "\\\\$0");
  }

  /** A status entry ("closed"/"reopened") in the timeline. */
  static Locator statusEntry(Page page, long seq) {
    return page.locator("[data-testid=status-entry][data-seq='" + seq + "']");
  }
}
