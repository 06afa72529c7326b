package app.homeroom.people;

import app.homeroom.account.PasswordLinks;
import app.homeroom.account.Passwords;
import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The people of a school (issue 25, point 1): students and staff in one table, added, edited, disabled and enabled
 * by staff, each new account invited with a one-time sign-up link ({@link PasswordLinks}) rather than a password in
 * JSON. Every change writes its audit entry in the same statement ({@link PeopleSql}). Staff only.
 */
public final class PeopleService {

  /** The statuses the table filters by. */
  public static final Set<String> STATUSES = Set.of("invited", "active", "disabled");

  private final Vertx vertx;
  private final Pool pool;
  /** For the table's page and count, whose optional filters want a plan per run ({@link app.homeroom.db.DbTarget}). */
  private final Pool reports;

  public PeopleService(Vertx vertx, Pool pool, Pool reports) {
    this.vertx = vertx;
    this.pool = pool;
    this.reports = reports;
  }

  /** A filtered page of the table, by name: {@code {people: [...], total}}. */
  public Future<JsonObject> list(Identity actor, String q, String role, String status, String className, int limit,
                                 int offset) {
    requireStaff(actor);
    if (role != null && !role.equals("student") && !role.equals("admin")) {
      throw ApiError.badRequest("'role' must be student or admin");
    }
    if (status != null && !STATUSES.contains(status)) {
      throw ApiError.badRequest("'status' must be one of invited, active, disabled");
    }
    String pattern = q == null ? null : "%" + likeEscape(q.toLowerCase(Locale.ROOT)) + "%";
    Tuple filters = Tuple.of(pattern, role, status, className);
    Future<JsonArray> page = reports.preparedQuery(PeopleSql.PAGE)
        .execute(Tuple.of(pattern, role, status, className, limit, offset))
        .map(rows -> {
          JsonArray people = new JsonArray();
          rows.forEach(r -> people.add(personJson(r)));
          return people;
        });
    Future<Long> total = reports.preparedQuery(PeopleSql.COUNT).execute(filters)
        .map(rows -> rows.iterator().next().getLong(0));
    return Future.all(page, total).map(v -> new JsonObject().put("people", page.result()).put("total", total.result()));
  }

  public Future<JsonObject> get(Identity actor, long id) {
    requireStaff(actor);
    return pool.preparedQuery(PeopleSql.BY_ID).execute(Tuple.of(id)).map(rows -> personJson(only(rows)));
  }

  /**
   * Adds a student ({@code role} "student": name, email, roll ID, class) or invites a member of staff ("admin": name,
   * email). With {@code password} the account is active at once (an integration that sets first passwords itself);
   * without, it is invited: {@code {person, link: {path, purpose, expiresAt}}}, the link shown this once.
   */
  public Future<JsonObject> create(Identity actor, String role, JsonObject req) {
    requireStaff(actor);
    boolean student = "student".equals(role);
    if (!student && !"admin".equals(role)) {
      throw ApiError.badRequest("'role' must be student or admin");
    }
    PersonFields.Fields f = PersonFields.required(req, student);
    String given = app.homeroom.common.Params.optionalString(req, "password");
    PasswordLinks.Issued link = PasswordLinks.issue();
    Future<String> hash = given == null ? Future.succeededFuture(null) : vertx.executeBlocking(() -> {
      String problem = Passwords.problem(given, List.of(f.name(), f.email()));
      if (problem != null) {
        throw ApiError.badRequest(problem);
      }
      return Passwords.hash(given);
    }, false);
    return hash
        .compose(h -> pool.preparedQuery(PeopleSql.CREATE).execute(Tuple.from(new Object[] {role, f.name(), f.email(),
            f.rollId(), f.className(), actor.userId(), Buffer.buffer(link.hash()),
            (double) PasswordLinks.LIFETIME.toSeconds(), h})))
        .recover(err -> Future.failedFuture(taken(err, f)))
        .map(rows -> {
          Row r = only(rows);
          JsonObject out = new JsonObject().put("person", personJson(r));
          if (r.getOffsetDateTime("link_expires_at") != null) {
            out.put("link", linkJson(link.path(), "signup", r));
          }
          return out;
        });
  }

