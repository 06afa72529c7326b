package app.homeroom.session;

import app.homeroom.common.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Which sessions have ended before their token expired: signed out ({@code revoked_sessions}, by token id), or
 * every session of a disabled account, of an earlier session epoch ({@code users.session_epoch}) or issued before {@code users.sessions_valid_after}. The database is the
 * truth every node shares; each HTTP verticle instance keeps the answer per token for {@link #CACHE_MILLIS}, so a
 * signed-in user's requests cost one indexed query per session per instance per {@link #CACHE_MILLIS}, not one per
 * request. The cluster event {@code session.revoked} ({@link #ended}) corrects the cache at once on every node,
 * so the window in which another node still accepts an ended session is the event's delivery time (milliseconds).
 * Should that event be lost, {@link #CACHE_MILLIS} bounds how long requests are still accepted, and the feed of
 * ended sessions ({@link #usersEndedSinceLastRead}, read every {@link #FEED_MILLIS}) gets open sockets rechecked.
 *
 * <p>Not thread-safe: one instance per verticle, used on its event loop.
 */
public final class Revocations {

  /** How long one node trusts a "still valid" answer without asking the database again. */
  public static final long CACHE_MILLIS = 10_000;

  private static final String CHECK = """
      select u.disabled_at is not null as disabled,
             -- Ended when the account's session epoch (V11) moved past the token's: exact, whatever the clocks say,
             -- so a password change ends the other sessions signed in that same second and keeps the new one. And
             -- ended when issued before sessions_valid_after, in whole seconds (a token's iat has no more): a
             -- session signed in the same second as the change (say, right after re-enabling) counts as after it;
             -- while disabled, disabled_at refuses everything anyway. Tokens from before V11 have no epoch.
             (($4::int is not null and $4 < u.session_epoch)
              or (u.sessions_valid_after is not null and to_timestamp($3) < date_trunc('second', u.sessions_valid_after)))
               as ended,
             exists (select 1 from revoked_sessions r where r.jti = $2) as revoked
        from users u
       where u.id = $1""";

  /**
   * Users with a session ended since {@code $1} (or since now, the first time), and the database's time: the feed a
   * node reads every {@link #FEED_MILLIS} in case a {@code session.revoked} event did not reach it.
   */
  private static final String ENDED_SINCE = """
      select now() as at,
             array(select r.user_id from revoked_sessions r where r.revoked_at > coalesce($1, now())
                   union
                   select u.id from users u where u.sessions_valid_after > coalesce($1, now())) as users""";

  /** How often a node reads the feed of ended sessions. */
  public static final long FEED_MILLIS = 5_000;
  /**
   * How far back each read of the feed looks before the previous one: a change is stamped with its transaction's
   * start and may commit after a read that began later. Seen twice, it is harmless (a recheck).
   */
  private static final long FEED_OVERLAP_MILLIS = 5_000;

  private static final String DISABLED = "This account has been disabled; ask a member of staff";
  private static final String SIGNED_OUT = "You signed out; sign in again";
  private static final String ENDED = "Your session has ended; sign in again";

  private record Verdict(long userId, String refusal, long until) {}

  private final Pool pool;
  /**
   * For the feed: a range on a timestamp, which a plan kept for any bound would guess matches a third of the users
   * (a scan of them all every 5 s); planned per run, PostgreSQL sees the bound is seconds ago and uses V10's indexes.
   */
  private final Pool reports;
  private final LongSupplier clock;
  private final Map<String, Verdict> byJti = new HashMap<>();
  /** Sessions whose check is at the database now, by token id: the answer every request of theirs waits for. */
  private final Map<String, Future<String>> asking = new HashMap<>();
  /** The database's time of the last read of the feed, less the overlap; null before the first. */
  private java.time.OffsetDateTime feedSince;

  /** {@code reports}: the node's reports pool ({@link app.homeroom.db.Pools#reports}), for the feed. */
  public Revocations(Pool pool, Pool reports) {
    this(pool, reports, System::currentTimeMillis);
  }

  public Revocations(Pool pool, Pool reports, LongSupplier clock) {
    this.pool = pool;
    this.reports = reports;
    this.clock = clock;
  }

  /** Succeeds when the session is still valid; fails with a 401 that says why it is not (or the database error). */
  public Future<Void> check(Sessions.Session session) {
    long now = clock.getAsLong();
    Verdict known = byJti.get(session.jti());
    if (known != null && known.until > now) {
      return known.refusal == null ? Future.succeededFuture() : Future.failedFuture(ApiError.unauthorized(known.refusal));
    }
    // One question per session at a time: requests of a session that arrive while its check runs (a page's first
    // requests, a tab's reconnection, or 15 sockets opened at once by a flood) wait for that one answer.
    Future<String> answer = asking.get(session.jti());
    if (answer == null) {
      answer = ask(session);
      asking.put(session.jti(), answer);
      answer.onComplete(done -> asking.remove(session.jti()));
    }
    return answer.compose(refusal -> refusal == null ? Future.succeededFuture()
        : Future.failedFuture(ApiError.unauthorized(refusal)));
  }

  /** The database's answer for {@code session}, cached: a refusal, or null when it is still valid. */
  private Future<String> ask(Sessions.Session session) {
    return pool.preparedQuery(CHECK)
        .execute(Tuple.of(session.identity().userId(), session.jti(), (double) session.issuedAt(), session.epoch()))
        .map(rows -> {
          String refusal = refusal(rows.size() == 0 ? null : rows.iterator().next());
          Verdict fresh = new Verdict(session.identity().userId(), refusal, clock.getAsLong() + CACHE_MILLIS);
          // An event that arrived while the query ran wins over a "valid" read before it.
          Verdict meanwhile = byJti.get(session.jti());
          if (meanwhile == null || meanwhile.refusal == null) {
            byJti.put(session.jti(), fresh);
          }
          return meanwhile != null && meanwhile.refusal != null ? meanwhile.refusal : refusal;
        });
  }

  private static String refusal(Row row) {
    if (row == null) {
      return "This account no longer exists";
    }
    if (row.getBoolean("disabled")) {
      return DISABLED;
    }
    if (row.getBoolean("revoked")) {
      return SIGNED_OUT;
    }
    if (row.getBoolean("ended")) {
      return ENDED;
    }
    return null;
  }

  /** True when this node already knows the session ended (no database read): for a socket being created. */
  public boolean knownEnded(Sessions.Session session) {
    Verdict known = byJti.get(session.jti());
    return known != null && known.refusal != null;
  }

  /**
   * The cluster said a session ended: one ({@code jti} given) or every session of the user ({@code jti} null, as
   * for a disabled account). Cached answers about them become refusals until the cache would have expired anyway,
   * after which the database (written before the event was published) says the same.
   */
  public void ended(long userId, String jti, boolean disabled) {
    long until = clock.getAsLong() + CACHE_MILLIS;
    if (jti != null) {
      byJti.put(jti, new Verdict(userId, SIGNED_OUT, until));
      return;
    }
    String refusal = disabled ? DISABLED : ENDED;
    byJti.replaceAll((id, v) -> v.userId == userId ? new Verdict(userId, refusal, until) : v);
  }

  /**
   * The users whose sessions ended (in the database) since the last call, whatever the cluster said: their cached
   * answers are forgotten, so the next {@link #check} of any of their sessions asks the database. The caller rechecks
   * their open sockets. The first call only starts the feed.
   */
  public Future<List<Long>> usersEndedSinceLastRead() {
    return reports.preparedQuery(ENDED_SINCE).execute(Tuple.of(feedSince)).map(rows -> {
      Row row = rows.iterator().next();
      boolean first = feedSince == null;
      feedSince = row.getOffsetDateTime("at").minusNanos(FEED_OVERLAP_MILLIS * 1_000_000);
      Long[] users = row.getArrayOfLongs("users");
      if (first || users == null || users.length == 0) {
        return List.<Long>of();
      }
      List<Long> ended = List.of(users);
      byJti.values().removeIf(v -> ended.contains(v.userId));
      return ended;
    });
  }

  /** Forgets expired answers, so the cache holds at most the sessions used in the last {@link #CACHE_MILLIS}. */
  public void prune() {
    long now = clock.getAsLong();
    for (Iterator<Verdict> it = byJti.values().iterator(); it.hasNext(); ) {
      if (it.next().until <= now) {
        it.remove();
      }
    }
  }
}
