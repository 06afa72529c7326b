package app.homeroom.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The results of one invocation (Homeroom, and the baseline when asked) as a Markdown table and as JSON, with the
 * verdicts of the {@code --expect-…} checks. Ratios are Homeroom / baseline: below 1 for throughput and above 1 for
 * latency mean Homeroom costs more than the bare server on the same machine at the same time.
 */
final class LoadReport {

  final LoadOptions options;
  final String command;
  final RunResult homeroom;
  final RunResult baseline;
  final List<String> verdicts = new ArrayList<>();
  boolean failed;

  LoadReport(LoadOptions options, String command, RunResult homeroom, RunResult baseline) {
    this.options = options;
    this.command = command;
    this.homeroom = homeroom;
    this.baseline = baseline;
    judge();
  }

  private RunResult main() {
    return homeroom != null ? homeroom : baseline;
  }

  // ---- verdicts ------------------------------------------------------------------------------------------------

  private void judge() {
    RunResult r = main();
    switch (options.scenario) {
      case STEADY -> {
        Ledger.WindowStats m = r.window("measure");
        if (m == null) {
          return;
        }
        if (options.expectP99Ms >= 0) {
          check(m.delivered().p99() <= options.expectP99Ms,
              fmt("send→delivered p99 %.1f ms ≤ %.0f ms", m.delivered().p99(), options.expectP99Ms));
          check(m.storedPerSecond() >= 0.99 * options.rate,
              fmt("stored %.0f msg/s ≥ 99%% of %.0f", m.storedPerSecond(), options.rate));
          check(m.deliveredPerSecond() >= 0.99 * options.rate,
              fmt("delivered %.0f msg/s ≥ 99%% of %.0f", m.deliveredPerSecond(), options.rate));
          check(m.lostMessages() == 0 && m.unacked() == 0 && m.failed() == 0,
              fmt("nothing lost, failed or unacknowledged (lost %d, failed %d, unacked %d)", m.lostMessages(), m.failed(), m.unacked()));
        }
      }
      case IDLE -> {
        if (options.expectKbPerConnection >= 0) {
          check(!Double.isNaN(r.serverKbPerConnection) && r.serverKbPerConnection <= options.expectKbPerConnection,
              fmt("server memory per connection %.1f KiB ≤ %.0f KiB", r.serverKbPerConnection, options.expectKbPerConnection));
          check(r.heldMin >= r.clients, fmt("all %d connections held (min %d)", r.clients, r.heldMin));
        }
      }
      case RECONNECT, FAILOVER -> {
        check(r.back == r.dropped && r.secondsUntilAllBack >= 0
                && r.secondsUntilAllBack <= options.reconnectDeadline.toMillis() / 1000.0,
            fmt("all %d back within %d s (back %d, in %.1f s)", r.dropped, options.reconnectDeadline.toSeconds(), r.back,
                r.secondsUntilAllBack));
        List<Ledger.WindowStats> all = r.windows.stream().filter(w -> !w.name().equals("total")).toList();
        long lost = all.stream().mapToLong(Ledger.WindowStats::lostMessages).sum();
        long unacked = all.stream().mapToLong(Ledger.WindowStats::unacked).sum();
        check(lost == 0 && unacked == 0, fmt("nothing lost after catch-up (lost %d, unacknowledged %d)", lost, unacked));
        if (r.dbStored >= 0) {
          check(r.dbStored == r.dbDistinct, fmt("no message stored twice (%d rows, %d distinct)", r.dbStored, r.dbDistinct));
        }
      }
      case SATURATE -> {
        if (options.expectRatio >= 0 && homeroom != null && baseline != null) {
          double ratio = homeroom.ceilingStored / baseline.ceilingStored;
          check(ratio >= options.expectRatio, fmt("ceiling %.0f msg/s is %.0f%% of the baseline's %.0f (≥ %.0f%%)",
              homeroom.ceilingStored, 100 * ratio, baseline.ceilingStored, 100 * options.expectRatio));
        }
      }
    }
  }

