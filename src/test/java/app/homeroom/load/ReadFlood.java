package app.homeroom.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 24, point 2: one user flooding reads while the run measures everyone's sends. {@code fetch}: a student keeps
 * {@code inFlight} history fetches of {@code limit} messages in flight on each of {@code sockets} bridge sockets (each
 * answer, or refusal, sends the next); {@code search}: an admin keeps {@code inFlight} REST searches in flight. What the
 * node answered, refused (429 or 503) and failed is counted, so the report says how much of the flood got through.
 *
 * <p>By default the flood runs in the generator, on its event loops. {@code --flood-nice N} runs it in a JVM of its own
 * under {@code nice -n N} ({@link Apart}, {@link #main}): the flood then no longer shares the measuring clients' event
 * loops, and at 19 it gets CPU only when the node, PostgreSQL and the generator leave some, as an attacker on another
 * machine would: what is left of the flood's effect is the node's own.
 */
final class ReadFlood implements Flooding {

  enum Kind { FETCH, SEARCH }

  private static final String[] WORDS = {"homework", "lesson", "question", "thanks", "tomorrow", "maths", "load"};

  private final Vertx vertx;
  private final WebSocketClient wsClient;
  private final Kind kind;
  private final int sockets;
  private final int inFlight;
  private final int limit;
  private final LoadRun.Target target;
  private final Population.Person who;
  private final List<WebSocket> open = new ArrayList<>();
  private HttpClient http;
  private volatile boolean stopped;
  final AtomicLong answered = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  private long startNanos;

  ReadFlood(Vertx vertx, WebSocketClient wsClient, Kind kind, int sockets, int inFlight, int limit, LoadRun.Target target,
            Population.Person who) {
    this.vertx = vertx;
    this.wsClient = wsClient;
    this.kind = kind;
    this.sockets = sockets;
    this.inFlight = inFlight;
    this.limit = limit;
    this.target = target;
    this.who = who;
  }

  void start() {
    startNanos = System.nanoTime();
    if (kind == Kind.FETCH) {
      for (int i = 0; i < sockets; i++) {
        openSocket(vertx, wsClient);
      }
    } else {
      http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(target.host())
          .setDefaultPort(target.port()).setSsl(target.ssl()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(inFlight));
      for (int i = 0; i < inFlight; i++) {
        search();
      }
    }
  }

  @Override
  public void stop() {
    stopped = true;
    synchronized (open) {
      open.forEach(WebSocket::close);
      open.clear();
    }
    if (http != null) {
      http.close();
    }
  }

  /** One line for the run's log and notes. */
  @Override
  public String summary() {
    double s = (System.nanoTime() - startNanos) / 1e9;
    return String.format(Locale.ROOT, "read flood (%s by user %d%s, %d in flight%s): %,d answered (%.0f/s), %,d refused"
            + " (%.0f/s), %,d failed", kind.name().toLowerCase(Locale.ROOT), who.userId(),
        kind == Kind.FETCH ? ", " + sockets + " sockets" : "", inFlight, kind == Kind.FETCH ? " each, " + limit + " a page" : "",
        answered.get(), answered.get() / s, refused.get(), refused.get() / s, failed.get());
  }

  private void openSocket(Vertx vertx, WebSocketClient client) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.host()).setPort(target.port())
        .setSsl(target.ssl()).setURI("/eventbus/" + r.nextInt(100, 1000) + "/" + Long.toString(r.nextLong() >>> 1, 36)
            + "/websocket")
        .setAllowOriginHeader(false).addHeader("origin", target.origin()).addHeader("cookie", who.cookie());
    client.connect(options).onSuccess(ws -> {
      synchronized (open) {
        if (stopped) {
          ws.close();
          return;
        }
        open.add(ws);
      }
      long[] next = {0};
      ws.textMessageHandler(text -> {
        if (text.startsWith("o")) {
          for (int i = 0; i < inFlight; i++) {
            fetch(ws, next[0]++);
          }
        } else if (text.startsWith("a")) {
          for (Frames.Inbound in : Frames.decode(text)) {
            if (in.address == null || !in.address.startsWith("fl.")) {
              continue;
            }
            if ("err".equals(in.type)) {
              if (in.failureCode == 429 || in.failureCode == 503) {
                refused.incrementAndGet();
              } else {
                failed.incrementAndGet();
              }
            } else {
              answered.incrementAndGet();
            }
            if (!stopped) {
              // A refusal says when to come back; a flooder does not listen, it asks again at once.
              fetch(ws, next[0]++);
            }
          }
        }
      });
      ws.closeHandler(v -> {
        if (!stopped) {
          failed.incrementAndGet();
          vertx.setTimer(200, t -> openSocket(vertx, client));
        }
      });
    }).onFailure(err -> {
      failed.incrementAndGet();
      if (!stopped) {
        vertx.setTimer(200, t -> openSocket(vertx, client));
      }
    });
  }

  private void fetch(WebSocket ws, long n) {
    ws.writeTextMessage(Frames.send(SimClient.FETCH, "fl." + n,
        "{\"conversationId\":" + who.conversationId() + ",\"limit\":" + limit + "}"));
  }

  private void search() {
    if (stopped) {
      return;
    }
    String q = WORDS[ThreadLocalRandom.current().nextInt(WORDS.length)];
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/search?q=" + q)
            .putHeader("cookie", who.cookie()).putHeader("origin", target.origin()))
        .compose(req -> req.send().compose(res -> res.body().map(b -> res.statusCode())))
        .onComplete(ar -> {
          if (ar.failed()) {
            failed.incrementAndGet();
          } else if (ar.result() == 429 || ar.result() == 503) {
            refused.incrementAndGet();
          } else if (ar.result() == 200) {
            answered.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
          search();
        });
  }

  /**
   * The flood in a JVM of its own: {@code ReadFlood KIND URL USER CONVERSATION SOCKETS IN_FLIGHT LIMIT}, the user's
   * cookie in {@code FLOOD_COOKIE}. It floods from the line {@code go} on its input until the next line (or the end
   * of its input), then prints its summary and exits.
   */
  public static void main(String[] args) throws Exception {
    Kind kind = Kind.valueOf(args[0]);
    LoadRun.Target target = LoadRun.Target.of(java.net.URI.create(args[1]));
    Population.Person who = new Population.Person(Long.parseLong(args[2]), "flooder", Long.parseLong(args[3]),
        System.getenv("FLOOD_COOKIE"));
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
    WebSocketClient ws = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setMaxConnections(100).setConnectTimeout(20_000).setMaxFrameSize(1 << 20).setMaxMessageSize(4 << 20));
    ReadFlood flood = new ReadFlood(vertx, ws, kind, Integer.parseInt(args[4]), Integer.parseInt(args[5]),
        Integer.parseInt(args[6]), target, who);
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
        java.nio.charset.StandardCharsets.UTF_8));
    if ("go".equals(in.readLine())) {
      burn(Long.getLong("flood.burnMs", 0));
      flood.start();
      in.readLine();
      flood.stop();
      System.out.println(flood.summary());
    }
    vertx.close().await();
    System.exit(0);
  }

  /**
   * The flooding JVM's own CPU and nothing else (scripts/flood-compare.sh's {@code burn}): two threads busy for
   * {@code ms} at the flood's start, about what a cold flooding JVM spends there compiling and decoding (perf: 1.1 s
   * of CPU in its first 2 s, the machine's two cores full for 0.7 s). With no sockets, what it costs the others is what
   * the flooder's process costs on a shared machine, not what the node does for it.
   */
  private static volatile long burnt;

  private static void burn(long ms) {
    if (ms <= 0) {
      return;
    }
    long until = System.nanoTime() + ms * 1_000_000;
    for (int i = 0; i < 2; i++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < until) {
          burnt++; // a volatile write: the loop cannot be optimised away
        }
      }, "flood-burn-" + i);
      t.setDaemon(true);
      t.start();
    }
  }

  /**
   * {@link #main} started under {@code nice -n N} by the generator, with the generator's own class path; with
   * {@code idle}, under SCHED_IDLE too. Nice alone is not enough to keep it off the others' CPU: at nice 19 the flood's
   * JVM still took 0.6–1.4 cores through the flood's first second, while its threads compiled and decoded 900 answers,
   * and the others' sends waited for a core in that second (docs/PERFORMANCE-LOG.md).
   */
  static final class Apart implements Flooding {
    private final Process process;
    private final java.io.Writer control;

    Apart(int nice, boolean idle, Kind kind, int sockets, int inFlight, int limit, LoadRun.Target target,
          Population.Person who) throws java.io.IOException {
      List<String> command = new ArrayList<>();
      if (idle) {
        command.addAll(List.of("chrt", "--idle", "0"));
      }
      command.addAll(List.of("nice", "-n", Integer.toString(nice)));
      if ("python".equals(System.getProperty("flood.client"))) {
        // The same flood from a process that costs the machine next to nothing (scripts/read-flood.py): the JVM's,
        // under SCHED_IDLE, still filled both cores for 0.7 s at its start (perf; PERFORMANCE-LOG, "a sixth look").
        command.addAll(List.of("python3", java.nio.file.Path.of("scripts", "read-flood.py").toAbsolutePath().toString()));
      } else {
        command.addAll(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-XX:+UseSerialGC", "-Dflood.burnMs=" + Long.getLong("flood.burnMs", 0), "-cp",
            System.getProperty("java.class.path"), ReadFlood.class.getName()));
      }
      command.addAll(List.of(kind.name(), target.url(), Long.toString(who.userId()), Long.toString(who.conversationId()),
          Integer.toString(sockets), Integer.toString(inFlight), Integer.toString(limit)));
      ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("FLOOD_COOKIE", who.cookie());
      if (kind == Kind.SEARCH && "sql".equals(System.getenv("FLOOD_CLIENT"))) {
        // The search flood's statements straight to PostgreSQL (read-flood.py; PG* in the environment say where).
        java.nio.file.Path script = java.nio.file.Files.createTempFile("search-flood", ".sql");
        script.toFile().deleteOnExit();
        java.nio.file.Files.writeString(script, app.homeroom.search.SearchFloodStatements.psqlScript());
        pb.environment().put("FLOOD_SQL", script.toString());
      }
      process = pb.start();
      control = new java.io.OutputStreamWriter(process.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Starts the flood; the JVM has had the warm-up to start, so the flood begins at once. */
    void go() throws java.io.IOException {
      control.write("go\n");
      control.flush();
    }

    private String summary = "read flood apart: no summary";

    @Override
    public void stop() {
      try {
        control.write("stop\n");
        control.close();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        // Its output holds its own log lines too (a client's WARNs); the summary is the line main prints last.
        summary = out.lines().filter(l -> l.startsWith("read flood")).reduce((a, b) -> b).map(l -> l + " (apart)")
            .orElse(summary);
      } catch (java.io.IOException e) {
        summary = "read flood apart failed: " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        process.destroyForcibly();
      }
    }

    @Override
    public String summary() {
      return summary;
    }
  }
}

/** A read flood under way, in the generator or apart from it. */
interface Flooding {
  void stop();

  String summary();
}
