package app.homeroom.account;

import app.homeroom.common.Text;

import app.homeroom.session.Sessions;

import app.homeroom.common.ApiError;
import app.homeroom.bus.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Accounts and the student roster: login (bcrypt off the event loop, repeated failures slowed down
 * cluster-wide), the signed-in user, creating and listing students.
 */
public final class AccountService {

  /** Failures allowed before each further attempt must wait. */
  public static final int FREE_FAILURES = 5;
  /**
   * Failures from one client address (any accounts) allowed before each further attempt from it must wait. Higher
   * than per account: a school's pupils may share one address (NAT), and behind a proxy that the server does not
   * trust for X-Forwarded-For every client has the proxy's address.
   */
  public static final int FREE_ADDRESS_FAILURES = 20;
  /** Failures older than this are forgotten. */
  public static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
  public static final Duration MAX_LOCKOUT = Duration.ofMinutes(5);

  /**
   * An address as mail systems write one (RFC 5321's dot-atom local part, at most 64 characters; a domain of letter,
   * digit and hyphen labels with a top-level name of letters): no quotes, spaces, angle brackets or markup, which an
   * address can carry in theory and a school's never does (issue 24, point 10).
   */
  private static final Pattern EMAIL = Pattern.compile("^(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
      + "(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");
  /** A class name: letters and digits of any alphabet, spaces, and . _ / ' ( ) + & and dashes; no markup or quotes. */
  private static final Pattern CLASS_NAME = Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}\\p{Pd} ._/'()+&]{0,63}$");
  private static final Pattern ROLL_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,63}$");

  private final Vertx vertx;
  private final Pool pool;
  /** For the roster, whose optional filters want a plan per run ({@link app.homeroom.db.DbTarget}). */
  private final Pool reports;

  public AccountService(Vertx vertx, Pool pool, Pool reports) {
    this.vertx = vertx;
    this.pool = pool;
    this.reports = reports;
  }

  /**
   * The user for these credentials; 401 when wrong or the account is disabled, 429 (with {@link ApiError} retry
   * hint) while this account or this client address is slowed down. {@code address} is the client's address as
   * the server sees it (null: not throttled by address).
   */
  public Future<JsonObject> login(String email, String password, String address) {
    String key = email.trim().toLowerCase(Locale.ROOT);
    Future<Long> accountWait = pool.preparedQuery(AccountSql.ACCOUNT_FAILURES)
        .execute(Tuple.of(key))
        .map(rows -> rows.size() == 0 ? 0L : secondsToWait(rows.iterator().next().getInteger("failures"),
            rows.iterator().next().getOffsetDateTime("last_failed_at"), FREE_FAILURES));
    Future<Long> addressWait = address == null ? Future.succeededFuture(0L) : pool
        .preparedQuery(AccountSql.ADDRESS_FAILURES)
        .execute(Tuple.of(address))
        .map(rows -> rows.size() == 0 ? 0L : secondsToWait(rows.iterator().next().getInteger("failures"),
            rows.iterator().next().getOffsetDateTime("last_failed_at"), FREE_ADDRESS_FAILURES));
    return Future.all(accountWait, addressWait)
        .compose(v -> {
          if (addressWait.result() > 0 && addressWait.result() >= accountWait.result()) {
            return Future.failedFuture(new RetryLater(addressWait.result(), "from this address"));
          }
          if (accountWait.result() > 0) {
            return Future.failedFuture(new RetryLater(accountWait.result(), "for this account"));
          }
          return pool.preparedQuery(AccountSql.USER_BY_EMAIL)
              .execute(Tuple.of(key));
        })
        .compose(rows -> {
          Row row = rows.size() == 1 ? rows.iterator().next() : null;
          String hash = row == null ? null : row.getString("password_hash");
          return vertx.executeBlocking(() -> Passwords.verify(password, hash), false)
              .compose(ok -> {
                if (!ok || row == null) {
                  return recordFailure(key, address);
                }
                // Only the holder of the right password learns that the account is disabled.
                if (row.getOffsetDateTime("disabled_at") != null) {
                  return Future.failedFuture(ApiError.unauthorized("This account has been disabled; ask a member of staff"));
                }
                // Only the account's count is cleared: one good password must not clear an address's failures.
                return pool.preparedQuery(AccountSql.CLEAR_ACCOUNT_FAILURES).execute(Tuple.of(key))
                    .map(v -> userJson(row));
              });
        });
  }

  private Future<JsonObject> recordFailure(String key, String address) {
    Future<?> account = pool.preparedQuery(AccountSql.ACCOUNT_FAILED)
        .execute(Tuple.of(key, (double) FAILURE_WINDOW.toSeconds()));
    Future<?> byAddress = address == null ? Future.succeededFuture() : pool.preparedQuery(AccountSql.ADDRESS_FAILED)
        .execute(Tuple.of(address, (double) FAILURE_WINDOW.toSeconds()));
    return Future.all(account, byAddress)
        .compose(v -> Future.failedFuture(ApiError.unauthorized("Wrong email or password")));
  }

  /** Seconds until the next attempt is allowed: 0 for the first few failures, then doubling, capped. */
  static long secondsToWait(int failures, OffsetDateTime lastFailedAt) {
    return secondsToWait(failures, lastFailedAt, FREE_FAILURES);
  }

  static long secondsToWait(int failures, OffsetDateTime lastFailedAt, int free) {
    long since = Duration.between(lastFailedAt, OffsetDateTime.now()).toSeconds();
    if (failures < free || since >= FAILURE_WINDOW.toSeconds()) {
      return 0;
    }
    long delay = Math.min(1L << Math.min(failures - free, 20), MAX_LOCKOUT.toSeconds());
    return Math.max(0, delay - since);
  }

  /** A 429 that says when to come back. */
  public static final class RetryLater extends ApiError {
    private final long seconds;

    RetryLater(long seconds) {
      this(seconds, "");
    }

    RetryLater(long seconds, String where) {
      super(429, "too_many_requests", "Too many failed sign-ins" + (where.isEmpty() ? "" : " " + where)
          + "; try again in " + seconds + " s");
      this.seconds = seconds;
    }

    public long seconds() {
      return seconds;
    }

    @Override
    public long retryAfterSeconds() {
      return seconds;
    }
  }

  /**
   * Signs one session out ("this device"): its token id is refused by every node until the token would have expired;
   * rows of tokens past their expiry are pruned on the way.
   */
  public Future<Void> revokeSession(Sessions.Session session) {
    return pool.preparedQuery(AccountSql.REVOKE_SESSION)
        .execute(Tuple.of(session.jti(), session.identity().userId(), (double) session.expiresAt()))
        .mapEmpty();
  }

  /**
   * "Sign out everywhere": ends every session of this user issued up to now, on every node (the caller publishes
   * {@code session.revoked} without a {@code jti}), and records it (V9). Token issue times have whole seconds, so the
   * cut-off is the end of the current second: a session signed in during the same second also ends.
   */
  public Future<Void> endAllSessions(Identity who) {
    return pool.preparedQuery(AccountSql.END_ALL_SESSIONS)
        .execute(Tuple.of(who.userId()))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.unauthorized("This account no longer exists");
          }
          return null;
        });
  }

  /**
   * Disables ({@code disabled} true) or re-enables a student's account; admins only. Disabling records who and
   * when, and ends every session issued before now; re-enabling lets the student sign in again (old sessions stay
   * ended). Answers {@code {student: {id, disabled, disabledAt}}}.
   */
  public Future<JsonObject> setDisabled(Identity actor, long studentId, boolean disabled) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff can disable or enable accounts"));
    }
    // One statement: the change and its audit entry (V9) commit together or not at all.
    return pool.preparedQuery(AccountSql.SET_DISABLED)
        .execute(Tuple.of(studentId, actor.userId(), disabled ? "student.disabled" : "student.enabled", disabled))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("No such student");
          }
          Row r = rows.iterator().next();
          return new JsonObject().put("student", new JsonObject().put("id", r.getLong("id"))
              .put("disabled", r.getOffsetDateTime("disabled_at") != null)
              .put("disabledAt", Text.iso(r.getOffsetDateTime("disabled_at"))));
        });
  }

  public Future<JsonObject> me(Identity who) {
    return pool.preparedQuery(AccountSql.USER_BY_ID).execute(Tuple.of(who.userId()))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.unauthorized("This account no longer exists");
          }
          return userJson(rows.iterator().next());
        });
  }

  /** Creates a student; a password is generated (and returned once) when none is given. Admins only. */
  public Future<JsonObject> createStudent(Identity actor, JsonObject req) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff can add students"));
    }
    String name;
    String email;
    String rollId;
    String className;
    String given;
    try {
      name = text(req, "name", 200);
      email = text(req, "email", 320).toLowerCase(Locale.ROOT);
      rollId = text(req, "rollId", 64);
      className = text(req, "className", 64);
      given = app.homeroom.common.Params.optionalString(req, "password");
      if (!EMAIL.matcher(email).matches()) {
        throw ApiError.badRequest("'email' is not an email address");
      }
      if (!CLASS_NAME.matcher(className).matches()) {
        throw ApiError.badRequest("'className' may hold letters, digits, spaces, dashes and . _ / ' ( ) + &");
      }
      if (!ROLL_ID.matcher(rollId).matches()) {
        throw ApiError.badRequest("'rollId' may hold letters, digits, spaces and . _ / -");
      }
      if (given != null && Passwords.problem(given) != null) {
        throw ApiError.badRequest(Passwords.problem(given));
      }
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    String password = given != null ? given : Passwords.generate(12);
    return vertx.executeBlocking(() -> Passwords.hash(password), false)
        // The student and its audit entry (V9) in one statement: both or neither.
        .compose(hash -> pool.preparedQuery(AccountSql.CREATE_STUDENT)
            .execute(Tuple.of(name, email, hash, rollId, className, actor.userId())))
        .recover(err -> {
          if (err instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            String c = pg.getConstraint() == null ? "" : pg.getConstraint();
            return Future.failedFuture(ApiError.conflict(c.contains("roll")
                ? "Roll ID " + rollId + " is already taken" : "Email " + email + " is already registered"));
          }
          return Future.failedFuture(err);
        })
        .map(rows -> {
          Row r = rows.iterator().next();
          JsonObject student = new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))
              .put("email", r.getString("email")).put("rollId", r.getString("roll_id"))
              .put("className", r.getString("class_name")).putNull("conversationId").putNull("conversationStatus")
              .putNull("lastMessageAt").put("lastSeq", 0).put("unread", 0).put("online", false);
          JsonObject out = new JsonObject().put("student", student);
          if (given == null) {
            out.put("password", password);
          }
          return out;
        });
  }

  /**
   * The roster page; {@code q} matches name, email or roll ID (as typed: LIKE wildcards are literal); {@code status}
   * is {@code active}, {@code closed} or {@code none} (no conversation yet).
   */
  public Future<JsonObject> listStudents(Identity actor, String q, String className, String status, int limit,
                                         int offset) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff can list students"));
    }
    String wanted = status == null || status.isBlank() ? null : status.trim();
    if (wanted != null && !wanted.equals("active") && !wanted.equals("closed") && !wanted.equals("none")) {
      return Future.failedFuture(ApiError.badRequest("'status' must be one of active, closed, none"));
    }
    String pattern = q == null || q.isBlank() ? null : "%" + likeEscape(q.trim().toLowerCase(Locale.ROOT)) + "%";
    String cls = className == null || className.isBlank() ? null : className.trim();
    Future<JsonArray> page = reports.preparedQuery(AccountSql.ROSTER_PAGE)
        .execute(Tuple.of(actor.userId(), cls, pattern, limit, offset, wanted))
        .map(rows -> {
          JsonArray students = new JsonArray();
          rows.forEach(r -> students.add(rosterJson(r)));
          return students;
        });
    Future<Long> total = reports.preparedQuery(AccountSql.ROSTER_COUNT).execute(Tuple.of(cls, pattern, wanted))
        .map(rows -> rows.iterator().next().getLong(0));
    return Future.all(page, total)
        .map(v -> new JsonObject().put("students", page.result()).put("total", total.result()));
  }

  /** One roster row, as {@link #listStudents} shows it to this admin. */
  public Future<JsonObject> rosterRow(Identity actor, long studentId) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff can list students"));
    }
    return reports.preparedQuery(AccountSql.ROSTER_ROW).execute(Tuple.of(actor.userId(), studentId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("No such student");
          }
          return rosterJson(rows.iterator().next());
        });
  }

  private static JsonObject rosterJson(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))
        .put("email", r.getString("email")).put("rollId", r.getString("roll_id"))
        .put("className", r.getString("class_name")).put("conversationId", r.getLong("conversation_id"))
        .put("conversationStatus", r.getString("status"))
        .put("lastMessageAt", Text.iso(r.getOffsetDateTime("last_message_at")))
        .put("lastSeq", r.getLong("last_seq")).put("unread", r.getLong("unread"))
        .put("disabled", r.getOffsetDateTime("disabled_at") != null);
  }

  /** A student, for an admin or for that student. */
  public Future<JsonObject> student(Identity actor, long studentId) {
    if (!actor.isAdmin() && actor.userId() != studentId) {
      return Future.failedFuture(ApiError.notFound("No such student"));
    }
    return pool.preparedQuery(AccountSql.STUDENT_BY_ID)
        .execute(Tuple.of(studentId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("No such student");
          }
          return userJson(rows.iterator().next());
        });
  }

  public Future<JsonArray> classes(Identity actor) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff can list classes"));
    }
    return pool.query(AccountSql.CLASSES).execute()
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  public static JsonObject userJson(Row r) {
    JsonObject u = new JsonObject().put("id", r.getLong("id")).put("role", r.getString("role"))
        .put("name", r.getString("name")).put("email", r.getString("email"));
    if (r.getString("roll_id") != null) {
      u.put("rollId", r.getString("roll_id")).put("className", r.getString("class_name"));
    }
    return u;
  }

  private static String text(JsonObject req, String field, int max) {
    String v = app.homeroom.common.Params.requireString(req, field).trim();
    if (v.isEmpty()) {
      throw ApiError.badRequest("'" + field + "' cannot be empty");
    }
    Text.rejectControlCharacters(v, "'" + field + "'");
    if (v.codePointCount(0, v.length()) > max) {
      throw ApiError.badRequest("'" + field + "' can be at most " + max + " characters");
    }
    return v;
  }

  private static String likeEscape(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