  private void check(boolean ok, String what) {
    verdicts.add((ok ? "PASS " : "FAIL ") + what);
    failed |= !ok;
  }

  // ---- Markdown ------------------------------------------------------------------------------------------------

  String markdown() {
    RunResult r = main();
    StringBuilder b = new StringBuilder();
    b.append("# Load run: ").append(r.scenario).append(", ").append(r.startedAt).append("\n\n");
    if (r.label != null) {
      b.append(r.label).append("\n\n");
    }
    b.append("Command: `").append(command).append("`\n\n");
    b.append(fmt("Machine: %d cores, %.1f GiB; load average %.2f at the start, %.2f at the end%s. The generator, the "
            + "server(s) and PostgreSQL share it.%n%n", Runtime.getRuntime().availableProcessors(), totalMemoryGib(),
        r.loadAverageStart, r.loadAverageEnd, baseline != null && homeroom != null
            ? fmt(" (baseline run: %.2f, %.2f)", baseline.loadAverageStart, baseline.loadAverageEnd) : ""));
    if (r.damonOn) {
      b.append("**The kernel's DAMON was on** (`/sys/kernel/mm/damon/admin/kdamonds/*/state`): its page-outs stall every "
          + "process here for tens of milliseconds, so the tail latencies below are the VM's more than the code's "
          + "(docs/PERFORMANCE.md, \"The machine's own stalls\").\n\n");
    }
    b.append(fmt("Clients: %,d students and %,d admins on %s. ", r.students, r.admins, String.join(", ", r.targets)));
    switch (options.scenario) {
      case STEADY, RECONNECT, FAILOVER -> b.append(fmt("Messages: %,.0f/s (%.0f%% from admins), typing %,.0f/s, read acks %,.0f/s; "
          + "warm-up %s, measured %s.%n%n", options.rate, 100 * options.adminShare, options.typingRate(),
          options.readRate(), human(options.warmup), human(options.duration)));
      case SATURATE -> b.append(fmt("Ramp: from %,.0f msg/s, +%,.0f every %s, until the server falls behind "
          + "(stored or delivered < 90%% of offered, p99 > %.0f ms, or > 1%% errors).%n%n", options.startRate,
          options.stepRate, human(options.stepDuration), options.p99LimitMs));
      case IDLE -> b.append(fmt("No messages; pings every %s; held %s.%n%n", human(options.pingInterval), human(options.duration)));
    }
    switch (options.scenario) {
      case STEADY -> mainTable(b, options.floodPulses > 0 ? null : "measure");
      case RECONNECT, FAILOVER -> {
        if (r.killedTarget != null) {
          b.append(fmt("Killed with SIGKILL after %s: %s.%n%n", human(options.dropAfter), r.killedTarget));
        }
        reconnectTable(b);
        mainTable(b, null);
      }
      case SATURATE -> saturateTables(b);
      case IDLE -> idleTable(b);
    }
    memoryTable(b);
    cpuLines(b);
    for (RunResult x : runs()) {
      for (String n : x.notes) {
        b.append("- ").append(x.system).append(": ").append(n).append('\n');
      }
    }
    if (!verdicts.isEmpty()) {
      b.append("\nChecks:\n\n");
      verdicts.forEach(v -> b.append("- ").append(v).append('\n'));
    }
    return b.toString();
  }

  private List<RunResult> runs() {
    List<RunResult> out = new ArrayList<>();
    if (homeroom != null) {
      out.add(homeroom);
    }
    if (baseline != null) {
      out.add(baseline);
    }
    return out;
  }

