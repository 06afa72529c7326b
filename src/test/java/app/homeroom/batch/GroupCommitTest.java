package app.homeroom.batch;

import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.DbTarget;
import app.homeroom.support.TestEnv;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, group commit: {@link GroupCommit} against the real database, on a scratch table: calls share round
 * trips and commits under load and not when idle, each caller gets its own statement's rows, calls with the same
 * lock key keep their order, and a failing statement fails only its own caller.
 */
class GroupCommitTest {

  private static final String INSERT = "insert into group_commit_probe (k, v) values ($1, $2) returning id, k, v";
  /** The same insert for a whole batch at once, from the calls' arguments as arrays. */
  private static final String INSERT_ALL = "insert into group_commit_probe (k, v)"
      + " select * from unnest($1::bigint[], $2::text[]) returning id, k, v";
  private static final GroupCommit.Combined AS_ARRAYS = new GroupCommit.Combined(calls -> Tuple.tuple()
      .addValue(calls.stream().map(t -> t.getLong(0)).toArray(Long[]::new))
      .addValue(calls.stream().map(t -> t.getString(1)).toArray(String[]::new)), row -> row.getLong("k"));

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    TestEnv.node();
    vertx = Vertx.vertx();
    DbTarget target = DbTarget.fromConfig(TestEnv.config(0).db());
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(target.connectOptions()).using(vertx).build();
    TestEnv.db().exec("create table if not exists group_commit_probe (id bigserial primary key, k bigint not null,"
        + " v text not null check (v <> 'bad'))");
    // Counts the insert statements PostgreSQL ran, whatever the rows each one stored.
    TestEnv.db().exec("create table if not exists group_commit_statements (n bigint not null)");
    TestEnv.db().exec("create or replace function group_commit_count() returns trigger language plpgsql as $$"
        + " begin update group_commit_statements set n = n + 1; return null; end $$");
    TestEnv.db().exec("create or replace trigger group_commit_count after insert on group_commit_probe"
        + " for each statement execute function group_commit_count()");
  }

  @BeforeEach
  void empty() {
    TestEnv.db().exec("truncate group_commit_probe, group_commit_statements");
    TestEnv.db().exec("insert into group_commit_statements values (0)");
  }

  @AfterAll
  static void stop() throws Exception {
    TestEnv.db().exec("drop table if exists group_commit_probe");
    TestEnv.db().exec("drop table if exists group_commit_statements");
    TestEnv.db().exec("drop function if exists group_commit_count()");
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Makes the calls from one event loop, as a verticle does, and waits for all their answers. */
  private static List<Future<List<Row>>> callAll(GroupCommit group, List<Tuple> calls) throws Exception {
    CompletableFuture<List<Future<List<Row>>>> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      List<Future<List<Row>>> results = new ArrayList<>();
      for (Tuple t : calls) {
        results.add(group.execute(t.getLong(0), t));
      }
      Future.join(results).onComplete(ar -> done.complete(results));
    });
    return done.get(60, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("Idle: a call goes out at once on its own; under load, calls share round trips and commits")
  void batches_only_under_load() throws Exception {
    GroupCommit group = new GroupCommit(pool, INSERT, 2, 256);
    List<Future<List<Row>>> one = callAll(group, List.of(Tuple.of(1L, "alone")));
    assertTrue(one.get(0).succeeded());
    assertEquals(1, group.batches());
    assertEquals(1, group.statements());

    List<Tuple> burst = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      burst.add(Tuple.of((long) (i % 37), "m" + i));
    }
    List<Future<List<Row>>> results = callAll(group, burst);
    assertEquals(1001, group.statements());
    long batches = group.batches() - 1;
    System.out.printf("[group commit] 1,000 calls at once went out in %d batches%n", batches);
    assertTrue(batches <= 10, "1,000 calls at once share batches: " + batches);
    assertEquals(1001, TestEnv.db().queryLong("select count(*) from group_commit_probe"));

    // Each caller got its own statement's row back.
    for (int i = 0; i < burst.size(); i++) {
      Row row = results.get(i).result().iterator().next();
      assertEquals("m" + i, row.getString("v"));
      assertEquals(i % 37, row.getLong("k"));
    }
  }

  @Test
  @DisplayName("Calls with the same lock key run in the order they were made, with several batches running")
  void same_key_keeps_its_order() throws Exception {
    GroupCommit group = new GroupCommit(pool, INSERT, 3, 16);
    List<Tuple> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(Tuple.of((long) (7 - i % 7), Integer.toString(i)));
    }
    List<Future<List<Row>>> results = callAll(group, calls);
    long[] lastId = new long[8];
    for (int i = 0; i < calls.size(); i++) {
      Row row = results.get(i).result().iterator().next();
      int k = (int) row.getLong("k").longValue();
      assertTrue(row.getLong("id") > lastId[k], "key " + k + ": call " + i + " ran after the ones before it");
      lastId[k] = row.getLong("id");
    }
  }

  @Test
  @DisplayName("A call the fast statement answers with no rows runs the full one, before later calls of its key")
  void no_rows_run_the_full_statement_in_order() throws Exception {
    // Fast: stores only values not starting with "slow:". Full: stores anything. Both number rows per key from the
    // rows stored so far, so a later call of a key that ran before an earlier one's rerun (in the same batch, say)
    // would be numbered before it.
    String numbered = "(select count(*) from group_commit_probe where k = $1)";
    rerunsInOrder(new GroupCommit(pool,
        "insert into group_commit_probe (k, v) select $1, " + numbered + " || ':' || $2 where $2 not like 'slow:%'"
            + " returning id, k, v",
        "insert into group_commit_probe (k, v) select $1, " + numbered + " || ':' || $2 returning id, k, v", 2, 8));
  }

  @Test
  @DisplayName("The same with a batch as one statement: the calls it stores nothing for run the full one, in order")
  void no_rows_of_a_combined_batch_run_the_full_statement_in_order() throws Exception {
    GroupCommit group = new GroupCommit(pool,
        "insert into group_commit_probe (k, v) select u.k, (select count(*) from group_commit_probe p where p.k = u.k)"
            + " || ':' || u.v from unnest($1::bigint[], $2::text[]) u (k, v) where u.v not like 'slow:%'"
            + " returning id, k, v", AS_ARRAYS,
        "insert into group_commit_probe (k, v) select $1, (select count(*) from group_commit_probe where k = $1)"
            + " || ':' || $2 returning id, k, v", 2, 8);
    rerunsInOrder(group);
    assertEquals(group.batches() + group.reruns(), statementsRun(), "one statement a batch, and one a rerun");
  }

  private void rerunsInOrder(GroupCommit group) throws Exception {
    List<Tuple> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(Tuple.of((long) (i % 5), (i % 9 == 0 ? "slow:" : "") + i));
    }
    List<Future<List<Row>>> results = callAll(group, calls);
    int[] count = new int[5];
    for (int i = 0; i < calls.size(); i++) {
      Row row = results.get(i).result().iterator().next();
      int k = i % 5;
      assertEquals(count[k]++ + ":" + calls.get(i).getString(1), row.getString("v"), "call " + i + " in its key's order");
    }
    assertEquals(23, group.reruns(), "the 23 slow calls, and only they, ran the full statement");
  }

  @Test
  @DisplayName("Combined: a batch is one statement, each caller gets its own row, and a key keeps its order")
  void a_combined_batch_is_one_statement() throws Exception {
    GroupCommit group = new GroupCommit(pool, INSERT_ALL, AS_ARRAYS, null, 2, 256);
    List<Tuple> calls = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      calls.add(Tuple.of((long) (i % 37), "m" + i));
    }
    List<Future<List<Row>>> results = callAll(group, calls);
    long[] lastId = new long[37];
    for (int i = 0; i < calls.size(); i++) {
      List<Row> rows = results.get(i).result();
      assertEquals(1, rows.size(), "call " + i + " is answered with its own row only");
      Row row = rows.get(0);
      assertEquals("m" + i, row.getString("v"));
      int k = i % 37;
      assertTrue(row.getLong("id") > lastId[k], "key " + k + ": call " + i + " ran after the ones before it");
      lastId[k] = row.getLong("id");
    }
    assertEquals(1000, TestEnv.db().queryLong("select count(*) from group_commit_probe"));
    System.out.printf("[group commit] 1,000 calls on 37 keys went out as %d statements%n", statementsRun());
    assertEquals(group.batches(), statementsRun(), "one statement per batch");
    assertTrue(group.batches() < 100, "a batch carries many calls: " + group.batches());
  }

  @Test
  @DisplayName("Combined: a failing call fails its own caller only; the others are stored once")
  void a_bad_call_in_a_combined_batch_fails_alone() throws Exception {
    GroupCommit group = new GroupCommit(pool, INSERT_ALL, AS_ARRAYS, null, 1, 256);
    badCallsFailAlone(group);
    assertTrue(group.fallbacks() > 0, "the failed batches ran again call by call");
  }

  @Test
  @DisplayName("Lingering: calls a few milliseconds apart share a batch with nothing running; without, they do not")
  void lingering_calls_share_a_batch() throws Exception {
    GroupCommit lingering = new GroupCommit(pool, INSERT_ALL, AS_ARRAYS, null, 1, 256).lingering(vertx, 500);
    callPaced(lingering, 40, 2);
    assertEquals(40, TestEnv.db().queryLong("select count(*) from group_commit_probe"));
    assertEquals(1, lingering.batches(), "40 calls over ~80 ms, each waiting up to 500 ms: one batch");
    assertEquals(1, statementsRun());

    GroupCommit eager = new GroupCommit(pool, INSERT_ALL, AS_ARRAYS, null, 1, 256);
    callPaced(eager, 40, 2);
    System.out.printf("[group commit] 40 calls 2 ms apart: 1 batch lingering, %d without%n", eager.batches());
    assertTrue(eager.batches() >= 3, "without a linger each call goes out when nothing runs: " + eager.batches());
  }

  @Test
  @DisplayName("Lingering: a full batch goes out at once; the rest waits out the linger")
  void a_full_batch_does_not_linger() throws Exception {
    GroupCommit group = new GroupCommit(pool, INSERT_ALL, AS_ARRAYS, null, 1, 8).lingering(vertx, 2_000);
    List<Tuple> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(Tuple.of((long) i, "m" + i));
    }
    long[] answeredAfterMs = new long[calls.size()];
    long t0 = System.nanoTime();
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      List<Future<List<Row>>> results = new ArrayList<>();
      for (int i = 0; i < calls.size(); i++) {
        int n = i;
        results.add(group.execute(n, calls.get(n))
            .onComplete(ar -> answeredAfterMs[n] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
      }
      Future.join(results).onComplete(ar -> done.complete(null));
    });
    done.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 16; i++) {
      assertTrue(answeredAfterMs[i] < 1_500, "call " + i + " was in a full batch: " + answeredAfterMs[i] + " ms");
    }
    for (int i = 16; i < 20; i++) {
      assertTrue(answeredAfterMs[i] >= 1_950, "call " + i + " waited out the linger: " + answeredAfterMs[i] + " ms");
    }
    assertEquals(3, group.batches());
    assertEquals(20, TestEnv.db().queryLong("select count(*) from group_commit_probe"));
  }

  /** Makes {@code n} calls, one every {@code everyMs} from one event loop, and waits for their answers. */
  private static void callPaced(GroupCommit group, int n, long everyMs) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      List<Future<List<Row>>> results = new ArrayList<>();
      vertx.setPeriodic(everyMs, id -> {
        long i = results.size();
        results.add(group.execute(i, Tuple.of(i, "p" + i)));
        if (results.size() == n) {
          vertx.cancelTimer(id);
          Future.join(results).onComplete(ar -> done.complete(null));
        }
      });
    });
    done.get(30, TimeUnit.SECONDS);
  }

  private static long statementsRun() {
    return TestEnv.db().queryLong("select n from group_commit_statements");
  }

  @Test
  @DisplayName("A failing statement in a batch fails its own caller only")
  void a_bad_call_fails_alone() throws Exception {
    badCallsFailAlone(new GroupCommit(pool, INSERT, 1, 256));
  }

  /** Calls 57 and 140 of 200 break the table's check: they fail, and the 198 others are stored, each once. */
  private void badCallsFailAlone(GroupCommit group) throws Exception {
    List<Tuple> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(Tuple.of((long) i, i == 57 || i == 140 ? "bad" : "ok" + i));
    }
    List<Future<List<Row>>> results = callAll(group, calls);
    for (int i = 0; i < calls.size(); i++) {
      boolean bad = i == 57 || i == 140;
      assertEquals(!bad, results.get(i).succeeded(), "call " + i);
    }
    assertEquals(198, TestEnv.db().queryLong("select count(*) from group_commit_probe"));
    assertEquals(198, TestEnv.db().queryLong("select count(distinct v) from group_commit_probe"), "no call stored twice");
  }
}
