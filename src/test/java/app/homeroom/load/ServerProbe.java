package app.homeroom.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server process's memory, read from outside, so it works for any node (or the baseline) on this machine:
 * <ul>
 *   <li>resident memory ({@code VmRSS} in {@code /proc/<pid>/status}): everything the process holds in RAM (heap,
 *       direct buffers, thread stacks, code), the honest total;</li>
 *   <li>Java heap in use ({@code jstat -gc}: survivor, eden and old used), optionally right after a full GC
 *       ({@code jcmd <pid> GC.run}), which is what live objects take;</li>
 *   <li>threads and open file descriptors (the sockets it holds, plus files).</li>
 * </ul>
 * The process is found by the port it listens on ({@code /proc/net/tcp*} and {@code /proc/<pid>/fd}) unless its
 * id is given. Linux only; a node on another machine has no memory figures.
 */
final class ServerProbe {

  /**
   * {@code heapCommittedKb} is what the JVM has reserved for the heap (used or not); {@link #inUseKb()} subtracts
   * the free part of it from the resident memory, so that a heap the collector happened to grow or shrink does
   * not pass for memory the connections take.
   */
  record Sample(long pid, long rssKb, long heapUsedKb, long heapCommittedKb, int threads, int fds, boolean afterGc,
                long fdLimit) {
    long inUseKb() {
      return rssKb < 0 || heapUsedKb < 0 || heapCommittedKb < 0 ? -1 : rssKb - heapCommittedKb + heapUsedKb;
    }
  }

  private ServerProbe() {}

  /** The process listening on this TCP port, if it is on this machine and visible to us. */
  static OptionalLong pidListeningOn(int port) {
    List<String> inodes = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length < 10 || !f[3].equals("0A")) {
            continue;
          }
          String local = f[1];
          int p = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
          if (p == port) {
            inodes.add("socket:[" + f[9] + "]");
          }
        }
      } catch (IOException | RuntimeException e) {
        // not Linux, or no such table
      }
    }
    if (inodes.isEmpty()) {
      return OptionalLong.empty();
    }
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
          for (Path fd : (Iterable<Path>) fds::iterator) {
            try {
              if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                return OptionalLong.of(Long.parseLong(name));
              }
            } catch (IOException e) {
              // closed meanwhile
            }
          }
        } catch (IOException | SecurityException e) {
          // not ours to look at
        }
      }
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /** Memory of the process now; with {@code gcFirst}, after asking it for a full GC. */
  static Sample sample(long pid, boolean gcFirst) {
    if (gcFirst) {
      run(tool("jcmd"), Long.toString(pid), "GC.run");
    }
    long rss = statusKb(pid, "VmRSS:");
    int threads = (int) statusKb(pid, "Threads:");
    int fds;
    try (Stream<Path> list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds = (int) list.count();
    } catch (IOException e) {
      fds = -1;
    }
    long[] heap = parseJstat(run(tool("jstat"), "-gc", Long.toString(pid)));
    return new Sample(pid, rss, heap[0], heap[1], threads, fds, gcFirst, fdLimit(pid));
  }

  /** A process's command line, arguments joined by spaces ("" when unreadable). */
  static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ').trim();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * True when the JVM's heap cannot change its resident size: fixed ({@code -Xms} = {@code -Xmx}) and touched at
   * start ({@code -XX:+AlwaysPreTouch}). Then a change of RSS minus committed heap is native memory alone.
   */
  static boolean heapPinned(long pid) {
    String cmd = " " + commandLine(pid) + " ";
    java.util.regex.Matcher xms = java.util.regex.Pattern.compile(" -Xms(\\S+) ").matcher(cmd);
    java.util.regex.Matcher xmx = java.util.regex.Pattern.compile(" -Xmx(\\S+) ").matcher(cmd);
    return cmd.contains(" -XX:+AlwaysPreTouch ") && xms.find() && xmx.find() && xms.group(1).equals(xmx.group(1));
  }

  /** The soft limit on open files of a process ({@code /proc/<pid>/limits}), -1 when unknown. */
  static long fdLimit(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return -1;
  }

  private static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not Linux
    }
    return -1;
  }

  /**
   * Heap in use (S0U + S1U + EU + OU) and committed (S0C + S1C + EC + OC) from {@code jstat -gc} output, in KiB;
   * -1 each when jstat could not read the process.
   */
  static long[] parseJstat(String out) {
    return new long[] {sum(out, List.of("S0U", "S1U", "EU", "OU")), sum(out, List.of("S0C", "S1C", "EC", "OC"))};
  }

  private static long sum(String out, List<String> columns) {
    if (out == null) {
      return -1;
    }
    String[] lines = out.trim().split("\n");
    if (lines.length < 2) {
      return -1;
    }
    String[] head = lines[0].trim().split("\\s+");
    String[] vals = lines[lines.length - 1].trim().split("\\s+");
    double total = 0;
    int found = 0;
    for (int i = 0; i < head.length && i < vals.length; i++) {
      if (columns.contains(head[i])) {
        try {
          total += Double.parseDouble(vals[i]);
          found++;
        } catch (NumberFormatException e) {
          // "-" for a space the collector does not have
        }
      }
    }
    return found == 0 ? -1 : Math.round(total);
  }

  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