  /** One row per metric, one column per system, and the ratio when both ran. */
  private void mainTable(StringBuilder b, String windowName) {
    List<RunResult> runs = runs();
    List<Ledger.WindowStats> ws = new ArrayList<>();
    for (RunResult x : runs) {
      ws.add(windowName == null ? total(x) : x.window(windowName));
    }
    if (ws.stream().anyMatch(w -> w == null)) {
      b.append("(no measured window)\n");
      return;
    }
    header(b, runs);
    row(b, "measured, s", ws, w -> w.seconds(), "%.2f", false);
    row(b, "offered msg/s", ws, w -> w.offeredRate(), "%,.0f", false);
    row(b, "sent msg/s", ws, w -> w.sent() / w.seconds(), "%,.0f", true);
    row(b, "stored msg/s", ws, w -> w.storedPerSecond(), "%,.0f", true);
    row(b, "delivered msg/s (every recipient has it)", ws, w -> w.deliveredPerSecond(), "%,.0f", true);
    row(b, "deliveries/s (events to recipients)", ws, w -> w.deliveriesPerSecond(), "%,.0f", true);
    row(b, "send→stored p50 ms", ws, w -> w.ack().p50(), "%.2f", true);
    row(b, "send→stored p99 ms", ws, w -> w.ack().p99(), "%.2f", true);
    row(b, "send→stored p99.9 ms", ws, w -> w.ack().p999(), "%.2f", true);
    row(b, "send→stored max ms", ws, w -> w.ack().max(), "%.2f", false);
    row(b, "send→delivered p50 ms", ws, w -> w.delivered().p50(), "%.2f", true);
    row(b, "send→delivered p99 ms", ws, w -> w.delivered().p99(), "%.2f", true);
    row(b, "send→delivered p99.9 ms", ws, w -> w.delivered().p999(), "%.2f", true);
    row(b, "send→delivered max ms", ws, w -> w.delivered().max(), "%.2f", false);
    text(b, "sent / stored / failed / unacknowledged", ws,
        w -> fmt("%,d / %,d / %,d / %,d", w.sent(), w.acked(), w.failed(), w.unacked()));
    text(b, "lost messages (missing deliveries)", ws, w -> fmt("%,d (%,d of %,d)", w.lostMessages(), w.lostDeliveries(),
        w.deliveriesExpected()));
    text(b, "duplicate deliveries", ws, w -> fmt("%,d", w.duplicateDeliveries()));
    text(b, "typing sent / ok, p99 ms", ws, w -> command(w, "typing"));
    text(b, "read acks sent / ok, p99 ms", ws, w -> command(w, "read"));
    text(b, "errors", ws, LoadReport::errors);
    List<String> held = new ArrayList<>();
    for (RunResult x : runs) {
      held.add(fmt("%,d / %,d of %,d", x.heldMin, x.heldAtEnd, x.clients));
    }
    textRow(b, "connections held (min / end)", held, runs.size());
    List<String> connect = new ArrayList<>();
    for (RunResult x : runs) {
      Ledger.WindowStats setup = x.window("setup");
      Ledger.CommandStats c = setup == null ? null : setup.commands().get("connect");
      connect.add(c == null ? "" : fmt("%.1f s; %.0f / %.0f ms", x.secondsToConnectAll, c.latency().p50(), c.latency().p99()));
    }
    textRow(b, "all connected in; connect→ready p50 / p99", connect, runs.size());
    List<String> lag = new ArrayList<>();
    for (RunResult x : runs) {
      lag.add(x.pacerLag == null ? "" : fmt("%.2f / %.2f ms", x.pacerLag.p99(), x.pacerLag.max()));
    }
    textRow(b, "generator pacing lag p99 / max", lag, runs.size());
    List<String> slowest = new ArrayList<>();
    for (RunResult x : runs) {
      slowest.add(slowestSeconds(x.timeline, 3));
    }
    textRow(b, "slowest delivery by second of the run (worst 3)", slowest, runs.size());
    if (homeroom != null && homeroom.dbStored >= 0) {
      List<String> db = new ArrayList<>();
      long acked = homeroom.windows.stream().filter(w -> !w.name().equals("total")).mapToLong(Ledger.WindowStats::acked).sum();
      db.add(fmt("%,d rows (%,d distinct) for %,d stored acknowledgements", homeroom.dbStored, homeroom.dbDistinct, acked));
      if (baseline != null) {
        db.add("n/a");
      }
      textRow(b, "this run's rows in the database (whole run)", db, runs.size());
    }
    b.append('\n');
  }

