package app.homeroom.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * PostgreSQL 17 run by this process when no database URL is configured. Its data lives in a folder that
 * survives restarts, and it listens on a fixed local port so that further nodes on this machine can share it:
 * a node that finds the port already served by an embedded Homeroom database uses that one instead of starting
 * its own (the first node owns it and stops it on shutdown).
 *
 * <p>Blocking: call from a start-up thread, never from an event loop.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final DbTarget target;

  private EmbeddedDatabase(EmbeddedPostgres postgres, DbTarget target) {
    this.postgres = postgres;
    this.target = target;
  }

  public DbTarget target() {
    return target;
  }

  /** True when this node started the server (and so stops it); false when it joined another node's. */
  public boolean owned() {
    return postgres != null;
  }

  /**
   * Starts (or joins) the embedded server and makes sure the {@code homeroom} database exists.
   *
   * @param durable fsync and synchronous commit on, so an acknowledged message survives a power cut; only tests
   *                pass false (the library's defaults trade durability for speed)
   */
  public static EmbeddedDatabase startOrJoin(int port, Path dataDir, boolean durable) {
    DbTarget target = DbTarget.embedded(port);
    if (portInUse(port)) {
      if (canConnect(target)) {
        LOG.info("Embedded PostgreSQL already running on port {} (started by another node): using it", port);
        return new EmbeddedDatabase(null, target);
      }
      throw new StartupException("port " + port + " is taken by something that is not Homeroom's embedded PostgreSQL: "
          + "set HOMEROOM_DB_EMBEDDED_PORT to a free port or HOMEROOM_DB_URL to an external database");
    }
    try {
      Path dir = prepareDataDir(dataDir);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setRegisterShutdownHook(false)
          .setServerConfig("listen_addresses", "localhost")
          .setServerConfig("max_connections", "200")
          .setServerConfig("shared_buffers", "128MB")
          // These come after the library's -F (fsync off) on the command line, and the last setting wins.
          .setServerConfig("fsync", durable ? "on" : "off")
          .setServerConfig("synchronous_commit", durable ? "on" : "off")
          .setServerConfig("full_page_writes", durable ? "on" : "off")
          .start();
      EmbeddedDatabase db = new EmbeddedDatabase(pg, target);
      db.ensureDatabase();
      LOG.info("Embedded PostgreSQL started on port {} with data in {}", port, dir);
      return db;
    } catch (IOException | RuntimeException e) {
      throw new StartupException("could not start embedded PostgreSQL in " + dataDir.toAbsolutePath() + " on port " + port
          + ": " + StartupException.rootMessage(e) + " (is another PostgreSQL using that data folder? set HOMEROOM_DATA_DIR or HOMEROOM_DB_URL)");
    }
  }

  private void ensureDatabase() {
    String adminUrl = "jdbc:postgresql://localhost:" + target.port() + "/postgres";
    try (Connection c = DriverManager.getConnection(adminUrl, DbTarget.EMBEDDED_USER, "");
         PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
      ps.setString(1, DbTarget.EMBEDDED_DATABASE);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          c.createStatement().execute("create database " + DbTarget.EMBEDDED_DATABASE);
        }
      }
    } catch (SQLException e) {
      throw new StartupException("embedded PostgreSQL started but the database could not be created: " + e.getMessage());
    }
  }

  /**
   * PostgreSQL wants its data folder private (0700). As root, the embedded binaries run inside a user namespace
   * ({@code unshare -U}) and keep root's ownership, so no chown is needed.
   */
  private static Path prepareDataDir(Path dataDir) throws IOException {
    Path dir = dataDir.toAbsolutePath();
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  private static boolean portInUse(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("localhost", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean canConnect(DbTarget target) {
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }


  @Override
  public void close() {
    if (postgres != null) {
      try {
        postgres.close();
        LOG.info("Embedded PostgreSQL stopped");
      } catch (IOException e) {
        LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
  }
}
