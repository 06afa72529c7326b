package app.homeroom.web;

import app.homeroom.config.HomeroomConfig;
import app.homeroom.support.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 8, point 3: the token buckets and socket counts on their own (no node), and what one check costs. */
class UserLimitsTest {

  final HomeroomConfig.Limits defaults = HomeroomConfig.Limits.defaults();

  @Test
  @DisplayName("A burst passes, the next is refused with the wait until a token, per user and per kind; it refills")
  void buckets() throws Exception {
    UserLimits limits = new UserLimits(defaults);
    for (int i = 0; i < defaults.sendBurst(); i++) {
      assertEquals(0, limits.take(1, UserLimits.Kind.SEND), "token " + i);
    }
    long wait = limits.take(1, UserLimits.Kind.SEND);
    assertTrue(wait > 0 && wait <= 1000 / defaults.sendPerSecond(), "wait " + wait);
    assertEquals(0, limits.take(2, UserLimits.Kind.SEND), "another user has their own bucket");
    assertEquals(0, limits.take(1, UserLimits.Kind.TYPING), "another kind has its own bucket");
    assertEquals(1, limits.refusedCount());
    Await.until(() -> limits.take(1, UserLimits.Kind.SEND) == 0, 2_000, "refilled");
  }

  @Test
  @DisplayName("Issue 24.2: a page of history costs by the messages it asks for: pages of 200 get a quarter as many as pages of 50")
  void pages_cost_by_their_size() {
    assertEquals(1, app.homeroom.chat.ChatService.pageCost(null), "the default page");
    assertEquals(1, app.homeroom.chat.ChatService.pageCost(50));
    assertEquals(2, app.homeroom.chat.ChatService.pageCost(51));
    assertEquals(4, app.homeroom.chat.ChatService.pageCost(200));
    assertEquals(4, app.homeroom.chat.ChatService.pageCost("200"), "a query parameter");
    assertEquals(4, app.homeroom.chat.ChatService.pageCost(1_000_000), "clamped to the largest page");
    assertEquals(1, app.homeroom.chat.ChatService.pageCost("lots"), "refused by the command itself");
    assertEquals(1, app.homeroom.chat.ChatService.pageCost(-5));

    UserLimits limits = new UserLimits(defaults);
    int bigPages = 0;
    while (limits.take(1, UserLimits.Kind.READ, 4) == 0) {
      bigPages++;
    }
    assertEquals(defaults.readsBurst() / 4, bigPages, "pages of 200 in one burst");
    int pages = 0;
    while (limits.take(2, UserLimits.Kind.READ, 1) == 0) {
      pages++;
    }
    assertEquals(defaults.readsBurst(), pages, "pages of 50 in one burst, as before");
    long wait = limits.take(1, UserLimits.Kind.READ, 4);
    assertTrue(wait > 1000 / defaults.readsPerSecond() && wait <= 4 * 1000 / defaults.readsPerSecond(),
        "the wait is until 4 tokens are there: " + wait);
    assertEquals(0, new UserLimits(defaults).take(3, UserLimits.Kind.READ, 10_000), "never more than a full bucket");
  }

