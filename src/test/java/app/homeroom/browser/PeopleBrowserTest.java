package app.homeroom.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25 in a real browser: the People section (point 1), sign-up links (point 3) and passwords over time (point 4),
 * the way an admin and a new student or colleague meet them.
 */
class PeopleBrowserTest extends BrowserTestBase {

  private static final String NEW_PASSWORD = "lantern orchard quietly";

  private Page people(Page admin) {
    admin.getByTestId("nav-people").click();
    assertThat(admin).hasURL(base + "/admin/people");
    assertThat(admin.getByTestId("people-table")).hasAttribute("aria-busy", "false");
    return admin;
  }

  private static Locator personRow(Page admin, String name) {
    return admin.getByTestId("person-row").filter(new Locator.FilterOptions().setHasText(name));
  }

  /** Sets a password on a sign-up link in a fresh browser context, which is then signed in. */
  private Page useLink(String url, String who) {
    BrowserContext context = newContext();
    Page page = watch(context.newPage(), who);
    page.navigate(url);
    assertThat(page.getByTestId("signup-who")).containsText(who);
    page.getByTestId("signup-password").fill(NEW_PASSWORD);
    page.getByTestId("signup-confirm").fill(NEW_PASSWORD);
    page.getByTestId("signup-submit").click();
    assertThat(page.getByTestId("logout")).isVisible();
    assertThat(page.getByTestId("connection-status")).hasAttribute("data-state", "live");
    return page;
  }

  @Test
  @DisplayName("Issue 25.1/25.3: an admin adds a student, opens their chat and writes; the student signs up with the link and reads it")
  void add_student_open_chat_and_sign_up_with_the_link() {
    Page ada = people(signIn(ADMIN_EMAIL));
    assertThat(ada.getByTestId("person-row")).hasCount(3);
    assertThat(ada.getByTestId("people-count")).hasText("1–3 of 3");

    ada.getByTestId("add-student").click();
    ada.getByTestId("person-name").fill("Nia Newcomer");
    ada.getByTestId("person-email").fill("nia@test.school");
    ada.getByTestId("person-roll").fill("R-300");
    ada.getByTestId("person-class").fill("8C");
    ada.getByTestId("person-save").click();

    Locator url = ada.getByTestId("link-url");
    assertThat(url).hasValue(Pattern.compile("^http://localhost:\\d+/signup/[A-Za-z0-9_-]{43}$"));
    String link = url.inputValue();
    assertTrue(link.startsWith(base + "/signup/"), link);
    Browsers.screenshot(ada, "people-signup-link");
    ada.getByTestId("link-close").click();

    Locator nia = personRow(ada, "Nia Newcomer");
    assertThat(nia.getByTestId("person-status")).hasText("Invited");
    assertThat(nia).containsText("R-300");
    assertThat(nia).containsText("8C");
    nia.getByTestId("person-message").click();
    assertThat(ada.getByTestId("chat-title")).hasText("Nia Newcomer");
    ada.getByTestId("composer").fill("Welcome to the school, Nia!");
    ada.getByTestId("send-button").click();
    assertThat(ada.locator("[data-testid=message][data-pending=false]")).hasCount(1);

    Page student = useLink(link, "Nia Newcomer");
    assertThat(student).hasURL(Pattern.compile(".*/student"));
    studentChat(student);
    assertThat(student.getByTestId("message-body")).hasText("Welcome to the school, Nia!");

    // Used once: the same link now says so, and signs no one in.
    Page again = watch(newContext().newPage(), "again");
    again.navigate(link);
    assertThat(again.getByTestId("signup-error")).isVisible();

    people(ada);
    assertThat(personRow(ada, "Nia Newcomer").getByTestId("person-status")).hasText("Active");
    assertTrue(pageErrors.isEmpty(), () -> "page errors: " + pageErrors);
  }

