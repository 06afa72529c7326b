package app.homeroom.http;

import app.homeroom.config.HomeroomConfig;
import app.homeroom.support.Api;
import app.homeroom.web.RateLimited;
import app.homeroom.support.LogCapture;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, point 2: reads one user could flood (pages of history over the bridge or REST, searches) take from a
 * budget of that user's own, on the shared node with the shipped limits. Before: no limit at all, and one student's
 * 15 sockets of fetches moved everyone's send p50 from 9 ms to 706 ms.
 */
class ReadBudgetTest {

  static final HomeroomConfig.Limits LIMITS = HomeroomConfig.Limits.defaults();

  School school;
  int port;
  String origin;
  long conversation;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    port = TestEnv.node().httpPort();
    origin = "http://localhost:" + port;
    conversation = school.openConversation(school.student);
  }

  @Test
  @DisplayName("Issue 24.2: a student's history fetches beyond the read budget are refused (429 + retryAfter); another user's are not")
  void bridge_fetches_take_from_the_read_budget() throws Exception {
    // A few refusals (the rounds take well under the 0.6 s that would refill 6 tokens), fewer than close a socket.
    int asked = 2 * ((LIMITS.readsBurst() + LIMITS.refusalsBeforeClose() - 3) / 2); // in two equal rounds
    try (LogCapture hook = LogCapture.quietly("app.homeroom.http.BridgeHook");
         SockJsClient sam = SockJsClient.connect(port, school.pupil.sessionCookie(), origin);
         SockJsClient ada = SockJsClient.connect(port, school.staff.sessionCookie(), origin)) {
      int answered = 0;
      List<JsonObject> refusals = new ArrayList<>();
      // In rounds under the bridge's 64 handlers per socket.
      for (int round = 0; round < 2; round++) {
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < asked / 2; i++) {
          replies.add(sam.request("chat.messages.fetch", new JsonObject().put("conversationId", conversation)
              .put("limit", 50), null));
        }
        for (String reply : replies) {
          JsonObject f = sam.await(x -> reply.equals(x.getString("address")), 10_000);
          if ("err".equals(f.getString("type"))) {
            refusals.add(f);
          } else {
            answered++;
          }
        }
      }
      // The burst, and what refilled (readsPerSecond) while the rounds ran.
      assertTrue(answered >= LIMITS.readsBurst() && answered <= LIMITS.readsBurst() + 15, "answered " + answered);
      assertEquals(asked - answered, refusals.size());
      assertFalse(refusals.isEmpty(), "refused beyond the burst");
      for (JsonObject r : refusals) {
        assertEquals(429, r.getInteger("failureCode"), r.encode());
        assertEquals("too_many_requests", r.getString("code"));
        assertTrue(r.getLong("retryAfter") > 0);
      }
      assertFalse(sam.isClosed(), "below refusalsBeforeClose the socket stays open");
      // Ada's budget is her own.
      JsonObject page = ada.call("chat.messages.fetch", new JsonObject().put("conversationId", conversation));
      assertEquals("rec", page.getString("type"), page.encode());
    }
  }

  @Test
  @DisplayName("Issue 24.2: a page of history costs by the messages it asks for: pages of 200 run out four times sooner than pages of 50")
  void big_pages_cost_more() {
    UntilRefused big = untilRefused(school.pupil, "/api/conversations/" + conversation + "/messages?limit=200",
        LIMITS.readsBurst());
    assertTrue(big.refused() != null, "the read budget ran out");
    assertEquals(429, big.refused().status(), big.refused().raw().body());
    // A quarter of the burst, and what refilled meanwhile (a held refusal waits for up to 4 tokens: 400 ms).
    assertTrue(big.ok() >= LIMITS.readsBurst() / 4 && big.ok() <= LIMITS.readsBurst() / 4 + 3,
        "pages of 200 answered " + big.ok());
    // Another user's pages of the default 50 still get the whole burst.
    Api ada = school.staff;
    int small = 0;
    for (int i = 0; i < LIMITS.readsBurst() / 2; i++) {
      if (ada.get("/api/conversations/" + conversation + "/messages").status() == 200) {
        small++;
      }
    }
    assertEquals(LIMITS.readsBurst() / 2, small, "pages of 50 cost one each");
  }

  @Test
  @DisplayName("Issue 24.2: searches have a budget of their own; a refused one is answered when a token is there, not at once")
  void searches_take_from_their_own_budget_and_refusals_are_held() {
    Api ada = school.staff;
    UntilRefused searches = untilRefused(ada, "/api/search?q=homework", LIMITS.searchesBurst() + 10);
    int ok = searches.ok();
    Api.Response refused = searches.refused();
    long refusedAfterMs = searches.refusedAfterMs();
    assertTrue(refused != null, "the search budget ran out");
    assertTrue(ok >= LIMITS.searchesBurst() && ok <= LIMITS.searchesBurst() + 3, "searches answered " + ok);
    assertEquals(429, refused.status());
    assertEquals("too_many_requests", refused.json().getJsonObject("error").getString("code"));
    assertTrue(refused.raw().headers().firstValue("retry-after").isPresent());
    // Held until a token is there (up to a third of a second at 3 a second), so a flooder asking again at once is
    // slowed to the budget, and a client that asks again when told is answered: the search right after the refusal
    // gets the token the refusal waited for. (Answered at once, the refusal would leave the bucket empty.)
    assertEquals(200, ada.get("/api/search?q=homework").status(), "refused after " + refusedAfterMs + " ms, then");
    // Reads are another budget, and other users' searches another again.
    assertEquals(200, ada.get("/api/conversations/" + conversation + "/messages").status());
    assertEquals(200, school.pupil.get("/api/search?q=homework").status());
  }

  @Test
  @DisplayName("Issue 24.2: refusals held together are answered apart, each within a token's interval after the token,"
      + " so a flooder's requests in flight do not come back in one clump at every token")
  void refusals_held_together_are_answered_apart() throws Exception {
    long tokenEvery = 1000 / LIMITS.searchesPerSecond();
    List<Long> refusedAt = refusedAtOnce(school.staff, RateLimited.HELD_FREELY, 2);
    long spread = java.util.Collections.max(refusedAt) - java.util.Collections.min(refusedAt);
    // Held to one token, they came back within a few ms of each other; spread over its interval (333 ms), six or more
    // of them span less than a sixth of it about once in 6,000 runs.
    assertTrue(spread >= tokenEvery / 6, "refusals answered within " + spread + " ms of each other: " + refusedAt);
    assertTrue(java.util.Collections.max(refusedAt) <= 2 * tokenEvery + 500,
        "held at most a token and its interval (a browser's few requests are not a flood): " + refusedAt);
  }

  @Test
  @DisplayName("Issue 24.2: beyond 8 refusals of one user held at once (more than a browser's connections), the next are"
      + " held for up to 5 s, so a flooder's requests in flight come back a few times a second, not 180")
  void a_flood_of_held_refusals_is_held_longer() throws Exception {
    List<Long> refusedAt = refusedAtOnce(school.staff, RateLimited.HELD_FREELY + 16, 3);
    // Sixteen beyond the first eight, each held from its token to 5 s at random: about 11 after 1.5 s; fewer than 4 once
    // in 100,000 runs. Held to a token (a third of a second) as before, none.
    long late = refusedAt.stream().filter(ms -> ms > 1_500).count();
    assertTrue(late >= 4, "held past 1.5 s: " + late + " of " + refusedAt);
    assertTrue(refusedAt.get(refusedAt.size() - 1) <= RateLimited.FLOOD_HOLD_MS + 1_000, "held at most 5 s: " + refusedAt);
  }

  /**
   * Spends {@code api}'s search budget, then asks {@code n} searches at once: when each refusal among them was
   * answered (ms from the start, in order), after checking that at most {@code answered} got through (a token can come
   * back meanwhile).
   */
  static List<Long> refusedAtOnce(Api api, int n, int answered) throws Exception {
    String path = "/api/search?q=lesson";
    assertTrue(untilRefused(api, path, LIMITS.searchesBurst() + 10).refused() != null, "the search budget ran out");
    List<Long> refusedAt = atOnce(api, path, n).stream().filter(a -> a[0] == 429).map(a -> a[1]).sorted().toList();
    assertTrue(refusedAt.size() >= n - answered, "refused " + refusedAt.size() + " of " + n);
    return refusedAt;
  }

  /** GETs {@code path} {@code n} times at once as {@code api}: each answer's {status, ms from the start}. */
  static List<long[]> atOnce(Api api, String path, int n) throws Exception {
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      long t0 = System.nanoTime();
      List<java.util.concurrent.Future<long[]>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(threads.submit(() -> {
          int status = api.get(path).status();
          return new long[] {status, (System.nanoTime() - t0) / 1_000_000};
        }));
      }
      List<long[]> out = new ArrayList<>();
      for (java.util.concurrent.Future<long[]> answer : answers) {
        out.add(answer.get(15, java.util.concurrent.TimeUnit.SECONDS));
      }
      return out;
    } finally {
      threads.shutdownNow();
    }
  }

  /** What {@link #untilRefused} saw: answers with 200, then the first other answer (null if none) and how long it took. */
  record UntilRefused(int ok, Api.Response refused, long refusedAfterMs) {}

  /** GETs {@code path} as {@code api} until an answer is not 200, at most {@code max} times. */
  static UntilRefused untilRefused(Api api, String path, int max) {
    int ok = 0;
    for (int i = 0; i < max; i++) {
      long t0 = System.nanoTime();
      Api.Response r = api.get(path);
      if (r.status() != 200) {
        return new UntilRefused(ok, r, (System.nanoTime() - t0) / 1_000_000);
      }
      ok++;
    }
    return new UntilRefused(ok, null, 0);
  }
}
