package app.homeroom.load;

import app.homeroom.support.TestEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7, node failure (R1.4, R2.5, R5.3): three nodes in one cluster and one database, 54 simulated clients (50
 * students, 4 admins) sending steadily over the real bridge, spread over the nodes. Mid-run one node is killed with
 * SIGKILL: no shutdown hook, no socket closed politely, no goodbye to the cluster. Its clients must reconnect to the
 * survivors within seconds and carry on, and the recorder (the load generator's ledger: every send, acknowledgement
 * and delivery by clientMsgId) must show, once the run is over, that every acknowledged message is stored exactly
 * once and reached every recipient, live or by catch-up.
 */
class NodeFailoverTest {

  @TempDir
  Path out;

  @AfterAll
  static void removeLoadAccounts() {
    TestEnv.db().reset();
  }

  @Test
  @DisplayName("SIGKILL one of three nodes mid-run: its clients move to the survivors, nothing lost or stored twice")
  void killing_a_node_loses_and_duplicates_nothing() throws Exception {
    TestEnv.node();
    CompletableFuture<TestEnv.ChildNode> a = CompletableFuture.supplyAsync(NodeFailoverTest::child);
    CompletableFuture<TestEnv.ChildNode> b = CompletableFuture.supplyAsync(NodeFailoverTest::child);
    try (TestEnv.ChildNode survivor = a.join(); TestEnv.ChildNode victim = b.join()) {
      List<String> args = new ArrayList<>(List.of(
          "--scenario", "failover",
          "--target", String.join(",", TestEnv.baseUrl(), survivor.baseUrl(), victim.baseUrl()),
          "--server-pid", ProcessHandle.current().pid() + "," + survivor.process().pid() + "," + victim.process().pid(),
          "--kill-target", "3",
          "--db", TestEnv.config(0).db().url(), "--session-key", TestEnv.config(0).auth().jwtSecret(),
          "--students", "50", "--admins", "4", "--rate", "50", "--typing-rate", "10", "--read-rate", "10",
          "--ramp", "1s", "--warmup", "1s", "--drop-after", "3s", "--duration", "8s",
          "--reconnect-deadline", "20s", "--backoff-base", "300ms", "--backoff-cap", "2s", "--drain", "10s",
          "--out", out.toString()));
      LoadReport report = LoadMain.run(LoadOptions.parse(args.toArray(String[]::new)), String.join(" ", args), System.out);
      RunResult r = report.homeroom;

      assertFalse(victim.process().isAlive(), "the victim was killed");
      Ledger.WindowStats total = r.window("total");
      List<Ledger.WindowStats> windows = r.windows.stream().filter(w -> !w.name().equals("total")).toList();
      long sent = windows.stream().mapToLong(Ledger.WindowStats::sent).sum();
      long acked = windows.stream().mapToLong(Ledger.WindowStats::acked).sum();
      System.out.printf("[failover] clients %d; on the killed node %d, back %d in %.1f s%n", r.clients, r.dropped, r.back,
          r.secondsUntilAllBack);
      System.out.printf("[failover] sent %d, acknowledged %d (%d as already stored), retried %d, failed %d, "
              + "unacknowledged %d; rows %d, distinct %d%n", sent, acked, total.ackedAsDuplicate(), total.retried(),
          total.failed(), total.unacked(), r.dbStored, r.dbDistinct);
      System.out.printf("[failover] deliveries expected %d: live %d, by catch-up %d (%d only in the final pass); "
              + "lost messages %d, duplicate live deliveries %d%n", total.deliveriesExpected(), total.deliveriesLive(),
          total.deliveriesCaughtUp(), r.missedLiveCaughtUp, total.lostMessages(), total.duplicateDeliveries());

      // A third of the clients were on the killed node, and all of them came back to a survivor, within seconds.
      assertTrue(r.dropped >= 10, "clients on the killed node: " + r.dropped);
      assertEquals(r.dropped, r.back, "every client of the killed node is back");
      assertTrue(r.secondsUntilAllBack >= 0 && r.secondsUntilAllBack < 20, "back in " + r.secondsUntilAllBack + " s");

      // Every send answered; every acknowledged message stored exactly once...
      assertTrue(acked >= 300, "a steady run: acknowledged " + acked);
      assertEquals(sent, acked, "every send acknowledged");
      assertEquals(0, total.failed() + total.unacked(), "failed or unacknowledged sends: " + total.errors());
      assertEquals(acked, r.dbStored, "each acknowledged message is one row");
      assertEquals(r.dbStored, r.dbDistinct, "a message resent to a survivor is never stored twice");
      // ...and reached every recipient, live or by catch-up, and none twice live.
      assertEquals(0, total.lostMessages(), "acknowledged but missed by a recipient even after catch-up");
      assertEquals(0, total.duplicateDeliveries(), "a recipient got the same message twice live");
      assertEquals(total.deliveriesExpected(), total.deliveriesLive() + total.deliveriesCaughtUp());
      assertTrue(report.verdicts.stream().allMatch(v -> v.startsWith("PASS")), report.verdicts.toString());
    }
  }

  private static TestEnv.ChildNode child() {
    try {
      return TestEnv.startChildNode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
