package app.homeroom.browser;

import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Issue 31, point 3, the browser's half: the student turns pushes on from their menu, which registers the service
 * worker ({@code /sw.js}, scope {@code /}); a push delivered to that worker (through DevTools, as a push service would)
 * shows a system notification with the push's title and text. What the server sends is {@code push.WebPushTest}'s.
 */
class WebPushBrowserTest extends BrowserTestBase {

  @Test
  @DisplayName("Issue 31.3: the student's opt-in registers the service worker; a push to it shows the notification (title,"
      + " text as text), and a newer push of the same conversation replaces it")
  void the_service_worker_registers_and_shows_pushes() {
    BrowserContext context = newContext(new com.microsoft.playwright.Browser.NewContextOptions()
        .setViewportSize(DESKTOP_WIDTH, DESKTOP_HEIGHT).setBypassCSP(true)); // CSP bypassed for the axe scan only
    context.grantPermissions(List.of("notifications"));
    Page sam = signIn(context, STUDENT_EMAIL, "live");
    sam.getByTestId("current-user").click();
    Locator item = sam.getByTestId("push-notifications");
    assertThat(item).hasAttribute("aria-checked", "false");
    assertThat(item).containsText("Notify me when Homeroom is closed");
    item.click();
    String worker = (String) sam.evaluate("async () => { const r = await navigator.serviceWorker.ready;"
        + " return r.active.scriptURL + ' ' + r.scope; }");
    assertEquals(base + "/sw.js " + base + "/", worker);
    // Headless Chromium here cannot reach its push service (no internet): then the menu says so; with one, it is on.
    sam.waitForCondition(() -> "true".equals(item.getAttribute("aria-checked")) || sam.getByTestId("push-message").count() > 0);
    System.out.println("push opt-in: " + item.getAttribute("aria-checked") + " "
        + (sam.getByTestId("push-message").count() > 0 ? sam.getByTestId("push-message").textContent() : ""));
    if ("true".equals(item.getAttribute("aria-checked"))) {
      assertEquals(1L, school.pupil.get("/api/push").json().getLong("subscriptions"));
    } else {
      assertThat(sam.getByTestId("push-message")).containsText("could not sign up for notifications");
      assertEquals(0L, school.pupil.get("/api/push").json().getLong("subscriptions"));
    }
    AccessibilityBrowserTest.assertNoSeriousViolations(sam, "account menu with Web Push");
    Browsers.screenshot(sam, "student-push-choice");

    CDPSession devtools = context.newCDPSession(sam);
    AtomicReference<String> registration = new AtomicReference<>();
    devtools.on("ServiceWorker.workerRegistrationUpdated", event -> event.getAsJsonArray("registrations").forEach(r -> {
      JsonObject reg = r.getAsJsonObject();
      if (reg.get("scopeURL").getAsString().equals(base + "/") && !reg.get("isDeleted").getAsBoolean()) {
        registration.set(reg.get("registrationId").getAsString());
      }
    }));
    devtools.send("ServiceWorker.enable");
    sam.waitForCondition(() -> registration.get() != null);

    push(devtools, base, registration.get(), new io.vertx.core.json.JsonObject().put("title", "Ada Admin")
        .put("body", "Bring <b>£5</b> & a packed lunch.").put("tag", "homeroom-conversation-7").put("url", "/student")
        .put("conversationId", 7).put("seq", 3).put("count", 1).encode());
    List<Map<String, Object>> shown = notifications(sam, 1);
    assertEquals("Ada Admin", shown.get(0).get("title"));
    assertEquals("Bring <b>£5</b> & a packed lunch.", shown.get(0).get("body"), "as text");
    assertEquals("homeroom-conversation-7", shown.get(0).get("tag"));
    assertEquals("/student", shown.get(0).get("url"));

    // A newer push of the same conversation replaces it (a malformed push is the node test's: web-push.test.mjs).
    push(devtools, base, registration.get(), new io.vertx.core.json.JsonObject().put("title", "2 new messages")
        .put("body", "Ada Admin: and the bus leaves at 8:15.").put("tag", "homeroom-conversation-7").put("url", "/student")
        .encode());
    sam.waitForCondition(() -> List.of("2 new messages").equals(sam.evaluate("async () => (await (await"
        + " navigator.serviceWorker.ready).getNotifications()).map((n) => n.title)")));
  }

  /** Delivers {@code data} to the worker as its push service would. */
  static void push(CDPSession devtools, String origin, String registrationId, String data) {
    JsonObject args = new JsonObject();
    args.addProperty("origin", origin);
    args.addProperty("registrationId", registrationId);
    args.addProperty("data", data);
    devtools.send("ServiceWorker.deliverPushMessage", args);
  }

  /** The worker's notifications once there are {@code count}: title, body, tag and the URL a click opens. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> notifications(Page page, int count) {
    page.waitForCondition(() -> ((Number) page.evaluate("async () => (await (await navigator.serviceWorker.ready)"
        + ".getNotifications()).length")).intValue() == count);
    return (List<Map<String, Object>>) page.evaluate("async () => (await (await navigator.serviceWorker.ready)"
        + ".getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url }))");
  }
}