  /** Changes a person's name, email, roll ID or class (those the request names); {@code {person}}. */
  public Future<JsonObject> update(Identity actor, long id, JsonObject req) {
    requireStaff(actor);
    PersonFields.Fields f = PersonFields.optional(req);
    if (f.name() == null && f.email() == null && f.rollId() == null && f.className() == null) {
      throw ApiError.badRequest("Name at least one of name, email, rollId, className");
    }
    // A role never changes, so reading it first decides what may be edited before anything is written.
    return pool.preparedQuery(PeopleSql.BY_ID).execute(Tuple.of(id))
        .compose(found -> {
          if (!"student".equals(only(found).getString("role")) && (f.rollId() != null || f.className() != null)) {
            return Future.failedFuture(ApiError.badRequest("Staff have no roll ID or class"));
          }
          return pool.preparedQuery(PeopleSql.UPDATE)
              .execute(Tuple.of(id, actor.userId(), f.name(), f.email(), f.rollId(), f.className()));
        })
        .recover(err -> Future.failedFuture(taken(err, f)))
        .map(rows -> new JsonObject().put("person", personJson(only(rows))));
  }

  /**
   * Disables or re-enables anyone's account (issue 25); {@code role} non-null restricts it to that role (the older
   * {@code /api/students/:id/disable} routes). Nobody disables themself, and the
   * last active admin cannot be disabled (409). Answers {@code {id, role, disabled, disabledAt}}.
   */
  public Future<JsonObject> setDisabled(Identity actor, long id, boolean disabled, String role) {
    requireStaff(actor);
    return pool.preparedQuery(PeopleSql.SET_DISABLED).execute(Tuple.of(id, actor.userId(), disabled, role))
        .map(rows -> {
          Row r = only(rows);
          if (r.getLong("changed") == null && id == actor.userId()) {
            throw ApiError.conflict("You cannot disable your own account");
          }
          if (r.getLong("changed") == null) {
            throw ApiError.conflict("This is the last active admin account: enable or invite another admin first");
          }
          return new JsonObject().put("id", r.getLong("id")).put("role", r.getString("role"))
              .put("disabled", r.getOffsetDateTime("disabled_at") != null)
              .put("disabledAt", Text.iso(r.getOffsetDateTime("disabled_at")));
        });
  }

  /**
   * A new one-time link for a person, retiring their earlier ones: a sign-up link while they have no password, a
   * reset link once they have (their sessions end when the new password is set). {@code {link: {path, purpose,
   * expiresAt}}}; 409 for a disabled account.
   */
  public Future<JsonObject> issueLink(Identity actor, long id) {
    requireStaff(actor);
    PasswordLinks.Issued link = PasswordLinks.issue();
    return pool.preparedQuery(PeopleSql.ISSUE_LINK)
        .execute(Tuple.of(Buffer.buffer(link.hash()), id, actor.userId(), (double) PasswordLinks.LIFETIME.toSeconds()))
        .map(rows -> {
          Row r = only(rows);
          if (r.getOffsetDateTime("disabled_at") != null) {
            throw ApiError.conflict("This account is disabled: enable it before issuing a link");
          }
          return new JsonObject().put("link", new JsonObject().put("path", link.path())
              .put("purpose", r.getString("purpose")).put("expiresAt", Text.iso(r.getOffsetDateTime("expires_at"))));
        });
  }

  private static JsonObject linkJson(String path, String purpose, Row r) {
    return new JsonObject().put("path", path).put("purpose", purpose)
        .put("expiresAt", Text.iso(r.getOffsetDateTime("link_expires_at")));
  }

  /** A person as the table shows them. */
  public static JsonObject personJson(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("role", r.getString("role")).put("name", r.getString("name"))
        .put("email", r.getString("email")).put("rollId", r.getString("roll_id"))
        .put("className", r.getString("class_name")).put("status", r.getString("status"))
        .put("createdAt", Text.iso(r.getOffsetDateTime("created_at")))
        .put("lastSignInAt", Text.iso(r.getOffsetDateTime("last_sign_in_at")))
        .put("disabledAt", Text.iso(r.getOffsetDateTime("disabled_at")));
  }

  /** A unique email or roll ID already taken: a 409 that names it. */
  private static Throwable taken(Throwable err, PersonFields.Fields f) {
    if (err instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      String c = pg.getConstraint() == null ? "" : pg.getConstraint();
      return ApiError.conflict(c.contains("roll")
          ? "Roll ID " + f.rollId() + " is already taken" : "Email " + f.email() + " is already registered");
    }
    return err;
  }

  private static Row only(RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw ApiError.notFound("No such person");
    }
    return rows.iterator().next();
  }

  static void requireStaff(Identity actor) {
    if (!actor.isAdmin()) {
      throw ApiError.forbidden("Only staff can manage people");
    }
  }

  static String likeEscape(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
