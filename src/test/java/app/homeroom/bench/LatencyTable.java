package app.homeroom.bench;

import java.util.Arrays;

/**
 * Times requests made one after another (after a warm-up) and collects p50/p95/p99/max rows into a Markdown table;
 * the benchmarks' one way of measuring and reporting.
 */
final class LatencyTable {

  private final int warmup;
  private final int samples;
  private final StringBuilder rows = new StringBuilder("| request | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
  private double worstP95;

  LatencyTable(int warmup, int samples) {
    this.warmup = warmup;
    this.samples = samples;
  }

  /** Warms up, then times {@code samples} calls of {@code request}; answers the p95 in milliseconds. */
  double measure(String label, Runnable request) {
    for (int i = 0; i < warmup; i++) {
      request.run();
    }
    double[] ms = new double[samples];
    for (int i = 0; i < samples; i++) {
      long t0 = System.nanoTime();
      request.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    double p95 = percentile(ms, 95);
    worstP95 = Math.max(worstP95, p95);
    rows.append(String.format("| %s | %.1f | %.1f | %.1f | %.1f |%n", label, percentile(ms, 50), p95,
        percentile(ms, 99), ms[ms.length - 1]));
    return p95;
  }

  double worstP95() {
    return worstP95;
  }

  String markdown() {
    return rows.toString();
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The machine's 1-minute load average, to print beside every result. */
  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
