package app.homeroom.people;

import app.homeroom.account.PasswordLinks;
import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sign-in slips for a class (issue 25, point 3b): one per student with their name, class, roll ID, the address and a
 * one-time sign-up link, written out and as a QR code, for a teacher to print and hand out. Making them issues those
 * links (each student's older unused link is retired, as when one is copied), in one transaction with an audit entry
 * each; the page only lays them out for printing.
 */
public final class SignInSlips {

  /** A class larger than this is refused rather than printed half. */
  public static final int MAX_SLIPS = 1_000;

  private final Vertx vertx;
  private final Pool pool;

  public SignInSlips(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /**
   * Slips for class {@code className}: students who have not set a password, and with {@code includeActive} also those
   * who have (a reset link). {@code origin}: the address people reach Homeroom at. Answers {@code {origin, className,
   * slips: [{id, name, rollId, className, purpose, url, expiresAt, qr: {size, path}}]}}.
   */
  public Future<JsonObject> make(Identity actor, String className, boolean includeActive, String origin) {
    PeopleService.requireStaff(actor);
    String cls = PersonFields.className(className);
    if (cls == null) {
      throw ApiError.badRequest("Name the class: 'className'");
    }
    return pool.withTransaction(conn -> conn.preparedQuery(PeopleSql.SLIP_STUDENTS)
            .execute(Tuple.of(cls, includeActive, MAX_SLIPS + 1))
            .compose(rows -> {
              if (rows.size() > MAX_SLIPS) {
                return Future.failedFuture(ApiError.unprocessable("Class " + cls + " has more than " + MAX_SLIPS
                    + " students to print for"));
              }
              List<Row> students = new ArrayList<>();
              rows.forEach(students::add);
              Map<Long, PasswordLinks.Issued> links = new HashMap<>();
              students.forEach(s -> links.put(s.getLong("id"), PasswordLinks.issue()));
              if (students.isEmpty()) {
                return Future.succeededFuture(new Slips(students, links, Map.of()));
              }
              return conn.preparedQuery(PeopleSql.ISSUE_LINKS).execute(Tuple.of(
                      students.stream().map(s -> s.getLong("id")).toArray(Long[]::new),
                      students.stream().map(s -> Buffer.buffer(links.get(s.getLong("id")).hash())).toArray(Buffer[]::new),
                      students.stream().map(s -> s.getString("purpose")).toArray(String[]::new),
                      actor.userId(), (double) PasswordLinks.LIFETIME.toSeconds()))
                  .map(issued -> {
                    Map<Long, String> expires = new HashMap<>();
                    issued.forEach(r -> expires.put(r.getLong("user_id"), Text.iso(r.getOffsetDateTime("expires_at"))));
                    return new Slips(students, links, expires);
                  });
            }))
        // QR codes are CPU work: a worker draws them, off the event loop.
        .compose(slips -> vertx.executeBlocking(() -> slips.toJson(origin, cls), false));
  }

  private record Slips(List<Row> students, Map<Long, PasswordLinks.Issued> links, Map<Long, String> expires) {
    JsonObject toJson(String origin, String className) {
      JsonArray out = new JsonArray();
      for (Row s : students) {
        long id = s.getLong("id");
        String url = origin + links.get(id).path();
        out.add(new JsonObject().put("id", id).put("name", s.getString("name")).put("rollId", s.getString("roll_id"))
            .put("className", s.getString("class_name")).put("purpose", s.getString("purpose")).put("url", url)
            .put("expiresAt", expires.get(id)).put("qr", QrCode.of(url)));
      }
      return new JsonObject().put("origin", origin).put("className", className).put("slips", out);
    }
  }
}
