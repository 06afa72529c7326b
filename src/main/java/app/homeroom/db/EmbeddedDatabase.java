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

  /** The role that owns the schema: migrations run as it. It never serves a request. */
  public static final String OWNER_ROLE = "homeroom_owner";
  /** The role the nodes' pools sign in as: reads and writes rows, owns nothing (issue 24, point 1). */
  public static final String APP_ROLE = "homeroom_app";

  private final EmbeddedPostgres postgres;
  private final DbTarget target;
  private final Credentials credentials;
  /** The server's process when this node adopted it from a node that died (issue 24, point 8); else null. */
  private final ProcessHandle adopted;

  private EmbeddedDatabase(EmbeddedPostgres postgres, DbTarget target, Credentials credentials, ProcessHandle adopted) {
    this.postgres = postgres;
    this.target = target;
    this.credentials = credentials;
    this.adopted = adopted;
  }

  /** Where the nodes' pools connect: the {@value #APP_ROLE} role, which owns nothing and cannot alter a table. */
  public DbTarget target() {
    return target.as(APP_ROLE, credentials.app());
  }

  /** Where migrations run: the {@value #OWNER_ROLE} role, which owns the schema. */
  public DbTarget ownerTarget() {
    return target.as(OWNER_ROLE, credentials.owner());
  }

  /** The server's superuser (password protected): creating the database and the roles; tests' resets. */
  public DbTarget superuserTarget() {
    return target.as(DbTarget.EMBEDDED_USER, credentials.superuser());
  }

  /** Migrates the schema as its owner, then lets the app role use what the migrations made (see {@link Roles}). */
  public void migrate() {
    Migrations.migrate(ownerTarget());
    Roles.extensions(ownerTarget());
    Roles.grantApp(ownerTarget(), APP_ROLE);
  }

  /** True when this node started or adopted the server (and so stops it); false when it joined a live node's. */
  public boolean owned() {
    return postgres != null || adopted != null;
  }

  /**
   * Whether the jar holds PostgreSQL binaries (zonky's {@code postgres-<os>-<arch>[-<distribution>].txz} archives): the
   * lean jar of the Docker image ({@code -Plean}) holds none. Which archive fits this machine is the library's choice.
   */
  static boolean hasBinaries() {
    ClassLoader loader = EmbeddedDatabase.class.getClassLoader();
    for (String platform : new String[] {"linux-x86_64", "linux-x86_64-alpine_linux", "linux-arm_64", "darwin-x86_64",
        "darwin-arm_64", "windows-x86_64"}) {
      if (loader.getResource("postgres-" + platform + ".txz") != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Starts (or joins) the embedded server and makes sure the {@code homeroom} database and its two
   * roles exist; the server asks every connection for a password ({@link Credentials}).
   *
   * @param durable fsync and synchronous commit on, so an acknowledged message survives a power cut; only tests
   *                pass false (the library's defaults trade durability for speed)
   */
  public static EmbeddedDatabase startOrJoin(int port, Path dataDir, boolean durable) {
    DbTarget target = DbTarget.embedded(port);
    if (portInUse(port)) {
      Credentials credentials = Credentials.read(dataDir);
      if (credentials == null) {
        throw new StartupException("port " + port + " is served, but " + Credentials.file(dataDir) + " (the embedded "
            + "PostgreSQL's passwords) cannot be read: set HOMEROOM_DB_EMBEDDED_PORT to a free port, HOMEROOM_DATA_DIR to "
            + "the running node's data folder, or HOMEROOM_DB_URL to an external database");
      }
      if (canConnect(target.as(DbTarget.EMBEDDED_USER, credentials.superuser()))) {
        ProcessHandle orphan = orphan(dataDir);
        if (orphan != null) {
          // Its node died without stopping it (SIGKILL): nobody would ever stop it. This node adopts it: it keeps
          // serving (other nodes may be using it) and stops when this node stops.
          writeOwner(dataDir);
          LOG.warn("Embedded PostgreSQL on port {} (pid {}) was left running by a node that died: this node adopts it"
              + " and will stop it when it stops", port, orphan.pid());
          Roles.allowExtensions(target.as(DbTarget.EMBEDDED_USER, credentials.superuser()), OWNER_ROLE);
          return new EmbeddedDatabase(null, target, credentials, orphan);
        }
        LOG.info("Embedded PostgreSQL already running on port {} (started by another node): using it", port);
        // A newer node joining a server an older one started (a rolling upgrade): what the owner may do now.
        Roles.allowExtensions(target.as(DbTarget.EMBEDDED_USER, credentials.superuser()), OWNER_ROLE);
        return new EmbeddedDatabase(null, target, credentials, null);
      }
      throw new StartupException("port " + port + " is taken by something that is not Homeroom's embedded PostgreSQL: "
          + "set HOMEROOM_DB_EMBEDDED_PORT to a free port or HOMEROOM_DB_URL to an external database");
    }
    if (!hasBinaries()) {
      throw new StartupException("this jar carries no embedded PostgreSQL (the lean build of the Docker image, issue 29):"
          + " set HOMEROOM_DB_URL to an external PostgreSQL, or run the full jar (./mvnw package)");
    }
    Path pwfile = null;
    try {
      Path dir = prepareDataDir(dataDir);
      Credentials credentials = Credentials.readOrCreate(dataDir);
      boolean fresh = !Files.exists(dir.resolve("postgresql.conf"));
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (fresh) {
        // initdb makes the superuser with this password and asks for it on every connection, local socket included
        // (after the library's own "-A trust", which these override). Nothing ever trusts a local user.
        pwfile = Files.createTempFile(dir.getParent(), ".pwfile", "", PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pwfile, credentials.superuser());
        builder.setLocaleConfig("auth-local", "scram-sha-256").setLocaleConfig("auth-host", "scram-sha-256")
            .setLocaleConfig("pwfile", pwfile.toString());
      }
      EmbeddedPostgres pg = builder
          // The library's own readiness check signs in as the superuser.
          .setConnectConfig("password", credentials.superuser())
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
      EmbeddedDatabase db = new EmbeddedDatabase(pg, target, credentials, null);
      writeOwner(dir);
      if (!fresh) {
        lockDown(dir, target.as(DbTarget.EMBEDDED_USER, credentials.superuser()));
      }
      db.ensureDatabase();
      LOG.info("Embedded PostgreSQL started on port {} with data in {}", port, dir);
      return db;
    } catch (StartupException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new StartupException("could not start embedded PostgreSQL in " + dataDir.toAbsolutePath() + " on port " + port
          + ": " + StartupException.rootMessage(e) + " (is another PostgreSQL using that data folder? set HOMEROOM_DATA_DIR or HOMEROOM_DB_URL)");
    } finally {
      if (pwfile != null) {
        try {
          Files.deleteIfExists(pwfile);
        } catch (IOException e) {
          LOG.warn("Could not remove the temporary password file {}: {}", pwfile, e.getMessage());
        }
      }
    }
  }

  /**
   * A data folder made before issue 24 trusted every local connection and its superuser had no password. Its server
   * has just started that way: give the superuser its password and make {@code pg_hba.conf} ask for it (scram-sha-256)
   * on every connection, then reload. Nothing to do when the file trusts nobody.
   */
  private static void lockDown(Path dir, DbTarget superuser) throws IOException {
    Path hba = dir.resolve("pg_hba.conf");
    String conf = Files.readString(hba);
    if (!conf.lines().anyMatch(EmbeddedDatabase::trusts)) {
      return;
    }
    try (Connection c = DriverManager.getConnection(superuser.jdbcUrl().replace("/" + DbTarget.EMBEDDED_DATABASE, "/postgres"),
        superuser.user(), superuser.password());
         PreparedStatement ps = c.prepareStatement("select set_config('password_encryption', 'scram-sha-256', false)")) {
      ps.execute();
      c.createStatement().execute("alter role " + DbTarget.EMBEDDED_USER + " password " + Roles.literal(superuser.password()));
      StringBuilder locked = new StringBuilder();
      conf.lines().forEach(line -> locked.append(trusts(line) ? line.replaceAll("\\btrust\\s*$", "scram-sha-256") : line).append('\n'));
      Files.writeString(hba, locked.toString());
      c.createStatement().execute("select pg_reload_conf()");
      LOG.warn("Embedded PostgreSQL trusted local connections (a data folder from before issue 24): its superuser now has "
          + "a password (in {}) and every connection must give one", Credentials.file(dir));
    } catch (SQLException e) {
      throw new StartupException("could not protect the embedded PostgreSQL with a password: " + e.getMessage());
    }
  }

  private static boolean trusts(String hbaLine) {
    String line = hbaLine.strip();
    return !line.startsWith("#") && line.matches(".*\\btrust$");
  }

  private void ensureDatabase() {
    String adminUrl = "jdbc:postgresql://localhost:" + target.port() + "/postgres";
    try (Connection c = DriverManager.getConnection(adminUrl, DbTarget.EMBEDDED_USER, credentials.superuser());
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
    Roles.ensure(superuserTarget(), OWNER_ROLE, credentials.owner(), APP_ROLE, credentials.app());
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

  static boolean canConnect(DbTarget target) {
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }


  /** Beside the data folder: the pid of the JVM that owns the server (started or adopted it). */
  private static Path ownerFile(Path dataDir) {
    Path dir = dataDir.toAbsolutePath();
    return dir.resolveSibling(dir.getFileName() + ".owner");
  }

  private static void writeOwner(Path dataDir) {
    try {
      Files.writeString(ownerFile(dataDir), Long.toString(ProcessHandle.current().pid()));
    } catch (IOException e) {
      LOG.warn("Could not record this node as the embedded PostgreSQL's owner: {}", e.getMessage());
    }
  }

  /**
   * The server's process when it runs from {@code dataDir} and the node that owns it is gone (its owner file names a
   * process that is no longer alive, or there is none); null when a live node owns it or it is not ours to judge.
   */
  static ProcessHandle orphan(Path dataDir) {
    try {
      Path pidFile = dataDir.toAbsolutePath().resolve("postmaster.pid");
      if (!Files.exists(pidFile)) {
        return null;
      }
      long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      ProcessHandle server = ProcessHandle.of(postmaster).orElse(null);
      if (server == null || !server.isAlive()) {
        return null;
      }
      Path owner = ownerFile(dataDir);
      if (Files.exists(owner)) {
        long ownerPid = Long.parseLong(Files.readString(owner).strip());
        if (ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false)) {
          return null;
        }
      }
      return server;
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not tell whether the embedded PostgreSQL in {} has an owner: {}", dataDir, e.getMessage());
      return null;
    }
  }

  @Override
  public void close() {
    if (adopted != null) {
      // A fast shutdown (SIGINT: running transactions roll back, clients are cut), as the library's own stop does.
      try {
        new ProcessBuilder("kill", "-INT", Long.toString(adopted.pid())).inheritIO().start().waitFor();
        adopted.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        LOG.info("Embedded PostgreSQL (adopted) stopped");
      } catch (Exception e) {
        LOG.warn("The adopted embedded PostgreSQL did not stop cleanly: {}", e.toString());
      }
      return;
    }
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
