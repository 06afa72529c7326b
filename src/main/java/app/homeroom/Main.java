package app.homeroom;

import app.homeroom.config.ConfigException;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.StartupException;

import java.nio.file.Path;

/**
 * {@code java -jar homeroom.jar [--config FILE] [--demo]}: loads the config ({@code conf/config.json}, then
 * environment overrides), starts one node and stops it cleanly on Ctrl-C. Any start-up failure exits 1 with
 * one line saying what to fix. {@code --rotate-session-key} makes a new session-signing key instead, and exits.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    String logFormat = System.getenv("HOMEROOM_LOG_FORMAT");
    if (logFormat != null && !logFormat.isBlank() && !logFormat.equals("text") && !logFormat.equals("json")) {
      fail("HOMEROOM_LOG_FORMAT must be text or json, got '" + logFormat + "'");
    }
    // Before Hazelcast's first log line, so everything goes through one logging backend.
    System.setProperty("hazelcast.logging.type", "slf4j");
    Path configFile = null;
    boolean demo = false;
    boolean rotate = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            fail("--config needs a file");
          }
          configFile = Path.of(args[++i]);
        }
        case "--demo" -> demo = true;
        case "--rotate-session-key" -> rotate = true;
        case "-h", "--help" -> {
          System.out.println("usage: java -jar homeroom.jar [--config conf/config.json] [--demo | --rotate-session-key]\n"
              + "Environment overrides: " + String.join(", ", HomeroomConfig.ENV.keySet()));
          return;
        }
        default -> fail("unknown argument '" + args[i] + "' (try --help)");
      }
    }
    try {
      HomeroomConfig config = HomeroomConfig.load(configFile, System.getenv());
      if (rotate) {
        rotateSessionKey(config);
        return;
      }
      if (demo) {
        config = config.withDemo(true);
      }
      Node node = Node.start(config);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("Homeroom: shutting down");
        node.stop();
        stopLogging();
        System.out.println("Homeroom: stopped");
      }, "homeroom-shutdown"));
      System.out.printf("Homeroom ready on http://localhost:%d in %.1f s (cluster '%s')%n", node.httpPort(),
          (System.nanoTime() - t0) / 1e9, config.cluster().name());
    } catch (ConfigException | StartupException e) {
      fail(e.getMessage());
    } catch (RuntimeException e) {
      e.printStackTrace();
      fail("unexpected start-up failure: " + StartupException.rootMessage(e));
    }
  }

  /**
   * A new session-signing key, signing two minutes from now on every node (each reloads its keys every minute); the
   * keys before it go on verifying the sessions they signed until those expire (issue 24, point 1).
   */
  private static void rotateSessionKey(HomeroomConfig config) {
    if (config.auth().jwtSecret() != null) {
      fail("sessions are signed with HOMEROOM_JWT_SECRET, which this command cannot change: give every node the new "
          + "secret in HOMEROOM_JWT_SECRET and the old one in HOMEROOM_JWT_PREVIOUS_SECRETS, restart them one at a time, "
          + "and remove the old one " + config.auth().sessionHours() + " h later (README, Rotating the session key)");
    }
    app.homeroom.db.EmbeddedDatabase embedded = config.db().embedded()
        ? app.homeroom.db.EmbeddedDatabase.startOrJoin(config.db().embeddedPort(), Path.of(config.db().dataDir()), true)
        : null;
    try {
      app.homeroom.session.SigningKeyStore store = new app.homeroom.session.SigningKeyStore(Node.migrate(config, embedded),
          app.homeroom.session.KeyVault.open(config.keyFile()));
      store.ensure(config.auth().sessionHours());
      app.homeroom.session.SigningKeyStore.Rotation r = store.rotate(config.auth().sessionHours());
      System.out.printf("New session-signing key %s: every node signs with it from %s; the keys before it verify the "
          + "sessions they signed until %s, then retire.%n", r.kid(), r.signsFrom(), r.oldKeysRetire());
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static void fail(String message) {
    stopLogging();
    System.err.println("homeroom: " + message);
    System.exit(1);
  }

  /** Writes out the log lines still queued (logback.xml's appender is asynchronous) and stops logging. */
  private static void stopLogging() {
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
      logs.stop();
    }
  }
}
