package app.homeroom.browser;

import app.homeroom.support.Api;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Issue 27: several admins sharing the students' conversations, on two nodes of a cluster. */
class TeamInboxBrowserTest extends BrowserTestBase {

  static final String GRACE_EMAIL = "grace@test.school";
  static final String NOTE = "Guardian called: Sam's custody arrangement changed, check before sending letters home";

  /** A second node of the cluster: Grace works on it while Ada and Sam are on the first. */
  @RegisterExtension
  static final SecondNode second = new SecondNode();

  @Test
  @DisplayName("Issue 27.1-27.3: across two nodes, admins see who else is viewing and typing, a private note reaches"
      + " the staff live and never the student, and assigning shows in both chats and filters both lists")
  void notes_assignment_and_collision_awareness_across_nodes() {
    school.db.createAdmin("Grace Admin", GRACE_EMAIL, PASSWORD);
    long conversation = school.openConversation(school.student);
    say(school.pupil, conversation, "Hello, is anyone there?");

    Page ada = signIn(ADMIN_EMAIL);
    BrowserContext graceContext = newContext();
    Page grace = signIn(graceContext, GRACE_EMAIL, "live", second.base());
    Page sam = studentChat(signIn(STUDENT_EMAIL));
    row(ada, school.student).click();
    row(grace, school.student).click();
    assertThat(message(ada, 1)).hasText("Hello, is anyone there?");

    // Point 2: each admin sees the other viewing, across the nodes; the student sees no team bar at all.
    assertThat(ada.getByTestId("team-viewers")).hasText(Pattern.compile("Grace Admin is viewing"));
    assertThat(grace.getByTestId("team-viewers")).hasText(Pattern.compile("Ada Admin is viewing"));
    assertThat(sam.getByTestId("team-bar")).hasCount(0);
    grace.getByTestId("composer").pressSequentially("I can take th");
    assertThat(ada.getByTestId("team-typing")).hasText("Grace Admin is typing…");
    // The student's own typing line shows under Ada's composer, not a colleague's.
    assertThat(ada.getByTestId("typing-indicator")).not().containsText("Grace");
    grace.getByTestId("composer").fill("");

    // Point 3: a private note, in a look of its own, live on the other node; never on the student's page.
    ada.getByTestId("mode-note").click();
    assertThat(ada.getByTestId("composer-form")).hasAttribute("data-mode", "note");
    assertThat(ada.getByTestId("note-hint")).isVisible();
    ada.getByTestId("composer").fill(NOTE);
    ada.getByTestId("send-button").click();
    assertThat(ada.getByTestId("staff-note-body")).hasText(NOTE);
    assertThat(ada.getByTestId("composer")).hasValue("");
    assertThat(grace.getByTestId("staff-note-body")).hasText(NOTE);
    assertThat(grace.getByTestId("staff-note-author")).hasText("Ada Admin");
    assertThat(ada.getByTestId("staff-note-author")).hasText("You");
    String noteColour = (String) ada.getByTestId("staff-note").evaluate("el => getComputedStyle(el).backgroundColor");
    String bubbleColour = bubbleColour(ada, 1);
    assertNotEquals(noteColour, bubbleColour, "a note does not look like a message");
    // A message after the note reaches Sam, so had the note been sent to him, it would be there by now.
    ada.getByTestId("mode-reply").click();
    ada.getByTestId("composer").fill("Hi Sam, Ada here.");
    ada.getByTestId("composer").press("Enter");
    assertThat(message(sam, 2)).hasText("Hi Sam, Ada here.");
    assertThat(sam.getByTestId("staff-note")).hasCount(0);
    assertFalse(sam.content().contains("custody"), "the note's text is nowhere on the student's page");
    sam.reload();
    studentChat(sam);
    assertThat(message(sam, 2)).hasText("Hi Sam, Ada here.");
    assertFalse(sam.content().contains("custody"), "nor after a reload");

    // Point 1: Ada assigns the conversation to Grace; both chats say so, live, and both lists follow.
    ada.getByTestId("assignee-select").selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("Grace Admin"));
    assertThat(ada.getByTestId("assignment-entry")).hasText(Pattern.compile("You assigned this conversation to Grace Admin"));
    assertThat(grace.getByTestId("assignment-entry")).hasText(Pattern.compile("Ada Admin assigned this conversation to you"));
    assertThat(grace.getByTestId("assignee-select")).hasAttribute("data-assignee", String.valueOf(
        school.db.queryLong("select id from users where email = ?", GRACE_EMAIL)));
    assertThat(row(grace, school.student).getByTestId("student-assignee")).hasText(Pattern.compile("You"));
    assertThat(row(ada, school.student).getByTestId("student-assignee")).hasText(Pattern.compile("Grace Admin"));
    grace.getByTestId("assigned-filter-mine").click();
    assertThat(row(grace, school.student)).isVisible();
    assertThat(row(grace, school.otherStudent)).hasCount(0);
    ada.getByTestId("assigned-filter-mine").click();
    assertThat(row(ada, school.student)).hasCount(0);
    assertThat(ada.getByText("No conversations are assigned to you.")).isVisible();
    ada.getByTestId("assigned-filter-none").click();
    assertThat(row(ada, school.otherStudent)).isVisible();
    assertThat(row(ada, school.student)).hasCount(0);
    ada.getByTestId("assigned-filter-all").click();
    assertThat(row(ada, school.student)).isVisible();
    Browsers.screenshot(ada, "team-note-assignment-viewing");
    Browsers.screenshot(grace, "team-grace-mine");
    // Grace hands it back: Ada's menu, which she used before, shows the change live.
    long graceId = school.db.queryLong("select id from users where email = ?", GRACE_EMAIL);
    assertThat(grace.getByTestId("assignee-select")).hasValue(String.valueOf(graceId));
    grace.getByTestId("assignee-select").selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("Ada Admin"));
    assertThat(ada.getByTestId("assignee-select")).hasValue(String.valueOf(school.admin));
    assertThat(ada.locator("[data-testid=assignment-entry]").last()).hasText(Pattern.compile("Grace Admin assigned this conversation to you"));

    // Grace's tab dies: within seconds Ada no longer sees her viewing.
    graceContext.close();
    assertThat(ada.getByTestId("team-viewers")).hasCount(0, new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions().setTimeout(15_000));
    assertEquals(java.util.List.of(), pageErrors);
  }

  @Test
  @DisplayName("Issue 27.4: staff manage saved replies on their page and insert one with / in the composer, keyboard"
      + " only, its placeholders filled in for the student")
  void saved_replies_from_the_keyboard() {
    long conversation = school.openConversation(school.student);
    say(school.pupil, conversation, "When is the trip?");
    Page ada = signIn(ADMIN_EMAIL);
    ada.getByTestId("nav-replies").click();
    assertThat(ada.locator("h1")).hasText("Saved replies");
    ada.getByTestId("saved-reply-add").click();
    ada.getByTestId("saved-reply-title").fill("Trip form reminder");
    ada.getByTestId("saved-reply-body").fill("Hi {student.first_name}, class {student.class} leaves at 9. Bring the trip form!");
    ada.getByTestId("saved-reply-save").click();
    assertThat(ada.getByTestId("saved-reply-heading")).hasText("Trip form reminder");
    ada.getByTestId("saved-reply-add").click();
    ada.getByTestId("saved-reply-title").fill("Absence");
    ada.getByTestId("saved-reply-body").fill("We missed you today, {student.first_name}.");
    ada.getByTestId("saved-reply-save").click();
    assertThat(ada.getByTestId("saved-reply-heading")).hasCount(2);
    // The same title again (any case) is refused with the server's reason.
    ada.getByTestId("saved-reply-add").click();
    ada.getByTestId("saved-reply-title").fill("absence");
    ada.getByTestId("saved-reply-body").fill("again");
    ada.getByTestId("saved-reply-save").click();
    assertThat(ada.getByTestId("saved-reply-error")).containsText("exists already");
    Browsers.screenshot(ada, "saved-replies-page");

    ada.getByTestId("nav-messages").click();
    row(ada, school.student).click();
    Locator composer = ada.getByTestId("composer");
    assertThat(composer).isFocused();
    composer.pressSequentially("/trip");
    assertThat(ada.getByTestId("saved-reply-option")).hasCount(1);
    assertThat(ada.getByTestId("saved-reply-option")).containsText("Trip form reminder");
    Browsers.screenshot(ada, "saved-reply-suggestions");
    composer.press("Enter");
    assertThat(composer).hasValue("Hi Sam, class 7A leaves at 9. Bring the trip form!");
    composer.press("Enter");
    assertThat(message(ada, 2)).hasText("Hi Sam, class 7A leaves at 9. Bring the trip form!");

    // Arrow keys choose among several; Escape closes the list and keeps what was typed.
    composer.pressSequentially("/");
    assertThat(ada.getByTestId("saved-reply-option")).hasCount(2);
    composer.press("ArrowDown");
    assertThat(ada.getByTestId("saved-reply-option").nth(1)).hasAttribute("aria-selected", "true");
    composer.press("Escape");
    assertThat(ada.getByTestId("saved-reply-suggestions")).hasCount(0);
    assertThat(composer).hasValue("/");
    composer.fill("");
    composer.pressSequentially("/abs");
    composer.press("Tab");
    assertThat(composer).hasValue("We missed you today, Sam.");

    Page sam = studentChat(signIn(STUDENT_EMAIL));
    assertThat(message(sam, 2)).hasText("Hi Sam, class 7A leaves at 9. Bring the trip form!");
  }

  @Test
  @DisplayName("Issue 27.1: assigning from the list: right-click a row, or Shift+F10 and the arrow keys, assigns that"
      + " student's conversation (starting it when there is none)")
  void assigning_from_the_list() {
    school.db.createAdmin("Grace Admin", GRACE_EMAIL, PASSWORD);
    long samConversation = school.openConversation(school.student);
    say(school.pupil, samConversation, "Hi");
    Page ada = signIn(ADMIN_EMAIL);
    row(ada, school.otherStudent).click(new Locator.ClickOptions().setButton(com.microsoft.playwright.options.MouseButton.RIGHT));
    assertThat(ada.getByTestId("assign-menu")).isVisible();
    assertThat(ada.getByTestId("assign-menu-none")).hasAttribute("aria-checked", "true");
    ada.getByTestId("assign-menu-me").click();
    assertThat(row(ada, school.otherStudent).getByTestId("student-assignee")).hasText(Pattern.compile("You"));
    assertEquals(1, school.db.queryLong("select count(*) from conversations where student_id = ?", school.otherStudent),
        "Olga had no conversation: assigning started it");

    row(ada, school.student).focus();
    ada.keyboard().press("Shift+F10");
    assertThat(ada.getByTestId("assign-menu-none")).isFocused();
    ada.keyboard().press("ArrowUp"); // from "Nobody" up to Grace
    assertThat(ada.getByTestId("assign-menu-colleague")).isFocused();
    Browsers.screenshot(ada, "team-assign-menu");
    ada.keyboard().press("Enter");
    assertThat(row(ada, school.student).getByTestId("student-assignee")).hasText(Pattern.compile("Grace Admin"));
    assertThat(row(ada, school.student)).isFocused();
    // Escape closes without a change.
    ada.keyboard().press("Shift+F10");
    assertThat(ada.getByTestId("assign-menu-colleague")).isFocused();
    ada.keyboard().press("Escape");
    assertThat(ada.getByTestId("assign-menu")).hasCount(0);
    assertThat(row(ada, school.student).getByTestId("student-assignee")).hasText(Pattern.compile("Grace Admin"));
    assertEquals(java.util.List.of("conversation.assigned", "conversation.assigned"),
        school.db.queryStrings("select action from audit_events where action like 'conversation.%assigned' order by id"));
  }

  @Test
  @DisplayName("Issue 27.1: a student's message in a conversation assigned to Grace notifies Grace at once and not Ada;"
      + " in an unassigned one, both")
  void the_assignee_is_notified_first() {
    long grace = school.db.createAdmin("Grace Admin", GRACE_EMAIL, PASSWORD);
    long samConversation = school.openConversation(school.student);
    long olgaConversation = school.openConversation(school.otherStudent);
    assertEquals(200, school.staff.put("/api/conversations/" + samConversation + "/assignee",
        new io.vertx.core.json.JsonObject().put("assigneeId", grace)).status());
    Page ada = signIn(notifyingContext(), ADMIN_EMAIL, "live");
    Page gracePage = signIn(notifyingContext(), GRACE_EMAIL, "live", second.base());
    assertThat(row(ada, school.student).getByTestId("student-assignee")).hasText(Pattern.compile("Grace Admin"));
    assertThat(row(gracePage, school.student).getByTestId("student-assignee")).hasText(Pattern.compile("You"));

    say(school.pupil, samConversation, "Grace, can you sign my form?");
    gracePage.waitForFunction("() => window.__notifications.length >= 1");
    assertEquals("Sam Student: 1 new message: Grace, can you sign my form?", gracePage.evaluate(
        "() => window.__notifications[0].title + ': ' + window.__notifications[0].body"));
    assertThat(row(ada, school.student).getByTestId("unread-count")).hasText("1"); // visible to all in the list

    // Olga's conversation is unassigned: everyone is told. Sam's message came first and waits as long to be told, so
    // had Ada been told of it, it would be among hers by the time Olga's is.
    say(Api.signedIn(OTHER_STUDENT_EMAIL, PASSWORD), olgaConversation, "Anyone there?");
    ada.waitForFunction("() => window.__notifications.length >= 1");
    gracePage.waitForFunction("() => window.__notifications.length >= 2");
    assertEquals(java.util.List.of("Olga Other: 1 new message"),
        ada.evaluate("() => window.__notifications.map(n => n.title)"), "Ada is not told first of Sam's message");
  }

  @Test
  @DisplayName("Issue 27.6: a misspelt search offers 'did you mean', and one click searches the suggestion")
  void did_you_mean() {
    long conversation = school.openConversation(school.student);
    say(school.pupil, conversation, "Is the museum trip still on Thursday?");
    school.db.queryLong("select refresh_search_words(100000)");
    Page ada = signIn(ADMIN_EMAIL);
    ada.getByTestId("search-open").click();
    Locator input = ada.getByTestId("search-input");
    input.fill("musuem trip"); // two letters swapped
    input.press("Enter");
    assertThat(ada.getByTestId("search-no-results")).containsText("No messages match");
    assertThat(ada.getByTestId("search-did-you-mean")).hasText("museum trip");
    Browsers.screenshot(ada, "search-did-you-mean");
    ada.getByTestId("search-did-you-mean").click();
    assertThat(input).hasValue("museum trip");
    assertThat(input).isFocused();
    assertThat(ada.getByTestId("search-result")).hasCount(1);
  }

  @Test
  @DisplayName("Issue 27.6: the unread summary says the exact count of students with unread messages")
  void the_unread_summary_is_exact() {
    long samConversation = school.openConversation(school.student);
    long olgaConversation = school.openConversation(school.otherStudent);
    say(school.pupil, samConversation, "one");
    say(Api.signedIn(OTHER_STUDENT_EMAIL, PASSWORD), olgaConversation, "two");
    Page ada = signIn(ADMIN_EMAIL);
    assertThat(ada.getByTestId("unread-summary")).hasText("2 with unread messages");
    row(ada, school.student).click();
    assertThat(ada.getByTestId("unread-summary")).hasText("1 with unread messages");
  }

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
    page.navigate(base + "/admin/replies");
    assertThat(page.locator("h1")).hasText("Saved replies");
    assertOneH1AndMain(page, "saved replies");
    Page sam = studentChat(signIn(STUDENT_EMAIL));
    assertOneH1AndMain(sam, "student");
  }

  private static void assertOneH1AndMain(Page page, String which) {
    assertThat(page.locator("h1")).hasCount(1);
    assertThat(page.getByRole(com.microsoft.playwright.options.AriaRole.MAIN)).hasCount(1);
  }
}
