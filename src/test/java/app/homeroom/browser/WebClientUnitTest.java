package app.homeroom.browser;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the web client's unit tests ({@code src/test/js}: the bus client, the conversation store, the roster, typing,
 * receipts and acknowledgements, with a fake SockJS and a fake clock) under Node's built-in test runner, so
 * {@code ./mvnw verify} covers them too. Needs {@code node} on the PATH: skipped loudly without it, a failure where
 * browser tests are required (CI).
 */
class WebClientUnitTest {

  @Test
  @DisplayName("Web client unit tests (bus client, conversation store and its around-window, roster, typing tracker,"
      + " receipts, acknowledgements, local times, conversation status, search) pass under node --test")
  void web_client_unit_tests_pass() throws Exception {
    Browsers.requireTool(nodeAvailable(), "node not found on the PATH (install it: apt-get install -y nodejs)");
    Process p = new ProcessBuilder("node", "--experimental-detect-module", "--test", "src/test/js/")
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "node --test did not finish within 120 s");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(output);
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("# fail 0"), output);
    assertTrue(!output.contains("# pass 0"), "no JS test ran:\n" + output);
  }

  private static boolean nodeAvailable() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "node"))) {
        return true;
      }
    }
    return false;
  }
}
