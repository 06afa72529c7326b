package app.homeroom.search;

import app.homeroom.account.AccountService;
import app.homeroom.bus.Identity;
import app.homeroom.common.UserLines;
import app.homeroom.ops.NodeMetrics;
import app.homeroom.support.TestEnv;
import app.homeroom.web.Guard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, point 2: one user's searches run one at a time on a node, so a burst of them (the budget lets 15 through
 * at once) holds one of the reports pool's connections, not all four, while another user's search is not behind them.
 * {@link SearchRoutes} against the test database, through a pool that counts the statements running at once.
 */
@DisplayName("Issue 24.2: one user's searches, one at a time")
class SearchLineTest {

  private static Vertx vertx;
  private static Pool pool;
  private static HttpServer server;
  private static final AtomicInteger running = new AtomicInteger();
  private static final AtomicInteger mostAtOnce = new AtomicInteger();
  private static final AtomicInteger executed = new AtomicInteger();
  private static long sam;
  private static long olga;
  private static long ada;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = TestEnv.pool(vertx, 4);
    String run = UUID.randomUUID().toString().substring(0, 8);
    sam = TestEnv.db().createStudent("Line Sam", "line-sam-" + run + "@test.school", "LS-" + run, "9L", "correct horse battery");
    olga = TestEnv.db().createStudent("Line Olga", "line-olga-" + run + "@test.school", "LO-" + run, "9L",
        "correct horse battery");
    ada = TestEnv.db().createAdmin("Line Ada", "line-ada-" + run + "@test.school", "correct horse battery");
    UserLines lines = new UserLines("searches", userId -> false);
    Pool counted = counting(pool);
    SearchRoutes routes = new SearchRoutes(vertx, new MessageSearch(counted), new AccountService(vertx, counted, counted),
        NodeMetrics.off(), lines);
    Router router = Router.router(vertx);
    // What the Guard leaves for the routes: who asks (here named by a header, in place of a session).
    router.route().handler(ctx -> {
      long who = Long.parseLong(ctx.request().getHeader("x-test-user"));
      ctx.put(Guard.IDENTITY, who == ada ? new Identity(who, Identity.Role.ADMIN, "Line Ada")
          : new Identity(who, Identity.Role.STUDENT, who == sam ? "Line Sam" : "Line Olga"));
      ctx.next();
    });
    routes.mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0).await();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The real pool, each statement counted from when it is sent until its answer. */
  @SuppressWarnings("unchecked")
  private static Pool counting(Pool real) {
    return (Pool) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class}, (proxy, m, args) -> {
      Object result = invoke(real, m, args);
      if (!m.getName().equals("preparedQuery")) {
        return result;
      }
      PreparedQuery<?> query = (PreparedQuery<?>) result;
      return Proxy.newProxyInstance(PreparedQuery.class.getClassLoader(), new Class<?>[] {PreparedQuery.class},
          (p, qm, qargs) -> {
            if (!qm.getName().equals("execute")) {
              return invoke(query, qm, qargs);
            }
            executed.incrementAndGet();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            return ((Future<?>) invoke(query, qm, qargs)).onComplete(ar -> running.decrementAndGet());
          });
    });
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static CompletableFuture<HttpResponse<String>> search(HttpClient http, long who, String q) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + server.actualPort() + "/api/search?q=" + q))
        .header("x-test-user", Long.toString(who)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("twelve searches of one user asked at once all get answers, and no two of them ran at the same time;"
      + " another user's search, asked behind them, is answered")
  void a_burst_runs_one_at_a_time() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      burst.add(search(http, sam, "homework" + i));
    }
    HttpResponse<String> others = search(http, olga, "homework").get(20, TimeUnit.SECONDS);
    for (CompletableFuture<HttpResponse<String>> answer : burst) {
      assertEquals(200, answer.get(20, TimeUnit.SECONDS).statusCode());
    }
    assertEquals(200, others.statusCode());
    // Sam's twelve one at a time; Olga's may have run beside one of his.
    assertTrue(mostAtOnce.get() <= 2, "statements at once: " + mostAtOnce.get());
    mostAtOnce.set(0);
    List<CompletableFuture<HttpResponse<String>>> again = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      again.add(search(http, sam, "lesson" + i));
    }
    for (CompletableFuture<HttpResponse<String>> answer : again) {
      assertEquals(200, answer.get(20, TimeUnit.SECONDS).statusCode());
    }
    assertEquals(1, mostAtOnce.get(), "one user's statements at once");
  }

  @Test
  @DisplayName("an admin's search asks for the students matching it after the message hits, not beside them: one"
      + " statement at a time, so one search never keeps two of PostgreSQL's processes busy")
  void an_admins_search_runs_one_statement_at_a_time() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    mostAtOnce.set(0);
    int before = executed.get();
    HttpResponse<String> answer = search(http, ada, "zebra").get(20, TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode(), answer::body);
    assertEquals(0, new io.vertx.core.json.JsonObject(answer.body()).getJsonArray("students").size(), answer::body);
    // The probe, the newest tier, "did you mean" and the student matches.
    assertTrue(executed.get() - before >= 4, "statements: " + (executed.get() - before));
    assertEquals(1, mostAtOnce.get(), "statements at once");
  }
}
