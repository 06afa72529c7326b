package app.homeroom.session;

import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.support.TestEnv;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, point 2: a session's validity is asked of the database once however many of its requests arrive at once
 * (15 sockets opened together by one user cost one query, not 15), and the one answer is everyone's, a refusal as
 * much as a pass. Against the test database, through a pool that counts the checks it is given.
 */
class RevocationsTest {

  private static Vertx vertx;
  private static Pool pool;
  private static final AtomicInteger checks = new AtomicInteger();
  private static Pool counting;
  private static long studentId;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = TestEnv.pool(vertx, 2);
    // The real pool, each session check it runs counted (by the statement's text: only check() asks that one).
    counting = (Pool) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class}, (proxy, m, args) -> {
      if (m.getName().equals("preparedQuery") && String.valueOf(args[0]).contains("from revoked_sessions r where r.jti")) {
        checks.incrementAndGet();
      }
      try {
        return m.invoke(pool, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
    String run = UUID.randomUUID().toString().substring(0, 8);
    studentId = TestEnv.db().createStudent("Revocation Student", "revocation-" + run + "@test.school", "R-" + run, "9R",
        "correct horse battery");
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Sessions.Session session() {
    long now = System.currentTimeMillis() / 1000;
    return new Sessions.Session(new Identity(studentId, Identity.Role.STUDENT, "Revocation Student"),
        UUID.randomUUID().toString(), now, now + 3600, null);
  }

  /** {@code work} on one event loop (Revocations is one verticle's), its futures' outcomes once all are done. */
  private static List<Future<Void>> onLoop(Supplier<List<Future<Void>>> work) throws Exception {
    CompletableFuture<List<Future<Void>>> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      List<Future<Void>> all = work.get();
      Future.join(all).onComplete(ar -> done.complete(all));
    });
    return done.get(10, TimeUnit.SECONDS);
  }

  private static List<Future<Void>> fifteen(Revocations revocations, Sessions.Session session) {
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      all.add(revocations.check(session));
    }
    return all;
  }

  @Test
  @DisplayName("Issue 24.2: fifteen checks of one session at once are one query, and a second round within the cache none")
  void one_question_per_session_at_a_time() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000);
    Revocations revocations = new Revocations(counting, pool, clock::get);
    Sessions.Session session = session();
    checks.set(0);

    List<Future<Void>> first = onLoop(() -> fifteen(revocations, session));
    assertTrue(first.stream().allMatch(Future::succeeded), "every request of a valid session passes");
    assertEquals(1, checks.get(), "one query for the fifteen");

    onLoop(() -> fifteen(revocations, session));
    assertEquals(1, checks.get(), "answered from the cache");

    clock.addAndGet(Revocations.CACHE_MILLIS + 1);
    onLoop(() -> fifteen(revocations, session));
    assertEquals(2, checks.get(), "asked again, once, when the cached answer is stale");

    Sessions.Session another = session();
    onLoop(() -> fifteen(revocations, another));
    assertEquals(3, checks.get(), "another session of the same user has a question of its own");
  }

  @Test
  @DisplayName("Issue 24.2: a signed-out session's waiting requests are all refused by the one answer")
  void the_one_answer_refuses_them_all() throws Exception {
    Revocations revocations = new Revocations(counting, pool, System::currentTimeMillis);
    Sessions.Session session = session();
    TestEnv.db().exec("insert into revoked_sessions (jti, user_id, expires_at) values (?, ?, now() + interval '1 hour')", session.jti(), studentId);
    checks.set(0);

    List<Future<Void>> all = onLoop(() -> fifteen(revocations, session));
    assertEquals(1, checks.get());
    for (Future<Void> f : all) {
      assertTrue(f.failed(), "refused");
      assertEquals(401, ((ApiError) f.cause()).status());
    }
  }

  @Test
  @DisplayName("Issue 24.2: a sign-out heard while the one query runs refuses the requests waiting for it")
  void an_event_meanwhile_wins() throws Exception {
    Revocations revocations = new Revocations(counting, pool, System::currentTimeMillis);
    Sessions.Session session = session();
    List<Future<Void>> all = onLoop(() -> {
      List<Future<Void>> f = fifteen(revocations, session);
      revocations.ended(studentId, session.jti(), false);
      return f;
    });
    assertTrue(all.stream().allMatch(Future::failed), "each waiting request refused: " + all);
  }
}
