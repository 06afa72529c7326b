package app.homeroom.load;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's CPU accounting: cores from /proc tick counts, and CPU per message stored (issue 9). */
class CpuMeterTest {

  @Test
  void cores_are_ticks_over_time_and_everything_else_is_the_machine_less_the_named() {
    int cpus = Runtime.getRuntime().availableProcessors();
    // 10 s apart: homeroom used 600 ticks (6 s of CPU, 0.6 cores); the machine was busy for a quarter of its time.
    CpuMeter.Snapshot a = new CpuMeter.Snapshot(0, Map.of("homeroom", 1_000L), 0, 0);
    CpuMeter.Snapshot b = new CpuMeter.Snapshot(10_000_000_000L, Map.of("homeroom", 1_600L), 250, 1_000);
    Map<String, Double> cores = CpuMeter.cores(a, b);
    assertEquals(0.6, cores.get("homeroom"), 1e-9);
    assertEquals(cpus * 0.25, cores.get("machine"), 1e-9);
    assertEquals(Math.max(0, cpus * 0.25 - 0.6), cores.get("everything else"), 1e-9);
  }

  @Test
  void cpu_per_message_is_cpu_time_over_messages_stored() {
    Map<String, Double> cores = new LinkedHashMap<>();
    cores.put("homeroom", 0.6);
    cores.put("postgresql", 0.9);
    // 60 s while 120,000 messages were stored: 36 s and 54 s of CPU, 300 and 450 µs a message.
    Map<String, Double> each = CpuMeter.microsPerMessage(cores, 60, 120_000);
    assertEquals(300, each.get("homeroom"), 1e-9);
    assertEquals(450, each.get("postgresql"), 1e-9);
    assertTrue(CpuMeter.microsPerMessage(cores, 60, 0).isEmpty(), "nothing stored: no figure, not infinity");
  }
}
