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
 * once and reached every recipient, live or by catch-up. Issue 29, point 7: the same with SIGTERM, a graceful stop as
 * in a rolling restart, where the node also sends its clients away itself and answers what it was working on.
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
    run("KILL", out, (victim, r) -> assertFalse(victim.process().isAlive(), "the victim was killed"));
  }

  @Test
  @DisplayName("Issue 29.7: SIGTERM one of three nodes mid-run (a rolling restart): it drains, its clients move, no send fails")
  void a_graceful_stop_drains() throws Exception {
    run("TERM", out, (victim, r) -> {
      // It stopped by itself, well within the drain time (10 s) and the shutdown that follows.
      assertTrue(victim.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the node stopped");
      String log = java.nio.file.Files.readString(victim.log());
      java.util.regex.Matcher drained = java.util.regex.Pattern
          .compile("Drained in (\\d+) ms: (\\d+) bridge socket\\(s\\) sent to reconnect elsewhere; (\\d+) command\\(s\\) unanswered")
          .matcher(log);
      assertTrue(drained.find(), log);
      System.out.printf("[graceful] %s%n", drained.group());
      assertEquals(r.dropped, Integer.parseInt(drained.group(2)), "every client on it was sent elsewhere by the node itself");
      assertEquals("0", drained.group(3), "every command it was working on committed and was answered");
      assertTrue(log.contains("Homeroom: stopped"), log);
    });
  }

  interface VictimCheck {
    void check(TestEnv.ChildNode victim, RunResult r) throws Exception;
  }

  /**
   * Which nodes a failover run starts and which one it stops. Issue 24, point 7 saw a survivor stall once in five runs
   * on a cluster of two; with two nodes the one that dies is, half the time, the oldest: Hazelcast's master, whose
   * death also moves the cluster's mastership and the whole partition table to the survivor.
   */
  enum Topology {
    /** This JVM's node and two child nodes in the test cluster; the youngest child is stopped. */
    THREE_NODES_YOUNGEST_STOPPED,
    /** Two child nodes in a cluster of their own (this JVM's node only keeps the database); the oldest is stopped. */
    TWO_NODES_OLDEST_STOPPED
  }

  static RunResult run(String signal, Path out, VictimCheck victimCheck) throws Exception {
    return run(Topology.THREE_NODES_YOUNGEST_STOPPED, signal, out, victimCheck);
  }

  /**
   * 54 clients sending steadily over the nodes of {@code topology}; after 3 s one node gets {@code signal}. Whatever
   * the signal: every client of it is back on a survivor within seconds, every send is answered, every acknowledged
   * message is stored exactly once and reached every recipient.
   */
  static RunResult run(Topology topology, String signal, Path out, VictimCheck victimCheck) throws Exception {
    return run(topology, 0, signal, out, victimCheck);
  }

  /**
   * {@link #run(Topology, String, Path, VictimCheck)} with the surviving child node's log read at most
   * {@code survivorLogBytesPerSecond} (0: as fast as it is written), as a slow terminal or log shipper reads it.
   */
  static RunResult run(Topology topology, int survivorLogBytesPerSecond, String signal, Path out,
                       VictimCheck victimCheck) throws Exception {
    TestEnv.node();
    TestEnv.ChildNode survivor;
    TestEnv.ChildNode victim;
    List<String> targets;
    List<String> pids;
    if (topology == Topology.THREE_NODES_YOUNGEST_STOPPED) {
      CompletableFuture<TestEnv.ChildNode> a =
          CompletableFuture.supplyAsync(() -> child(java.util.Map.of(), survivorLogBytesPerSecond));
      CompletableFuture<TestEnv.ChildNode> b = CompletableFuture.supplyAsync(() -> child(java.util.Map.of(), 0));
      survivor = a.join();
      victim = b.join();
      targets = List.of(TestEnv.baseUrl(), survivor.baseUrl(), victim.baseUrl());
      pids = List.of(Long.toString(ProcessHandle.current().pid()), Long.toString(survivor.process().pid()),
          Long.toString(victim.process().pid()));
    } else {
      // Started one after the other, so the first is the oldest member: the cluster's master.
      int port = 20_000 + (int) (Math.random() * 20_000);
      java.util.Map<String, String> cluster = java.util.Map.of(
          "HOMEROOM_CLUSTER_NAME", "homeroom-kill-" + java.util.UUID.randomUUID(),
          "HOMEROOM_CLUSTER_PORT", Integer.toString(port),
          "HOMEROOM_CLUSTER_MEMBERS", "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1) + ",127.0.0.1:" + (port + 2));
      victim = child(cluster, 0);
      survivor = child(cluster, survivorLogBytesPerSecond);
      targets = List.of(victim.baseUrl(), survivor.baseUrl());
      pids = List.of(Long.toString(victim.process().pid()), Long.toString(survivor.process().pid()));
    }
    String killTarget = Integer.toString(targets.indexOf(victim.baseUrl()) + 1);
    try (survivor; victim) {
      List<String> args = new ArrayList<>(List.of(
          "--scenario", "failover",
          "--target", String.join(",", targets),
          "--server-pid", String.join(",", pids),
          "--kill-target", killTarget, "--kill-signal", signal,
          "--db", TestEnv.config(0).db().url(), "--session-key", TestEnv.config(0).auth().jwtSecret(),
          "--students", "50", "--admins", "4", "--rate", "50", "--typing-rate", "10", "--read-rate", "10",
          "--ramp", "1s", "--warmup", "1s", "--drop-after", "3s", "--duration", "8s",
          "--reconnect-deadline", "20s", "--backoff-base", "300ms", "--backoff-cap", "2s", "--drain", "10s",
          "--out", out.toString()));
      LoadReport report = LoadMain.run(LoadOptions.parse(args.toArray(String[]::new)), String.join(" ", args), System.out);
      RunResult r = report.homeroom;

      victimCheck.check(victim, r);
      Ledger.WindowStats total = r.window("total");
      List<Ledger.WindowStats> windows = r.windows.stream().filter(w -> !w.name().equals("total")).toList();
      long sent = windows.stream().mapToLong(Ledger.WindowStats::sent).sum();
      long acked = windows.stream().mapToLong(Ledger.WindowStats::acked).sum();
      String tag = "[failover SIG" + signal + "]";
      System.out.printf("%s clients %d; on the stopped node %d, back %d in %.1f s%n", tag, r.clients, r.dropped, r.back,
          r.secondsUntilAllBack);
      System.out.printf("%s sent %d, acknowledged %d (%d as already stored), retried %d, failed %d, "
              + "unacknowledged %d; rows %d, distinct %d%n", tag, sent, acked, total.ackedAsDuplicate(), total.retried(),
          total.failed(), total.unacked(), r.dbStored, r.dbDistinct);
      System.out.printf("%s deliveries expected %d: live %d, by catch-up %d (%d only in the final pass); "
              + "lost messages %d, duplicate live deliveries %d%n", tag, total.deliveriesExpected(), total.deliveriesLive(),
          total.deliveriesCaughtUp(), r.missedLiveCaughtUp, total.lostMessages(), total.duplicateDeliveries());

      // A third of the clients (of three nodes) or half (of two) were on the stopped node, and all of them came back to a survivor, within seconds.
      assertTrue(r.dropped >= 10, "clients on the stopped node: " + r.dropped);
      assertEquals(r.dropped, r.back, "every client of the stopped node is back");
      assertTrue(r.secondsUntilAllBack >= 0 && r.secondsUntilAllBack < 20, "back in " + r.secondsUntilAllBack + " s");

      // Every send answered, none failed; every acknowledged message stored exactly once...
      assertTrue(acked >= 300, "a steady run: acknowledged " + acked);
      // What went wrong, in every message below: the printed lines above are cut from CI's short excerpt.
      String why = "sent " + sent + ", acknowledged " + acked + ", failed " + total.failed() + ", unacknowledged "
          + total.unacked() + ", retried " + total.retried() + "; errors " + total.errors() + "; per window "
          + windows.stream().map(w -> w.name() + " " + w.sent() + "/" + w.acked() + " " + w.errors()).toList();
      assertEquals(0, total.failed() + total.unacked(), "failed or unacknowledged sends: " + why);
      assertEquals(sent, acked, "every send acknowledged: " + why);
      assertEquals(acked, r.dbStored, "each acknowledged message is one row");
      assertEquals(r.dbStored, r.dbDistinct, "a message resent to a survivor is never stored twice");
      // ...and reached every recipient, live or by catch-up, and none twice live.
      assertEquals(0, total.lostMessages(), "acknowledged but missed by a recipient even after catch-up");
      assertEquals(0, total.duplicateDeliveries(), "a recipient got the same message twice live");
      assertEquals(total.deliveriesExpected(), total.deliveriesLive() + total.deliveriesCaughtUp());
      assertTrue(report.verdicts.stream().allMatch(v -> v.startsWith("PASS")), report.verdicts.toString());
      return r;
    }
  }

  private static TestEnv.ChildNode child(java.util.Map<String, String> changes, int logBytesPerSecond) {
    try {
      return TestEnv.startChildNode(changes, logBytesPerSecond);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
