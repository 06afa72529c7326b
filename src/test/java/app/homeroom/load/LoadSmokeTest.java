package app.homeroom.load;

import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load generator against a real node (the shared test node, its embedded PostgreSQL), a few seconds each and
 * a handful of clients: proof that it speaks the real protocol and measures real stored and delivered messages,
 * checked against the database. The full runs are run on purpose (docs/PERFORMANCE.md), never here.
 */
class LoadSmokeTest {

  @TempDir
  Path out;

  /**
   * The shared test node enforces the shipped per-user limits (typing: 2 a second, a burst of 20; sending: 10 a
   * second, a burst of 60), and every run here signs in as the same load accounts, so one run's spending carries into
   * the next. Admins take half of each kind of traffic ({@code --admin-share 0.5}), split between the two of them:
   * the rates below keep each admin under its refill rate, so no run depends on the order the tests run in.
   */
  private List<String> args(String... more) {
    List<String> a = new ArrayList<>(List.of("--target", TestEnv.baseUrl(), "--db", TestEnv.config(0).db().url(),
        "--session-key", TestEnv.config(0).auth().jwtSecret(), "--students", "12", "--admins", "2", "--ramp", "500ms",
        "--warmup", "1s", "--drain", "5s", "--out", out.toString()));
    a.addAll(List.of(more));
    return a;
  }

  private LoadReport run(List<String> args) throws Exception {
    TestEnv.node();
    return LoadMain.run(LoadOptions.parse(args.toArray(String[]::new)), String.join(" ", args), System.out);
  }

  @AfterAll
  static void removeLoadAccounts() {
    TestEnv.db().reset();
  }

  @Test
  void steady_run_measures_stored_and_delivered_messages_over_the_real_bridge() throws Exception {
    LoadReport report = run(args("--rate", "30", "--duration", "2s", "--typing-rate", "6", "--read-rate", "10"));
    RunResult r = report.homeroom;
    assertNotNull(r);
    assertNull(report.baseline);
    Ledger.WindowStats m = r.window("measure");

    // Paced, acknowledged after commit, and really in the database.
    assertTrue(m.sent() >= 45 && m.sent() <= 100, "about 30/s for 2 s, sent " + m.sent());
    assertEquals(m.sent(), m.acked(), "every send acknowledged: " + m.errors());
    assertEquals(0, m.failed() + m.unacked());
    long acked = r.windows.stream().filter(w -> !w.name().equals("total")).mapToLong(Ledger.WindowStats::acked).sum();
    assertEquals(acked, r.dbStored, "each acknowledgement is a row in the database");
    assertEquals(r.dbStored, r.dbDistinct);

    // Delivered live to every expected recipient (the other side and the other admin), once.
    assertEquals(2 * m.acked(), m.deliveriesExpected(), "two recipients each: the student or an admin, and an admin");
    assertEquals(m.deliveriesExpected(), m.deliveriesLive());
    assertEquals(0, m.lostMessages());
    assertEquals(0, m.duplicateDeliveries());
    assertTrue(m.storedPerSecond() > 20 && m.deliveredPerSecond() > 20,
        m.storedPerSecond() + " / " + m.deliveredPerSecond());

    // Latencies measured (non-zero, ordered percentiles), for both stages.
    assertEquals(m.acked(), m.ack().count());
    assertEquals(m.deliveriesLive(), m.delivered().count());
    assertTrue(m.ack().p50() > 0 && m.ack().p50() <= m.ack().p99() && m.ack().p99() <= m.ack().max());
    assertTrue(m.delivered().p50() > 0 && m.delivered().p999() <= m.delivered().max());

    // Typing and read acknowledgements went through, and their events came back.
    assertTrue(m.commands().get("typing").ok() > 0, "typing: " + m.commands());
    assertTrue(m.commands().get("read").ok() > 0, "read: " + m.commands());
    assertEquals(0, m.errorCount(), "errors: " + m.errors());
    assertTrue(r.events.getOrDefault("chat.typing", 0L) > 0, "typing events: " + r.events);
    assertEquals(14, r.heldMin, "every client kept its socket");
    assertEquals(14, r.readyAfterRamp);

    // The node is this JVM, on this machine: memory was sampled.
    assertTrue(r.memory.stream().anyMatch(x -> x.sample().rssKb() > 0), "memory: " + r.memory);

    // Markdown and JSON written.
    Path md = report.write(out);
    String text = Files.readString(md);
    assertTrue(text.contains("| send→delivered p99 ms |"), text);
    JsonObject json = new JsonObject(Files.readString(Path.of(md.toString().replace(".md", ".json"))));
    assertEquals(m.acked(), json.getJsonObject("homeroom").getJsonArray("windows").stream()
        .map(JsonObject.class::cast).filter(w -> w.getString("name").equals("measure")).findFirst().orElseThrow()
        .getLong("acked"));
    // The kernel's DAMON, whose page-outs stall this workplace's VMs, is named when it runs (PERFORMANCE.md).
    assertEquals(LoadRun.damonOn(), json.getJsonObject("homeroom").getBoolean("damonOn"));
    assertEquals(LoadRun.damonOn(), text.contains("The kernel's DAMON was on"), text);
  }

  @Test
  void reconnect_run_brings_everyone_back_and_loses_nothing() throws Exception {
    LoadReport report = run(args("--scenario", "reconnect", "--rate", "30", "--typing-rate", "4", "--read-rate", "10",
        "--drop-after", "1s", "--duration", "4s", "--reconnect-deadline", "10s", "--backoff-base", "300ms"));
    RunResult r = report.homeroom;
    assertEquals(14, r.dropped);
    assertEquals(14, r.back);
    assertTrue(r.secondsUntilAllBack > 0 && r.secondsUntilAllBack < 10, "back in " + r.secondsUntilAllBack);
    Ledger.WindowStats total = r.window("total");
    assertTrue(total.acked() > 60, "acked " + total.acked());
    assertEquals(0, total.lostMessages() + total.unacked(), "lost or unacknowledged: " + total.errors());
    long acked = r.windows.stream().filter(w -> !w.name().equals("total")).mapToLong(Ledger.WindowStats::acked).sum();
    assertEquals(acked, r.dbStored);
    assertEquals(r.dbStored, r.dbDistinct, "a retried send is never stored twice");
    assertTrue(report.verdicts.stream().allMatch(v -> v.startsWith("PASS")), report.verdicts.toString());
  }

  @Test
  void the_baseline_server_speaks_the_same_frames() throws Exception {
    LoadReport report = run(args("--baseline=only", "--rate", "40", "--duration", "2s", "--baseline-jvm", "-Xmx128m -XX:+UseSerialGC"));
    assertNull(report.homeroom);
    RunResult b = report.baseline;
    Ledger.WindowStats m = b.window("measure");
    assertTrue(m.acked() >= 60, "acked " + m.acked());
    assertEquals(m.sent(), m.acked());
    assertEquals(2 * m.acked(), m.deliveriesLive());
    assertEquals(0, m.lostMessages() + m.duplicateDeliveries() + m.errorCount());
    assertTrue(b.memory.stream().anyMatch(x -> x.sample().rssKb() > 0), "the baseline's own JVM was sampled");
  }
}
