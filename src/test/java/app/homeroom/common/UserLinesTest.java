package app.homeroom.common;

import app.homeroom.support.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Issue 24.2: one user's pages of history or searches, one at a time")
class UserLinesTest {

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** Runs {@code action} on a context of its own (as a chat verticle instance does) and waits for it. */
  static void onContext(Runnable action) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      try {
        action.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    done.get(5, TimeUnit.SECONDS);
  }

  /** Waits for what the lines start on a context (the next read, a dropped one) to have happened. */
  static void until(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, 5_000, what);
  }

  @Test
  @DisplayName("a user's reads run one at a time in order, another user's at once; beyond the line, a 429; a read that"
      + " fails or throws lets the next one go")
  void one_at_a_time_per_user() throws Exception {
    UserLines lines = new UserLines("pages of history", userId -> false);
    List<String> started = new CopyOnWriteArrayList<>();
    List<Promise<String>> pages = new CopyOnWriteArrayList<>();
    List<Future<String>> answers = new ArrayList<>();
    int asked = 2 + UserLines.WAITING_PER_USER;
    onContext(() -> {
      for (int i = 0; i < asked; i++) {
        String name = "sam " + i;
        answers.add(lines.run(7, () -> {
          started.add(name);
          Promise<String> page = Promise.promise();
          pages.add(page);
          return page.future();
        }));
      }
      answers.add(lines.run(8, () -> {
        started.add("olga");
        return Future.succeededFuture("olga's page");
      }));
    });
    assertEquals(List.of("sam 0", "olga"), started, "one of Sam's at a time; Olga's is not behind his");
    Future<String> refused = answers.get(asked - 1);
    assertTrue(refused.failed(), "beyond the line");
    ApiError error = assertInstanceOf(ApiError.class, refused.cause());
    assertEquals(429, error.status());
    assertTrue(error.getMessage().contains("pages of history"), error.getMessage());
    assertEquals("olga's page", answers.get(asked).result());

    pages.get(0).complete("page 0");
    until(() -> started.size() == 3, "Sam's next read started");
    assertEquals("page 0", answers.get(0).result());
    assertEquals(List.of("sam 0", "olga", "sam 1"), started);
    pages.get(1).fail(new IllegalStateException("the database went away"));
    until(() -> started.size() == 4, "the read after the failed one started");
    assertTrue(answers.get(1).failed());
    assertEquals("sam 2", started.get(started.size() - 1), "a failed read lets the next one go");
    for (int i = 2; i < asked - 1; i++) {
      int done = i;
      pages.get(i).complete("page " + i);
      until(() -> started.size() == Math.min(done + 3, asked), "the read after page " + done + " started");
    }
    for (int i = 2; i < asked - 1; i++) {
      assertEquals("page " + i, answers.get(i).result(), "in order, each its own page");
    }
    assertEquals(0, lines.users(), "nobody's line is left behind");

    // A read that throws before it has a future counts as done too.
    List<Future<String>> more = new ArrayList<>();
    onContext(() -> {
      more.add(lines.run(7, () -> {
        throw ApiError.badRequest("Give one of 'before', 'after' or 'around'");
      }));
      more.add(lines.run(7, () -> Future.succeededFuture("after the bad one")));
    });
    until(() -> more.get(1).isComplete(), "the read after the bad one answered");
    assertEquals(400, assertInstanceOf(ApiError.class, more.get(0).cause()).status());
    assertEquals("after the bad one", more.get(1).result());
    assertEquals(0, lines.users());
  }

  @Test
  @DisplayName("pages waiting for a user closed for abuse meanwhile are not read: refused with a 429 when their turn"
      + " comes; once the user is no longer blocked, their pages are read again")
  void a_user_closed_for_abuse_loses_what_waits() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean blocked = new java.util.concurrent.atomic.AtomicBoolean();
    UserLines lines = new UserLines("pages of history", userId -> userId == 7 && blocked.get());
    List<String> started = new CopyOnWriteArrayList<>();
    Promise<String> first = Promise.promise();
    List<Future<String>> answers = new ArrayList<>();
    onContext(() -> {
      answers.add(lines.run(7, () -> {
        started.add("flood 0");
        return first.future();
      }));
      for (int i = 1; i <= 14; i++) {
        String name = "flood " + i;
        answers.add(lines.run(7, () -> {
          started.add(name);
          return Future.succeededFuture(name);
        }));
      }
    });
    blocked.set(true); // its sockets were closed for abuse while the first page was being read
    first.complete("page 0");
    until(() -> answers.stream().allMatch(Future::isComplete), "every waiting page answered");
    assertEquals(List.of("flood 0"), started, "the waiting pages were not read");
    assertEquals("page 0", answers.get(0).result(), "the one under way is answered");
    for (int i = 1; i <= 14; i++) {
      assertEquals(429, assertInstanceOf(ApiError.class, answers.get(i).cause()).status());
    }
    assertEquals(0, lines.users());
    blocked.set(false);
    List<Future<String>> later = new ArrayList<>();
    onContext(() -> later.add(lines.run(7, () -> Future.succeededFuture("after the back-off"))));
    until(() -> later.get(0).isComplete(), "the read after the back-off answered");
    assertEquals("after the back-off", later.get(0).result());
  }
}
