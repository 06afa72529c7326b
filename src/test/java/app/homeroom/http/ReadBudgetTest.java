package app.homeroom.http;

import app.homeroom.config.HomeroomConfig;
import app.homeroom.support.Api;
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
    // Held until a token would be there (a third of a second at 3 a second), so a flooder asking again at once is
    // slowed to the budget.
    assertTrue(refusedAfterMs >= 100, "refused after " + refusedAfterMs + " ms");
    // Reads are another budget, and other users' searches another again.
    assertEquals(200, ada.get("/api/conversations/" + conversation + "/messages").status());
    assertEquals(200, school.pupil.get("/api/search?q=homework").status());
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
