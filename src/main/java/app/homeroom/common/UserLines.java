package app.homeroom.common;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Issue 24, point 2: one user's requests of one kind (pages of history, searches) run one at a time on a node; the next
 * ones wait in a short line of that user's own (at most {@link #WAITING_PER_USER}, beyond which they are refused: 429
 * {@code too_many_requests}). The user's budget ({@link app.homeroom.web.UserLimits}) bounds how many requests a user
 * gets in a while; this bounds how many run at once, so that a user who spends a whole burst at once (15 pages of 200,
 * 15 searches) holds one of the pool's connections, not all of them, and PostgreSQL's CPU stays with everyone's sends.
 * Pulsed runs: the fetch flood cost the others' send p99 +74 % with one page in its burst against +130 to
 * +158 % with fifteen (docs/PERFORMANCE-LOG.md, "a fifth look"). The web client reads one page at a time per
 * conversation and searches one at a time, so a person waits only when their tabs ask at the same instant.
 *
 * <p>A request that waited is dropped when its turn comes if the user was closed for abuse meanwhile (a socket of
 * theirs refused too often: their new sockets are refused for a while, and what they queued goes with it). A flood's
 * sockets are closed within milliseconds of asking, so its queued pages are never read for nobody.
 *
 * <p>One instance per kind per node, shared by the verticle instances that serve it: a waiting request starts on the
 * context of the instance that asked for it, whichever instance finished the one before.
 */
public final class UserLines {

  /**
   * Requests of one user that may wait while one of theirs runs: more than any budget lets through at once (60 read
   * tokens, a page at least one; 15 searches), so that the budget is what refuses; this only bounds a node whose limits
   * are off.
   */
  public static final int WAITING_PER_USER = 64;

  private static final class Line {
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }

  /** A user is in the map while one of their requests runs. */
  private final ConcurrentMap<Long, Line> lines = new ConcurrentHashMap<>();
  /** Whether a user is closed for abuse now ({@link app.homeroom.web.UserLimits#socketBlockedForMs}). */
  private final LongPredicate closedForAbuse;
  /** What the requests are, in the plural, for the 429 of a full line ("pages of history"). */
  private final String what;

  /**
   * @param what the requests in the plural ("pages of history", "searches"), for the refusals
   * @param closedForAbuse whether a user is closed for abuse now (what they queued is then not done)
   */
  public UserLines(String what, LongPredicate closedForAbuse) {
    this.what = what;
    this.closedForAbuse = closedForAbuse;
  }

  /**
   * Runs {@code request} now when none of the user's runs, else once those before it are done; fails at once with a
   * 429 when {@link #WAITING_PER_USER} already wait. A request that throws counts as done.
   */
  public <T> Future<T> run(long userId, Supplier<Future<T>> request) {
    Promise<T> promise = Promise.promise();
    Context context = Vertx.currentContext();
    Runnable start = () -> {
      Future<T> answer;
      try {
        answer = request.get();
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(done -> {
        next(userId);
        promise.handle(done);
      });
    };
    Runnable waited = () -> {
      if (closedForAbuse.test(userId)) {
        next(userId);
        promise.fail(ApiError.tooManyRequests("Too many refused requests: this one was not done"));
      } else {
        start.run();
      }
    };
    Runnable onItsContext = context == null ? waited : () -> context.runOnContext(v -> waited.run());
    int[] verdict = {0}; // 0: run now, 1: waits, 2: refused
    lines.compute(userId, (id, line) -> {
      if (line == null) {
        return new Line();
      }
      if (line.waiting.size() < WAITING_PER_USER) {
        line.waiting.add(onItsContext);
        verdict[0] = 1;
      } else {
        verdict[0] = 2;
      }
      return line;
    });
    if (verdict[0] == 0) {
      start.run();
    } else if (verdict[0] == 2) {
      return Future.failedFuture(ApiError.tooManyRequests(
          "Too many " + what + " asked for at once; ask for the next when one has arrived"));
    }
    return promise.future();
  }

  /** The user's request that ran is done: the next of theirs starts, or the line goes. */
  private void next(long userId) {
    Runnable[] following = {null};
    lines.computeIfPresent(userId, (id, line) -> {
      following[0] = line.waiting.poll();
      return following[0] == null ? null : line;
    });
    if (following[0] != null) {
      following[0].run();
    }
  }

  /** Users with a request running (for tests). */
  int users() {
    return lines.size();
  }
}
