package app.homeroom.load;

import io.vertx.core.Vertx;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's entry point: {@code ./mvnw -q -Pload -Dload.args="…"} (the {@code load} profile runs this
 * class from the test classpath in a JVM of its own). See {@link LoadOptions#usage()} and docs/PERFORMANCE.md.
 *
 * <p>Seeds (or reuses) the load accounts, runs the scenario against the given nodes, then, with {@code --baseline},
 * starts {@link BaselineServer} in a JVM of its own and runs the same scenario against it; prints the Markdown
 * table and writes it with the JSON into {@code target/load/}. Exit status 1 when a {@code --expect-…} check (or the
 * reconnect scenario's own checks) failed, 2 on bad arguments.
 */
public final class LoadMain {

  private LoadMain() {}

  public static void main(String[] args) {
    LoadOptions o;
    try {
      o = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("load: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (o.help) {
      System.out.println(LoadOptions.usage());
      return;
    }
    try {
      LoadReport report = run(o, String.join(" ", args), System.out);
      System.out.println();
      System.out.println(report.markdown());
      Path md = report.write(o.out);
      System.out.println("Written: " + md + " (and .json)");
      System.exit(report.failed ? 1 : 0);
    } catch (Exception e) {
      e.printStackTrace();
      System.err.println("load: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Runs what the options ask for (Homeroom, the baseline, or both) and judges the result. */
  static LoadReport run(LoadOptions o, String command, PrintStream log) throws Exception {
    RunResult homeroom = null;
    RunResult baseline = null;
    if (o.baseline != LoadOptions.Baseline.ONLY) {
      homeroom = runHomeroom(o, log);
    }
    if (o.baseline != LoadOptions.Baseline.NONE) {
      baseline = runBaseline(o, log);
    }
    return new LoadReport(o, command, homeroom, baseline);
  }

  static RunResult runHomeroom(LoadOptions o, PrintStream log) throws Exception {
    Vertx signer = Vertx.vertx();
    Population population;
    try {
      population = Population.seed(o, signer, log);
    } finally {
      signer.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    long[] pids = new long[o.targets.size()];
    for (int i = 0; i < pids.length; i++) {
      URI t = o.targets.get(i);
      if (i < o.serverPids.size()) {
        pids[i] = o.serverPids.get(i);
      } else if (LoadRun.Target.of(t).local()) {
        OptionalLong pid = ServerProbe.pidListeningOn(LoadRun.Target.of(t).port());
        pids[i] = pid.orElse(-1);
      } else {
        pids[i] = -1;
      }
    }
    RunResult r = new LoadRun(o, "homeroom", population, pids, log).execute();
    try {
      long[] stored = Population.storedByRun(o, r.runId);
      r.dbStored = stored[0];
      r.dbDistinct = stored[1];
    } catch (RuntimeException e) {
      r.notes.add("could not count the stored messages: " + e.getMessage());
    }
    return r;
  }

  /** The bare server in a JVM of its own, on a free port, for the length of one run. */
  static RunResult runBaseline(LoadOptions o, PrintStream log) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String opt : o.baselineJvm.trim().split("\\s+")) {
      if (!opt.isEmpty()) {
        command.add(opt);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), BaselineServer.class.getName(),
        "--port", Integer.toString(port), "--instances", Integer.toString(o.baselineInstances)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      CompletableFuture<Void> ready = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (line.startsWith(BaselineServer.READY)) {
              ready.complete(null);
            } else {
              log.println("[baseline server] " + line);
            }
          }
        } catch (java.io.IOException e) {
          // process ended
        }
        ready.completeExceptionally(new IllegalStateException("the baseline server exited before it was ready"));
      }, "baseline-output");
      reader.setDaemon(true);
      reader.start();
      ready.get(60, TimeUnit.SECONDS);
      LoadOptions b = o.copy();
      b.targets = List.of(URI.create("http://127.0.0.1:" + port));
      b.serverPids = List.of(process.pid());
      Population population = Population.synthetic(o.students, o.admins);
      log.printf("Baseline server (pid %d) ready on port %d%n", process.pid(), port);
      return new LoadRun(b, "baseline", population, new long[] {process.pid()}, log).execute();
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
