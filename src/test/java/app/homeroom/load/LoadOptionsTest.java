package app.homeroom.load;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line, and the server probe's parsing (the parts of the tool that are not the ledger or the network). */
class LoadOptionsTest {

  @Test
  void parses_a_full_command_line() {
    LoadOptions o = LoadOptions.parse("--scenario", "reconnect", "--target", "http://localhost:8080,http://localhost:8081",
        "--students=10000", "--admins", "5", "--rate", "2000", "--duration", "2m", "--warmup", "500ms", "--baseline",
        "--drop-after", "15", "--expect-p99", "25ms", "--server-pid", "12,13");
    assertEquals(LoadOptions.Scenario.RECONNECT, o.scenario);
    assertEquals(List.of(URI.create("http://localhost:8080"), URI.create("http://localhost:8081")), o.targets);
    assertEquals(10_000, o.students);
    assertEquals(5, o.admins);
    assertEquals(2000, o.rate);
    assertEquals(1000, o.typingRate(), "typing defaults to half the message rate");
    assertEquals(Duration.ofMinutes(2), o.duration);
    assertEquals(Duration.ofMillis(500), o.warmup);
    assertEquals(Duration.ofSeconds(15), o.dropAfter);
    assertEquals(LoadOptions.Baseline.ALSO, o.baseline);
    assertEquals(25, o.expectP99Ms, 1e-9);
    assertEquals(List.of(12L, 13L), o.serverPids);
    assertEquals(LoadOptions.Baseline.ONLY, LoadOptions.parse("--baseline=only").baseline);
    assertTrue(LoadOptions.parse("--help").help);
  }

  @Test
  void the_flood_runs_apart_niced_or_idle() {
    LoadOptions niced = LoadOptions.parse("--flood", "fetch", "--flood-nice", "19");
    assertEquals(19, niced.floodNice);
    assertFalse(niced.floodIdle);
    LoadOptions idle = LoadOptions.parse("--flood", "fetch", "--flood-nice", "idle");
    assertEquals(19, idle.floodNice, "SCHED_IDLE and nice 19 both");
    assertTrue(idle.floodIdle);
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--flood-nice", "idle"), "needs --flood");
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--flood", "fetch", "--flood-nice", "lazy"));
    // Pulses: each by the next person, so all of them must be simulated; only apart, only in the steady scenario.
    assertEquals(6, LoadOptions.parse("--flood", "fetch", "--flood-nice", "idle", "--flood-pulses", "6",
        "--students", "10", "--flood-person", "4").floodPulses);
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--flood", "fetch", "--flood-nice", "idle",
        "--flood-pulses", "6", "--students", "10", "--flood-person", "5"));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--flood", "fetch", "--flood-pulses", "2"));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--flood", "fetch", "--flood-nice", "19",
        "--flood-pulses", "-1"));
  }

  @Test
  void refuses_what_it_cannot_do() {
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--studnets", "10"));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--admins", "64"));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--target", "localhost:8080"));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--duration", "soon"));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--rate"));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("students"));
    // Failover kills one of several nodes, and there is no bare baseline of it.
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--scenario", "failover"));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--scenario", "failover",
        "--target", "http://a:1,http://b:2", "--kill-target", "3"));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--scenario", "failover",
        "--target", "http://a:1,http://b:2", "--baseline"));
    assertEquals(2, LoadOptions.parse("--scenario", "failover", "--target", "http://a:1,http://b:2,http://c:3",
        "--kill-target", "2").killTarget);
  }

  @Test
  void reads_heap_in_use_from_jstat() {
    String g1 = """
         S0C         S1C         S0U         S1U          EC           EU           OC           OU          MC         MU       CCSC      CCSU     YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT
          0.0      4096.0         0.0      4096.0      61440.0      12288.0     196608.0      50000.5     43520.0    42903.1    5632.0    5326.2      9     0.041     0      0.000     4     0.004     0.045
        """;
    long[] heap = ServerProbe.parseJstat(g1);
    assertEquals(4096 + 12288 + 50001, heap[0], "used");
    assertEquals(4096 + 61440 + 196608, heap[1], "committed");
    assertEquals(-1, ServerProbe.parseJstat(null)[0]);
    assertEquals(-1, ServerProbe.parseJstat("12345 not found")[1]);
    var sample = new ServerProbe.Sample(1, 500_000, 66_385, 262_144, 30, 100, true, 20_000);
    assertEquals(500_000 - 262_144 + 66_385, sample.inUseKb(), "resident memory less the free part of the heap");
  }

  @Test
  void finds_the_process_listening_on_a_port() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      var pid = ServerProbe.pidListeningOn(s.getLocalPort());
      if (pid.isPresent()) {
        assertEquals(ProcessHandle.current().pid(), pid.getAsLong());
      } else {
        assertTrue(!System.getProperty("os.name").toLowerCase().contains("linux"), "found nothing on Linux");
      }
    }
  }
}