  /** "s71: 588 ms, s12: 410 ms, …": the seconds whose slowest delivery was worst, from the timeline's last column. */
  static String slowestSeconds(long[][] timeline, int n) {
    return java.util.Arrays.stream(timeline).filter(row -> row.length > 5 && row[5] > 0)
        .sorted((a, c) -> Long.compare(c[5], a[5])).limit(n)
        .map(row -> fmt("s%d: %.0f ms", row[0], row[5] / 1000.0))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private void saturateTables(StringBuilder b) {
    for (RunResult x : runs()) {
      b.append("**").append(x.system).append("**\n\n");
      b.append("| offered msg/s | stored msg/s | delivered msg/s | send→stored p99 ms | send→delivered p50 / p99 / p99.9 ms | errors | stop |\n");
      b.append("|---|---|---|---|---|---|---|\n");
      for (RunResult.Step s : x.steps) {
        Ledger.WindowStats w = s.stats();
        if (w == null) {
          continue;
        }
        b.append(fmt("| %,.0f | %,.0f | %,.0f | %.1f | %.1f / %.1f / %.1f | %s | %s |%n", s.offered(), w.storedPerSecond(),
            w.deliveredPerSecond(), w.ack().p99(), w.delivered().p50(), w.delivered().p99(), w.delivered().p999(),
            errors(w), s.stop() == null ? "" : s.stop()));
      }
      b.append(fmt("%nCeiling: %,.0f msg/s stored, %,.0f msg/s delivered to every recipient.%n%n", x.ceilingStored,
          x.ceilingDelivered));
    }
    if (homeroom != null && baseline != null && baseline.ceilingStored > 0) {
      b.append(fmt("Homeroom / baseline ceiling: %.2f (stored), %.2f (delivered).%n%n",
          homeroom.ceilingStored / baseline.ceilingStored, homeroom.ceilingDelivered / baseline.ceilingDelivered));
    }
  }

  private void idleTable(StringBuilder b) {
    List<RunResult> runs = runs();
    header(b, runs);
    List<String> v = new ArrayList<>();
    runs.forEach(x -> v.add(fmt("%,d / %,d of %,d", x.heldMin, x.heldAtEnd, x.clients)));
    textRow(b, "connections held (min / end)", v, runs.size());
    v.clear();
    runs.forEach(x -> v.add(x.secondsToConnectAll < 0 ? "not all" : fmt("%.1f s", x.secondsToConnectAll)));
    textRow(b, "all connected in", v, runs.size());
    numberRow(b, "server memory per connection, KiB (RSS less free heap, after GC)", runs, x -> x.serverKbPerConnection, "%.1f");
    numberRow(b, "  the same, marginal (half → all connected)", runs, x -> x.serverKbPerConnectionMarginal, "%.1f");
    numberRow(b, "server heap per connection, KiB (used, after GC)", runs, x -> x.serverHeapKbPerConnection, "%.1f");
    numberRow(b, "  the same, marginal (half → all connected)", runs, x -> x.serverHeapKbPerConnectionMarginal, "%.1f");
    numberRow(b, "server RSS difference per connection, KiB (raw)", runs, x -> x.serverRssKbPerConnection, "%.1f");
    numberRow(b, "generator heap per connection, KiB (used, after GC)", runs, x -> x.generatorHeapKbPerConnection, "%.1f");
    v.clear();
    runs.forEach(x -> v.add(errors(total(x))));
    textRow(b, "errors", v, runs.size());
    b.append('\n');
  }

  private void reconnectTable(StringBuilder b) {
    List<RunResult> runs = runs();
    header(b, runs);
    List<String> v = new ArrayList<>();
    runs.forEach(x -> v.add(fmt("%,d / %,d", x.back, x.dropped)));
    textRow(b, "back / dropped", v, runs.size());
    numberRow(b, "all back after, s", runs, x -> x.secondsUntilAllBack, "%.2f");
    v.clear();
    runs.forEach(x -> v.add(x.backLatency == null ? "" : fmt("%.0f / %.0f / %.0f", x.backLatency.p50(), x.backLatency.p99(),
        x.backLatency.max())));
    textRow(b, "drop→back p50 / p99 / max ms", v, runs.size());
    v.clear();
    runs.forEach(x -> v.add(fmt("%,d (%,d only in the final pass)", total(x).deliveriesCaughtUp(), x.missedLiveCaughtUp)));
    textRow(b, "deliveries missed live, fetched by a catch-up", v, runs.size());
    v.clear();
    runs.forEach(x -> {
      Ledger.WindowStats t = total(x);
      v.add(fmt("%,d (%,d answered \"duplicate\")", t.retried(), t.ackedAsDuplicate()));
    });
    textRow(b, "sends retried with the same clientMsgId", v, runs.size());
    b.append('\n');
  }

  private void cpuLines(StringBuilder b) {
    for (RunResult x : runs()) {
      if (x.cpuCores.isEmpty()) {
        continue;
      }
      List<String> parts = new ArrayList<>();
      x.cpuCores.forEach((k, v) -> parts.add(fmt("%s %.2f", k, v)));
      b.append("CPU while measuring ").append(x.system).append(", in cores of ")
          .append(Runtime.getRuntime().availableProcessors()).append(": ").append(String.join(", ", parts)).append(".\n\n");
      if (!x.cpuMicrosPerMessage.isEmpty()) {
        List<String> each = new ArrayList<>();
        x.cpuMicrosPerMessage.forEach((k, v) -> each.add(fmt("%s %.0f", k, v)));
        b.append("CPU per message stored meanwhile, in µs (compare builds by this when the machine is noisy): ")
            .append(String.join(", ", each)).append(".\n\n");
      }
    }
  }

  private void memoryTable(StringBuilder b) {
    boolean any = runs().stream().anyMatch(x -> !x.memory.isEmpty());
    if (!any) {
      b.append("Server memory: not measured (node not on this machine, or its process not found).\n\n");
      return;
    }
    b.append("| server | when | RSS MiB | heap used / committed MiB | threads | open files (limit) |\n|---|---|---|---|---|---|\n");
    for (RunResult x : runs()) {
      for (RunResult.Memory m : x.memory) {
        ServerProbe.Sample s = m.sample();
        b.append(fmt("| %s %s (pid %d) | %s | %.1f | %s | %d | %,d (%s) |%n", x.system, m.target(), s.pid(), m.when(),
            s.rssKb() / 1024.0, s.heapUsedKb() < 0 ? "?" : fmt("%.1f / %.1f", s.heapUsedKb() / 1024.0,
                s.heapCommittedKb() / 1024.0), s.threads(), s.fds(),
            s.fdLimit() == Long.MAX_VALUE ? "unlimited" : fmt("%,d", s.fdLimit())));
      }
    }
    b.append('\n');
  }

  // ---- table helpers -------------------------------------------------------------------------------------------

  private void header(StringBuilder b, List<RunResult> runs) {
    b.append("| |");
    runs.forEach(x -> b.append(' ').append(x.system).append(" |"));
    if (runs.size() == 2) {
      b.append(" homeroom / baseline |");
    }
    b.append("\n|---|");
    runs.forEach(x -> b.append("---|"));
    if (runs.size() == 2) {
      b.append("---|");
    }
    b.append('\n');
  }

  private static void row(StringBuilder b, String name, List<Ledger.WindowStats> ws,
                          Function<Ledger.WindowStats, Double> f, String format, boolean ratio) {
    b.append("| ").append(name).append(" |");
    List<Double> values = new ArrayList<>();
    for (Ledger.WindowStats w : ws) {
      double v = f.apply(w);
      values.add(v);
      b.append(' ').append(fmt(format, v)).append(" |");
    }
    if (ws.size() == 2) {
      b.append(ratio && values.get(1) > 0 ? fmt(" %.2f |", values.get(0) / values.get(1)) : " |");
    }
    b.append('\n');
  }

  private static void numberRow(StringBuilder b, String name, List<RunResult> runs, Function<RunResult, Double> f,
                                String format) {
    b.append("| ").append(name).append(" |");
    List<Double> values = new ArrayList<>();
    for (RunResult x : runs) {
      double v = f.apply(x);
      values.add(v);
      b.append(' ').append(Double.isNaN(v) || v == -1 ? "n/a" : fmt(format, v)).append(" |");
    }
    if (runs.size() == 2) {
      b.append(values.get(0) >= 0 && values.get(1) > 0 ? fmt(" %.2f |", values.get(0) / values.get(1)) : " |");
    }
    b.append('\n');
  }

  private static void text(StringBuilder b, String name, List<Ledger.WindowStats> ws, Function<Ledger.WindowStats, String> f) {
    List<String> cells = new ArrayList<>();
    ws.forEach(w -> cells.add(f.apply(w)));
    textRow(b, name, cells, ws.size());
  }

  private static void textRow(StringBuilder b, String name, List<String> cells, int columns) {
    b.append("| ").append(name).append(" |");
    cells.forEach(c -> b.append(' ').append(c).append(" |"));
    if (columns == 2) {
      b.append(" |");
    }
    b.append('\n');
  }

  private static String command(Ledger.WindowStats w, String name) {
    Ledger.CommandStats c = w.commands().get(name);
    return c == null ? "0" : fmt("%,d / %,d, %.1f", c.sent(), c.ok(), c.latency().p99());
  }

  /** The most frequent error kinds (all of them are in the JSON). */
  private static String errors(Ledger.WindowStats w) {
    if (w.errors().isEmpty()) {
      return "none";
    }
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(w.errors().entrySet());
    sorted.sort((a, c) -> Long.compare(c.getValue(), a.getValue()));
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < Math.min(8, sorted.size()); i++) {
      parts.add(fmt("%s: %,d", sorted.get(i).getKey().replace("|", "/"), sorted.get(i).getValue()));
    }
    if (sorted.size() > 8) {
      parts.add("(" + (sorted.size() - 8) + " more kinds in the JSON)");
    }
    return String.join("; ", parts);
  }

