package app.homeroom.batch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Runs one prepared statement for many callers in as few round trips and commits as the load allows (group
 * commit, issue 9). Each message used to be its own transaction: a round trip and a WAL flush each, which capped a
 * node near 400 messages a second however idle the database's CPU was.
 *
 * <ul>
 *   <li>While fewer than {@code maxInFlight} batches are running, a call goes out at once, as a batch of one: no
 *       latency is added when the load is low.</li>
 *   <li>Otherwise calls wait, and go out together as the next batch when one finishes, at most {@code maxBatch} at
 *       a time. {@code executeBatch} sends them in one round trip, ended by one Sync, so PostgreSQL runs them in
 *       order in one implicit transaction with one commit. Each statement sees the ones before it, so a batch means
 *       exactly what the same statements one after another would.</li>
 *   <li>A batch is ordered by a lock key (stably: calls with the same key keep their order). A call whose key a
 *       running batch has waits for that batch, with every later call of that key, so calls with one key run in the
 *       order they were made, and the group's batches never wait on each other's row locks. (Without this, a later
 *       batch could lock a conversation first: a sender's two quick messages could be stored in reverse order, and a
 *       retried clientMsgId could be stored by the retry while the original was told it was the duplicate.)</li>
 *   <li>When a batch fails (one failing statement fails its whole transaction), its statements run again one by one,
 *       so each caller gets its own answer and a bad one cannot fail the others.</li>
 *   <li>With a {@code whenNoRows} statement, the statement is a fast path for the usual case: a call it answers with
 *       no rows runs again with {@code whenNoRows}, on its own, after its batch and before its key is released. A
 *       batch then carries at most one call per key, so no later call of that key can have run before the rerun: the
 *       order per key holds across both statements, whatever they do.</li>
 *   <li>With a {@link Combined} form, a batch is one run of the statement, given all its calls' arguments at once
 *       (as arrays): PostgreSQL starts one statement instead of one per call (plan, constraint checks, triggers),
 *       which cuts its time per call by a third to a half in batches of four to eight (pgbench,
 *       docs/PERFORMANCE-LOG.md). Each row says by its lock key which call it answers, so a batch carries at most one
 *       call per key here too. A batch of one runs the same statement with arrays of one.</li>
 *   <li>With a {@link Combined#skipped} test, the statement may skip a call whose row another transaction holds
 *       ({@code for update skip locked}) and answer it with one row that says so: that call then runs on its own with
 *       {@code whenNoRows}, which waits for the lock, outside the batches. So a batch never waits on a lock held
 *       elsewhere (an announcement to a thousand students locks a thousand conversations until it commits, issue 28),
 *       and the sends to other rows go on meanwhile; the skipped call keeps its key in flight until it is answered.</li>
 *   <li>{@link #lingering} trades latency for batch size: a call then waits up to that long for others even when
 *       nothing is running. For writes whose callers can afford the wait (read and delivered marks).</li>
 * </ul>
 *
 * <p>Confined to the event loop of the verticle that owns it (no locking).
 */
public final class GroupCommit {

  private record Call(long lockKey, Tuple args, Promise<List<Row>> result, long queuedAt) {}

  /**
   * How one run of the statement serves a whole batch: {@code arguments} combines the calls' arguments, in the
   * batch's order, into the statement's (arrays, for {@code unnest}); {@code keyOf} reads from a row the lock key of
   * the call it answers. A call no row names is answered with no rows.
   */
  public record Combined(Function<List<Tuple>, Tuple> arguments, ToLongFunction<Row> keyOf,
                         java.util.function.Predicate<Row> skipped) {

    public Combined(Function<List<Tuple>, Tuple> arguments, ToLongFunction<Row> keyOf) {
      this(arguments, keyOf, null);
    }
  }

  private static final Comparator<Call> BY_LOCK_KEY = Comparator.comparingLong(Call::lockKey);

  private final Pool pool;
  private final String sql;
  /** The statement takes a whole batch at once (null: one statement per call, sent together). */
  private final Combined combined;
  /** Run for a call the statement answered with no rows (null: such an answer stands). */
  private final String whenNoRows;
  private final int maxInFlight;
  private final int maxBatch;
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  /** Told the size of every batch sent (for the metrics); none by default. */
  private java.util.function.IntConsumer onBatch = size -> { };
  /** How long a call may wait for others to share its batch (0: none); see {@link #lingering}. */
  private long lingerNanos;
  private Vertx vertx;
  /** The timer that ends the current wait, or -1. */
  private long lingerTimer = -1;
  private int inFlight;
  /** The lock keys of the running batches, with how many calls of each. */
  private final Map<Long, Integer> keysInFlight = new HashMap<>();
  /** Batches sent, and the calls they carried, for the benchmark's notes and the tests. */
  private long batches;
  private long statements;
  /** Batches that failed and were rerun one call at a time. */
  private long fallbacks;
  private long reruns;
  /** Calls whose row the statement found locked by another transaction, and that ran on their own, waiting for it. */
  private long deferrals;

  public GroupCommit(Pool pool, String sql, int maxInFlight, int maxBatch) {
    this(pool, sql, null, null, maxInFlight, maxBatch);
  }

  /** @param whenNoRows the statement a call runs with when {@code sql} answers it with no rows (null: none) */
  public GroupCommit(Pool pool, String sql, String whenNoRows, int maxInFlight, int maxBatch) {
    this(pool, sql, null, whenNoRows, maxInFlight, maxBatch);
  }

  /**
   * @param combined how {@code sql} runs a whole batch at once (null: once per call)
   * @param whenNoRows the statement, taking one call's own arguments, a call runs with when {@code sql} answers it
   *     with no rows (null: none)
   */
  public GroupCommit(Pool pool, String sql, Combined combined, String whenNoRows, int maxInFlight, int maxBatch) {
    if (maxInFlight < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("maxInFlight and maxBatch must be positive");
    }
    this.pool = pool;
    this.sql = sql;
    this.combined = combined;
    this.whenNoRows = whenNoRows;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
  }

  /**
   * Lets a call wait up to {@code millis} for others to join its batch, even when no batch is running (a batch also
   * goes out once it is full). For writes nobody waits on to see the next thing happen, such as read and delivered
   * marks: without it, under load their batches held 1.2–1.4 calls (issue 9, step 7), each a statement and a commit.
   * {@code vertx} sets the timers, on the calling event loop.
   */
  public GroupCommit lingering(Vertx vertx, long millis) {
    this.vertx = vertx;
    this.lingerNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
    return this;
  }

  /** {@code observer} is told the number of calls of each batch as it goes out (on the owning event loop). */
  public GroupCommit observingBatches(java.util.function.IntConsumer observer) {
    this.onBatch = observer;
    return this;
  }

  /** Runs the statement with {@code args}; {@code lockKey} orders it within a batch (e.g. the row it locks first). */
  public Future<List<Row>> execute(long lockKey, Tuple args) {
    Promise<List<Row>> result = Promise.promise();
    waiting.add(new Call(lockKey, args, result, lingerNanos > 0 ? System.nanoTime() : 0));
    drain();
    return result.future();
  }

  public long batches() {
    return batches;
  }

  public long statements() {
    return statements;
  }

  public long fallbacks() {
    return fallbacks;
  }

  /** Calls the statement answered with no rows and that ran again with {@code whenNoRows}. */
  public long reruns() {
    return reruns;
  }

  /** Calls the statement skipped (their row was locked elsewhere) and that ran on their own, out of the batches. */
  public long deferrals() {
    return deferrals;
  }

  private void drain() {
    while (inFlight < maxInFlight && !waiting.isEmpty()) {
      if (lingerNanos > 0 && waiting.size() < maxBatch) {
        long left = waiting.peekFirst().queuedAt() + lingerNanos - System.nanoTime();
        if (left > 0) {
          if (lingerTimer < 0) {
            lingerTimer = vertx.setTimer((left + 999_999) / 1_000_000, t -> {
              lingerTimer = -1;
              drain();
            });
          }
          return;
        }
      }
      List<Call> batch = new ArrayList<>(Math.min(waiting.size(), maxBatch));
      // A call whose key a running batch holds waits for it, and so do the later calls with that key: calls with one
      // key run in the order they were made (a later batch could otherwise take the row lock first), and two
      // batches of this group never wait for each other's row locks.
      Iterator<Call> it = waiting.iterator();
      java.util.Set<Long> keys = whenNoRows == null && combined == null ? null : new java.util.HashSet<>();
      while (batch.size() < maxBatch && it.hasNext()) {
        Call call = it.next();
        if (!keysInFlight.containsKey(call.lockKey()) && (keys == null || keys.add(call.lockKey()))) {
          batch.add(call);
          it.remove();
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      send(batch);
    }
  }

  private void send(List<Call> batch) {
    inFlight++;
    for (Call call : batch) {
      keysInFlight.merge(call.lockKey(), 1, Integer::sum);
    }
    batches++;
    statements += batch.size();
    onBatch.accept(batch.size());
    Future<Void> done;
    java.util.Set<Call> deferred = new java.util.HashSet<>();
    if (batch.size() == 1) {
      Call call = batch.get(0);
      done = runOne(call, deferred);
    } else {
      batch.sort(BY_LOCK_KEY);
      done = (combined != null ? executeCombined(batch, deferred) : executeBatch(batch))
          .recover(err -> oneByOne(batch, deferred));
    }
    done.onComplete(ar -> {
      inFlight--;
      for (Call call : batch) {
        if (!deferred.contains(call)) {
          release(call);
        }
      }
      for (Call call : deferred) {
        runDeferred(call);
      }
      drain();
    });
  }

  private void release(Call call) {
    keysInFlight.computeIfPresent(call.lockKey(), (k, n) -> n == 1 ? null : n - 1);
  }

  /**
   * A call whose row another transaction held when its batch ran (a {@link Combined#skipped} row): it runs on its own
   * with {@code whenNoRows}, which waits for the lock, outside the batches, so the next batch goes out meanwhile. Its
   * key stays in flight until it is answered, so the later calls of that key still run after it.
   */
  private void runDeferred(Call call) {
    deferrals++;
    pool.preparedQuery(whenNoRows).execute(call.args()).map(GroupCommit::list)
        .transform(ar -> settle(call, ar))
        .onComplete(ar -> {
          release(call);
          drain();
        });
  }

  private Future<Void> runOne(Call call, java.util.Set<Call> deferred) {
    Tuple args = combined == null ? call.args() : combined.arguments().apply(List.of(call.args()));
    return pool.preparedQuery(sql).execute(args).map(GroupCommit::list)
        .transform(ar -> ar.succeeded() ? answer(call, ar.result(), deferred) : settle(call, ar));
  }

  /**
   * Answers the call with the statement's rows; or, when they are none and there is a {@code whenNoRows}
   * statement, with that statement's, run now; or, when the statement skipped it (its row was locked elsewhere), adds
   * it to {@code deferred}, unanswered. Completes when the call is answered or deferred, and never fails.
   */
  private Future<Void> answer(Call call, List<Row> rows, java.util.Set<Call> deferred) {
    if (whenNoRows != null && combined != null && combined.skipped() != null && rows.size() == 1
        && combined.skipped().test(rows.get(0))) {
      deferred.add(call);
      return Future.succeededFuture();
    }
    if (!rows.isEmpty() || whenNoRows == null) {
      return settle(call, Future.succeededFuture(rows));
    }
    reruns++;
    return pool.preparedQuery(whenNoRows).execute(call.args()).map(GroupCommit::list)
        .transform(ar -> settle(call, ar));
  }

  private static Future<Void> settle(Call call, io.vertx.core.AsyncResult<List<Row>> ar) {
    call.result().handle(ar);
    return Future.succeededFuture();
  }

  /** One statement per call, sent together: one round trip and one commit. */
  private Future<Void> executeBatch(List<Call> batch) {
    return pool.preparedQuery(sql).executeBatch(argumentsOf(batch)).compose(first -> {
      List<List<Row>> answers = new ArrayList<>(batch.size());
      for (RowSet<Row> rows = first; answers.size() < batch.size(); rows = rows.next()) {
        answers.add(list(rows));
      }
      return answerInOrder(batch, answers, null);
    });
  }

  /** The batch as one run of the statement: one round trip, one statement, one commit. */
  private Future<Void> executeCombined(List<Call> batch, java.util.Set<Call> deferred) {
    return pool.preparedQuery(sql).execute(combined.arguments().apply(argumentsOf(batch))).compose(rows -> {
      Map<Long, List<Row>> byKey = new HashMap<>();
      for (Row row : rows) {
        byKey.computeIfAbsent(combined.keyOf().applyAsLong(row), k -> new ArrayList<>(1)).add(row);
      }
      List<List<Row>> answers = new ArrayList<>(batch.size());
      for (Call call : batch) {
        answers.add(byKey.getOrDefault(call.lockKey(), List.of()));
      }
      return answerInOrder(batch, answers, deferred);
    });
  }

  private static List<Tuple> argumentsOf(List<Call> batch) {
    List<Tuple> args = new ArrayList<>(batch.size());
    for (Call call : batch) {
      args.add(call.args());
    }
    return args;
  }

  /**
   * Answers each call with its rows (or its rerun's), after the batch committed, in the batch's order (a rerun waits
   * for the one before), before the keys are released.
   */
  private Future<Void> answerInOrder(List<Call> batch, List<List<Row>> answers, java.util.Set<Call> deferred) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < batch.size(); i++) {
      Call call = batch.get(i);
      List<Row> answer = answers.get(i);
      chain = chain.compose(ignored -> answer(call, answer, deferred));
    }
    return chain;
  }

  private static List<Row> list(RowSet<Row> rows) {
    List<Row> list = new ArrayList<>(rows.size());
    rows.forEach(list::add);
    return list;
  }

  /** After a failed batch: each statement again on its own, in order, each answering its own caller. */
  private Future<Void> oneByOne(List<Call> batch, java.util.Set<Call> deferred) {
    fallbacks++;
    Future<Void> chain = Future.succeededFuture();
    for (Call call : batch) {
      chain = chain.transform(ignored -> runOne(call, deferred).transform(ar -> Future.<Void>succeededFuture()));
    }
    return chain;
  }
}