  @Test
  @DisplayName("Switched off (HOMEROOM_RATE_LIMITS=false), nothing is refused")
  void off() {
    UserLimits limits = new UserLimits(defaults.withRateLimited(false));
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, limits.take(1, UserLimits.Kind.SEND));
    }
  }

  @Test
  @DisplayName("Sockets per user: counted up to the cap, released on close, per user")
  void sockets() {
    UserLimits limits = new UserLimits(defaults);
    for (int i = 0; i < defaults.socketsPerUser(); i++) {
      assertTrue(limits.openSocket(7));
    }
    assertFalse(limits.openSocket(7));
    assertTrue(limits.openSocket(8));
    limits.closeSocket(7);
    assertTrue(limits.openSocket(7));
    assertEquals(defaults.socketsPerUser(), limits.openSockets(7));
    for (int i = 0; i < defaults.socketsPerUser(); i++) {
      limits.closeSocket(7);
    }
    assertEquals(0, limits.openSockets(7));
  }

  @Test
  @DisplayName("Cost: one check is well under a microsecond (measured and printed)")
  void cost() {
    UserLimits limits = new UserLimits(defaults.withRateLimited(true));
    int users = 1_000;
    long sink = 0;
    for (int warm = 0; warm < 2_000_000; warm++) {
      sink += limits.take(warm % users, UserLimits.Kind.ACK);
    }
    int n = 5_000_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink += limits.take(i % users, UserLimits.Kind.ACK);
    }
    double ns = (System.nanoTime() - t0) / (double) n;
    System.out.printf("[UserLimitsTest] take(): %.0f ns per check over %d users (sink %d)%n", ns, users, sink % 2);
    assertTrue(ns < 2_000, ns + " ns per check");
  }

  @Test
  @DisplayName("Issue 24.3: after a close for abuse, new sockets wait 10 s, then 20 s, 40 s … (at most 5 min); others unaffected")
  void abuse_back_off_grows() {
    UserLimits limits = new UserLimits(defaults);
    assertEquals(0, limits.socketBlockedForMs(7));
    long first = limits.closedForAbuse(7);
    assertTrue(first > 9_000 && first <= UserLimits.ABUSE_BACKOFF_MS, "first " + first);
    assertTrue(limits.socketBlockedForMs(7) > 9_000);
    assertTrue(limits.closedForAbuse(7) > 19_000, "second doubles");
    assertTrue(limits.closedForAbuse(7) > 39_000, "third doubles again");
    for (int i = 0; i < 10; i++) {
      limits.closedForAbuse(7);
    }
    assertEquals(UserLimits.ABUSE_BACKOFF_CAP_MS, limits.closedForAbuse(7), 50, "capped");
    assertEquals(0, limits.socketBlockedForMs(8), "another user is not affected");
  }

  @Test
  @DisplayName("Issue 24.9: a user's refusals are logged once per user and reason every 10 s, the rest counted")
  void refusals_are_logged_once_per_user_and_reason() {
    UserLimits limits = new UserLimits(defaults);
    assertEquals(0, limits.logRefusal(7, "too_many_sockets"), "the first is logged");
    assertEquals(-1, limits.logRefusal(7, "too_many_sockets"), "the next within the window is not");
    assertEquals(-1, limits.logRefusal(7, "too_many_sockets"));
    assertEquals(0, limits.logRefusal(7, "closed_for_abuse"), "another reason has its own line");
    assertEquals(0, limits.logRefusal(8, "too_many_sockets"), "another user has their own line");
    assertEquals(10, limits.refusalLogSeconds());
  }

  @Test
  @DisplayName("Issue 24.2: a new socket is refused before its handshake only at the cap, and counted as refused")
  void a_socket_at_the_cap_is_refused_early() {
    UserLimits limits = new UserLimits(defaults);
    for (int i = 0; i < defaults.socketsPerUser(); i++) {
      assertFalse(limits.refuseAtCap(7), "socket " + i);
      assertTrue(limits.openSocket(7));
    }
    assertTrue(limits.refuseAtCap(7));
    assertEquals(1, limits.socketsRefused());
    assertFalse(limits.refuseAtCap(8), "another user is not affected");
    limits.closeSocket(7);
    assertFalse(limits.refuseAtCap(7), "room again once one closes");
  }

  @Test
  @DisplayName("Issue 24.2: held refusals are counted per user and released; up to 8 held, one is held to its token"
      + " plus at most one token's interval (1 s at most); beyond, from its token up to 5 s")
  void held_refusals_and_how_long() {
    UserLimits limits = new UserLimits(defaults);
    for (int i = 1; i <= 9; i++) {
      assertEquals(i, limits.holdRefusal(7));
    }
    assertEquals(1, limits.holdRefusal(8), "another user counts apart");
    for (int i = 0; i < 9; i++) {
      limits.releaseRefusal(7);
    }
    assertEquals(1, limits.holdRefusal(7), "released: counted from nothing again");
    limits.releaseRefusal(7);
    limits.releaseRefusal(7); // one too many (a restarted count) does not go below nothing
    assertEquals(1, limits.holdRefusal(7));

    assertEquals(100, RateLimited.heldFor(100, 333, 1, 0.0), "held to its token");
    assertEquals(433, RateLimited.heldFor(100, 333, 8, 1.0), "at most one token's interval after it");
    assertEquals(1_000, RateLimited.heldFor(900, 333, 8, 1.0), "never over a second while a person's few");
    assertEquals(1_000, RateLimited.heldFor(4_000, 100, 1, 0.5), "a long wait is held a second, the rest told");
    assertEquals(100, RateLimited.heldFor(100, 333, 9, 0.0), "beyond 8: from its token...");
    assertEquals(5_000, RateLimited.heldFor(100, 333, 9, 1.0), "...to 5 s");
    assertEquals(2_550, RateLimited.heldFor(100, 333, 60, 0.5));
    assertEquals(5_000, RateLimited.heldFor(9_000, 333, 60, 0.5), "never over 5 s");
  }
}
