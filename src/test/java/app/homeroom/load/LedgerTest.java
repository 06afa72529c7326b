package app.homeroom.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator's own accounting, with made-up clocks: if these numbers are wrong, every load figure is. Covers
 * percentiles against known data, stored/delivered throughput by window, and the counting of lost, duplicated,
 * caught-up, failed and unacknowledged messages.
 */
class LedgerTest {

  static final long S = 1_000_000_000L;
  static final long MS = 1_000_000L;
  /** Student (bit 0) and admins 1 and 2 (bits 1, 2). */
  static final long ALL = 0b111;

  @Test
  void percentiles_of_known_latencies() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("measure", 0, 1000);
    // 10,000 messages whose acknowledgement takes 1 ms, 2 ms, ... 10,000 ms: p50 is 5 s, p99 9.9 s, p99.9 9.99 s.
    for (int i = 1; i <= 10_000; i++) {
      String id = "m" + i;
      ledger.sent(id, 0, 0, 1, ALL, 0);
      ledger.acked(id, i, false, i * MS);
    }
    Ledger.WindowStats w = window(ledger, "measure", 20 * S);
    assertEquals(10_000, w.ack().count());
    // HdrHistogram with 3 significant digits: within 0.1 %.
    assertEquals(5_000, w.ack().p50(), 5);
    assertEquals(9_900, w.ack().p99(), 10);
    assertEquals(9_990, w.ack().p999(), 10);
    assertEquals(10_000, w.ack().max(), 10);
    assertEquals(5_000.5, w.ack().mean(), 5);
  }

  @Test
  void stored_counts_each_acknowledged_message_once_across_windows() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("warmup", 0, 1000);
    ledger.sent("a", 0, 0, 1, ALL, 0);
    ledger.acked("a", 1, false, MS);
    ledger.openWindow("measure", 2 * MS, 1000);
    ledger.sent("b", 0, 0, 1, ALL, 3 * MS);
    ledger.sent("c", 0, 0, 1, ALL, 3 * MS);
    ledger.acked("b", 2, false, 4 * MS);
    ledger.acked("b", 2, false, 5 * MS); // a retry's second answer
    assertEquals(2, ledger.stored(), "c is not stored yet; b once");
    ledger.acked("c", 3, false, 6 * MS);
    assertEquals(3, ledger.stored());
  }

  @Test
  void acks_of_named_windows_in_the_order_asked_without_the_unacknowledged() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("quiet 1", 0, 1000);
    ledger.sent("a", 0, 0, 1, ALL, 0);
    ledger.acked("a", 1, false, 3 * MS);
    ledger.openWindow("flooded 1", 10 * MS, 1000);
    ledger.sent("b", 0, 0, 1, ALL, 10 * MS);
    ledger.sent("c", 0, 0, 1, ALL, 11 * MS);
    ledger.sent("d", 0, 0, 1, ALL, 12 * MS); // never acknowledged
    ledger.acked("b", 2, false, 17 * MS);
    ledger.acked("c", 3, false, 20 * MS);
    ledger.openWindow("quiet 2", 30 * MS, 1000);
    List<long[]> acks = ledger.acksOf(List.of("flooded 1", "quiet 2", "quiet 1"));
    assertEquals(3, acks.size());
    long[] flooded = acks.get(0).clone();
    java.util.Arrays.sort(flooded);
    assertEquals(List.of(7_000L, 9_000L), java.util.Arrays.stream(flooded).boxed().toList());
    assertEquals(0, acks.get(1).length);
    assertEquals(List.of(3_000L), java.util.Arrays.stream(acks.get(2)).boxed().toList());
  }

  @Test
  void percentiles_of_a_skewed_distribution_see_the_tail() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("measure", 0, 1000);
    // 990 fast deliveries (2 ms) and 10 slow ones (300 ms): the median is fast, p99.9 is the tail.
    for (int i = 0; i < 1000; i++) {
      String id = "m" + i;
      ledger.sent(id, 0, 0, 1, 0b10, 0);
      ledger.acked(id, i + 1, false, MS);
      ledger.delivered(id, 1, true, i < 990 ? 2 * MS : 300 * MS);
    }
    Ledger.WindowStats w = window(ledger, "measure", S);
    assertEquals(2, w.delivered().p50(), 0.01);
    assertEquals(2, w.delivered().p99(), 0.01);
    assertEquals(300, w.delivered().p999(), 0.5);
    assertEquals(300, w.delivered().max(), 0.5);
  }

  @Test
  void a_message_is_delivered_when_every_expected_recipient_has_it_and_the_sender_does_not_count() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("measure", 0, 1);
    // Admin 1 (bit 1) writes to the student: the student and admin 2 must get it; admin 1's own echo is not a delivery.
    ledger.sent("a", 1, 0, 7, ALL, 0);
    ledger.acked("a", 1, false, 3 * MS);
    assertEquals(Ledger.Delivery.SELF, ledger.delivered("a", 1, true, 4 * MS));
    assertEquals(Ledger.Delivery.FIRST, ledger.delivered("a", 0, true, 5 * MS));
    assertEquals(1, ledger.outstanding());
    Ledger.WindowStats half = window(ledger, "measure", S);
    assertEquals(0, half.deliveredPerSecond(), 1e-9, "not delivered until every recipient has it");
    assertEquals(Ledger.Delivery.FIRST, ledger.delivered("a", 2, true, 6 * MS));
    assertEquals(0, ledger.outstanding());
    Ledger.WindowStats w = window(ledger, "measure", S);
    assertEquals(1, w.deliveredPerSecond(), 1e-9);
    assertEquals(2, w.deliveriesPerSecond(), 1e-9);
    assertEquals(2, w.deliveriesExpected());
    assertEquals(0, w.lostMessages());
    assertEquals(2, w.delivered().count());
    assertEquals(5, w.delivered().p50(), 0.01);
    assertEquals(6, w.delivered().max(), 0.01);
  }

  @Test
  void lost_counts_acknowledged_messages_with_a_missing_recipient() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("measure", 0, 3);
    for (String id : List.of("x", "y", "z")) {
      ledger.sent(id, 0, 0, 1, ALL, 0);
      ledger.acked(id, 1, false, MS);
    }
    ledger.delivered("x", 1, true, 2 * MS);
    ledger.delivered("x", 2, true, 2 * MS);
    ledger.delivered("y", 1, true, 2 * MS);
    // z reaches nobody.
    Ledger.WindowStats w = window(ledger, "measure", S);
    assertEquals(2, w.lostMessages());
    assertEquals(3, w.lostDeliveries(), "y misses admin 2, z misses both admins");
    assertEquals(6, w.deliveriesExpected(), "the student sent them: two admins each");
    assertEquals(3, ledger.outstanding());
  }

  @Test
  void a_message_never_acknowledged_is_unacked_not_lost_and_an_error_reply_is_failed() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("measure", 0, 3);
    ledger.sent("pending", 0, 0, 1, ALL, 0);
    ledger.sent("refused", 0, 0, 1, ALL, 0);
    ledger.failed("refused", "err 404 No such conversation", MS);
    ledger.sent("ok", 0, 0, 1, 0b10, 0);
    ledger.acked("ok", 1, false, MS);
    ledger.delivered("ok", 1, true, MS);
    assertEquals(1, ledger.inFlight());
    Ledger.WindowStats w = window(ledger, "measure", S);
    assertEquals(3, w.sent());
    assertEquals(1, w.acked());
    assertEquals(1, w.failed());
    assertEquals(1, w.unacked());
    assertEquals(0, w.lostMessages());
    assertEquals(1L, w.errors().get("send: err 404 No such conversation"));
    assertEquals(1, w.errorCount());
  }

  @Test
  void a_second_live_copy_is_a_duplicate_but_a_fetched_copy_of_a_known_message_is_not() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("measure", 0, 1);
    ledger.sent("d", 1, 0, 1, ALL, 0);
    ledger.acked("d", 4, false, MS);
    assertEquals(Ledger.Delivery.FIRST, ledger.delivered("d", 0, true, 2 * MS));
    assertEquals(Ledger.Delivery.DUPLICATE, ledger.delivered("d", 0, true, 3 * MS));
    assertEquals(Ledger.Delivery.ALREADY_HAD, ledger.delivered("d", 0, false, 4 * MS), "a catch-up fetch overlaps");
    assertEquals(Ledger.Delivery.FIRST, ledger.delivered("d", 2, true, 2 * MS));
    Ledger.WindowStats w = window(ledger, "measure", S);
    assertEquals(1, w.duplicateDeliveries());
    assertEquals(2, w.delivered().count(), "latency is recorded once per recipient");
    assertEquals(0, w.lostMessages());
  }

  @Test
  void a_catch_up_fetch_delivers_what_was_missed_live() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("measure", 0, 1);
    ledger.sent("c", 0, 0, 1, 0b110, 0);
    ledger.acked("c", 9, false, MS);
    ledger.delivered("c", 1, true, 2 * MS);
    assertEquals(1, window(ledger, "measure", S).lostMessages());
    assertEquals(Ledger.Delivery.FIRST, ledger.delivered("c", 2, false, 900 * MS));
    Ledger.WindowStats w = window(ledger, "measure", S);
    assertEquals(0, w.lostMessages());
    assertEquals(1, w.deliveriesLive());
    assertEquals(1, w.deliveriesCaughtUp());
    assertEquals(900, w.delivered().max(), 1);
  }

  @Test
  void error_kinds_leave_out_ids_and_numbers() {
    assertEquals("send: err Timed out after waiting 15000(ms) for a reply. address: __vertx.reply.<id>",
        Ledger.kind("send: err Timed out after waiting 15000(ms) for a reply. address: __vertx.reply.0002480f-5…"));
    assertEquals("read: err 404 No such conversation N", Ledger.kind("read: err 404 No such conversation 123456"));
    Ledger ledger = new Ledger(0);
    ledger.error("x 12345", 0);
    ledger.error("x 67890", 0);
    assertEquals(2L, ledger.summarize(0).get(0).errors().get("x N"));
  }

  @Test
  void unknown_and_unexpected_copies_are_ignored() {
    Ledger ledger = new Ledger(0);
    ledger.sent("u", 0, 0, 1, 0b10, 0);
    assertEquals(Ledger.Delivery.UNKNOWN, ledger.delivered("from another run", 1, true, MS));
    assertEquals(Ledger.Delivery.UNKNOWN, ledger.delivered(null, 1, true, MS));
    assertEquals(Ledger.Delivery.UNEXPECTED, ledger.delivered("u", 3, true, MS), "admin 3 was not connected then");
    assertThrows(IllegalStateException.class, () -> ledger.sent("u", 0, 0, 1, 0b10, 0));
  }

  @Test
  void a_retried_send_is_stored_once_and_timed_from_the_first_attempt() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("measure", 0, 1);
    Ledger.Msg m = ledger.sent("r", 0, 0, 1, 0b10, 0);
    ledger.retried(m);
    assertTrue(ledger.acked("r", 3, true, 2 * S));
    assertTrue(!ledger.acked("r", 3, true, 3 * S), "the second answer is not a second store");
    Ledger.WindowStats w = window(ledger, "measure", 10 * S);
    assertEquals(1, w.acked());
    assertEquals(1, w.ackedAsDuplicate());
    assertEquals(1, w.retried());
    assertEquals(2000, w.ack().max(), 2);
  }

  @Test
  void throughput_counts_what_happened_inside_each_window() {
    Ledger ledger = new Ledger(0);
    ledger.openWindow("warmup", 0, 100);
    for (int i = 0; i < 50; i++) {
      ledger.sent("w" + i, 0, 0, 1, 0b10, i * 10 * MS);
      ledger.acked("w" + i, i + 1, false, i * 10 * MS + MS);
    }
    ledger.openWindow("measure", S, 100);
    // 200 messages over 2 s, but the server falls behind: only those acknowledged before the window ends count.
    for (int i = 0; i < 200; i++) {
      long t = S + i * 10 * MS;
      ledger.sent("m" + i, 0, 0, 1, 0b10, t);
      if (i < 150) {
        ledger.acked("m" + i, i + 100, false, t + MS);
        ledger.delivered("m" + i, 1, true, t + 2 * MS);
      }
    }
    ledger.openWindow("drain", 3 * S, 0);
    for (int i = 150; i < 200; i++) {
      long t = S + i * 10 * MS + S;
      ledger.acked("m" + i, i + 100, false, t);
      ledger.delivered("m" + i, 1, true, t);
    }
    ledger.closeWindow(5 * S);
    List<Ledger.WindowStats> all = ledger.summarize(5 * S);
    Ledger.WindowStats warmup = all.stream().filter(w -> w.name().equals("warmup")).findFirst().orElseThrow();
    Ledger.WindowStats measure = all.stream().filter(w -> w.name().equals("measure")).findFirst().orElseThrow();
    assertEquals(50, warmup.sent());
    assertEquals(50, warmup.storedPerSecond(), 1e-9);
    assertEquals(200, measure.sent());
    assertEquals(2.0, measure.seconds(), 1e-9);
    // The last 50 were sent from 2.5 s on and acknowledged a second later, after the window closed (3 s).
    assertEquals(150 / 2.0, measure.storedPerSecond(), 1e-9);
    assertEquals(150 / 2.0, measure.deliveredPerSecond(), 1e-9);
    Ledger.WindowStats drain = all.stream().filter(w -> w.name().equals("drain")).findFirst().orElseThrow();
    assertEquals(50 / 2.0, drain.storedPerSecond(), 1e-9);
    assertEquals(200, measure.acked(), "by send window, every message was stored eventually");
    // The total leaves the warm-up out, merges the histograms, and takes its rates over the measured time only.
    Ledger.WindowStats total = all.stream().filter(w -> w.name().equals("total")).findFirst().orElseThrow();
    assertEquals(200, total.sent());
    assertEquals(200, total.acked());
    assertEquals(200, total.ack().count());
    assertEquals(1000, total.ack().max(), 1);
    assertEquals(2.0, total.seconds(), 1e-9, "measure only: the drain is not measured time");
    assertEquals(75, total.storedPerSecond(), 1e-9);
    long[][] timeline = ledger.timeline(5 * S);
    assertEquals(5 + 1, timeline.length);
    assertEquals(50, timeline[0][1], "sent in second 0");
    assertEquals(100, timeline[1][1], "sent in second 1");
    // The slowest delivery that arrived in each second, in microseconds: where in a run the tail happened.
    assertEquals(2_000, timeline[1][5], "second 1: delivered 2 ms after sending");
    assertEquals(2_000, timeline[2][5]);
    assertEquals(1_000_000, timeline[3][5], "second 3: the late fifty, a second after sending");
    assertEquals(0, timeline[4][5], "nothing arrived");
  }

  private static Ledger.WindowStats window(Ledger ledger, String name, long now) {
    return ledger.summarize(now).stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
  }
}
