package app.homeroom.support;

import app.homeroom.Node;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.DbTarget;
import app.homeroom.db.EmbeddedDatabase;
import app.homeroom.db.Migrations;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The real parts every test shares, started once per test JVM: one embedded PostgreSQL 17 (or the external
 * server named by {@code HOMEROOM_TEST_DB_URL}), and one Homeroom node in a Hazelcast cluster of its own.
 * Tests that need more nodes start them with {@link #startNode()}; they join the same cluster and database.
 */
public final class TestEnv {

  private static EmbeddedDatabase embedded;
  private static Path embeddedDataDir;
  /** Where the nodes connect: with the embedded server, its app role (issue 24, point 1), so every test runs on its grants. */
  private static String dbUrl;
  /** Where tests' own resets and fixtures connect: the superuser (a reset truncates). */
  private static String adminUrl;
  private static String clusterName;
  private static int clusterPort;
  private static Node node;
  private static Node unlimited;
  private static TestDb db;

  private TestEnv() {}

  /** The shared node (started on first use). */
  public static synchronized Node node() {
    if (node == null) {
      node = startNode();
      Runtime.getRuntime().addShutdownHook(new Thread(TestEnv::shutdown, "test-env-shutdown"));
    }
    return node;
  }

  /**
   * A second shared node, without the per-user rate limits: for benchmarks that time one user's requests by the
   * thousand (they measure the request, not its budget). Started on first use, stopped with the JVM.
   */
  public static synchronized Node unlimitedNode() {
    node();
    if (unlimited == null) {
      unlimited = startNode(c -> c.withLimits(c.limits().withRateLimited(false)));
    }
    return unlimited;
  }

  /**
   * A pool of at most {@code maxSize} connections on the shared test database (the shared node, started first,
   * migrated it), for tests that drive a feature's service or SQL without HTTP.
   */
  public static io.vertx.sqlclient.Pool pool(io.vertx.core.Vertx vertx, int maxSize) {
    node();
    return app.homeroom.db.Database.sharedPool(vertx, app.homeroom.db.DbTarget.fromConfig(config(0).db()), maxSize);
  }

  public static String baseUrl() {
    return "http://localhost:" + node().httpPort();
  }

  /** Helpers on the shared database. */
  public static synchronized TestDb db() {
    if (db == null) {
      database();
      db = new TestDb(adminUrl);
    }
    return db;
  }

  /** The embedded server the tests share, or null when they run on an external one ({@code HOMEROOM_TEST_DB_URL}). */
  public static synchronized EmbeddedDatabase embedded() {
    database();
    return embedded;
  }

  /** The embedded server's data folder (null with an external server). */
  public static synchronized Path embeddedDataDir() {
    database();
    return embeddedDataDir;
  }

  /** Another node in the same cluster and database, on its own HTTP port. Stop it when done. */
  public static synchronized Node startNode() {
    return startNode(c -> c);
  }

  /** Another node, its configuration changed by {@code change} (e.g. other limits). Stop it when done. */
  public static synchronized Node startNode(java.util.function.UnaryOperator<HomeroomConfig> change) {
    database();
    return Node.start(change.apply(config(freePort())));
  }

  /**
   * Another node as a separate JVM (same classpath, {@code app.homeroom.Main}), configured for this test
   * cluster and database through the environment, as an operator would. It can be killed with SIGKILL
   * ({@link Process#destroyForcibly()}), which no in-JVM node can. Returns once it printed that it is ready.
   */
  public static ChildNode startChildNode() throws Exception {
    return startChildNode(java.util.Map.of());
  }

  /** {@link #startChildNode()} with some settings changed; a null value removes that variable. */
  public static ChildNode startChildNode(java.util.Map<String, String> changes) throws Exception {
    return startChildNode(changes, 0);
  }

  /**
   * {@link #startChildNode(java.util.Map)} whose output, when {@code logBytesPerSecond > 0}, goes through a pipe read
   * at most that fast, as a slow terminal or a busy log shipper reads it: once the pipe's buffer is full, whatever
   * writes to the log waits (issue 24, point 7).
   */
  public static ChildNode startChildNode(java.util.Map<String, String> changes, int logBytesPerSecond) throws Exception {
    HomeroomConfig c = config(freePort());
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("HOMEROOM_HTTP_HOST", c.http().host());
    env.put("HOMEROOM_HTTP_PORT", Integer.toString(c.http().port()));
    env.put("HOMEROOM_HTTP_INSTANCES", "1");
    env.put("HOMEROOM_DB_URL", dbUrl);
    env.put("HOMEROOM_DB_USER", "postgres");
    env.put("HOMEROOM_CLUSTER_NAME", c.cluster().name());
    env.put("HOMEROOM_CLUSTER_HOST", c.cluster().host());
    env.put("HOMEROOM_CLUSTER_PORT", Integer.toString(c.cluster().port()));
    env.put("HOMEROOM_CLUSTER_MEMBERS", String.join(",", c.cluster().members()));
    env.put("HOMEROOM_JWT_SECRET", c.auth().jwtSecret());
    env.put("HOMEROOM_KEY_FILE", c.auth().keyFile());
    env.put("HOMEROOM_ADMIN_EMAIL", c.admin().email());
    env.put("HOMEROOM_ADMIN_PASSWORD", c.admin().password());
    env.put("HOMEROOM_PRESENCE_HEARTBEAT_SECONDS", Integer.toString(c.presence().heartbeatSeconds()));
    env.put("HOMEROOM_PRESENCE_TTL_SECONDS", Integer.toString(c.presence().ttlSeconds()));
    changes.forEach((k, v) -> {
      if (v == null) {
        env.remove(k);
      } else {
        env.put(k, v);
      }
    });
    Path log = Files.createTempFile("homeroom-child-node", ".log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "app.homeroom.Main")
        .redirectErrorStream(true)
        .redirectOutput(logBytesPerSecond > 0 ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.to(log.toFile()));
    pb.environment().putAll(env);
    Process process = pb.start();
    if (logBytesPerSecond > 0) {
      Thread reader = new Thread(() -> readSlowly(process.getInputStream(), log, logBytesPerSecond), "slow-log-reader");
      reader.setDaemon(true);
      reader.start();
    }
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      String out = Files.readString(log);
      if (out.contains("Homeroom ready on")) {
        return new ChildNode(process, c.http().port(), log);
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("child node exited " + process.exitValue() + ":\n" + out);
      }
      process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    process.destroyForcibly();
    throw new IllegalStateException("child node not ready within 90 s:\n" + Files.readString(log));
  }

  private static void readSlowly(java.io.InputStream in, Path log, int bytesPerSecond) {
    byte[] chunk = new byte[Math.max(1, bytesPerSecond / 10)];
    try (in; java.io.OutputStream out = Files.newOutputStream(log, java.nio.file.StandardOpenOption.APPEND)) {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        out.write(chunk, 0, n);
        out.flush();
        Thread.sleep(100L * n / chunk.length);
      }
    } catch (java.io.IOException | InterruptedException e) {
      // The node is gone.
    }
  }

  /** A node in its own JVM. */
  public record ChildNode(Process process, int httpPort, Path log) implements AutoCloseable {
    public String baseUrl() {
      return "http://localhost:" + httpPort;
    }

    /** SIGSTOP: the process stands still with every socket open, as a frozen server does (issue 24, point 5). */
    public void freeze() throws Exception {
      signal("STOP");
    }

    /** SIGCONT: it carries on where it stood. */
    public void thaw() throws Exception {
      signal("CONT");
    }

    private void signal(String name) throws Exception {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + name + " failed");
      }
    }

    /** SIGTERM: the node's shutdown hook stops it as an operator's {@code kill} or Ctrl+C would. */
    public void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        kill();
      }
    }

    /** SIGKILL: no shutdown hook, no socket closed, no goodbye to the cluster. */
    public void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        kill();
      }
    }
  }

  public static HomeroomConfig config(int httpPort) {
    database();
    return config(httpPort, dbUrl, clusterName, clusterPort);
  }

  private static HomeroomConfig config(int httpPort, String dbUrl, String clusterName, int clusterPort) {
    return new HomeroomConfig(
        new HomeroomConfig.Http("127.0.0.1", httpPort, 2, List.of(), null, false),
        new HomeroomConfig.Db(dbUrl, "postgres", "", 8, 0, "unused"),
        new HomeroomConfig.Cluster(clusterName, "127.0.0.1", clusterPort,
            List.of("127.0.0.1:" + clusterPort, "127.0.0.1:" + (clusterPort + 1), "127.0.0.1:" + (clusterPort + 2)), 0),
        // A key file of the build's (not beside the working folder): it seals the VAPID keys kept in the test database.
        new HomeroomConfig.Auth("test-session-key-0123456789abcdefghijklmnop", List.of(), 1, false,
            Path.of("target", "test-homeroom.key").toAbsolutePath().toString()),
        new HomeroomConfig.Admin("first.admin@test.homeroom", "first-admin-password"),
        // Fast presence, so tests see a dead node's students go offline in seconds.
        new HomeroomConfig.Presence(1, 3),
        // The shipped limits: the tests check them as they ship (BridgeFuzzTest starts its own node without).
        HomeroomConfig.Limits.defaults(),
        HomeroomConfig.Mail.none(),
        HomeroomConfig.Sso.none(),
        // Metrics on, each node on a port of its own: every test runs the instrumented paths (issue 29, point 2).
        HomeroomConfig.Ops.defaults().withMetrics("127.0.0.1", freePort()),
        HomeroomConfig.Push.defaults(),
        false);
  }

  private static synchronized void database() {
    if (dbUrl != null) {
      return;
    }
    String external = System.getenv("HOMEROOM_TEST_DB_URL");
    if (external != null && !external.isBlank()) {
      dbUrl = external;
    } else if ("testcontainers".equalsIgnoreCase(System.getenv("HOMEROOM_TEST_DB")) && (dbUrl = Containers.postgres()) != null) {
      // A PostgreSQL 17 container, stopped with the JVM (Testcontainers' own reaper).
    } else {
      try {
        embeddedDataDir = Files.createTempDirectory("homeroom-test-pg").resolve("data");
        // Tests trade durability for speed; the product runs it durable.
        embedded = EmbeddedDatabase.startOrJoin(freePort(), embeddedDataDir, false);
        embedded.migrate();
        dbUrl = url(embedded.target());
        adminUrl = url(embedded.superuserTarget());
        // Tests make scratch tables of their own as the superuser (probes, statement counters) and use them through
        // the nodes' pools: the app role may use those, and only those, as it uses the schema's.
        new TestDb(adminUrl).exec("alter default privileges for role " + DbTarget.EMBEDDED_USER + " in schema public"
            + " grant select, insert, update, delete on tables to " + EmbeddedDatabase.APP_ROLE);
        new TestDb(adminUrl).exec("alter default privileges for role " + DbTarget.EMBEDDED_USER + " in schema public"
            + " grant usage, select on sequences to " + EmbeddedDatabase.APP_ROLE);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    if (adminUrl == null) {
      // An external server: its URL's credentials do everything, as they do for the product.
      adminUrl = dbUrl;
      Migrations.migrate(DbTarget.fromConfig(new HomeroomConfig.Db(dbUrl, "postgres", "", 8, 0, "unused")));
    }
    clusterName = "homeroom-test-" + UUID.randomUUID();
    clusterPort = 20_000 + (int) (Math.random() * 20_000);
  }

  /** {@code postgresql://user:password@host:port/database} (our generated passwords need no escaping). */
  public static String url(DbTarget target) {
    return "postgresql://" + target.user() + ":" + target.password() + "@" + target.host() + ":" + target.port() + "/"
        + target.database();
  }

  /**
   * A node with an embedded PostgreSQL and a cluster of its own, so that a test can stop and restart that database
   * (a database outage) without disturbing the shared node's. Close it when done.
   */
  public static Isolated startIsolated() throws IOException {
    int pgPort = freePort();
    Path dir = Files.createTempDirectory("homeroom-isolated-pg").resolve("data");
    EmbeddedDatabase pg = EmbeddedDatabase.startOrJoin(pgPort, dir, false);
    pg.migrate();
    int port = 20_000 + (int) (Math.random() * 20_000);
    Node n = Node.start(config(freePort(), url(pg.target()), "homeroom-isolated-" + UUID.randomUUID(), port));
    return new Isolated(n, pg, dir, pgPort, new TestDb(url(pg.superuserTarget())));
  }

  /** A node on a database of its own ({@link #startIsolated()}). */
  public static final class Isolated implements AutoCloseable {
    public final Node node;
    public final TestDb db;
    private final Path dataDir;
    private final int pgPort;
    private EmbeddedDatabase pg;

    private Isolated(Node node, EmbeddedDatabase pg, Path dataDir, int pgPort, TestDb db) {
      this.node = node;
      this.pg = pg;
      this.dataDir = dataDir;
      this.pgPort = pgPort;
      this.db = db;
    }

    public String baseUrl() {
      return "http://localhost:" + node.httpPort();
    }

    /** Stops the database server (a fast shutdown: its connections are cut). */
    public synchronized void stopDatabase() {
      if (pg != null) {
        pg.close();
        pg = null;
      }
    }

    /** Starts it again, on the same port and data. */
    public synchronized void startDatabase() {
      if (pg == null) {
        pg = EmbeddedDatabase.startOrJoin(pgPort, dataDir, false);
      }
    }

    @Override
    public synchronized void close() {
      node.stop();
      stopDatabase();
    }
  }

  /**
   * A port free now, from 10000-19999: below Linux's ephemeral range (32768-60999), where a port the kernel hands out
   * for "any free port" may be taken a moment later by an outgoing connection (a CI run lost a node's start to that),
   * and below the test clusters' Hazelcast ports (20000 and up).
   */
  public static synchronized int freePort() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 10_000 + random.nextInt(10_000);
      if (port == lastPort) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new java.net.InetSocketAddress("0.0.0.0", port));
        lastPort = port;
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port in 10000-19999");
  }

  private static int lastPort;

  private static void shutdown() {
    if (unlimited != null) {
      unlimited.stop();
    }
    if (node != null) {
      node.stop();
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