  @Test
  @DisplayName("Issue 25.1/25.3: a staff invitation; the new admin signs up and starts a conversation")
  void invited_staff_signs_up_and_starts_a_conversation() {
    Page ada = people(signIn(ADMIN_EMAIL));
    ada.getByTestId("invite-staff").click();
    assertThat(ada.getByTestId("person-roll")).hasCount(0); // staff have no roll ID or class
    ada.getByTestId("person-name").fill("Tom Teacher");
    ada.getByTestId("person-email").fill("tom@test.school");
    ada.getByTestId("person-save").click();
    assertThat(ada.getByTestId("link-url")).hasValue(Pattern.compile("/signup/"));
    String link = ada.getByTestId("link-url").inputValue();
    ada.getByTestId("link-close").click();
    assertThat(personRow(ada, "Tom Teacher")).containsText("Staff");

    Page tom = useLink(link, "Tom Teacher");
    assertThat(tom).hasURL(Pattern.compile(".*/admin"));
    people(tom);
    personRow(tom, "Olga Other").getByTestId("person-message").click();
    assertThat(tom.getByTestId("chat-title")).hasText("Olga Other");
    tom.getByTestId("composer").fill("Hello Olga, I am your new form tutor.");
    tom.getByTestId("send-button").click();

    Page olga = studentChat(signIn(OTHER_STUDENT_EMAIL));
    assertThat(olga.getByTestId("message-body")).hasText("Hello Olga, I am your new form tutor.");
  }

