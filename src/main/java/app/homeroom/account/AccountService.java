package app.homeroom.account;

import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Text;
import app.homeroom.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * Accounts and the student roster: login (bcrypt off the event loop, repeated failures slowed down
 * cluster-wide), the signed-in user, passwords (set through a one-time link, changed by their owner; issue 25) and the
 * roster of students as the messaging page lists it. Adding and editing people is {@code app.homeroom.people}.
 */
public final class AccountService {

  /** The answer to anyone but staff asking for the roster or any row of it. */
  private static final ApiError NOT_STAFF = ApiError.forbidden("Only staff can list students");

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
  /** A user who has just proved who they are, and the session epoch their new session belongs to (V11). */
  public record SignedIn(JsonObject user, int epoch) {}

  /**
   * Signs in with a password. Failures are counted per account and address (the guesser's address is slowed down for
   * that account; the owner elsewhere is not: issue 24, point 4) and per address (any accounts); the per-address
   * slow-down spares an account at an address it signed in from before (a school's shared address).
   */
  public Future<SignedIn> login(String email, String password, String address) {
    String account = email.trim().toLowerCase(Locale.ROOT);
    String key = address == null ? account : account + " from " + address;
    Future<Long> accountWait = pool.preparedQuery(AccountSql.ACCOUNT_FAILURES)
        .execute(Tuple.of(key))
        .map(rows -> rows.size() == 0 ? 0L : secondsToWait(rows.iterator().next().getInteger("failures"),
            rows.iterator().next().getOffsetDateTime("last_failed_at"), FREE_FAILURES));
    Future<Long> addressWait = address == null ? Future.succeededFuture(0L) : pool
        .preparedQuery(AccountSql.KNOWN_ADDRESS).execute(Tuple.of(account, address))
        .compose(known -> known.size() > 0 ? Future.succeededFuture(0L) : pool
            .preparedQuery(AccountSql.ADDRESS_FAILURES)
            .execute(Tuple.of(address))
            .map(rows -> rows.size() == 0 ? 0L : secondsToWait(rows.iterator().next().getInteger("failures"),
                rows.iterator().next().getOffsetDateTime("last_failed_at"), FREE_ADDRESS_FAILURES)));
    return Future.all(accountWait, addressWait)
        .compose(v -> {
          if (addressWait.result() > 0 && addressWait.result() >= accountWait.result()) {
            return Future.failedFuture(new RetryLater(addressWait.result(), "from this address"));
          }
          if (accountWait.result() > 0) {
            return Future.failedFuture(new RetryLater(accountWait.result(), "for this account"));
          }
          return pool.preparedQuery(AccountSql.USER_BY_EMAIL)
              .execute(Tuple.of(account));
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
                return Future.all(pool.preparedQuery(AccountSql.CLEAR_ACCOUNT_FAILURES).execute(Tuple.of(key)),
                        pool.preparedQuery(AccountSql.SIGNED_IN).execute(Tuple.of(row.getLong("id"))),
                        address == null ? Future.succeededFuture()
                            : pool.preparedQuery(AccountSql.SIGNED_IN_FROM).execute(Tuple.of(account, address)))
                    .map(v -> new SignedIn(userJson(row), row.getInteger("session_epoch")));
              });
        });
  }

  private <T> Future<T> recordFailure(String key, String address) {
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
   * What a sign-up or reset link is for (issue 25, point 3): {@code {purpose, name, email, role, expiresAt}}; 404 for
   * no such link, 410 once used or expired, 403 for a disabled account. Read without a session: the token is the
   * credential, and what it shows (the person's own name and email) is what its holder is about to sign in as.
   */
  public Future<JsonObject> linkInfo(String token) {
    byte[] hash;
    try {
      hash = PasswordLinks.hashOf(token);
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(AccountSql.LINK_BY_TOKEN).execute(Tuple.of(Buffer.buffer(hash)))
        .map(rows -> {
          Row r = usableLink(rows.size() == 0 ? null : rows.iterator().next());
          return new JsonObject().put("purpose", r.getString("purpose")).put("name", r.getString("name"))
              .put("email", r.getString("email")).put("role", r.getString("role"))
              .put("expiresAt", Text.iso(r.getOffsetDateTime("expires_at")));
        });
  }

  private static Row usableLink(Row r) {
    if (r == null) {
      throw ApiError.notFound("This link is not valid; ask a member of staff for a new one");
    }
    if (r.getOffsetDateTime("used_at") != null) {
      throw new ApiError(410, "gone", "This link was already used; sign in with your password, or ask a member of"
          + " staff for a new link");
    }
    if (r.getBoolean("expired")) {
      throw new ApiError(410, "gone", "This link has expired; ask a member of staff for a new one");
    }
    if (r.getOffsetDateTime("disabled_at") != null) {
      throw ApiError.forbidden("This account has been disabled; ask a member of staff");
    }
    return r;
  }

  /**
   * Sets a password through a sign-up or reset link: the policy ({@link Passwords#problem}) with the person's name and
   * email as context, then the hash, then one statement that spends the link, sets the password and ends the
   * account's earlier sessions. Answers the user, whom the caller signs in.
   */
  public Future<SignedIn> setPasswordWithLink(String token, String password) {
    byte[] hash;
    try {
      hash = PasswordLinks.hashOf(token);
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    Buffer key = Buffer.buffer(hash);
    return pool.preparedQuery(AccountSql.LINK_BY_TOKEN).execute(Tuple.of(key))
        .map(rows -> usableLink(rows.size() == 0 ? null : rows.iterator().next()))
        .compose(link -> hashAcceptable(password, link.getString("name"), link.getString("email")))
        .compose(passwordHash -> pool.preparedQuery(AccountSql.USE_LINK).execute(Tuple.of(key, passwordHash)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new ApiError(410, "gone", "This link was used or expired meanwhile; ask a member of staff for a new one");
          }
          Row r = rows.iterator().next();
          return new SignedIn(userJson(r), r.getInteger("session_epoch"));
        });
  }

  /**
   * A signed-in user changes their own password (issue 25, point 4): the current one is required (a wrong one counts
   * as a failed sign-in of the account, so this is no side door for guessing), the new one must pass the policy and
   * differ. Every session of the account issued before now ends; the caller issues this device a new one.
   */
  public Future<SignedIn> changePassword(Identity who, String current, String next) {
    return pool.preparedQuery(AccountSql.PASSWORD_OF).execute(Tuple.of(who.userId()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiError.unauthorized("This account no longer exists"));
          }
          Row row = rows.iterator().next();
          String key = row.getString("email").toLowerCase(Locale.ROOT);
          return pool.preparedQuery(AccountSql.ACCOUNT_FAILURES).execute(Tuple.of(key))
              .compose(failures -> {
                long wait = failures.size() == 0 ? 0 : secondsToWait(failures.iterator().next().getInteger("failures"),
                    failures.iterator().next().getOffsetDateTime("last_failed_at"), FREE_FAILURES);
                if (wait > 0) {
                  return Future.failedFuture(new RetryLater(wait, "for this account"));
                }
                return vertx.executeBlocking(() -> Passwords.verify(current, row.getString("password_hash")), false);
              })
              .compose(ok -> {
                if (!ok) {
                  return pool.preparedQuery(AccountSql.ACCOUNT_FAILED)
                      .execute(Tuple.of(key, (double) FAILURE_WINDOW.toSeconds()))
                      .compose(v -> Future.failedFuture(ApiError.badRequest("Your current password is not right")));
                }
                if (current.equals(next)) {
                  return Future.failedFuture(ApiError.badRequest("The new password is the one you have now"));
                }
                return hashAcceptable(next, row.getString("name"), row.getString("email"))
                    .compose(hash -> pool.preparedQuery(AccountSql.CHANGE_PASSWORD)
                        .execute(Tuple.of(who.userId(), hash, row.getString("password_hash"))))
                    .map(changed -> {
                      if (changed.size() == 0) {
                        throw ApiError.conflict("Your password was changed meanwhile; sign in again");
                      }
                      return new SignedIn(userJson(row), changed.iterator().next().getInteger("session_epoch"));
                    });
              });
        });
  }

  /** The bcrypt hash of a password that passes the policy; a 400 saying why not. Both on a worker thread. */
  Future<String> hashAcceptable(String password, String name, String email) {
    return vertx.executeBlocking(() -> {
      String problem = Passwords.problem(password, List.of(name, email));
      if (problem != null) {
        throw ApiError.badRequest(problem);
      }
      return Passwords.hash(password);
    }, false);
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

  /**
   * The roster page; {@code q} matches name, email or roll ID (as typed: LIKE wildcards are literal); {@code status}
   * is {@code active}, {@code closed} or {@code none} (no conversation yet).
   */
  public Future<JsonObject> listStudents(Identity actor, String q, String className, String status, int limit,
                                         int offset) {
    return listStudents(actor, q, className, status, null, limit, offset);
  }

  /**
   * As above; {@code assigned} is {@code mine} (assigned to the caller), {@code none} (unassigned) or null (all: issue
   * 27, point 1). The page also says how many students match ({@code total}) and how many of them have messages the
   * caller has not read ({@code withUnread}).
   */
  public Future<JsonObject> listStudents(Identity actor, String q, String className, String status, String assigned,
                                         int limit, int offset) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(NOT_STAFF);
    }
    String wanted = status == null || status.isBlank() ? null : status.trim();
    if (wanted != null && !wanted.equals("active") && !wanted.equals("closed") && !wanted.equals("none")) {
      return Future.failedFuture(ApiError.badRequest("'status' must be one of active, closed, none"));
    }
    String assignment = assigned == null || assigned.isBlank() || assigned.trim().equals("all") ? null : assigned.trim();
    if (assignment != null && !assignment.equals("mine") && !assignment.equals("none")) {
      return Future.failedFuture(ApiError.badRequest("'assigned' must be one of mine, none, all"));
    }
    String pattern = containsPattern(q);
    String cls = className == null || className.isBlank() ? null : className.trim();
    Future<JsonArray> page = rosterPage(actor, cls, pattern, limit, offset, wanted, assignment);
    Future<Row> counts = reports.preparedQuery(AccountSql.ROSTER_COUNT)
        .execute(Tuple.of(actor.userId(), cls, pattern, wanted, assignment))
        .map(rows -> rows.iterator().next());
    return Future.all(page, counts)
        .map(v -> new JsonObject().put("students", page.result()).put("total", counts.result().getLong("total"))
            .put("withUnread", counts.result().getLong("with_unread")));
  }

  /**
   * The first {@code limit} students whose name, email or roll ID contains {@code q}, as roster rows, without the
   * counts {@link #listStudents} adds: what a search lists beside its message hits (R6.4), one query instead of two.
   */
  public Future<JsonArray> matchingStudents(Identity actor, String q, int limit) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(NOT_STAFF);
    }
    return rosterPage(actor, null, containsPattern(q), limit, 0, null, null);
  }

  /** A LIKE pattern matching what contains {@code q}, lower-cased (null for no filter). */
  private static String containsPattern(String q) {
    return q == null || q.isBlank() ? null : "%" + likeEscape(q.trim().toLowerCase(Locale.ROOT)) + "%";
  }

  private Future<JsonArray> rosterPage(Identity actor, String cls, String pattern, int limit, int offset, String wanted,
                                       String assignment) {
    return reports.preparedQuery(AccountSql.ROSTER_PAGE)
        .execute(Tuple.from(java.util.Arrays.asList(actor.userId(), cls, pattern, limit, offset, wanted, assignment)))
        .map(rows -> {
          JsonArray students = new JsonArray();
          rows.forEach(r -> students.add(rosterJson(r)));
          return students;
        });
  }

  /** One roster row, as {@link #listStudents} shows it to this admin. */
  public Future<JsonObject> rosterRow(Identity actor, long studentId) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(NOT_STAFF);
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
        .put("disabled", r.getOffsetDateTime("disabled_at") != null)
        .put("assignee", r.getLong("assignee_id") == null ? null
            : new JsonObject().put("id", r.getLong("assignee_id")).put("name", r.getString("assignee_name")));
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

  private static String likeEscape(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
