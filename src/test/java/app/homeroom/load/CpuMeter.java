package app.homeroom.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Who used the CPU while a window was measured, from {@code /proc}: the server process(es), PostgreSQL (the server
 * listening on the database's port and its backends, when it runs here), this generator, and the whole machine. On a shared 2-core machine this says
 * whether a figure is the server's limit or the neighbours' noise: "everything else" is the machine's busy time
 * minus the processes named. Linux only; values in cores (CPU seconds per second of wall time).
 */
final class CpuMeter {

  /** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on every mainstream Linux). */
  static final double TICKS = 100.0;

  record Snapshot(long nanos, Map<String, Long> ticks, long machineBusy, long machineTotal) {}

  private final Map<String, Long> pids;
  private final long postmaster;

  /** {@code pids}: label → process id of the servers to follow; {@code postmaster}: PostgreSQL's, or -1. */
  CpuMeter(Map<String, Long> pids, long postmaster) {
    this.pids = pids;
    this.postmaster = postmaster;
  }

  Snapshot snapshot() {
    Map<String, Long> ticks = new LinkedHashMap<>();
    pids.forEach((label, pid) -> ticks.put(label, processTicks(pid)));
    if (postmaster > 0) {
      ticks.put("postgresql", treeTicks(postmaster));
    }
    long self = ProcessHandle.current().pid();
    if (!pids.containsValue(self)) {
      ticks.put("generator", processTicks(self));
    }
    long[] machine = machineTicks();
    return new Snapshot(System.nanoTime(), ticks, machine[0], machine[1]);
  }

  /**
   * CPU time per stored message, in microseconds, by process (and the machine), from the cores each used over
   * {@code seconds} in which {@code stored} messages were stored: a cost that hardly moves with the machine's other
   * load, unlike a tail latency, so two builds compare in one run each (issue 9, docs/PERFORMANCE-LOG.md step 5). Empty
   * when nothing was stored.
   */
  static Map<String, Double> microsPerMessage(Map<String, Double> cores, double seconds, long stored) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (stored > 0 && seconds > 0) {
      cores.forEach((process, c) -> out.put(process, c * seconds * 1e6 / stored));
    }
    return out;
  }

  /** Cores used between two snapshots: per label, then "everything else" and "machine" (all cores busy = 2.0). */
  static Map<String, Double> cores(Snapshot a, Snapshot b) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    Map<String, Double> out = new LinkedHashMap<>();
    if (seconds <= 0) {
      return out;
    }
    double named = 0;
    for (var e : b.ticks().entrySet()) {
      Long before = a.ticks().get(e.getKey());
      if (before == null || before < 0 || e.getValue() < 0) {
        continue;
      }
      double c = (e.getValue() - before) / TICKS / seconds;
      out.put(e.getKey(), c);
      named += c;
    }
    long total = b.machineTotal() - a.machineTotal();
    if (total > 0) {
      double machine = Runtime.getRuntime().availableProcessors() * (b.machineBusy() - a.machineBusy()) / (double) total;
      out.put("everything else", Math.max(0, machine - named));
      out.put("machine", machine);
    }
    return out;
  }

  /** utime + stime of a process (fields 14 and 15 of /proc/PID/stat), -1 when unreadable. */
  static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may contain spaces; fields are counted after its closing parenthesis.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * A process and its children (PostgreSQL: the postmaster and its backends). Backends that ended during the window
   * are missed; the pool's connections are long-lived.
   */
  static long treeTicks(long parent) {
    long sum = Math.max(0, processTicks(parent));
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(p.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (Long.parseLong(f[1]) == parent) {
            sum += Math.max(0, Long.parseLong(f[11]) + Long.parseLong(f[12]));
          }
        } catch (IOException | RuntimeException e) {
          // gone
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return sum;
  }

  /** Busy and total ticks of the whole machine (first line of /proc/stat). */
  static long[] machineTicks() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
      String[] f = lines.get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }
}
