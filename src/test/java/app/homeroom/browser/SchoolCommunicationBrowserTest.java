package app.homeroom.browser;

import app.homeroom.support.Api;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 28 in real browsers: announcements and acknowledgements across two nodes, attachments, transcripts. */
class SchoolCommunicationBrowserTest extends BrowserTestBase {

  static final String TRIP = "Museum trip on Friday: please bring the signed form and a packed lunch.";

  /** A second node of the cluster: the students work on it while the admin is on the first. */
  @RegisterExtension
  static final SecondNode second = new SecondNode();

  static Locator meter(Page page, String which) {
    return page.getByTestId("announcement-" + which);
  }

  @Test
  @DisplayName("Issue 28.1/28.2: an admin announces to a class needing acknowledgement; each student gets it in their"
      + " own chat on another node and presses \"I have read this\"; the admin's progress and who-is-behind list follow"
      + " live, and the admin's chat shows the acknowledgement")
  void announce_to_a_class_and_follow_its_progress() {
    long maya = school.db.createStudent("Maya Moss", "maya@test.school", "R-003", "7A", PASSWORD);
    String secondBase = second.base();

    BrowserContext adminContext = newContext(new Browser.NewContextOptions()
        .setViewportSize(DESKTOP_WIDTH, DESKTOP_HEIGHT).setBypassCSP(true)); // CSP bypassed for the axe scan only
    Page ada = signIn(adminContext, ADMIN_EMAIL, "live");
    Page sam = studentChat(signIn(newContext(), STUDENT_EMAIL, "live", secondBase));

    ada.getByTestId("nav-announcements").click();
    assertThat(ada).hasURL(base + "/admin/announcements");
    ada.getByTestId("announcement-new").click();
    // Bad input is refused in the form before anything is sent.
    ada.getByTestId("announcement-body").fill(TRIP);
    ada.getByTestId("announcement-send").click();
    assertThat(ada.getByTestId("announcement-error")).hasText("Choose at least one class.");
    ada.locator("label.chip", new Page.LocatorOptions().setHasText("7A")).click();
    ada.getByTestId("announcement-needs-ack").check();
    AccessibilityBrowserTest.assertNoSeriousViolations(ada, "announcement form");
    ada.getByTestId("announcement-send").click();
    assertThat(ada.getByTestId("announcement-notice")).hasText(Pattern.compile("Sent to 2 students"));
    Locator card = ada.getByTestId("announcement").first();
    assertThat(card.getByTestId("announcement-audience")).hasText("Class 7A");
    assertThat(meter(ada, "acknowledged")).hasAttribute("data-total", "2");

    // Sam, on the other node, gets it live in his own chat, marked, with the button to confirm.
    Locator copy = sam.locator("[data-testid=message][data-pending=false]").last();
    assertThat(copy.getByTestId("message-body")).hasText(TRIP);
    assertThat(copy.getByTestId("announcement-label")).isVisible();
    assertThat(copy.getByTestId("ack-state")).hasAttribute("data-state", "asked");
    // Reading it (the chat is open and visible) moves the admin's "Read" meter, live.
    assertThat(meter(ada, "read")).hasAttribute("data-count", "1");
    Browsers.screenshot(sam, "announcement-student-asked");
    copy.getByTestId("ack-button").click();
    assertThat(copy.getByTestId("ack-state")).hasAttribute("data-state", "acknowledged");
    assertThat(copy.getByTestId("ack-state")).containsText("You confirmed you have read this");
    Browsers.screenshot(sam, "announcement-student-acknowledged");

    // The admin's progress follows, and the details list who is behind: Maya, who has not opened it.
    assertThat(meter(ada, "acknowledged")).hasAttribute("data-count", "1");
    card.getByTestId("announcement-open").click();
    Locator behind = ada.getByTestId("announcement-recipient");
    assertThat(behind).hasCount(1);
    assertThat(behind.first()).hasAttribute("data-student-id", String.valueOf(maya));
    assertThat(behind.first()).hasAttribute("data-state", "sent");
    assertThat(ada.getByTestId("announcement-nudge")).hasText("Nudge 1");
    AccessibilityBrowserTest.assertNoSeriousViolations(ada, "announcement progress");
    Browsers.screenshot(ada, "announcement-progress");

    // Nudging reminds Maya in her conversation.
    ada.getByTestId("announcement-nudge").click();
    ada.getByTestId("confirm-yes").click();
    assertThat(ada.getByTestId("announcement-notice")).hasText("Reminded 1 student.");
    assertEquals(1, school.db.queryLong("select count(*) from messages m join conversations c on c.id = m.conversation_id"
        + " where c.student_id = ? and m.body like 'Reminder:%'", maya));

    // In the admin's chat with Sam, the announcement shows as acknowledged.
    ada.navigate(base + "/admin/students/" + school.student);
    Locator adminCopy = ada.locator("[data-testid=message][data-pending=false]").last();
    assertThat(adminCopy.getByTestId("ack-state")).hasAttribute("data-state", "acknowledged");
    assertThat(adminCopy.getByTestId("announcement-label")).isVisible();
    Browsers.screenshot(ada, "announcement-admin-chat");

    // A single message may ask too: the composer's toggle, the student's button, the admin's chat updated live.
    ada.getByTestId("mode-needs-ack").click();
    assertThat(ada.getByTestId("mode-needs-ack")).hasAttribute("aria-pressed", "true");
    ada.getByTestId("composer").fill("Timetable change: PE moves to Thursday.");
    ada.getByTestId("send-button").click();
    assertThat(ada.getByTestId("mode-needs-ack")).hasAttribute("aria-pressed", "false"); // for this message only
    Locator asked = ada.locator("[data-testid=message][data-pending=false]").last();
    assertThat(asked.getByTestId("ack-state")).hasAttribute("data-state", "waiting");
    assertThat(asked.getByTestId("announcement-label")).hasCount(0);
    Locator samCopy = sam.locator("[data-testid=message][data-pending=false]").last();
    assertThat(samCopy.getByTestId("message-body")).hasText("Timetable change: PE moves to Thursday.");
    samCopy.getByTestId("ack-button").click();
    assertThat(asked.getByTestId("ack-state")).hasAttribute("data-state", "acknowledged");
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("Issue 28.4: staff download a conversation's transcript from the chat's Export menu and a class's as a"
      + " zip from the list; a student downloads their own from their menu")
  void transcripts_download_from_the_pages() throws Exception {
    long conversation = school.openConversation(school.student);
    say(school.staff, conversation, "Reminder: the museum trip leaves at 8:30.");
    say(school.pupil, conversation, "Thanks, I will be there!");

    Page ada = signIn(ADMIN_EMAIL);
    row(ada, school.student).click();
    ada.getByTestId("export-transcript").locator("summary").click();
    assertThat(ada.getByTestId("export-pdf")).isVisible();
    Browsers.screenshot(ada, "transcript-export-menu");
    com.microsoft.playwright.Download pdf = ada.waitForDownload(() -> ada.getByTestId("export-pdf").click());
    java.nio.file.Path saved = java.nio.file.Paths.get("target", "screenshots", "transcript-sam.pdf");
    pdf.saveAs(saved);
    byte[] bytes = java.nio.file.Files.readAllBytes(saved);
    assertEquals("%PDF-", new String(bytes, 0, 5, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(true, pdf.suggestedFilename().startsWith("homeroom-transcript-sam-student-"), pdf.suggestedFilename());
    String text = app.homeroom.transcript.TranscriptTest.pdfText(bytes);
    assertEquals(true, text.contains("Thanks, I will be there!"), text);
    // The transcript as a person sees it: its first page drawn by another PDF library (PDFBox), saved as a screenshot.
    try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(bytes)) {
      java.awt.image.BufferedImage page = new org.apache.pdfbox.rendering.PDFRenderer(doc).renderImageWithDPI(0, 110);
      javax.imageio.ImageIO.write(page, "png", Browsers.SCREENSHOTS.resolve("transcript-page-1.png").toFile());
      assertEquals(1, doc.getNumberOfPages());
    }

    ada.getByTestId("class-filter").selectOption("7A");
    com.microsoft.playwright.Download zip = ada.waitForDownload(() -> ada.getByTestId("class-transcripts").click());
    assertEquals(true, zip.suggestedFilename().startsWith("homeroom-transcripts-7a-"), zip.suggestedFilename());

    Page sam = signIn(STUDENT_EMAIL);
    sam.getByTestId("current-user").click();
    com.microsoft.playwright.Download mine = sam.waitForDownload(() -> sam.getByTestId("download-transcript").click());
    assertEquals(true, mine.suggestedFilename().endsWith(".pdf"), mine.suggestedFilename());
    assertEquals(3, school.db.queryLong("select count(*) from audit_events where action = 'transcript.exported'"));
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }

  @Test
  @DisplayName("Issue 28.3: an admin attaches an image and a student a PDF, each shown in both chats (a preview, a file"
      + " card) and downloadable; an upload shows its progress and can be cancelled, leaving nothing")
  void attachments_in_both_chats() throws Exception {
    school.openConversation(school.student);
    Page ada = signIn(ADMIN_EMAIL);
    Page sam = studentChat(signIn(STUDENT_EMAIL));
    row(ada, school.student).click();

    byte[] image = app.homeroom.attachment.AttachmentsTest.png(480, 320);
    ada.getByTestId("attach-input").setInputFiles(new com.microsoft.playwright.options.FilePayload("trip-map.png",
        "image/png", image));
    assertThat(ada.getByTestId("attachment-ready")).containsText("trip-map.png");
    ada.getByTestId("composer").fill("Here is the map for Friday");
    ada.getByTestId("send-button").click();
    Locator samImage = sam.locator("[data-testid=message][data-pending=false] [data-testid=attachment-image] img");
    assertThat(samImage).hasAttribute("alt", "trip-map.png");
    sam.waitForCondition(() -> (Boolean) samImage.evaluate("img => img.complete && img.naturalWidth === 480"));

    byte[] pdf = app.homeroom.attachment.AttachmentsTest.pdf("Signed permission form");
    sam.getByTestId("attach-input").setInputFiles(new com.microsoft.playwright.options.FilePayload("permission-form.pdf",
        "application/pdf", pdf));
    assertThat(sam.getByTestId("attachment-ready")).containsText("permission-form.pdf");
    sam.getByTestId("send-button").click(); // no text: the file's name is the message
    Locator card = ada.locator("[data-testid=message][data-pending=false] [data-testid=attachment-file]");
    assertThat(card).containsText("permission-form.pdf");
    assertThat(card).hasAttribute("data-kind", "pdf");
    Browsers.screenshot(ada, "attachment-admin-image-and-pdf");
    Browsers.screenshot(sam, "attachment-student-image-and-pdf");
    com.microsoft.playwright.Download got = ada.waitForDownload(() -> card.click());
    java.nio.file.Path saved = java.nio.file.Paths.get("target", "screenshots", "attachment-permission-form.pdf");
    got.saveAs(saved);
    assertEquals(true, java.util.Arrays.equals(pdf, java.nio.file.Files.readAllBytes(saved)));

    // A slow upload shows its progress and Cancel stops it: nothing is stored.
    long before = school.db.queryLong("select count(*) from attachments");
    // The upload is held in the browser (a route that does not let it go yet), as a slow network would.
    List<com.microsoft.playwright.Route> held = new java.util.ArrayList<>();
    ada.route("**/attachments?name=*", held::add);
    java.util.concurrent.atomic.AtomicInteger abandoned = new java.util.concurrent.atomic.AtomicInteger();
    ada.onRequestFailed(r -> {
      if (r.url().contains("/attachments?name=")) {
        abandoned.incrementAndGet();
      }
    });
    ada.getByTestId("attach-input").setInputFiles(new com.microsoft.playwright.options.FilePayload("slow.png", "image/png",
        app.homeroom.attachment.AttachmentsTest.png(64, 64)));
    assertThat(ada.getByTestId("upload-progress")).isVisible();
    ada.getByTestId("upload-cancel").click();
    assertThat(ada.getByTestId("upload-progress")).hasCount(0);
    assertThat(ada.getByTestId("attachment-ready")).hasCount(0);
    // Resumed only once the browser has given the request up: resumed before its abort reached the route, it would go
    // on to the server as a network that was quicker than the Cancel would have let it (a CI run saw exactly that).
    ada.waitForCondition(() -> abandoned.get() >= held.size());
    for (com.microsoft.playwright.Route route : held) {
      try {
        route.resume(); // too late: the browser cancelled it
      } catch (com.microsoft.playwright.PlaywrightException cancelled) {
        // expected
      }
    }
    ada.unrouteAll();
    // The held request never reached the server; the next upload is answered after anything it could have done.
    ada.getByTestId("attach-input").setInputFiles(new com.microsoft.playwright.options.FilePayload("after.png", "image/png",
        app.homeroom.attachment.AttachmentsTest.png(16, 16)));
    assertThat(ada.getByTestId("attachment-ready")).containsText("after.png");
    ada.getByTestId("attachment-remove").click();
    assertEquals(before + 1, school.db.queryLong("select count(*) from attachments"));
    assertEquals(0, school.db.queryLong("select count(*) from attachments where file_name = 'slow.png'"));
    // A file of a type that could run in a browser is refused, with the reason.
    ada.getByTestId("attach-input").setInputFiles(new com.microsoft.playwright.options.FilePayload("notes.png", "image/png",
        "<html><script>alert(1)</script></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(ada.getByTestId("upload-error")).containsText("Only images");
    assertEquals(List.of(), pageErrors);
  }
}
