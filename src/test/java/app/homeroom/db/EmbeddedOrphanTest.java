package app.homeroom.db;

import app.homeroom.support.Await;
import app.homeroom.support.TestEnv;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, point 8: the embedded PostgreSQL of a node killed with SIGKILL keeps running with nobody to stop it. The
 * next node on that data folder adopts it (documented choice: other nodes may be using it, so it keeps serving) and
 * stops it when it stops itself.
 */
class EmbeddedOrphanTest {

  static boolean served(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("localhost", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  @DisplayName("Issue 24.8: a killed node's embedded PostgreSQL is adopted by the next node there, and stopped with it")
  void an_orphan_is_adopted_and_stopped() throws Exception {
    int pgPort = TestEnv.freePort();
    Path data = Files.createTempDirectory("homeroom-orphan").resolve("postgres");
    Map<String, String> embedded = new HashMap<>();
    embedded.put("HOMEROOM_DB_URL", null);
    embedded.put("HOMEROOM_DB_USER", null);
    embedded.put("HOMEROOM_DB_EMBEDDED_PORT", Integer.toString(pgPort));
    embedded.put("HOMEROOM_DATA_DIR", data.toString());
    embedded.put("HOMEROOM_CLUSTER_NAME", "homeroom-orphan-" + UUID.randomUUID());

    TestEnv.ChildNode first = TestEnv.startChildNode(embedded);
    assertTrue(served(pgPort));
    first.kill(); // returns once the process is gone
    assertTrue(served(pgPort), "after SIGKILL the server is an orphan, still running");

    try (TestEnv.ChildNode second = TestEnv.startChildNode(embedded)) {
      assertTrue(Files.readString(second.log()).contains("this node adopts it"), Files.readString(second.log()));
      second.stop();
      Await.until(() -> !served(pgPort), 30_000, "the adopted server stops with its new owner");
    } finally {
      if (served(pgPort)) {
        System.err.println("[EmbeddedOrphanTest] the server still runs on " + pgPort);
      }
    }
  }
}
