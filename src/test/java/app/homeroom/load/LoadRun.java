package app.homeroom.load;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of one scenario against one system (Homeroom's nodes, or the baseline server): connects the simulated
 * clients over a ramp, paces messages, typing events and read acknowledgements at the chosen rates from one
 * thread (open loop: the pace does not wait for the server), and fills a {@link Ledger} and a {@link RunResult}.
 *
 * <p>Send→ack and send→delivered are measured from the moment the frame is handed to the socket; the pacer's own
 * lateness (how far behind schedule it dispatched) is reported beside them, so a generator that could not keep up
 * is visible rather than hidden in the server's figures.
 */
final class LoadRun {

  /** A node to connect to. */
  record Target(String host, int port, boolean ssl, String origin, String url) {
    static Target of(URI uri) {
      boolean ssl = "https".equals(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
      String origin = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
      return new Target(uri.getHost(), port, ssl, origin, uri.toString());
    }

    boolean local() {
      return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
  }

  private final LoadOptions o;
  private final String system;
  private final Population population;
  private final List<Target> targets;
  /** Server process per target (-1 unknown), for memory figures. */
  private final long[] pids;
  private final PrintStream log;
  private final String runId;
  private final String filler;

  private Vertx vertx;
  private WebSocketClient wsClient;
  private final List<Context> contexts = new ArrayList<>();
  private final List<SimClient> clients = new ArrayList<>();
  private final List<SimClient> studentClients = new ArrayList<>();
  private final List<SimClient> adminClients = new ArrayList<>();
  private final Map<Context, List<SimClient>> byContext = new HashMap<>();
  private Ledger ledger;
  private final RunResult result = new RunResult();

  private volatile boolean stopping;
  private final AtomicInteger held = new AtomicInteger();
  /** The fewest sockets open since {@link #markHeld()}. */
  private final AtomicInteger heldLow = new AtomicInteger();
  private final AtomicInteger readyFirst = new AtomicInteger();
  private final AtomicInteger firstHandshakes = new AtomicInteger();
  private final AtomicLong adminLiveMask = new AtomicLong();
  private final long allRecipients;
  private final Map<String, LongAdder> events = new ConcurrentHashMap<>();
  private final Histogram pacerLag = Ledger.histogram();
  private AtomicIntegerArray heldPerSecond;
  private long t0;

  // reconnect bookkeeping
  private final AtomicInteger backCount = new AtomicInteger();
  private final AtomicInteger droppedCount = new AtomicInteger();
  /**
   * When the last dropped client was back (System.nanoTime). A future, not a field the main thread polls beside
   * {@link #backCount}: a poll could see the last increment before the time was written, and report "n/a".
   */
  private final CompletableFuture<Long> allBack = new CompletableFuture<>();
  private volatile boolean dropComplete;

  private volatile Pacer pacer;
  private CpuMeter cpu;
  private CpuMeter.Snapshot cpuStart;
  private long storedAtCpuStart;

  LoadRun(LoadOptions o, String system, Population population, long[] pids, PrintStream log) {
    this.o = o;
    this.system = system;
    this.population = population;
    this.targets = o.targets.stream().map(Target::of).toList();
    this.pids = pids;
    this.log = log;
    this.runId = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(1296), 36);
    StringBuilder f = new StringBuilder();
    while (f.length() < o.bodyChars) {
      f.append("Please remember the signed permission slip for Friday's museum trip, and a packed lunch. ");
    }
    this.filler = f.toString();
    long mask = 1;
    for (int a = 0; a < population.admins().size(); a++) {
      mask |= 1L << (a + 1);
    }
    this.allRecipients = mask;
  }

  // ---- what clients call ---------------------------------------------------------------------------------------

  LoadOptions options() {
    return o;
  }

  Population population() {
    return population;
  }

  Ledger ledger() {
    return ledger;
  }

  Vertx vertx() {
    return vertx;
  }

  WebSocketClient wsClient() {
    return wsClient;
  }

  boolean stopping() {
    return stopping;
  }

  /** Reconnect and failover resend unacknowledged messages after a reconnect and expect everyone to catch up. */
  boolean retrySends() {
    return o.scenario == LoadOptions.Scenario.RECONNECT || o.scenario == LoadOptions.Scenario.FAILOVER;
  }

  /** The node after {@code t} in --target order (the same one when there is only one). */
  Target nextTarget(Target t) {
    return targets.get((targets.indexOf(t) + 1) % targets.size());
  }

  void firstHandshakeDone() {
    firstHandshakes.incrementAndGet();
  }

  void opened() {
    held.incrementAndGet();
  }

  void closed() {
    int h = held.decrementAndGet();
    heldLow.accumulateAndGet(h, Math::min);
  }

  void liveChanged(SimClient c, boolean live) {
    if (c.admin) {
      long bit = 1L << c.bit;
      adminLiveMask.getAndUpdate(m -> live ? m | bit : m & ~bit);
    }
  }

  void ready(SimClient c, boolean reconnect) {
    if (!reconnect) {
      readyFirst.incrementAndGet();
    }
  }

  /** A client that lost its socket is connected, registered and caught up again. */
  void back(SimClient c, long downSince, long now) {
    if (backCount.incrementAndGet() == droppedCount.get() && dropComplete) {
      allBack.complete(now);
    }
  }

  void event(String type) {
    events.computeIfAbsent(type, t -> new LongAdder()).increment();
  }

  /** Who must receive a message to student {@code s}'s conversation: everyone live now (all, when retrying). */
  long expected(SimClient sender, int s) {
    if (retrySends()) {
      return allRecipients;
    }
    long mask = adminLiveMask.get();
    if (studentClients.get(s).live) {
      mask |= 1;
    }
    return mask;
  }

  String body(String clientMsgId) {
    String prefix = "load:" + runId + ":" + clientMsgId.substring(0, 8) + " ";
    return prefix + filler.substring(0, Math.max(1, o.bodyChars - prefix.length()));
  }

  /** For one client: the conversations (student index) where it misses stored messages, with the lowest seq. */
  Map<Integer, Long> missingFor(SimClient c) {
    Map<Integer, Long> out = new HashMap<>();
    for (Ledger.Msg m : ledger.messages()) {
      if ((c.admin || m.student == c.student) && m.acked() && m.missing(c.bit)) {
        long seq = m.seq();
        if (seq > 0) {
          out.merge(m.student, seq, Math::min);
        }
      }
    }
    return out;
  }

  // ---- the run -------------------------------------------------------------------------------------------------

  RunResult execute() throws Exception {
    t0 = System.nanoTime();
    ledger = new Ledger(t0);
    heldPerSecond = new AtomicIntegerArray(Ledger.TIMELINE_SECONDS);
    result.system = system;
    result.scenario = o.scenario.name().toLowerCase();
    result.runId = runId;
    result.startedAt = Instant.now().toString();
    result.targets = targets.stream().map(Target::url).toList();
    result.students = population.students().size();
    result.admins = population.admins().size();
    result.label = o.label;
    result.clients = population.students().size() + population.admins().size();
    result.loadAverageStart = loadAverage();
    result.damonOn = damonOn();
    checkFileLimits();

    boolean idle = o.scenario == LoadOptions.Scenario.IDLE;
    sampleMemory("before connecting" + (idle ? " (after GC)" : ""), idle);

    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(o.loops).setWorkerPoolSize(2)
        .setBlockedThreadCheckInterval(10_000));
    wsClient = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(Math.max(100, result.clients * 2))
        .setConnectTimeout(20_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(4 << 20)
        .setTcpNoDelay(true));
    List<Context> deployed = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        deployed.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(o.loops)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    contexts.addAll(deployed);
    Map<String, Long> serverPids = new java.util.LinkedHashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      if (pids[i] > 0) {
        serverPids.put(targets.size() == 1 ? system : system + " " + targets.get(i).url(), pids[i]);
      }
    }
    cpu = new CpuMeter(serverPids, system.equals("homeroom") ? postmasterPid() : -1);
    try {
      return measure(idle);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private RunResult measure(boolean idle) throws Exception {
    buildClients();
    long generatorBefore = idle ? generatorHeapAfterGc() : 0;
    Thread sampler = startSampler();
    try {
      if (!idle) {
        connectAll();
      }
      switch (o.scenario) {
        case STEADY -> steady();
        case SATURATE -> saturate();
        case IDLE -> idle(generatorBefore);
        case RECONNECT -> reconnect();
        case FAILOVER -> failover();
        case ANNOUNCE -> announce();
      }
    } finally {
      stopPacer();
      stopping = true;
      sampler.interrupt();
      closeAll();
    }
    long end = System.nanoTime();
    ledger.closeWindow(end);
    result.windows = ledger.summarize(end);
    result.timeline = ledger.timeline(end);
    int seconds = result.timeline.length;
    result.heldTimeline = new int[seconds];
    for (int i = 0; i < seconds; i++) {
      result.heldTimeline[i] = heldPerSecond.get(i);
    }
    for (int i = 0; i < result.steps.size(); i++) {
      RunResult.Step step = result.steps.get(i);
      String name = String.format("step %.0f/s", step.offered());
      Ledger.WindowStats stats = result.window(name);
      result.steps.set(i, new RunResult.Step(step.offered(), stats, step.stop()));
      if (stats != null) {
        result.ceilingStored = Math.max(result.ceilingStored, stats.storedPerSecond());
        result.ceilingDelivered = Math.max(result.ceilingDelivered, stats.deliveredPerSecond());
      }
    }
    events.forEach((k, v) -> result.events.put(k, v.sum()));
    result.pacerLag = Ledger.Percentiles.of(pacerLag);
    result.loadAverageEnd = loadAverage();
    return result;
  }

  private void buildClients() {
    int n = population.students().size();
    int m = population.admins().size();
    // Admins first in the ramp, as staff are usually signed in before students arrive.
    for (int a = 0; a < m; a++) {
      add(new SimClient(this, clients.size(), true, a + 1, -1, population.admins().get(a), target(clients.size()),
          contexts.get(clients.size() % contexts.size())), adminClients);
    }
    for (int s = 0; s < n; s++) {
      add(new SimClient(this, clients.size(), false, 0, s, population.students().get(s), target(clients.size()),
          contexts.get(clients.size() % contexts.size())), studentClients);
    }
    int pingEvery = (int) Math.max(1, o.pingInterval.toSeconds());
    for (Context ctx : contexts) {
      List<SimClient> mine = byContext.getOrDefault(ctx, List.of());
      int[] tick = {0};
      ctx.runOnContext(v -> vertx.setPeriodic(1000, id -> {
        int t = tick[0]++;
        for (SimClient c : mine) {
          if ((t + c.index) % pingEvery == 0) {
            c.ping();
          }
        }
      }));
    }
  }

  private void add(SimClient c, List<SimClient> kind) {
    clients.add(c);
    kind.add(c);
    byContext.computeIfAbsent(c.ctx, k -> new ArrayList<>()).add(c);
  }

  private Target target(int clientIndex) {
    return targets.get(clientIndex % targets.size());
  }

  /** Opens every client's socket over the ramp, at most --max-handshakes at a time; waits until all are ready. */
  private void connectAll() throws InterruptedException {
    connect(0, clients.size(), o.ramp);
  }

  /** Connects clients [from, to) over {@code ramp}, then waits until they are ready (at most ramp + 60 s). */
  private void connect(int from, int to, java.time.Duration ramp) throws InterruptedException {
    int count = to - from;
    long start = System.nanoTime();
    double perSecond = ramp.isZero() ? Double.MAX_VALUE : count / (ramp.toNanos() / 1e9);
    log.printf("[%s] connecting %,d clients over %s to %s%n", system, count, ramp, result.targets);
    int started = from;
    while (started < to) {
      long now = System.nanoTime();
      long due = Math.min(to, from + (long) ((now - start) / 1e9 * perSecond) + 1);
      while (started < due && started - firstHandshakes.get() < o.maxHandshakes) {
        SimClient c = clients.get(started++);
        c.ctx.runOnContext(v -> c.connect());
      }
      Thread.sleep(2);
    }
    long deadline = System.nanoTime() + ramp.toNanos() + TimeUnit.SECONDS.toNanos(60);
    long nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (readyFirst.get() < to && System.nanoTime() < deadline) {
      Thread.sleep(20);
      if (System.nanoTime() > nextLog) {
        log.printf("[%s]   %,d of %,d connected and ready%n", system, readyFirst.get(), to);
        nextLog += TimeUnit.SECONDS.toNanos(5);
      }
    }
    result.readyAfterRamp = readyFirst.get();
    if (readyFirst.get() == clients.size()) {
      result.secondsToConnectAll = Math.max(0, result.secondsToConnectAll) + (System.nanoTime() - start) / 1e9;
    }
    log.printf("[%s] %,d of %,d clients ready in %.1f s (%,d sockets open)%n", system, readyFirst.get(), to,
        (System.nanoTime() - start) / 1e9, held.get());
    if (to == clients.size() && readyFirst.get() < to) {
      result.notes.add((to - readyFirst.get()) + " clients never became ready; they are not expected to receive");
    }
  }

  // ---- scenarios -----------------------------------------------------------------------------------------------

  private void steady() throws InterruptedException {
    if (o.floodPulses > 0) {
      pulsedFlood();
      return;
    }
    Population.Person floodingUser = o.flood == null ? null : floodingUser(o.floodPerson);
    // Started now, so that its JVM is up by the measurement and the flood begins at once then.
    ReadFlood.Apart apart = o.flood != null && o.floodNice != null ? floodApart(floodingUser) : null;
    warmUp();
    window("measure", o.rate);
    markHeld();
    cpuFrom();
    Flooding flood = null;
    if (apart != null) {
      try {
        apart.go();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("the read flood's own JVM is gone", e);
      }
      flood = apart;
    } else if (o.flood != null) {
      ReadFlood here = new ReadFlood(vertx, wsClient, o.flood, o.floodSockets, o.floodInFlight, o.floodLimit,
          targets.get(0), floodingUser);
      here.start();
      flood = here;
    }
    sleep(o.duration.toMillis());
    if (flood != null) {
      flood.stop();
      log.printf("[%s] %s%n", system, flood.summary());
      result.notes.add(flood.summary());
    }
    endMeasure();
  }

  /**
   * Issue 24, point 2: steady traffic whose measurement alternates a quiet window and a flooded one, {@code
   * --flood-pulses} times, each fetch flood by a user no earlier one used (a flooder stays blocked for minutes), every
   * search flood by the same admin. Every
   * flooding JVM is started before the warm-up, so none starts during a measured window. Each flood is stopped when
   * its window ends. The report compares the others' sends of all flooded windows with those of all quiet ones: the
   * same node, the same minutes, so the machine's own stalls fall on both alike.
   */
  private void pulsedFlood() throws InterruptedException {
    List<ReadFlood.Apart> floods = new ArrayList<>();
    try {
      for (int k = 0; k < o.floodPulses; k++) {
        // A fetch flooder's sockets are closed for abuse and its new ones refused for minutes: a fresh student each
        // pulse. A search flood closes nothing, and the admin's budget is full again within 5 s of quiet: the same one.
        floods.add(floodApart(floodingUser(o.flood == ReadFlood.Kind.FETCH ? o.floodPerson + k : o.floodPerson)));
      }
    } catch (IllegalStateException e) {
      floods.forEach(ReadFlood.Apart::stop);
      throw e;
    }
    warmUp();
    long half = o.duration.toMillis() / (2L * o.floodPulses);
    window("quiet 1", o.rate);
    markHeld();
    cpuFrom();
    for (int k = 0; k < o.floodPulses; k++) {
      if (k > 0) {
        window("quiet " + (k + 1), o.rate);
      }
      sleep(half);
      window("flooded " + (k + 1), o.rate);
      ReadFlood.Apart flood = floods.get(k);
      try {
        flood.go();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("a read flood's own JVM is gone", e);
      }
      sleep(half);
      flood.stop();
      String pair = String.format(Locale.ROOT, "pulse %d: others' send→stored p99 %.2f ms quiet, %.2f ms flooded; %s",
          k + 1, ledger.ackIn(("quiet " + (k + 1))::equals).p99(), ledger.ackIn(("flooded " + (k + 1))::equals).p99(), flood.summary());
      log.printf("[%s] %s%n", system, pair);
      result.notes.add(pair);
    }
    Ledger.Percentiles quiet = ledger.ackIn(name -> name.startsWith("quiet "));
    Ledger.Percentiles flooded = ledger.ackIn(name -> name.startsWith("flooded "));
    String compared = String.format(Locale.ROOT, "others' send→stored in the %d flooded windows: p50 %.2f, p99 %.2f ms"
            + " (%d sends); in the %d quiet ones: p50 %.2f, p99 %.2f ms (%d sends); p99 %+.0f %%%s", o.floodPulses,
        flooded.p50(), flooded.p99(), flooded.count(), o.floodPulses, quiet.p50(), quiet.p99(), quiet.count(),
        (flooded.p99() / Math.max(1e-9, quiet.p99()) - 1) * 100, pulseInterval());
    log.printf("[%s] %s%n", system, compared);
    result.notes.add(compared);
    // Where in a window the difference lies: a flood's onset (its connections, first requests, the burst) or its rest.
    long onset = Math.min(2_000, half / 2);
    String split = String.format(Locale.ROOT, "others' send→stored p99 in each window's first %d ms: %.2f ms quiet, %.2f ms"
            + " flooded; in the rest: %.2f ms quiet, %.2f ms flooded", onset,
        ledger.ackIn(name -> name.startsWith("quiet "), 0, onset).p99(),
        ledger.ackIn(name -> name.startsWith("flooded "), 0, onset).p99(),
        ledger.ackIn(name -> name.startsWith("quiet "), onset, Long.MAX_VALUE / 2_000_000L).p99(),
        ledger.ackIn(name -> name.startsWith("flooded "), onset, Long.MAX_VALUE / 2_000_000L).p99());
    log.printf("[%s] %s%n", system, split);
    result.notes.add(split);
    endMeasure();
  }

  /**
   * How far a pulsed run's p99 ratio can be trusted: its 95 % interval with the pulses resampled ({@link
   * PulseBootstrap}; runs of one build have read 15 to 25 points apart at 24 pulses), or nothing for a single pulse.
   */
  private String pulseInterval() {
    if (o.floodPulses < 2) {
      return "";
    }
    List<String> quietNames = new ArrayList<>();
    List<String> floodedNames = new ArrayList<>();
    for (int k = 1; k <= o.floodPulses; k++) {
      quietNames.add("quiet " + k);
      floodedNames.add("flooded " + k);
    }
    PulseBootstrap.Interval sure = PulseBootstrap.p99Ratio(ledger.acksOf(quietNames), ledger.acksOf(floodedNames),
        2_000, o.floodPulses);
    return String.format(Locale.ROOT, " (95 %% interval over the pulses, %d resamples: %+.0f to %+.0f %%)",
        sure.resamples(), (sure.low() - 1) * 100, (sure.high() - 1) * 100);
  }

  /** The {@code person}-th simulated student (a fetch flood) or admin (a search flood). */
  private Population.Person floodingUser(int person) {
    return o.flood == ReadFlood.Kind.FETCH ? population.students().get(person) : population.admins().get(person);
  }

  /** A flood by {@code who} in a JVM of its own, started and waiting for {@link ReadFlood.Apart#go()}. */
  private ReadFlood.Apart floodApart(Population.Person who) {
    try {
      return new ReadFlood.Apart(o.floodNice, o.floodIdle, o.flood, o.floodSockets, o.floodInFlight, o.floodLimit,
          targets.get(0), who);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("could not start a read flood's own JVM", e);
    }
  }

  private void endMeasure() throws InterruptedException {
    stopPacer();
    window("drain", 0);
    cpuTo();
    result.heldMin = minHeld();
    result.heldAtEnd = held.get();
    sampleMemory("end of measure", false);
    drain();
  }

  /** The copies of each announcement that reached a student's socket, and when the last of them did. */
  private final Map<Long, long[]> announcementArrivals = new ConcurrentHashMap<>();

  /** The first student whose conversation carries the steady messages: past the announced ones, with --announce-to. */
  private int firstMessaged() {
    return o.scenario == LoadOptions.Scenario.ANNOUNCE && o.announceTo > 0 && o.announceTo < studentClients.size()
        ? o.announceTo : 0;
  }

  /** A student's socket received its copy of announcement {@code id} (issue 28). */
  void announcementArrived(long id, long now) {
    long[] a = announcementArrivals.computeIfAbsent(id, k -> new long[2]);
    synchronized (a) {
      a[0]++;
      a[1] = Math.max(a[1], now);
    }
  }

  /**
   * Issue 28, point 1: steady traffic, and during it {@code --announcements} announcements from one admin to every
   * simulated student (REST, as the dashboard sends them). Each: the time from the POST to its answer (committed)
   * and to the last online student's copy on their socket (budget 2 s), while the other sends' latency is measured in
   * a window of its own for the 5 s after the POST (budget p99 25 ms).
   */
  private void announce() throws InterruptedException {
    warmUp();
    window("measure", o.rate);
    markHeld();
    cpuFrom();
    Target target = targets.get(0);
    io.vertx.core.http.HttpClient http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setDefaultHost(target.host()).setDefaultPort(target.port()).setSsl(target.ssl()));
    io.vertx.core.json.JsonArray everyone = new io.vertx.core.json.JsonArray();
    List<Population.Person> reached = o.announceTo > 0 && o.announceTo < population.students().size()
        ? population.students().subList(0, o.announceTo) : population.students();
    reached.forEach(p -> everyone.add(p.userId()));
    Population.Person admin = population.admins().get(0);
    long gap = o.duration.toMillis() / (o.announcements + 1);
    for (int i = 1; i <= o.announcements; i++) {
      sleep(gap);
      long online = studentClients.subList(0, everyone.size()).stream().filter(SimClient::isOpen).count();
      String body = new io.vertx.core.json.JsonObject().put("clientId", java.util.UUID.randomUUID().toString())
          .put("body", "Load announcement " + i + " to every student").put("studentIds", everyone).encode();
      window("announcement " + i, o.rate);
      long start = System.nanoTime();
      CompletableFuture<io.vertx.core.json.JsonObject> reply = new CompletableFuture<>();
      http.request(new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
              .setURI("/api/announcements").putHeader("cookie", admin.cookie()).putHeader("origin", target.origin())
              .putHeader("content-type", "application/json"))
          .compose(req -> req.send(body))
          .compose(res -> res.body().map(b -> res.statusCode() == 201 ? new io.vertx.core.json.JsonObject(b)
              : new io.vertx.core.json.JsonObject().put("status", res.statusCode()).put("error", b.toString())))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              reply.complete(ar.result());
            } else {
              reply.completeExceptionally(ar.cause());
            }
          });
      io.vertx.core.json.JsonObject answer;
      try {
        answer = reply.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        result.notes.add("announcement " + i + ": no answer (" + e + ")");
        continue;
      }
      long answered = System.nanoTime();
      if (answer.getJsonObject("announcement") == null) {
        result.notes.add("announcement " + i + ": refused " + answer.encode());
        continue;
      }
      long id = answer.getJsonObject("announcement").getLong("id");
      long deadline = start + TimeUnit.SECONDS.toNanos(30);
      long[] a = announcementArrivals.computeIfAbsent(id, k -> new long[2]);
      while (System.nanoTime() < deadline) {
        synchronized (a) {
          if (a[0] >= online) {
            break;
          }
        }
        Thread.sleep(5);
      }
      long got;
      long last;
      synchronized (a) {
        got = a[0];
        last = a[1];
      }
      String note = String.format("announcement %d to %,d students: answered (committed) in %.0f ms; %,d of %,d online"
          + " students had their copy, the last %.0f ms after the POST", i, everyone.size(),
          (answered - start) / 1e6, got, online, last > 0 ? (last - start) / 1e6 : Double.NaN);
      log.printf("[%s] %s%n", system, note);
      result.notes.add(note);
      long windowEnd = start + TimeUnit.SECONDS.toNanos(5);
      sleep(Math.max(0, (windowEnd - System.nanoTime()) / 1_000_000));
      window("after announcement " + i, o.rate);
    }
    sleep(gap);
    http.close();
    endMeasure();
  }

  /**
   * The warm-up before a measurement: the offered rate climbs over its first 40 % (20 %, 40 %, ... of it), then stays
   * at full.
   */
  private void warmUp() throws InterruptedException {
    window("warmup", o.rate);
    // The offered rate climbs over the first 40 % of the warm-up (20 %, 40 %, ... of it), then stays at full. A cold
    // node (its JIT, the database's caches) handed the full rate at once builds a backlog in its first seconds and
    // can still be draining it when the measurement starts, which then measures the warm-up.
    startPacer(o.rate / 5, o.typingRate() / 5, o.readRate() / 5);
    long step = o.warmup.toMillis() / 10;
    for (int i = 2; i <= 5; i++) {
      sleep(step);
      pacer.setRates(o.rate * i / 5, o.typingRate() * i / 5, o.readRate() * i / 5);
    }
    sleep(o.warmup.toMillis() - 4 * step);
  }

  private void saturate() throws InterruptedException {
    double typing = o.typingRate >= 0 ? o.typingRate : -1;
    double read = o.readRate >= 0 ? o.readRate : -1;
    window("warmup", o.startRate);
    startPacer(o.startRate, typing >= 0 ? typing : o.startRate / 2, read >= 0 ? read : o.startRate / 2);
    sleep(o.warmup.toMillis());
    markHeld();
    cpuFrom();
    for (double rate = o.startRate; rate <= o.maxRate; rate += o.stepRate) {
      Ledger.Window w = window(String.format("step %.0f/s", rate), rate);
      pacer.setRates(rate, typing >= 0 ? typing : rate / 2, read >= 0 ? read : rate / 2);
      sleep(o.stepDuration.toMillis());
      long now = System.nanoTime();
      double seconds = (now - w.startNanos) / 1e9;
      double stored = w.storedDuring.sum() / seconds;
      double delivered = w.deliveredDuring.sum() / seconds;
      double p99 = w.delivered.getValueAtPercentile(99) / 1000.0;
      long errors = w.errors.entrySet().stream().filter(e -> !e.getKey().startsWith("skipped"))
          .mapToLong(e -> e.getValue().sum()).sum();
      String stop = null;
      if (stored < 0.9 * rate) {
        stop = String.format("stored %.0f/s < 90%% of offered", stored);
      } else if (delivered < 0.9 * rate) {
        stop = String.format("delivered %.0f/s < 90%% of offered", delivered);
      } else if (p99 > o.p99LimitMs) {
        stop = String.format("send->delivered p99 %.0f ms > %.0f ms", p99, o.p99LimitMs);
      } else if (errors > 0.01 * rate * seconds) {
        stop = errors + " errors";
      } else if (w.skipped.sum() > 0.01 * rate * seconds) {
        stop = "generator backlog (" + w.skipped.sum() + " sends skipped)";
      }
      log.printf("[%s]   %-14s stored %,8.0f/s  delivered %,8.0f/s  p99 %,8.1f ms  in flight %,d%s%n", system, w.name,
          stored, delivered, p99, ledger.inFlight(), stop == null ? "" : "  -> stop: " + stop);
      result.steps.add(new RunResult.Step(rate, null, stop));
      if (stop != null) {
        break;
      }
    }
    stopPacer();
    window("drain", 0);
    cpuTo();
    result.heldMin = minHeld();
    result.heldAtEnd = held.get();
    sampleMemory("end of ramp", false);
    drain();
  }

  /**
   * Connects half the clients, samples the server's memory after a GC, connects the rest, samples again, then holds
   * them. Per connection: growth from before connecting over all of them (fixed costs included: JIT-compiled code,
   * new threads, buffer arenas), and the marginal cost between the half and the whole (without them).
   */
  private void idle(long generatorBefore) throws InterruptedException {
    int total = clients.size();
    int half = total >= 100 ? total / 2 : 0;
    List<RunResult.Memory> halfway = List.of();
    int heldHalf = 0;
    if (half > 0) {
      connect(0, half, o.ramp.dividedBy(2));
      window("settle (half)", 0);
      sleep(o.settle.toMillis());
      heldHalf = held.get();
      halfway = sampleMemory("half connected (after GC)", true);
      connect(half, total, o.ramp.dividedBy(2));
    } else {
      connectAll();
    }
    window("settle", 0);
    sleep(o.settle.toMillis());
    int connected = held.get();
    List<RunResult.Memory> after = sampleMemory("all connected (after GC)", true);
    long generatorAfter = generatorHeapAfterGc();
    window("measure", 0);
    markHeld();
    cpuFrom();
    sleep(o.duration.toMillis());
    cpuTo();
    result.heldMin = minHeld();
    result.heldAtEnd = held.get();
    sampleMemory("end of hold", false);
    for (int i = 0; i < targets.size(); i++) {
      if (pids[i] > 0 && !ServerProbe.heapPinned(pids[i])) {
        result.notes.add("server pid " + pids[i] + " was not started with -Xms equal to -Xmx and -XX:+AlwaysPreTouch: "
            + "its resident heap may grow or shrink, so memory per connection is approximate (docs/PERFORMANCE.md)");
      }
    }
    List<RunResult.Memory> before = result.memory.stream().filter(m -> m.when().startsWith("before")).toList();
    double[] all = perConnection(before, after, connected);
    result.serverKbPerConnection = all[0];
    result.serverHeapKbPerConnection = all[1];
    result.serverRssKbPerConnection = all[2];
    if (half > 0) {
      double[] marginal = perConnection(halfway, after, connected - heldHalf);
      result.serverKbPerConnectionMarginal = marginal[0];
      result.serverHeapKbPerConnectionMarginal = marginal[1];
    }
    if (connected > 0) {
      result.generatorHeapKbPerConnection = (generatorAfter - generatorBefore) / 1024.0 / connected;
    }
  }

  /** Growth per connection between two samplings of the same servers: in use, heap used, RSS (KiB; NaN unknown). */
  private static double[] perConnection(List<RunResult.Memory> from, List<RunResult.Memory> to, int connections) {
    double[] nan = {Double.NaN, Double.NaN, Double.NaN};
    if (from.isEmpty() || from.size() != to.size() || connections <= 0) {
      return nan;
    }
    long inUse = 0, heap = 0, rss = 0;
    for (RunResult.Memory m : to) {
      RunResult.Memory b = from.stream().filter(x -> x.target().equals(m.target())).findFirst().orElse(null);
      if (b == null || b.sample().inUseKb() < 0 || m.sample().inUseKb() < 0) {
        return nan;
      }
      inUse += m.sample().inUseKb() - b.sample().inUseKb();
      heap += m.sample().heapUsedKb() - b.sample().heapUsedKb();
      rss += m.sample().rssKb() - b.sample().rssKb();
    }
    return new double[] {inUse / (double) connections, heap / (double) connections, rss / (double) connections};
  }

  /** Every client drops its socket at once and reconnects. */
  private void reconnect() throws InterruptedException {
    disruptAndRecover(dropAt -> {
      log.printf("[%s] dropping all %,d sockets at once%n", system, held.get());
      onEveryClient(c -> {
        if (c.isOpen()) {
          droppedCount.incrementAndGet();
          c.drop(dropAt);
        }
      });
    });
  }

  /**
   * One node is killed with SIGKILL (issue 7: node failure), or stopped with SIGTERM (issue 29, point 7: a rolling
   * restart); its clients reconnect to the others.
   */
  private void failover() throws InterruptedException {
    int victim = (o.killTarget == 0 ? targets.size() : o.killTarget) - 1;
    Target dead = targets.get(victim);
    ProcessHandle process = ProcessHandle.of(pids[victim]).orElseThrow(() -> new IllegalStateException(
        "failover: no process known for " + dead.url() + " (pass --server-pid, or run the node on this machine)"));
    result.killedTarget = dead.url();
    disruptAndRecover(killAt -> {
      onEveryClient(c -> {
        if (c.target.equals(dead)) {
          ledger.disturbed(c.bit, c.student);
          if (c.isOpen()) {
            droppedCount.incrementAndGet();
          }
        }
      });
      log.printf("[%s] killing %s (pid %d) with %s; %,d clients were on it%n", system, dead.url(), process.pid(),
          o.killGracefully ? "SIGTERM" : "SIGKILL", droppedCount.get());
      if (o.killGracefully) {
        process.destroy();
      } else {
        process.destroyForcibly();
      }
    });
  }

  /** Runs {@code action} on every client, on the client's own event loop; returns when all have run. */
  private void onEveryClient(java.util.function.Consumer<SimClient> action) {
    CountDownLatch done = new CountDownLatch(contexts.size());
    for (Context ctx : contexts) {
      List<SimClient> mine = byContext.getOrDefault(ctx, List.of());
      ctx.runOnContext(v -> {
        mine.forEach(action);
        done.countDown();
      });
    }
    try {
      done.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Messages at --rate; after --drop-after, {@code disrupt} (given the time) takes sockets away and counts them in
   * {@link #droppedCount}; then waits until they are all back, lets the run finish, drains, and fetches what any
   * client still misses, so the ledger can tell a message missed live (and caught up) from one lost.
   */
  private void disruptAndRecover(java.util.function.LongConsumer disrupt) throws InterruptedException {
    window("warmup", o.rate);
    startPacer(o.rate, o.typingRate(), o.readRate());
    sleep(o.warmup.toMillis());
    window("before drop", o.rate);
    cpuFrom();
    long measureStart = System.nanoTime();
    sleep(o.dropAfter.toMillis());

    window("reconnect", o.rate);
    long dropAt = System.nanoTime();
    disrupt.accept(dropAt);
    dropComplete = true;
    if (backCount.get() == droppedCount.get()) {
      allBack.complete(System.nanoTime());
    }
    result.dropped = droppedCount.get();
    long measureEnd = measureStart + o.duration.toNanos();
    long waitUntil = Math.max(measureEnd, dropAt + o.reconnectDeadline.toNanos() + TimeUnit.SECONDS.toNanos(30));
    Long allBackAt = null;
    try {
      allBackAt = allBack.get(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      // Not all back in time: reported as such.
    }
    result.back = backCount.get();
    if (allBackAt != null) {
      result.secondsUntilAllBack = (allBackAt - dropAt) / 1e9;
    }
    log.printf("[%s] %,d of %,d back%s%n", system, backCount.get(), droppedCount.get(),
        allBackAt != null ? String.format(" in %.1f s", (allBackAt - dropAt) / 1e9) : "");
    long now = System.nanoTime();
    markHeld();
    if (now < measureEnd) {
      window("after", o.rate);
      sleep((measureEnd - now) / 1_000_000);
    }
    stopPacer();
    window("drain", 0);
    cpuTo();
    // After everyone is back: nobody may have dropped again.
    result.heldMin = minHeld();
    result.heldAtEnd = held.get();
    sampleMemory("end of measure", false);
    drain();
    // The database is the truth: what a client missed live, it must be able to fetch. Count what it could not.
    long before = missingDeliveries();
    finalCatchUp();
    result.missedLiveCaughtUp = before - missingDeliveries();
    result.backLatency = ledger.windows().stream().filter(w -> w.name.equals("reconnect")).findFirst()
        .map(w -> w.commands.get("reconnect")).map(c -> Ledger.Percentiles.of(c.latency))
        .orElse(Ledger.Percentiles.of(Ledger.histogram()));
  }

  /** Expected deliveries of stored messages that have not arrived (live or fetched), over the whole run. */
  private long missingDeliveries() {
    return ledger.summarize(System.nanoTime()).stream().filter(w -> !w.name().equals("total"))
        .mapToLong(Ledger.WindowStats::lostDeliveries).sum();
  }

  /** Every client fetches what it still misses (acknowledged messages it never received). */
  private void finalCatchUp() throws InterruptedException {
    Map<SimClient, Map<Integer, Long>> missing = new HashMap<>();
    for (Ledger.Msg m : ledger.messages()) {
      if (!m.acked() || m.seq() <= 0) {
        continue;
      }
      for (SimClient c : recipientsOf(m)) {
        if (m.missing(c.bit)) {
          missing.computeIfAbsent(c, k -> new HashMap<>()).merge(m.student, m.seq(), Math::min);
        }
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    log.printf("[%s] final catch-up: %,d clients fetch what they missed%n", system, missing.size());
    CountDownLatch done = new CountDownLatch(missing.size());
    missing.forEach((c, conversations) -> c.ctx.runOnContext(v -> c.catchUp(conversations, done::countDown)));
    if (!done.await(60, TimeUnit.SECONDS)) {
      result.notes.add("final catch-up did not finish within 60 s");
    }
  }

  private List<SimClient> recipientsOf(Ledger.Msg m) {
    List<SimClient> out = new ArrayList<>(adminClients.size() + 1);
    out.add(studentClients.get(m.student));
    out.addAll(adminClients);
    return out;
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private Ledger.Window window(String name, double rate) {
    log.printf("[%s] %s%n", system, name);
    return ledger.openWindow(name, System.nanoTime(), rate);
  }

  /**
   * Waits for late acknowledgements and deliveries: at most --drain, and no longer than 2 s without progress once
   * every send is answered (a delivery still missing then is not on its way).
   */
  private void drain() throws InterruptedException {
    long deadline = System.nanoTime() + o.drain.toNanos();
    long lastOutstanding = -1;
    long lastProgress = System.nanoTime();
    while (System.nanoTime() < deadline && (ledger.inFlight() > 0 || ledger.outstanding() > 0)) {
      Thread.sleep(50);
      long now = System.nanoTime();
      long outstanding = ledger.outstanding();
      if (ledger.inFlight() > 0 || outstanding != lastOutstanding) {
        lastOutstanding = outstanding;
        lastProgress = now;
      } else if (now - lastProgress > TimeUnit.SECONDS.toNanos(2)) {
        break;
      }
    }
    if (ledger.inFlight() > 0 || ledger.outstanding() > 0) {
      log.printf("[%s] after the drain: %,d sends unacknowledged, %,d deliveries missing%n", system, ledger.inFlight(),
          ledger.outstanding());
    }
  }

  private void startPacer(double rate, double typing, double read) {
    pacer = new Pacer();
    pacer.setRates(rate, typing, read);
    Thread t = new Thread(pacer, "load-pacer");
    t.setDaemon(true);
    t.start();
  }

  private void stopPacer() {
    Pacer p = pacer;
    if (p != null) {
      p.stopped = true;
      pacer = null;
    }
  }

  private void closeAll() throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(contexts.size());
    for (Context ctx : contexts) {
      List<SimClient> mine = byContext.getOrDefault(ctx, List.of());
      ctx.runOnContext(v -> {
        mine.forEach(SimClient::close);
        closed.countDown();
      });
    }
    closed.await(30, TimeUnit.SECONDS);
  }

  private Thread startSampler() {
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        if (s < Ledger.TIMELINE_SECONDS) {
          heldPerSecond.set((int) s, held.get());
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "load-sampler");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The PostgreSQL server of --db, when it listens on this machine. */
  private long postmasterPid() {
    try {
      app.homeroom.db.DbTarget db = o.dbTarget();
      Target t = new Target(db.host(), db.port(), false, "", "");
      return t.local() ? ServerProbe.pidListeningOn(t.port()).orElse(-1) : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private void cpuFrom() {
    cpuStart = cpu.snapshot();
    storedAtCpuStart = ledger.stored();
  }

  private void cpuTo() {
    if (cpuStart != null) {
      CpuMeter.Snapshot end = cpu.snapshot();
      result.cpuCores = CpuMeter.cores(cpuStart, end);
      result.cpuMicrosPerMessage = CpuMeter.microsPerMessage(result.cpuCores, (end.nanos() - cpuStart.nanos()) / 1e9,
          ledger.stored() - storedAtCpuStart);
    }
  }

  private void markHeld() {
    heldLow.set(held.get());
  }

  private int minHeld() {
    return Math.min(heldLow.get(), held.get());
  }

  private List<RunResult.Memory> sampleMemory(String when, boolean gcFirst) {
    List<RunResult.Memory> out = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      if (pids[i] > 0) {
        RunResult.Memory m = new RunResult.Memory(when, targets.get(i).url(), ServerProbe.sample(pids[i], gcFirst));
        result.memory.add(m);
        out.add(m);
      }
    }
    return out;
  }

  private void checkFileLimits() {
    long own = ServerProbe.fdLimit(ProcessHandle.current().pid());
    if (own > 0 && own < result.clients + 200L) {
      throw new IllegalStateException(String.format("this JVM may open %,d files but needs one per client (%,d) plus "
          + "~200: raise the limit (ulimit -n) or use fewer clients", own, result.clients));
    }
    for (int i = 0; i < targets.size(); i++) {
      if (pids[i] > 0) {
        long limit = ServerProbe.fdLimit(pids[i]);
        long perNode = (result.clients + targets.size() - 1 - i) / targets.size();
        if (limit > 0 && limit < perNode + 200) {
          String note = String.format("node %s (pid %d) may open %,d files: too few for %,d sockets plus its own files",
              targets.get(i).url(), pids[i], limit, perNode);
          log.println("WARNING: " + note);
          result.notes.add(note);
        }
      }
    }
  }

  private static long generatorHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Whether the kernel's DAMON runs (a {@code kdamond} on). On this workplace's VMs it runs a page-out scheme that
   * stalled every process of a run for 20–200 ms on 1–3 % of the sends, a quiet p99 of 50–190 ms instead of ~5 ms
   * (docs/PERFORMANCE.md, "The machine's own stalls"); the report says so beside the machine.
   */
  static boolean damonOn() {
    Path kdamonds = Path.of("/sys/kernel/mm/damon/admin/kdamonds");
    if (!Files.isDirectory(kdamonds)) {
      return false;
    }
    try (var each = Files.newDirectoryStream(kdamonds)) {
      for (Path kdamond : each) {
        Path state = kdamond.resolve("state");
        if (Files.isReadable(state) && Files.readString(state).strip().equals("on")) {
          return true;
        }
      }
    } catch (Exception e) {
      return false;
    }
    return false;
  }

  private static void sleep(long ms) throws InterruptedException {
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  // ---- pacing --------------------------------------------------------------------------------------------------

  /**
   * Open-loop pacing from one thread: every ~0.2 ms it issues what is due by now for each stream (messages,
   * typing, reads) and hands each to a random client's event loop. Lateness (now − when the operation was due)
   * goes to {@link #pacerLag}.
   */
  private final class Pacer implements Runnable {
    private record Rates(double messages, double typing, double reads, long epoch) {}

    volatile boolean stopped;
    private volatile Rates rates;

    void setRates(double messages, double typing, double reads) {
      rates = new Rates(messages, typing, reads, System.nanoTime());
    }

    @Override
    public void run() {
      Rates current = null;
      long messages = 0, typing = 0, reads = 0;
      while (!stopped) {
        Rates r = rates;
        if (r != current) {
          current = r;
          messages = typing = reads = 0;
        }
        long now = System.nanoTime();
        double elapsed = (now - r.epoch) / 1e9;
        if (r.messages > 0) {
          // Operation k is due at k / rate: by now, floor(elapsed * rate) + 1 of them.
          long due = (long) (elapsed * r.messages) + 1;
          for (; messages < due; messages++) {
            long intended = r.epoch + (long) (messages * 1e9 / r.messages);
            pacerLag.recordValue(Ledger.micros(now - intended));
            dispatchMessage(now);
          }
        }
        if (r.typing > 0) {
          long due = (long) (elapsed * r.typing) + 1;
          for (; typing < due; typing++) {
            dispatch(studentOrAdmin(), c -> c.sendTyping(), "typing");
          }
        }
        if (r.reads > 0) {
          long due = (long) (elapsed * r.reads) + 1;
          for (; reads < due; reads++) {
            dispatch(studentOrAdmin(), c -> {
              if (!c.sendRead()) {
                event("read skipped (nothing seen yet)");
              }
            }, "read");
          }
        }
        LockSupport.parkNanos(200_000);
      }
    }

    private void dispatchMessage(long now) {
      if (ledger.inFlight() >= o.maxInFlight) {
        ledger.skipped("more than --max-in-flight unacknowledged", now);
        return;
      }
      boolean fromAdmin = !adminClients.isEmpty() && ThreadLocalRandom.current().nextDouble() < o.adminShare;
      // The announce scenario with --announce-to: the messages are those of the students it does not reach.
      int first = firstMessaged();
      SimClient c = pick(fromAdmin ? adminClients : first == 0 ? studentClients
          : studentClients.subList(first, studentClients.size()));
      if (c == null) {
        ledger.skipped("no connected " + (fromAdmin ? "admin" : "student"), now);
        return;
      }
      int to = fromAdmin ? first + ThreadLocalRandom.current().nextInt(studentClients.size() - first) : c.student;
      c.ctx.runOnContext(v -> c.sendMessage(to));
    }

    private List<SimClient> studentOrAdmin() {
      return !adminClients.isEmpty() && ThreadLocalRandom.current().nextDouble() < o.adminShare ? adminClients : studentClients;
    }

    private void dispatch(List<SimClient> from, java.util.function.Consumer<SimClient> action, String what) {
      SimClient c = pick(from);
      if (c == null) {
        event(what + " skipped (no connected client)");
        return;
      }
      c.ctx.runOnContext(v -> action.accept(c));
    }

    /** A random client; a live one unless the run retries (then a down client queues the send). */
    private SimClient pick(List<SimClient> from) {
      if (from.isEmpty()) {
        return null;
      }
      ThreadLocalRandom r = ThreadLocalRandom.current();
      if (retrySends()) {
        return from.get(r.nextInt(from.size()));
      }
      for (int tries = 0; tries < 8; tries++) {
        SimClient c = from.get(r.nextInt(from.size()));
        if (c.live) {
          return c;
        }
      }
      return null;
    }
  }
}
