package app.homeroom.browser;

import app.homeroom.support.Await;
import app.homeroom.support.TestDb;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Predicate;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7, resilient connections, in Chromium (R1.4, R2.5, R5.3): the WebSocket refused (SockJS's HTTP transports
 * carry the chat), the bridge unreachable altogether (REST sends, polling receives, back to live by itself), and
 * the outbox keeping a message written offline across a reload until it is delivered, once.
 *
 * <p>Each mode's connection pill is saved as a screenshot ({@code target/screenshots/resilience-*.png}).
 */
@DisplayName("Resilient connections in the browser")
class ResilienceBrowserTest extends BrowserTestBase {

  /** Every SockJS URL (info, WebSocket, xhr, xhr_streaming, eventsource…) is under /eventbus/. */
  static final Predicate<String> BRIDGE = url -> url.contains("/eventbus/");
  /** The send endpoint: POST /api/conversations/:id/messages. */
  static final Predicate<String> MESSAGES = url -> url.matches(".*/api/conversations/\\d+/messages(\\?.*)?$");

  TestDb db;
  long studentId;
  long conversationId;

  @BeforeEach
  void conversation() {
    db = school.db;
    studentId = school.student;
    conversationId = school.openConversation(studentId);
  }

  @Test
  @DisplayName("R1.4: with the WebSocket refused, both sides still talk live over SockJS's HTTP streaming, and the"
      + " pill says so")
  void without_websocket_the_chat_runs_over_http_streaming() {
    // A proxy that refuses WebSocket upgrades: every WebSocket to the bridge is closed before it opens.
    BrowserContext adminContext = newContext();
    adminContext.routeWebSocket(BRIDGE, ws -> ws.close());
    BrowserContext studentContext = newContext();
    studentContext.routeWebSocket(BRIDGE, ws -> ws.close());

    Page admin = signIn(adminContext, ADMIN_EMAIL, "live");
    Page student = studentChat(signIn(studentContext, STUDENT_EMAIL, "live"));
    for (Page page : List.of(admin, student)) {
      Locator pill = page.getByTestId("connection-status");
      assertThat(pill).hasAttribute("data-mode", "http-streaming");
      assertThat(pill.getByTestId("connection-label")).hasText("Live (HTTP streaming)");
      assertThat(pill).hasAttribute("role", "status");
      assertThat(page.getByTestId("retry-now")).isVisible(); // "try the WebSocket again"
    }
    shot(admin, "resilience-http-streaming");

    row(admin, studentId).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    send(admin, "Hello over HTTP streaming");
    assertThat(message(admin, 1)).hasText("Hello over HTTP streaming");
    assertThat(message(student, 1)).hasText("Hello over HTTP streaming");
    send(student, "Reply over HTTP streaming");
    assertThat(message(student, 2)).hasText("Reply over HTTP streaming");
    assertThat(message(admin, 2)).hasText("Reply over HTTP streaming");
    assertThat(admin.getByTestId("message")).hasCount(2);
    assertThat(student.getByTestId("message")).hasCount(2);

    // The retry control tries the WebSocket again; it is still refused, so the chat stays on HTTP, live.
    admin.getByTestId("retry-now").click();
    assertThat(admin.getByTestId("connection-status")).hasAttribute("data-mode", "http-streaming");
    send(admin, "Still here");
    assertThat(message(student, 3)).hasText("Still here");

    assertEquals(3, db.queryLong("select count(*) from messages where conversation_id = ?", conversationId));

    // On a phone the pill's text is shorter; the retry control stays.
    student.setViewportSize(PHONE_WIDTH, PHONE_HEIGHT);
    assertThat(student.getByTestId("connection-status")).isVisible();
    assertThat(student.getByTestId("retry-now")).isVisible();
    shot(student, "resilience-http-streaming-phone");
    assertEquals(List.of(), pageErrors, "no uncaught errors in either page");
  }

