package app.homeroom.load;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The generator's command line: {@code --name value} or {@code --name=value}; durations as {@code 500ms}, {@code
 * 30s}, {@code 2m} (a bare number is seconds). {@link #usage()} documents every option; docs/PERFORMANCE.md has
 * the commands of each scenario.
 */
final class LoadOptions implements Cloneable {

  enum Scenario { STEADY, SATURATE, IDLE, RECONNECT, FAILOVER, ANNOUNCE }

  enum Baseline { NONE, ALSO, ONLY }

  Scenario scenario = Scenario.STEADY;
  List<URI> targets = List.of(URI.create("http://localhost:8080"));
  int students = 200;
  int admins = 3;
  double rate = 100;
  double adminShare = 0.5;
  /** Negative: half the message rate. */
  double typingRate = -1;
  /** Negative: half the message rate. */
  double readRate = -1;
  Duration duration = Duration.ofSeconds(60);
  Duration warmup = Duration.ofSeconds(10);
  Duration ramp = Duration.ofSeconds(10);
  Duration drain = Duration.ofSeconds(10);
  Duration settle = Duration.ofSeconds(5);
  // saturate
  double startRate = 500;
  double stepRate = 500;
  double maxRate = 50_000;
  Duration stepDuration = Duration.ofSeconds(10);
  double p99LimitMs = 500;
  // reconnect
  Duration dropAfter = Duration.ofSeconds(10);
  Duration reconnectDeadline = Duration.ofSeconds(30);
  Duration backoffBase = Duration.ofMillis(500);
  Duration backoffCap = Duration.ofSeconds(3);
  // announce: how many announcements to every student, spread over --duration (issue 28, point 1)
  int announcements = 3;
  /** The announcements reach the first N students (0: all); the steady messages are then the other students'. */
  int announceTo = 0;
  // failover: which --target (1-based) is killed; 0 = the last
  int killTarget = 0;
  // failover: SIGKILL (a crash) or SIGTERM (a graceful stop, as in a rolling restart; issue 29, point 7)
  boolean killGracefully = false;
  // baseline
  Baseline baseline = Baseline.NONE;
  // The node's heap in the documented command: with 512 MiB, the baseline's 200 kept messages a conversation filled
  // most of it, and its collector took a third of its CPU at 7,500 msg/s (docs/PERFORMANCE-LOG.md, step 9).
  String baselineJvm = "-Xms1g -Xmx1g -XX:+AlwaysPreTouch";
  int baselineInstances = 2;
  // database and sessions
  /** Null: the embedded database of {@link #dataDir}, signed in as its app role with the password kept beside it. */
  String dbUrl;
  String dbUser = "postgres";
  String dbPassword = "";
  String dataDir = "data/postgres";
  /** The nodes' key file, which seals the session-signing keys they keep in the database. */
  String keyFile = "data/homeroom.key";
  String sessionKey;
  /** Issue 24, point 2: one user flooding reads during the measurement (null: none). */
  ReadFlood.Kind flood;
  int floodSockets = 15;
  int floodInFlight = 60;
  int floodLimit = 200;
  /** Which simulated student (fetch) or admin (search) floods, from 0: another one warms a node for a later run. */
  int floodPerson = 0;
  /** Issue 24, point 2: 0, or the measurement is this many pairs of a quiet and a flooded window (a fresh flooder each). */
  int floodPulses = 0;
  /** Non-null: the flood runs in a JVM of its own under {@code nice -n floodNice} ({@link ReadFlood.Apart}). */
  Integer floodNice;
  /** {@code --flood-nice idle}: that JVM also runs under SCHED_IDLE ({@code chrt --idle 0}). */
  boolean floodIdle;
  int sessionHours = 12;
  // client behaviour
  Duration pingInterval = Duration.ofSeconds(5);
  int fetchLimit = 50;
  int bodyChars = 100;
  long maxInFlight = 20_000;
  int maxHandshakes = 200;
  int loops = 2;
  // output and checks
  Path out = Path.of("target", "load");
  String label;
  List<Long> serverPids = List.of();
  double expectP99Ms = -1;
  double expectKbPerConnection = -1;
  double expectRatio = -1;
  boolean help;

  /** A copy to change (the baseline's run gets its own target). */
  LoadOptions copy() {
    try {
      return (LoadOptions) clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  double typingRate() {
    return typingRate >= 0 ? typingRate : rate / 2;
  }

  double readRate() {
    return readRate >= 0 ? readRate : rate / 2;
  }

  int clients() {
    return students + admins;
  }

  static LoadOptions parse(String... args) {
    LoadOptions o = new LoadOptions();
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.isBlank()) {
        continue;
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "' (options start with --; try --help)");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (name.equals("help") || name.equals("baseline")) {
        value = "";
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      given.put(name, value);
    }
    given.forEach((name, value) -> o.set(name, value));
    o.validate();
    return o;
  }

  private void set(String name, String v) {
    switch (name) {
      case "help" -> help = true;
      case "scenario" -> scenario = Scenario.valueOf(v.toUpperCase(Locale.ROOT));
      case "target", "targets" -> {
        List<URI> list = new ArrayList<>();
        for (String t : v.split(",")) {
          if (!t.isBlank()) {
            list.add(URI.create(t.trim()));
          }
        }
        targets = List.copyOf(list);
      }
      case "students" -> students = Integer.parseInt(v);
      case "announcements" -> announcements = Integer.parseInt(v);
      case "announce-to" -> announceTo = Integer.parseInt(v);
      case "admins" -> admins = Integer.parseInt(v);
      case "rate" -> rate = Double.parseDouble(v);
      case "admin-share" -> adminShare = Double.parseDouble(v);
      case "typing-rate" -> typingRate = Double.parseDouble(v);
      case "read-rate" -> readRate = Double.parseDouble(v);
      case "duration" -> duration = duration(v);
      case "warmup" -> warmup = duration(v);
      case "ramp" -> ramp = duration(v);
      case "drain" -> drain = duration(v);
      case "settle" -> settle = duration(v);
      case "start-rate" -> startRate = Double.parseDouble(v);
      case "step-rate" -> stepRate = Double.parseDouble(v);
      case "max-rate" -> maxRate = Double.parseDouble(v);
      case "step-duration" -> stepDuration = duration(v);
      case "p99-limit" -> p99LimitMs = duration(v).toNanos() / 1e6;
      case "drop-after" -> dropAfter = duration(v);
      case "reconnect-deadline" -> reconnectDeadline = duration(v);
      case "backoff-base" -> backoffBase = duration(v);
      case "backoff-cap" -> backoffCap = duration(v);
      case "kill-target" -> killTarget = Integer.parseInt(v);
      case "kill-signal" -> killGracefully = switch (v.toUpperCase(Locale.ROOT)) {
        case "KILL" -> false;
        case "TERM" -> true;
        default -> throw new IllegalArgumentException("--kill-signal is KILL or TERM, got " + v);
      };
      case "baseline" -> baseline = v.isEmpty() ? Baseline.ALSO : Baseline.valueOf(v.toUpperCase(Locale.ROOT));
      case "baseline-jvm" -> baselineJvm = v;
      case "baseline-instances" -> baselineInstances = Integer.parseInt(v);
      case "db" -> dbUrl = v;
      case "data-dir" -> dataDir = v;
      case "key-file" -> keyFile = v;
      case "db-user" -> dbUser = v;
      case "db-password" -> dbPassword = v;
      case "session-key" -> sessionKey = v;
      case "flood" -> flood = ReadFlood.Kind.valueOf(v.toUpperCase(Locale.ROOT));
      case "flood-sockets" -> floodSockets = Integer.parseInt(v);
      case "flood-in-flight" -> floodInFlight = Integer.parseInt(v);
      case "flood-limit" -> floodLimit = Integer.parseInt(v);
      case "flood-person" -> floodPerson = Integer.parseInt(v);
      case "flood-pulses" -> floodPulses = Integer.parseInt(v);
      case "flood-nice" -> {
        floodIdle = "idle".equals(v);
        floodNice = floodIdle ? 19 : Integer.parseInt(v);
      }
      case "session-hours" -> sessionHours = Integer.parseInt(v);
      case "ping-interval" -> pingInterval = duration(v);
      case "fetch-limit" -> fetchLimit = Integer.parseInt(v);
      case "body-chars" -> bodyChars = Integer.parseInt(v);
      case "max-in-flight" -> maxInFlight = Long.parseLong(v);
      case "max-handshakes" -> maxHandshakes = Integer.parseInt(v);
      case "loops" -> loops = Integer.parseInt(v);
      case "out" -> out = Path.of(v);
      case "label" -> label = v;
      case "server-pid" -> {
        List<Long> pids = new ArrayList<>();
        for (String p : v.split(",")) {
          pids.add(Long.parseLong(p.trim()));
        }
        serverPids = List.copyOf(pids);
      }
      case "expect-p99" -> expectP99Ms = duration(v).toNanos() / 1e6;
      case "expect-kb-per-connection" -> expectKbPerConnection = Double.parseDouble(v);
      case "expect-ratio" -> expectRatio = Double.parseDouble(v);
      default -> throw new IllegalArgumentException("unknown option --" + name + " (try --help)");
    }
  }

  private void validate() {
    if (students < 1 && scenario != Scenario.IDLE) {
      throw new IllegalArgumentException("--students must be at least 1");
    }
    if (admins < 0 || admins > Ledger.MAX_ADMINS) {
      throw new IllegalArgumentException("--admins must be from 0 to " + Ledger.MAX_ADMINS);
    }
    if (adminShare < 0 || adminShare > 1) {
      throw new IllegalArgumentException("--admin-share must be from 0 to 1");
    }
    if (floodNice != null && (flood == null || floodNice < 0 || floodNice > 19)) {
      throw new IllegalArgumentException("--flood-nice needs --flood, and a niceness from 0 to 19");
    }
    if (floodPulses != 0 && (floodPulses < 1 || flood == null || floodNice == null || scenario != Scenario.STEADY)) {
      throw new IllegalArgumentException("--flood-pulses needs a positive count, --flood, --flood-nice and --scenario steady");
    }
    if (flood != null && (floodPerson < 0
        || floodPerson + (flood == ReadFlood.Kind.FETCH ? Math.max(1, floodPulses) : 1)
            > (flood == ReadFlood.Kind.FETCH ? students : admins))) {
      throw new IllegalArgumentException("--flood-person must name one of the simulated "
          + (flood == ReadFlood.Kind.FETCH ? "students (0 to " + (students - 1) : "admins (0 to " + (admins - 1)) + ")");
    }
    if (admins == 0 && adminShare > 0 && scenario != Scenario.IDLE) {
      adminShare = 0;
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("--target needs at least one node URL");
    }
    for (URI t : targets) {
      if (t.getHost() == null || !("http".equals(t.getScheme()) || "https".equals(t.getScheme()))) {
        throw new IllegalArgumentException("--target must be an http(s) URL like http://localhost:8080, not " + t);
      }
    }
    if (loops < 1 || maxHandshakes < 1 || fetchLimit < 1 || bodyChars < 1) {
      throw new IllegalArgumentException("--loops, --max-handshakes, --fetch-limit and --body-chars must be positive");
    }
    if (scenario == Scenario.ANNOUNCE && (announcements < 1 || admins < 1 || students > 5_000)) {
      throw new IllegalArgumentException("--scenario announce needs --announcements >= 1, an admin, and at most 5000 students");
    }
    if (scenario == Scenario.FAILOVER && targets.size() < 2) {
      throw new IllegalArgumentException("--scenario failover needs at least two --target nodes (one is killed)");
    }
    if (scenario == Scenario.FAILOVER && baseline != Baseline.NONE) {
      throw new IllegalArgumentException("--scenario failover has no baseline (the bare server is one node)");
    }
    if (killTarget < 0 || killTarget > targets.size()) {
      throw new IllegalArgumentException("--kill-target must be from 1 to the number of --target nodes (" + targets.size() + ")");
    }
    if (bodyChars > 4000) {
      throw new IllegalArgumentException("--body-chars: a message has at most 4000 characters");
    }
  }

  /** {@code 250ms}, {@code 30s}, {@code 2m}, {@code 1h}, or a number of seconds. */
  static Duration duration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
      }
      if (s.endsWith("m")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
      }
      if (s.endsWith("h")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 3_600_000));
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: '" + v + "' (e.g. 500ms, 30s, 2m)");
    }
  }

  static String usage() {
    return """
        Homeroom load generator (docs/PERFORMANCE.md). Run from the repository:
          ./mvnw -q -Pload -Dload.args="--scenario steady --students 1000 --admins 3 --rate 2000 --duration 60s"

        Scenarios (--scenario):
          steady     connect, warm up, then --rate messages/s for --duration; latency, throughput, loss
          saturate   from --start-rate, add --step-rate every --step-duration until the server falls behind
                     (stored < 90% of offered, send->delivered p99 over --p99-limit, or errors): the ceiling
          idle       connect --students (+ --admins) and hold them for --duration, no messages: server memory
                     per connection (forced GC before and after; needs the node on this machine)
          reconnect  messages at --rate; after --drop-after every client drops its socket at once and
                     reconnects (jittered backoff, as the web client); all back within --reconnect-deadline,
                     in-flight sends retried with the same clientMsgId, catch-up fetches; nothing may be lost
          announce   as steady, and --announcements times (default 3) during --duration one admin announces to
                     every simulated student over REST (issue 28): the time from the POST to the last online
                     student's copy, and the other sends' p99 in the 5 s after it (window "announcement N");
                     --announce-to N: to the first N students only, the steady messages being the others'
                     (then the window's p99 is that of the users it does not reach)
          failover   as reconnect, but after --drop-after one node (--kill-target) is killed with SIGKILL; its
                     clients reconnect to the other --target nodes (a client tries the next node when one
                     refuses); all back within --reconnect-deadline, nothing lost, nothing stored twice

        Targets and accounts:
          --target URL[,URL...]   nodes (default http://localhost:8080); clients are spread over them
          --students N            simulated students (default 200), one socket each
          --admins M              simulated admins (default 3, at most 63); each gets every message (role.admin)
          --db URL                the nodes' database, to seed load accounts; --db-user, --db-password (default
                                  the embedded one on localhost:54329, as its app role, whose password is kept
                                  beside its data folder: --data-dir DIR, default data/postgres)
          --session-key KEY       the nodes' session-signing key when configured (HOMEROOM_JWT_SECRET); by
                                  default the keys the nodes keep in the database, opened with their key
                                  file: --key-file FILE (HOMEROOM_KEY_FILE, default data/homeroom.key)
        Read flood (issue 24, point 2; steady scenario, during the measurement):
          --flood fetch|search    one user floods reads: a student's history fetches over --flood-sockets N
                                  (default 15) sockets, --flood-in-flight M (default 60) each, --flood-limit L
                                  messages a page (default 200); or an admin's REST searches, M in flight;
                                  --flood-person K: the K-th simulated student or admin floods (default 0)
                                  --flood-nice N: the flood runs in a JVM of its own under nice -n N, not on
                                  the generator's event loops (19: it uses mostly CPU the rest leaves);
                                  --flood-nice idle: and under SCHED_IDLE (chrt --idle 0), so it runs only on a
                                  core nothing else wants and gives way the moment anything else wakes: the
                                  nearest one machine comes to an attacker on another
                                  --flood-pulses N: the measurement is N pairs of a quiet and a flooded window
                                  of equal length, each fetch flood by the next student (K, K+1, ...: a flooder
                                  stays blocked), every search flood by admin K (a search flood closes nothing
                                  and its budget is full again within 5 s), and the report compares the others'
                                  sends in the flooded windows
                                  with those in the quiet ones of the same run (the machine's own stalls fall on
                                  both alike); needs --flood-nice
        Traffic:
          --rate R                messages/s, both directions together (default 100)
          --admin-share F         fraction of messages sent by admins (default 0.5)
          --typing-rate R         chat.typing events/s (default rate/2); --read-rate R read acks/s (default rate/2)
          --duration D            measured time (default 60s); --warmup D (10s; steady: the rate climbs to full over
                                  its first 40 %); --ramp D connection ramp (10s);
                                  --drain D wait for late acks and deliveries (10s); --settle D (5s, idle)
          --start-rate, --step-rate, --step-duration, --max-rate, --p99-limit   saturate (500, 500, 10s, 50000, 500ms)
          --drop-after D, --reconnect-deadline D, --backoff-base D, --backoff-cap D   reconnect and failover
                                  (10s, 30s, 500ms, 3s: the web client's)
          --kill-target N         failover: the N-th --target is killed (default the last); its process is
                                  --server-pid's N-th, or found by port (a node on this machine)
          --kill-signal KILL|TERM failover: SIGKILL, a crash (default), or SIGTERM, a graceful stop as in a
                                  rolling restart
          --body-chars N          message length (default 100); --fetch-limit N first page on connect (50)
          --ping-interval D       bridge pings per socket (default 5s, as the web client)
          --max-in-flight N       unacknowledged sends before the pacer skips (default 20000)
          --max-handshakes N      concurrent WebSocket handshakes (default 200); --loops N event loops (2)
        Baseline:
          --baseline              also run the same scenario against a bare Vert.x WebSocket server (no database,
                                  no auth) in its own JVM; results side by side with ratios
          --baseline=only         only the baseline; --baseline-jvm (default "-Xms1g -Xmx1g -XX:+AlwaysPreTouch");
                                  --baseline-instances 2 (HTTP verticles sharing the port, as the node's default)
        Output and checks:
          --out DIR               where the .md and .json results go (default target/load)
          --label TEXT            a note in the results (e.g. what was tuned)
          --server-pid PID[,PID]  the nodes' process ids for memory figures (default: found by port, local only)
          --expect-p99 D          fail (exit 1) when send->delivered p99 is over D, or anything is lost, or
                                  stored/delivered fall under 99% of --rate (steady)
          --expect-kb-per-connection K   fail when server RSS per connection is over K KiB (idle)
          --expect-ratio F        fail when the ceiling is under F x the baseline's (saturate with --baseline)
        """;
  }

  /** The database to seed and count in: {@code --db}, else the embedded one of {@code --data-dir} (issue 24, point 1). */
  app.homeroom.db.DbTarget dbTarget() {
    if (dbUrl != null) {
      return app.homeroom.db.DbTarget.fromConfig(new app.homeroom.config.HomeroomConfig.Db(dbUrl, dbUser, dbPassword, 1, 0,
          "unused"));
    }
    app.homeroom.db.Credentials kept = app.homeroom.db.Credentials.read(java.nio.file.Path.of(dataDir));
    if (kept == null) {
      throw new IllegalArgumentException("no --db, and no embedded database's passwords beside " + dataDir
          + " (start a node there first, or pass --data-dir or --db)");
    }
    return app.homeroom.db.DbTarget.embedded(54329).as(app.homeroom.db.EmbeddedDatabase.APP_ROLE, kept.app());
  }
}
