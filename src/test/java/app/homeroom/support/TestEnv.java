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
  private static String dbUrl;
  private static String clusterName;
  private static int clusterPort;
  private static Node node;
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

  public static String baseUrl() {
    return "http://localhost:" + node().httpPort();
  }

  /** Helpers on the shared database. */
  public static synchronized TestDb db() {
    if (db == null) {
      database();
      db = new TestDb(dbUrl);
    }
    return db;
  }

  /** Another node in the same cluster and database, on its own HTTP port. Stop it when done. */
  public static synchronized Node startNode() {
    database();
    return Node.start(config(freePort()));
  }

  public static HomeroomConfig config(int httpPort) {
    database();
    return new HomeroomConfig(
        new HomeroomConfig.Http("127.0.0.1", httpPort, 2, List.of(), null),
        new HomeroomConfig.Db(dbUrl, "postgres", "", 8, 0, "unused"),
        new HomeroomConfig.Cluster(clusterName, "127.0.0.1", clusterPort,
            List.of("127.0.0.1:" + clusterPort, "127.0.0.1:" + (clusterPort + 1), "127.0.0.1:" + (clusterPort + 2)), 0),
        new HomeroomConfig.Auth("test-session-key-0123456789abcdefghijklmnop", 1, false),
        new HomeroomConfig.Admin("first.admin@test.homeroom", "first-admin-password"),
        false);
  }

  private static synchronized void database() {
    if (dbUrl != null) {
      return;
    }
    String external = System.getenv("HOMEROOM_TEST_DB_URL");
    if (external != null && !external.isBlank()) {
      dbUrl = external;
    } else {
      try {
        Path dir = Files.createTempDirectory("homeroom-test-pg");
        // Tests trade durability for speed; the product runs it durable.
        embedded = EmbeddedDatabase.startOrJoin(freePort(), dir.resolve("data"), false);
        dbUrl = "postgresql://postgres@localhost:" + embedded.target().port() + "/homeroom";
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    clusterName = "homeroom-test-" + UUID.randomUUID();
    clusterPort = 20_000 + (int) (Math.random() * 20_000);
    Migrations.migrate(DbTarget.fromConfig(new HomeroomConfig.Db(dbUrl, "postgres", "", 8, 0, "unused")));
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void shutdown() {
    if (node != null) {
      node.stop();
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
