package app.homeroom.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Timestamps in the browser (R6.1): each message shows its time in the viewer's time zone (the browser context's
 * zone, set per test), the full date and time on hover and on keyboard focus (a focusable {@code <time>} whose full
 * label is its text for screen readers and a tooltip), and day separators by the viewer's calendar days: "Today",
 * "Yesterday", otherwise the weekday and date. The browser's clock is moved forward to see older days.
 */
@DisplayName("Message timestamps and day separators in the viewer's time zone")
class TimestampsBrowserTest extends BrowserTestBase {

  static final DateTimeFormatter HOURS_MINUTES = DateTimeFormatter.ofPattern("HH:mm");

  long samConversation;

  @BeforeEach
  void twoMessages() {
    samConversation = school.openConversation(school.student);
    say(school.staff, samConversation, "The museum opens at nine.");
    say(school.pupil, samConversation, "Great, see you there.");
  }

  BrowserContext viewer(String zone, Instant clock) {
    BrowserContext context = newContext(new Browser.NewContextOptions().setViewportSize(DESKTOP_WIDTH, DESKTOP_HEIGHT)
        .setTimezoneId(zone).setLocale("en-GB"));
    if (clock != null) {
      context.clock().setSystemTime(clock.toEpochMilli());
    }
    return context;
  }

  static Locator time(Page page, long seq) {
    return page.locator("[data-testid=message][data-seq='" + seq + "'] [data-testid=message-time]");
  }

  /** The time as shown (the full date and time is the element's other part: the tooltip). */
  static Locator shown(Page page, long seq) {
    return time(page, seq).getByTestId("time-short");
  }

  static Instant instantOf(Page page, long seq) {
    return Instant.parse(time(page, seq).getAttribute("datetime"));
  }

  static double tooltipWidth(Page page, long seq) {
    BoundingBox box = time(page, seq).getByTestId("time-full").boundingBox();
    return box == null ? 0 : box.width;
  }

  @Test
  @DisplayName("R6.1: times are shown in the viewer's time zone; a day later the separator says \"Yesterday\", days"
      + " later the weekday and date; the full date and time shows on keyboard focus and on hover")
  void times_and_days_follow_the_viewers_time_zone() {
    // Kiritimati is UTC+14, Pago Pago UTC-11: the same instant is 25 hours apart on their clocks.
    Instant sent = Instant.now();
    Page ada = signIn(viewer("Pacific/Kiritimati", sent.plus(Duration.ofDays(1))), ADMIN_EMAIL, "live");
    row(ada, school.student).click();
    assertThat(message(ada, 2)).hasText("Great, see you there.");
    Instant first = instantOf(ada, 1);
    assertTrue(Duration.between(sent, first).abs().toMinutes() < 5, "the stored instant");
    ZoneId kiritimati = ZoneId.of("Pacific/Kiritimati");
    assertThat(shown(ada, 1)).hasText(HOURS_MINUTES.format(first.atZone(kiritimati)));
    // One Tab stop for all the times (issue 27, point 6): the newest's; the others are reached with the arrows.
    assertThat(time(ada, 2)).hasAttribute("tabindex", "0");
    assertThat(time(ada, 1)).hasAttribute("tabindex", "-1");
    Locator separators = ada.getByTestId("day-separator");
    // One calendar day after the messages (Kiritimati has no daylight saving): "Yesterday".
    assertThat(separators).hasText(new String[] {"Yesterday"});
    assertThat(separators.first()).hasAttribute("data-day", first.atZone(kiritimati).toLocalDate().toString());

    // Keyboard: from the history, Tab reaches the newest time, ArrowUp the one before; its full date and time shows
    // and is its text. Tab again leaves the timeline (no stop at every message).
    assertEquals(0, tooltipWidth(ada, 1), 1, "hidden until hovered or focused");
    ada.getByTestId("history").focus();
    ada.keyboard().press("Tab");
    assertThat(time(ada, 2)).isFocused();
    ada.keyboard().press("ArrowUp");
    assertThat(time(ada, 1)).isFocused();
    assertThat(time(ada, 1)).hasAttribute("tabindex", "0");
    assertThat(time(ada, 2)).hasAttribute("tabindex", "-1");
    Locator full = time(ada, 1).getByTestId("time-full");
    String expectedFull = first.atZone(kiritimati).format(DateTimeFormatter.ofPattern("EEEE, d MMMM yyyy", Locale.UK));
    assertThat(full).containsText(expectedFull);
    assertThat(full).containsText(DateTimeFormatter.ofPattern("HH:mm:ss").format(first.atZone(kiritimati)));
    assertTrue(tooltipWidth(ada, 1) > 100, "the tooltip shows on keyboard focus");
    Browsers.screenshot(ada, "timestamps-tooltip-focus");
    ada.keyboard().press("Tab");
    assertThat(time(ada, 1)).not().isFocused();
    assertThat(time(ada, 2)).not().isFocused();
    // Mouse: hovering the other time shows its tooltip.
    time(ada, 2).hover();
    assertTrue(tooltipWidth(ada, 2) > 100, "the tooltip shows on hover");

    // The student in Pago Pago, with the real clock: the same messages, their own hours, "Today" (or "Yesterday"
    // if their midnight passed since).
    Page sam = studentChat(signIn(viewer("Pacific/Pago_Pago", null), STUDENT_EMAIL, "live"));
    assertThat(message(sam, 2)).hasText("Great, see you there.");
    ZoneId pagoPago = ZoneId.of("Pacific/Pago_Pago");
    String samSees = HOURS_MINUTES.format(first.atZone(pagoPago));
    assertThat(shown(sam, 1)).hasText(samSees);
    assertNotEquals(HOURS_MINUTES.format(first.atZone(kiritimati)), samSees, "25 hours apart");
    boolean sameDay = first.atZone(pagoPago).toLocalDate().equals(LocalDate.now(pagoPago));
    assertThat(sam.getByTestId("day-separator")).hasText(new String[] {sameDay ? "Today" : "Yesterday"});

    // Three days on, in UTC: the weekday and the date (and the year, if another).
    Page later = signIn(viewer("UTC", sent.plus(Duration.ofDays(3))), ADMIN_EMAIL, "live");
    row(later, school.student).click();
    assertThat(message(later, 2)).isVisible();
    LocalDate day = first.atZone(ZoneId.of("UTC")).toLocalDate();
    boolean sameYear = day.getYear() == sent.plus(Duration.ofDays(3)).atZone(ZoneId.of("UTC")).getYear();
    String label = day.format(DateTimeFormatter.ofPattern(sameYear ? "EEEE d MMMM" : "EEEE, d MMMM yyyy", Locale.UK));
    assertThat(later.getByTestId("day-separator")).hasText(new String[] {label});
    assertEquals(List.of(), pageErrors);
    assertEquals(List.of(), consoleErrors);
  }
}
