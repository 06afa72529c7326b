package app.homeroom.digest;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The school's quiet hours (issue 31, point 2): from {@code start} to {@code end} in the school's time zone (past
 * midnight when the end is earlier than the start), and all of Saturday and Sunday when {@code weekends}. The same
 * rule as the database's {@code school_quiet_at} (V20), which the digests use; this one answers the API's "quiet now,
 * until when".
 */
public record QuietHours(boolean enabled, LocalTime start, LocalTime end, boolean weekends, ZoneId zone) {

  /** How far ahead the end of quiet hours is looked for (a weekend plus a night). */
  private static final long LOOK_AHEAD_MINUTES = 4 * 24 * 60;

  static QuietHours of(Row row) {
    return new QuietHours(row.getBoolean("quiet_hours_enabled"), LocalTime.parse(row.getString("quiet_start")),
        LocalTime.parse(row.getString("quiet_end")), row.getBoolean("quiet_weekends"), ZoneId.of(row.getString("time_zone")));
  }

  /** Whether {@code t} is in quiet hours. */
  public boolean quietAt(Instant t) {
    if (!enabled) {
      return false;
    }
    ZonedDateTime local = t.atZone(zone);
    if (weekends && (local.getDayOfWeek() == DayOfWeek.SATURDAY || local.getDayOfWeek() == DayOfWeek.SUNDAY)) {
      return true;
    }
    LocalTime time = local.toLocalTime();
    return !start.isAfter(end)
        ? !time.isBefore(start) && time.isBefore(end)
        : !time.isBefore(start) || time.isBefore(end);
  }

  /** When the quiet hours that {@code t} is in end (null when {@code t} is not in them). */
  public Instant endsAfter(Instant t) {
    if (!quietAt(t)) {
      return null;
    }
    Instant minute = t.truncatedTo(ChronoUnit.MINUTES);
    for (long i = 1; i <= LOOK_AHEAD_MINUTES; i++) {
      Instant next = minute.plus(i, ChronoUnit.MINUTES);
      if (!quietAt(next)) {
        return next;
      }
    }
    return null; // quiet for days on end (a start equal to the end with weekends): no end in sight
  }

  /** As the API shows them, with whether it is quiet at {@code now} and until when. */
  JsonObject toJson(Instant now) {
    Instant until = endsAfter(now);
    return new JsonObject()
        .put("quietHoursEnabled", enabled)
        .put("quietStart", start.toString())
        .put("quietEnd", end.toString())
        .put("quietWeekends", weekends)
        .put("timeZone", zone.getId())
        .put("quietNow", until != null || quietAt(now))
        .put("quietUntil", until == null ? null : until.toString());
  }
}
