package app.homeroom.digest;

import app.homeroom.support.TestEnv;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 31, point 2: the quiet-hours rule, in Java and in the database (the digests use that one), alike. */
class QuietHoursTest {

  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final QuietHours NIGHTS = new QuietHours(true, LocalTime.of(21, 0), LocalTime.of(7, 0), false, LONDON);
  static final QuietHours NIGHTS_AND_WEEKENDS = new QuietHours(true, LocalTime.of(21, 0), LocalTime.of(7, 0), true, LONDON);

  @Test
  @DisplayName("Issue 31.2: nights past midnight in the school's time zone, weekends when asked, and when they end")
  void the_rule() {
    // Wednesday 2026-07-01, London on summer time (UTC+1).
    assertTrue(NIGHTS.quietAt(Instant.parse("2026-07-01T20:30:00Z")), "21:30 London");
    assertFalse(NIGHTS.quietAt(Instant.parse("2026-07-01T19:59:00Z")), "20:59 London");
    assertTrue(NIGHTS.quietAt(Instant.parse("2026-07-02T05:59:00Z")), "06:59 London");
    assertFalse(NIGHTS.quietAt(Instant.parse("2026-07-02T06:00:00Z")), "07:00 London");
    assertEquals(Instant.parse("2026-07-02T06:00:00Z"), NIGHTS.endsAfter(Instant.parse("2026-07-01T22:17:31Z")));
    assertNull(NIGHTS.endsAfter(Instant.parse("2026-07-01T12:00:00Z")));
    // Saturday noon: quiet only with weekends; Friday night runs on to Monday 07:00.
    assertFalse(NIGHTS.quietAt(Instant.parse("2026-07-04T11:00:00Z")));
    assertTrue(NIGHTS_AND_WEEKENDS.quietAt(Instant.parse("2026-07-04T11:00:00Z")));
    assertEquals(Instant.parse("2026-07-06T06:00:00Z"), NIGHTS_AND_WEEKENDS.endsAfter(Instant.parse("2026-07-03T21:00:00Z")));
    // A daytime window, and switched off.
    QuietHours lunch = new QuietHours(true, LocalTime.of(12, 0), LocalTime.of(13, 0), false, ZoneId.of("UTC"));
    assertTrue(lunch.quietAt(Instant.parse("2026-07-01T12:30:00Z")));
    assertFalse(lunch.quietAt(Instant.parse("2026-07-01T13:00:00Z")));
    assertFalse(new QuietHours(false, LocalTime.of(0, 0), LocalTime.of(23, 59), true, LONDON)
        .quietAt(Instant.parse("2026-07-04T11:00:00Z")));
  }

  @Test
  @DisplayName("Issue 31.2: the database's school_quiet_at agrees with the Java rule every 15 minutes of a week, winter"
      + " and summer")
  void the_database_agrees() {
    var db = TestEnv.db();
    try {
      for (QuietHours q : List.of(NIGHTS, NIGHTS_AND_WEEKENDS)) {
        db.exec("update school_settings set quiet_hours_enabled = ?, quiet_start = ?::time, quiet_end = ?::time,"
            + " quiet_weekends = ?, time_zone = ?", q.enabled(), q.start().toString(), q.end().toString(), q.weekends(),
            q.zone().getId());
        for (String from : List.of("2026-01-05T00:00:00Z", "2026-07-06T00:00:00Z")) {
          List<String> sql = db.queryStrings("select school_quiet_at(t)::text from generate_series(?::timestamptz,"
              + " ?::timestamptz + interval '7 days' - interval '1 second', interval '15 minutes') t", from, from);
          List<String> java = new ArrayList<>();
          for (Instant t = Instant.parse(from); t.isBefore(Instant.parse(from).plusSeconds(7 * 86400)); t = t.plusSeconds(900)) {
            java.add(Boolean.toString(q.quietAt(t)));
          }
          assertEquals(java, sql, "from " + from + " with weekends " + q.weekends());
        }
      }
    } finally {
      db.exec("update school_settings set quiet_hours_enabled = false, quiet_start = '21:00', quiet_end = '07:00',"
          + " quiet_weekends = false, time_zone = 'UTC'");
    }
  }
}
