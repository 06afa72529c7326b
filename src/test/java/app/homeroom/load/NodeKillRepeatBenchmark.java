package app.homeroom.load;

import app.homeroom.support.TestEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 24, point 7: a peer's death must cost the survivors' clients nothing. The failover run of NodeFailoverTest
 * (three nodes, 54 clients at 50 msg/s, one node SIGKILLed mid-run) repeated {@code -Dkills=N} times (10 by default),
 * each with its own checks (nothing lost or stored twice, every send answered), and the worst send→stored latency of
 * each run reported: before the kill, in the reconnection window, after it. {@code -Dvictim=oldest} runs it on a
 * cluster of two instead, killing the oldest member (Hazelcast's master), as in the issue's own two-node runs. Run on
 * purpose: {@code ./mvnw verify -Pbench -Dtest=NodeKillRepeatBenchmark [-Dkills=N] [-Dvictim=oldest]}.
 * {@code -DlogRate=B} has the surviving child node's output read at most B bytes a second, as a slow terminal or a
 * busy log shipper reads it.
 */
@Tag("benchmark")
class NodeKillRepeatBenchmark {

  @TempDir
  Path out;

  @AfterAll
  static void removeLoadAccounts() {
    TestEnv.db().reset();
  }

  @Test
  void kill_a_peer_again_and_again() throws Exception {
    int kills = Integer.getInteger("kills", 10);
    NodeFailoverTest.Topology topology = "oldest".equals(System.getProperty("victim"))
        ? NodeFailoverTest.Topology.TWO_NODES_OLDEST_STOPPED : NodeFailoverTest.Topology.THREE_NODES_YOUNGEST_STOPPED;
    List<String> rows = new ArrayList<>();
    double worst = 0;
    double worstSurvivor = 0;
    for (int i = 1; i <= kills; i++) {
      RunResult r = NodeFailoverTest.run(topology, Integer.getInteger("logRate", 0), "KILL", out.resolve("run-" + i), (victim, result) -> { });
      Ledger.WindowStats before = r.window("before drop");
      Ledger.WindowStats reconnect = r.window("reconnect");
      Ledger.WindowStats after = r.window("after");
      double max = r.window("total").ack().max();
      worst = Math.max(worst, max);
      double survivors = r.window("total").ackUndisturbed().max();
      worstSurvivor = Math.max(worstSurvivor, survivors);
      rows.add(String.format("| %d | %.0f | %.0f | %s | %s | %s | %.1f s |", i, max, survivors, p99AndMax(before),
          p99AndMax(reconnect), survivorsP99AndMax(reconnect), r.secondsUntilAllBack));
    }
    System.out.println("| run | worst send→stored ms | survivors' clients' worst | before kill p99 / max | reconnect p99 / max"
        + " | reconnect, survivors' clients p99 / max | all back in |");
    System.out.println("|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.printf("[kill-repeat] %s: %d kills, worst send→stored %.0f ms; on the survivors' own clients %.0f ms%n", topology, kills,
        worst, worstSurvivor);
  }

  private static String survivorsP99AndMax(Ledger.WindowStats w) {
    return w == null ? "–" : String.format("%.0f / %.0f", w.ackUndisturbed().p99(), w.ackUndisturbed().max());
  }

  private static String p99AndMax(Ledger.WindowStats w) {
    return w == null ? "–" : String.format("%.0f / %.0f", w.ack().p99(), w.ack().max());
  }
}
