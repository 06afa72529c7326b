package app.homeroom.digest;

import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Text;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The digests' settings over REST (issue 31, point 1; docs/API.md), each change an audit entry:
 * <ul>
 *   <li>{@code GET|PUT /api/settings/notifications} {@code {digestsEnabled, digestDelayMinutes, pushEnabled?, quiet
 *       hours?}}: the school's default and delay, whether students may have Web Push (issue 31, point 3), and the quiet
 *       hours; staff only;</li>
 *   <li>{@code GET|PUT /api/me/preferences} {@code {emailDigests}}: the signed-in user's own choice (true, false, or
 *       null to follow the school's default).</li>
 * </ul>
 */
public final class DigestRoutes {

  private final Pool pool;
  private final boolean emailConfigured;

  public DigestRoutes(Pool pool, boolean emailConfigured) {
    this.pool = pool;
    this.emailConfigured = emailConfigured;
  }

  public void mount(Router router) {
    router.get("/api/settings/notifications").handler(ctx -> Json.respond(ctx, 200, c -> {
      staffOnly(Guard.identity(c));
      return pool.query(DigestSql.SETTINGS).execute().map(rows -> settings(rows.iterator().next()));
    }));
    router.put("/api/settings/notifications").handler(ctx -> Json.respond(ctx, 200, c -> {
      Identity actor = Guard.identity(c);
      staffOnly(actor);
      JsonObject body = Json.body(c);
      Object enabled = body.getValue("digestsEnabled");
      Object delay = body.getValue("digestDelayMinutes");
      if (!(enabled instanceof Boolean)) {
        throw ApiError.badRequest("'digestsEnabled' must be true or false");
      }
      if (!(delay instanceof Integer || delay instanceof Long) || ((Number) delay).longValue() < 0
          || ((Number) delay).longValue() > 1440) {
        throw ApiError.badRequest("'digestDelayMinutes' must be a whole number of minutes from 0 to 1440");
      }
      // Quiet hours (issue 31, point 2): each field as sent, else as it is.
      return pool.query(DigestSql.SETTINGS).execute().compose(rows -> {
        Row current = rows.iterator().next();
        QuietHours now = QuietHours.of(current);
        QuietHours quiet = new QuietHours(flag(body, "quietHoursEnabled", now.enabled()),
            time(body, "quietStart", now.start()), time(body, "quietEnd", now.end()),
            flag(body, "quietWeekends", now.weekends()), zone(body, now.zone()));
        return pool.preparedQuery(DigestSql.UPDATE_SETTINGS)
            .execute(Tuple.tuple().addValue(enabled).addValue(((Number) delay).intValue()).addValue(actor.userId())
                .addValue(quiet.enabled()).addValue(quiet.start()).addValue(quiet.end())
                .addValue(quiet.weekends()).addValue(quiet.zone().getId())
                .addValue(flag(body, "pushEnabled", current.getBoolean("push_enabled"))));
      }).map(rows -> settings(rows.iterator().next()));
    }));
    router.get("/api/me/preferences").handler(ctx -> Json.respond(ctx, 200, c -> preferences(
        pool.preparedQuery(DigestSql.PREFERENCES).execute(Tuple.of(Guard.identity(c).userId())).map(r -> r.iterator().next()))));
    router.put("/api/me/preferences").handler(ctx -> Json.respond(ctx, 200, c -> {
      JsonObject body = Json.body(c);
      if (!body.containsKey("emailDigests")) {
        throw ApiError.badRequest("'emailDigests' is required: true, false, or null for the school's default");
      }
      Object choice = body.getValue("emailDigests");
      if (choice != null && !(choice instanceof Boolean)) {
        throw ApiError.badRequest("'emailDigests' must be true, false, or null for the school's default");
      }
      return preferences(pool.preparedQuery(DigestSql.SET_PREFERENCES)
          .execute(Tuple.of(Guard.identity(c).userId(), choice)).map(r -> r.iterator().next()));
    }));
  }

  private static boolean flag(JsonObject body, String field, boolean otherwise) {
    Object v = body.getValue(field);
    if (v == null) {
      return otherwise;
    }
    if (!(v instanceof Boolean b)) {
      throw ApiError.badRequest("'" + field + "' must be true or false");
    }
    return b;
  }

  private static java.time.LocalTime time(JsonObject body, String field, java.time.LocalTime otherwise) {
    Object v = body.getValue(field);
    if (v == null) {
      return otherwise;
    }
    if (!(v instanceof String s) || !s.matches("([01][0-9]|2[0-3]):[0-5][0-9]")) {
      throw ApiError.badRequest("'" + field + "' must be a time of day as HH:MM (24-hour)");
    }
    return java.time.LocalTime.parse(s);
  }

  private static java.time.ZoneId zone(JsonObject body, java.time.ZoneId otherwise) {
    Object v = body.getValue("timeZone");
    if (v == null) {
      return otherwise;
    }
    if (!(v instanceof String s) || !java.time.ZoneId.getAvailableZoneIds().contains(s)) {
      throw ApiError.badRequest("'timeZone' must be a time zone name such as Europe/London");
    }
    return java.time.ZoneId.of(s);
  }

  private JsonObject settings(Row row) {
    return QuietHours.of(row).toJson(java.time.Instant.now())
        .put("digestsEnabled", row.getBoolean("digests_enabled"))
        .put("digestDelayMinutes", row.getInteger("digest_delay_minutes"))
        .put("pushEnabled", row.getBoolean("push_enabled"))
        .put("updatedAt", Text.iso(row.getOffsetDateTime("updated_at")))
        .put("updatedBy", row.getString("updated_by_name"))
        .put("emailConfigured", emailConfigured);
  }

  private Future<JsonObject> preferences(Future<Row> row) {
    return row.map(r -> {
      Boolean choice = r.getBoolean("email_digests");
      boolean school = r.getBoolean("digests_enabled");
      return QuietHours.of(r).toJson(java.time.Instant.now())
          .put("emailDigests", choice == null ? school : choice)
          .put("choice", choice)
          .put("schoolDefault", school)
          .put("digestDelayMinutes", r.getInteger("digest_delay_minutes"))
          .put("emailConfigured", emailConfigured);
    });
  }

  private static void staffOnly(Identity actor) {
    if (!actor.isAdmin()) {
      throw ApiError.forbidden("Only staff can see or change the school's settings");
    }
  }
}