  /** Everything after the warm-up, histograms merged (see {@link Ledger#summarize}). */
  static Ledger.WindowStats total(RunResult r) {
    return r.window("total");
  }

  // ---- JSON and files ------------------------------------------------------------------------------------------

  JsonObject json() {
    JsonObject o = new JsonObject().put("command", command).put("scenario", options.scenario.name().toLowerCase())
        .put("cores", Runtime.getRuntime().availableProcessors()).put("memoryGib", totalMemoryGib());
    if (homeroom != null) {
      o.put("homeroom", homeroom.toJson());
    }
    if (baseline != null) {
      o.put("baseline", baseline.toJson());
    }
    o.put("checks", new JsonArray(new ArrayList<>(verdicts)));
    return o;
  }

  /** Writes {@code <scenario>-<time>.md} and {@code .json} into the output folder; returns the Markdown path. */
  Path write(Path dir) throws java.io.IOException {
    Files.createDirectories(dir);
    String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC)
        .format(java.time.Instant.parse(main().startedAt));
    String base = options.scenario.name().toLowerCase() + "-" + stamp;
    Path md = dir.resolve(base + ".md");
    Files.writeString(md, markdown());
    Files.writeString(dir.resolve(base + ".json"), json().encodePrettily());
    return md;
  }

  static double totalMemoryGib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
        }
      }
    } catch (Exception e) {
      // unknown
    }
    return -1;
  }

  private static String human(java.time.Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** For tests and the console: the result of one system by name. */
  static Map<String, RunResult> byName(LoadReport r) {
    java.util.LinkedHashMap<String, RunResult> m = new java.util.LinkedHashMap<>();
    r.runs().forEach(x -> m.put(x.system, x));
    return m;
  }
}
