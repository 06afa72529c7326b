package app.homeroom;

import app.homeroom.config.ConfigException;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.StartupException;

import java.nio.file.Path;

/**
 * {@code java -jar homeroom.jar [--config FILE] [--demo]}: loads the config ({@code conf/config.json}, then
 * environment overrides), starts one node and stops it cleanly on Ctrl-C. Any start-up failure exits 1 with
 * one line saying what to fix.
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
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            fail("--config needs a file");
          }
          configFile = Path.of(args[++i]);
        }
        case "--demo" -> demo = true;
        case "-h", "--help" -> {
          System.out.println("usage: java -jar homeroom.jar [--config conf/config.json] [--demo]\n"
              + "Environment overrides: " + String.join(", ", HomeroomConfig.ENV.keySet()));
          return;
        }
        default -> fail("unknown argument '" + args[i] + "' (try --help)");
      }
    }
    try {
      HomeroomConfig config = HomeroomConfig.load(configFile, System.getenv());
      if (demo) {
        config = config.withDemo(true);
      }
      Node node = Node.start(config);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("Homeroom: shutting down");
        node.stop();
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

  private static void fail(String message) {
    System.err.println("homeroom: " + message);
    System.exit(1);
  }
}