  @Test
  @DisplayName("R1.4: with the bridge unreachable, the student sends over REST and receives by polling ('HTTP only'),"
      + " and returns to live by itself once it is back")
  void with_the_bridge_unreachable_rest_and_polling_carry_the_chat() {
    BrowserContext studentContext = newContext();
    studentContext.route(BRIDGE, route -> route.abort());
    Page admin = signIn(ADMIN_EMAIL);
    Page student = studentChat(signIn(studentContext, STUDENT_EMAIL, null));

    Locator pill = student.getByTestId("connection-status");
    assertThat(pill).hasAttribute("data-mode", "http-only");
    assertThat(pill.getByTestId("connection-label")).hasText("HTTP only");
    assertThat(student.getByTestId("retry-now")).isVisible();
    assertThat(student.getByTestId("http-fallback")).isVisible();
    shot(student, "resilience-http-only");

    row(admin, studentId).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    send(admin, "Can you see this without the live channel?");
    // Only polling can bring it: the student's page has no live connection at all.
    assertThat(message(student, 1)).hasText("Can you see this without the live channel?");
    send(student, "Yes, by polling");
    assertThat(message(student, 2)).hasText("Yes, by polling");
    assertThat(message(admin, 2)).hasText("Yes, by polling");
    assertThat(student.getByTestId("message")).hasCount(2);
    assertThat(admin.getByTestId("message")).hasCount(2);
    assertEquals(2, db.queryLong("select count(*) from messages where conversation_id = ?", conversationId));

    // The bridge is back: the client finds it by itself (backoff with jitter, capped at 30 s), no click.
    studentContext.unroute(BRIDGE);
    assertThat(pill).hasAttribute("data-mode", "websocket", new LocatorAssertions.HasAttributeOptions().setTimeout(45_000));
    assertThat(pill.getByTestId("connection-label")).hasText("Live (WebSocket)");
    assertThat(student.getByTestId("retry-now")).hasCount(0);
    shot(student, "resilience-websocket");
    send(admin, "Live again");
    assertThat(message(student, 3)).hasText("Live again");
    assertThat(student.getByTestId("message")).hasCount(3);
    assertEquals(List.of(), pageErrors, "no uncaught errors in either page");
  }

  @Test
  @DisplayName("R5.3: a message written offline waits in the outbox, survives a reload, and is delivered once when the"
      + " server can be reached; signing out forgets the outbox")
  void the_outbox_survives_a_reload_and_delivers_once() {
    Page admin = signIn(ADMIN_EMAIL);
    row(admin, studentId).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");
    BrowserContext studentContext = newContext();
    Page student = studentChat(signIn(studentContext, STUDENT_EMAIL, "live"));

    // Offline: the message is kept and shown as waiting, not lost and not failed.
    studentContext.setOffline(true);
    assertThat(student.getByTestId("connection-status")).hasAttribute("data-mode", "offline");
    String body = "Written on the bus with no signal";
    send(student, body);
    Locator pending = student.locator("[data-testid=message][data-pending=true]");
    assertThat(pending).hasCount(1);
    assertThat(pending.getByTestId("message-body")).hasText(body);
    assertThat(pending.getByTestId("message-status")).hasAttribute("data-status", "waiting");
    shot(student, "resilience-offline-waiting");

    // Back online but the server still unreachable for sends (bridge and the send endpoint refused): reload.
    studentContext.route(BRIDGE, route -> route.abort());
    studentContext.route(MESSAGES, route -> {
      if ("POST".equals(route.request().method())) {
        route.abort();
      } else {
        route.resume();
      }
    });
    studentContext.setOffline(false);
    student.reload();
    studentChat(student);
    assertThat(pending).hasCount(1);
    assertThat(pending.getByTestId("message-body")).hasText(body);
    assertThat(pending.getByTestId("message-status")).hasAttribute("data-status", "waiting");
    assertTrue(outboxKeys(student) > 0, "kept in the browser's storage");
    assertEquals(0, db.queryLong("select count(*) from messages where conversation_id = ?", conversationId));
    assertThat(admin.getByTestId("message")).hasCount(0);
    shot(student, "resilience-reloaded-waiting");

    // The server is reachable again: the outbox sends it by itself, once.
    studentContext.unroute(MESSAGES);
    studentContext.unroute(BRIDGE);
    assertThat(message(student, 1)).hasText(body);
    assertThat(pending).hasCount(0);
    assertThat(message(admin, 1)).hasText(body);
    assertThat(admin.getByTestId("message")).hasCount(1);
    assertThat(student.getByTestId("message")).hasCount(1);
    assertEquals(1, db.queryLong("select count(*) from messages where conversation_id = ? and body = ?",
        conversationId, body), "stored exactly once");
    assertEquals(0, outboxKeys(student), "gone from storage once stored");
    student.reload();
    studentChat(student);
    assertThat(message(student, 1)).hasText(body);
    assertThat(student.getByTestId("message")).hasCount(1);

    // A message the server refuses is "not sent", with Retry and Discard; discarding forgets it.
    studentContext.route(BRIDGE, route -> route.abort());
    studentContext.route(MESSAGES, route -> {
      if ("POST".equals(route.request().method())) {
        route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setStatus(403)
            .setContentType("application/json")
            .setBody("{\"error\":{\"code\":\"forbidden\",\"message\":\"Not allowed here\"}}"));
      } else {
        route.resume();
      }
    });
    student.reload();
    studentChat(student);
    send(student, "Refused one");
    assertThat(pending.getByTestId("message-status")).hasAttribute("data-status", "failed");
    assertThat(pending.getByTestId("message-status")).containsText("Not allowed here");
    assertThat(pending.getByTestId("message-retry")).isVisible();
    shot(student, "resilience-refused");
    pending.getByTestId("message-discard").click();
    assertThat(pending).hasCount(0);
    assertEquals(0, outboxKeys(student));