  private static com.microsoft.playwright.options.FilePayload csv(String name, String text) {
    return new com.microsoft.playwright.options.FilePayload(name, "text/csv",
        text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("Issue 25.2: importing a file with good and bad rows: the preview lists each bad row; nothing is written until it is fixed")
  void import_through_the_preview() {
    Page ada = people(signIn(ADMIN_EMAIL));
    ada.getByTestId("import-open").click();
    ada.getByTestId("import-file").setInputFiles(csv("roster.csv", "\uFEFFSurname;First name;E-mail;Roll ID;Form\r\n"
        + "Student;Sam;sam@test.school;R-001;7A\r\n"
        + "Lovelace;Ada Jr;ada.jr@test.school;R-700;9C\r\n"
        + "Broken;Row;not-an-email;R-701;9C\r\n"));
    assertThat(ada.getByTestId("import-invalid")).containsText("1");
    assertThat(ada.getByTestId("import-invalid-rows")).containsText("4");
    assertThat(ada.getByTestId("import-invalid-rows")).containsText("The email is not an email address");
    assertThat(ada.getByTestId("import-create")).containsText("1");
    assertThat(ada.getByTestId("import-unchanged")).containsText("1");
    assertThat(ada.getByTestId("import-apply")).isDisabled();
    assertThat(ada.getByTestId("import-column-name")).containsText("First name + Surname");
    Browsers.screenshot(ada, "people-import-preview");
    assertEquals(0, school.db.queryLong("select count(*) from users where roll_id in ('R-700', 'R-701')"));

    ada.getByTestId("import-file").setInputFiles(csv("roster-fixed.csv", "Surname;First name;E-mail;Roll ID;Form\n"
        + "Student;Sam;sam@test.school;R-001;7A\n"
        + "Lovelace;Ada Jr;ada.jr@test.school;R-700;9C\n"
        + "Broken;Row;row.broken@test.school;R-701;9C\n"));
    assertThat(ada.getByTestId("import-invalid")).containsText("0");
    assertThat(ada.getByTestId("import-create")).containsText("2");
    ada.getByTestId("import-disable-missing").check();
    assertThat(ada.getByTestId("import-disables")).containsText("Olga Other");
    ada.getByTestId("import-disable-missing").uncheck();
    assertThat(ada.getByTestId("import-disable")).containsText("0");
    ada.getByTestId("import-apply").click();
    assertThat(ada.getByTestId("import-done")).containsText("2 added");
    ada.keyboard().press("Escape");
    assertThat(personRow(ada, "Ada Jr Lovelace").getByTestId("person-status")).hasText("Invited");
    assertThat(personRow(ada, "Row Broken")).containsText("9C");
    assertThat(personRow(ada, "Olga Other").getByTestId("person-status")).hasText("Active");
  }

  @Test
  @DisplayName("Issue 25.1: filters, disabling with a confirmation, never yourself, a clear error for a taken email")
  void filter_disable_and_errors() {
    Page ada = people(signIn(ADMIN_EMAIL));
    assertThat(personRow(ada, "Ada Admin").getByTestId("person-disable")).hasCount(0); // never yourself

    ada.getByTestId("people-class").selectOption("7B");
    assertThat(ada.getByTestId("person-row")).hasCount(1);
    assertThat(ada.getByTestId("person-row")).containsText("Olga Other");
    ada.getByTestId("people-class").selectOption("");
    ada.getByTestId("people-search").fill("sam@");
    assertThat(ada.getByTestId("person-row")).hasCount(1);
    ada.getByTestId("people-search").fill("");
    assertThat(ada.getByTestId("person-row")).hasCount(3);

    Locator sam = personRow(ada, "Sam Student");
    sam.getByTestId("person-disable").click();
    ada.getByTestId("confirm-yes").click();
    assertThat(sam.getByTestId("person-status")).hasText("Disabled");
    ada.getByTestId("people-status").selectOption("disabled");
    assertThat(ada.getByTestId("person-row")).hasCount(1);
    ada.getByTestId("people-status").selectOption("");

    // Editing Olga to Ada's email: the server's reason, and the typed values stay for fixing.
    personRow(ada, "Olga Other").getByTestId("person-edit").click();
    ada.getByTestId("person-email").fill(ADMIN_EMAIL);
    ada.getByTestId("person-save").click();
    assertThat(ada.getByTestId("person-error")).hasText("Email " + ADMIN_EMAIL + " is already registered");
    assertThat(ada.getByTestId("person-email")).hasValue(ADMIN_EMAIL);
    ada.getByTestId("person-email").fill("olga.other@test.school");
    ada.getByTestId("person-class").fill("8B");
    ada.getByTestId("person-save").click();
    assertThat(personRow(ada, "Olga Other")).containsText("olga.other@test.school");
    assertThat(personRow(ada, "Olga Other")).containsText("8B");
    Browsers.screenshot(ada, "people-table");
    assertEquals("8B", school.db.queryString("select class_name from users where id = " + school.otherStudent));
  }

  @Test
  @DisplayName("Issue 25.3b: sign-in slips for a class, laid out for printing, each link working once")
  void printing_slips() {
    school.db.exec("insert into users (role, name, email, roll_id, class_name) values"
        + " ('student', 'Abe Invited', 'abe@test.school', 'R-011', '7A'),"
        + " ('student', 'Zoe Invited-Longname Hyphenated', 'zoe@test.school', 'R-010', '7A'),"
        + " ('student', 'Cy Invited', 'cy@test.school', 'R-012', '7A')");
    Page ada = people(signIn(ADMIN_EMAIL));
    ada.getByTestId("people-class").selectOption("7A");
    ada.getByTestId("slips-open").click();
    assertThat(ada).hasURL(base + "/admin/people/slips?className=7A");
    ada.getByTestId("slips-make").click();
    assertThat(ada.getByTestId("slip")).hasCount(3); // Sam, in 7A too, has a password already
    assertThat(ada.getByTestId("slip").first()).containsText("Abe Invited");
    assertThat(ada.getByTestId("slip").first()).containsText("Roll ID R-011");
    assertThat(ada.getByTestId("slip").first().locator("svg path")).hasAttribute("d", Pattern.compile("^M0 0h7"));
    String url = ada.getByTestId("slip-url").first().innerText();
    assertTrue(url.startsWith(base + "/signup/"), url);

    ada.emulateMedia(new Page.EmulateMediaOptions().setMedia(com.microsoft.playwright.options.Media.PRINT));
    assertThat(ada.getByTestId("slips-make")).isHidden();
    assertThat(ada.getByTestId("logout")).isHidden(); // no top bar on paper
    Browsers.screenshot(ada, "people-slips-print");
    ada.emulateMedia(new Page.EmulateMediaOptions().setMedia(com.microsoft.playwright.options.Media.SCREEN));

    Page abe = useLink(url, "Abe Invited");
    assertThat(abe).hasURL(Pattern.compile(".*/student"));
  }

  @Test
  @DisplayName("Issue 25.5: an admin makes an API token (shown once), the information system uses it, the admin revokes it")
  void api_token_made_used_and_revoked() throws Exception {
    Page ada = people(signIn(ADMIN_EMAIL));
    ada.getByTestId("tokens-open").click();
    ada.getByTestId("token-name").fill("SIS nightly sync");
    ada.getByTestId("token-create").click();
    String secret = ada.getByTestId("token-secret").locator("code").innerText().strip();
    assertTrue(secret.startsWith("hr_"), secret);
    assertThat(ada.getByTestId("token-row")).hasCount(1);
    Browsers.screenshot(ada, "people-api-tokens");

    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest list = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/people"))
        .header("authorization", "Bearer " + secret).build();
    assertEquals(200, http.send(list, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());

    ada.getByTestId("token-revoke").click();
    assertThat(ada.getByTestId("token-row")).containsText("Revoked");
    assertEquals(401, http.send(list, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  @DisplayName("Issue 25.1: on a phone the People section is a list of cards, reached from the account menu, with no sideways scroll")
  void people_on_a_phone() {
    Page ada = signIn(newContext(new com.microsoft.playwright.Browser.NewContextOptions()
        .setViewportSize(PHONE_WIDTH, PHONE_HEIGHT)), ADMIN_EMAIL, "live");
    ada.getByTestId("current-user").click();
    ada.getByTestId("menu-people").click();
    assertThat(ada).hasURL(base + "/admin/people");
    assertThat(ada.getByTestId("person-row")).hasCount(3);
    assertThat(personRow(ada, "Sam Student").getByTestId("person-disable")).isVisible();
    AdminMessagingBrowserTest.assertNoSidewaysScroll(ada);
    Browsers.screenshot(ada, "people-phone");
  }

  @Test
  @DisplayName("Issue 25.4: changing your password from the account menu ends your other sessions, not this one")
  void change_password_ends_other_sessions() {
    Page laptop = signIn(ADMIN_EMAIL);
    Page phone = signIn(ADMIN_EMAIL);
    laptop.getByTestId("current-user").click();
    laptop.getByTestId("change-password").click();
    laptop.getByTestId("current-password").fill(PASSWORD);
    laptop.getByTestId("new-password").fill("password12");
    laptop.getByTestId("confirm-password").fill("password12");
    laptop.getByTestId("password-save").click();
    assertThat(laptop.getByTestId("password-error")).containsText("common"); // NIST 800-63B: a known password
    laptop.getByTestId("new-password").fill(NEW_PASSWORD);
    laptop.getByTestId("confirm-password").fill(NEW_PASSWORD);
    laptop.getByTestId("password-save").click();
    assertThat(laptop.getByTestId("password-changed")).isVisible();

    assertThat(phone).hasURL(Pattern.compile(".*/login.*"),
        new com.microsoft.playwright.assertions.PageAssertions.HasURLOptions().setTimeout(8_000));
    laptop.keyboard().press("Escape");
    assertThat(laptop.getByTestId("connection-status")).hasAttribute("data-state", "live");
    laptop.reload();
    assertThat(laptop.getByTestId("logout")).isVisible();
  }
}