    // Sign-out on a shared computer leaves nothing behind.
    studentContext.route(MESSAGES, route -> {
      if ("POST".equals(route.request().method())) {
        route.abort();
      } else {
        route.resume();
      }
    });
    send(student, "Left behind?");
    assertThat(pending.getByTestId("message-status")).hasAttribute("data-status", "waiting");
    assertTrue(outboxKeys(student) > 0);
    student.getByTestId("logout").click();
    assertThat(student.getByTestId("login-email")).isVisible();
    assertEquals(0, outboxKeys(student), "signing out forgets the outbox");
    assertEquals(1, db.queryLong("select count(*) from messages where conversation_id = ?", conversationId));
    assertEquals(List.of(), pageErrors, "no uncaught errors in either page");
  }

  @Test
  @DisplayName("R5.3: an admin's message waiting for one student is delivered once the server is back, even after"
      + " the admin opened another student")
  void a_waiting_message_goes_after_switching_conversations() {
    BrowserContext adminContext = newContext();
    Page admin = signIn(adminContext, ADMIN_EMAIL, "live");
    Page student = studentChat(signIn(STUDENT_EMAIL));
    row(admin, studentId).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Sam Student");

    adminContext.route(BRIDGE, route -> route.abort());
    adminContext.route(MESSAGES, route -> {
      if ("POST".equals(route.request().method())) {
        route.abort();
      } else {
        route.resume();
      }
    });
    admin.evaluate("() => window.dispatchEvent(new Event('offline'))"); // the live socket is dropped at once
    String body = "Sam, see me after class";
    send(admin, body);
    Locator pending = admin.locator("[data-testid=message][data-pending=true]");
    assertThat(pending.getByTestId("message-status")).hasAttribute("data-status", "waiting");

    row(admin, school.otherStudent).click();
    assertThat(admin.getByTestId("chat-title")).hasText("Olga Other");
    adminContext.unroute(MESSAGES);
    adminContext.unroute(BRIDGE);

    assertThat(message(student, 1)).hasText(body);
    assertEquals(1, db.queryLong("select count(*) from messages where conversation_id = ? and body = ?",
        conversationId, body), "stored exactly once");
    assertThat(student.getByTestId("message")).hasCount(1);
    assertEquals(0, outboxKeys(admin), "gone from the admin's outbox");
    row(admin, studentId).click();
    assertThat(message(admin, 1)).hasText(body);
    assertThat(admin.getByTestId("message")).hasCount(1);
    assertEquals(List.of(), pageErrors, "no uncaught errors in either page");
  }

  /**
   * Counts, in each page, the WebSockets it opens and the rate-limit answers that reach it over them (SockJS's
   * frames carry the bridge's {@code err} frames as text).
   */
  static final String SOCKET_WATCH = """
      (() => {
        const Native = window.WebSocket;
        window.__sockets = 0;
        window.__refusals = 0;
        window.__closedForAbuse = 0;
        window.WebSocket = class extends Native {
          constructor(...args) {
            super(...args);
            window.__sockets += 1;
            this.addEventListener('message', (e) => {
              const text = String(e.data);
              window.__refusals += (text.match(/too_many_requests/g) || []).length;
              window.__closedForAbuse += (text.match(/closed_for_abuse/g) || []).length;
            });
          }
        };
      })();""";

  @Test
  @DisplayName("Issue 24.12 and 24.2: 200 messages left in the outbox by a long offline spell arrive complete, in order"
      + " and once, at the pace of the student's send budget; the live socket is refused a few times and never"
      + " closed for abuse")
  void a_long_outbox_keeps_to_the_send_budget() throws InterruptedException {
    BrowserContext context = newContext();
    context.addInitScript(SOCKET_WATCH);
    Page student = studentChat(signIn(context, STUDENT_EMAIL, "live"));
    int queued = 200;
    // What a previous page left after an afternoon offline (seeded as the outbox stores it, not typed 200 times).
    student.evaluate("([key, n]) => {"
        + " const start = Date.now() - 3_600_000;"
        + " localStorage.setItem(key, JSON.stringify(Array.from({ length: n }, (_, i) => ({"
        + "   clientMsgId: crypto.randomUUID(), body: `Written offline ${i + 1}`, needsAck: false, attachment: null,"
        + "   createdAt: new Date(start + i * 1000).toISOString(), failed: false, error: null, errorCode: null }))));"
        + "}", List.of("homeroom.outbox.v1." + studentId + "." + conversationId, queued));
    long started = System.nanoTime();
    student.reload();
    studentChat(student);
    Await.until(() -> db.queryLong("select count(*) from messages where conversation_id = ?", conversationId) >= 80,
        60_000, "the first 80 stored");
    // Mid-flush, on a live connection: the rest say they wait their turn, not that the server cannot be reached.
    assertThat(student.locator("[data-testid=message-status][data-status=queued]").first()).isVisible();
    assertEquals(0, student.locator("[data-testid=message-status][data-status=waiting]").count(), "none 'waiting'");
    shot(student, "resilience-outbox-queued");
    Await.until(() -> db.queryLong("select count(*) from messages where conversation_id = ?", conversationId) >= queued,
        60_000, "all " + queued + " stored");
    double seconds = (System.nanoTime() - started) / 1e9;

    List<String> expected = java.util.stream.IntStream.rangeClosed(1, queued).mapToObj(i -> "Written offline " + i).toList();
    assertEquals(expected, db.queryStrings("select body from messages where conversation_id = ? order by seq", conversationId),
        "complete, in order, once");
    assertThat(student.locator("[data-testid=message][data-pending=true]")).hasCount(0);
    Await.until(() -> outboxKeys(student) == 0, 5_000, "the outbox is empty");
    long sockets = ((Number) student.evaluate("() => window.__sockets")).longValue();
    long refusals = ((Number) student.evaluate("() => window.__refusals")).longValue();
    long closed = ((Number) student.evaluate("() => window.__closedForAbuse")).longValue();
    System.out.printf("[ResilienceBrowserTest] %d queued messages stored in %.1f s over %d socket(s), refused %d times%n",
        queued, seconds, sockets, refusals);
    assertEquals(0, closed, "never closed for abuse");
    assertEquals(1, sockets, "one live socket throughout: it was never closed");
    // Paced by the refusal's tokenEvery it settles after one; a second is the browser's timers running late.
    assertTrue(refusals >= 1 && refusals <= 2, "refused " + refusals + " times: once or twice, not up to the 10 that close a socket");
    assertThat(student.getByTestId("connection-status")).hasAttribute("data-state", "live");
    assertEquals(List.of(), pageErrors);
  }

  static void send(Page page, String body) {
    page.getByTestId("composer").fill(body);
    page.getByTestId("composer").press("Enter");
  }

  static long outboxKeys(Page page) {
    Object n = page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('homeroom.outbox.')).length");
    return ((Number) n).longValue();
  }

  /** The whole page and the pill alone; copied to {@code homeroom.shots} when that property names a folder. */
  static void shot(Page page, String name) {
    Path full = Browsers.screenshot(page, name);
    Path pill = full.resolveSibling(name + "-pill.png");
    page.locator("hr-connection-status").screenshot(new Locator.ScreenshotOptions().setPath(pill));
    String extra = System.getProperty("homeroom.shots");
    if (extra == null || extra.isBlank()) {
      return;
    }
    try {
      Path dir = Files.createDirectories(Path.of(extra));
      Files.copy(full, dir.resolve(full.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(pill, dir.resolve(pill.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
