package app.homeroom.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's Chromium for Playwright. Playwright's own browser download is switched off
 * ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}, set by surefire), so the tests drive {@code /usr/bin/chromium}.
 * Without it the browser tests are skipped with a loud notice, or fail when the system property
 * {@code homeroom.browserTests.required} is {@code true} (as CI sets it).
 */
final class Browsers {

  /** Where Debian's {@code chromium} package puts the browser; {@code -Dhomeroom.chromium=...} overrides it. */
  static final Path CHROMIUM = Paths.get(System.getProperty("homeroom.chromium", "/usr/bin/chromium"));

  /** Screenshots land here for a human to look at after a run. */
  static final Path SCREENSHOTS = Paths.get("target", "screenshots");

  private static final List<String> ARGS = List.of(
      "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run");

  private Browsers() {}

  static boolean chromiumInstalled() {
    return Files.isExecutable(CHROMIUM);
  }

  /** Skips (loudly) or fails the calling test when there is no Chromium to drive. */
  static void requireChromium() {
    requireTool(chromiumInstalled(), "Chromium not found at " + CHROMIUM + " (install it: apt-get install -y chromium)");
  }

  /** Skips (loudly) or, where browser tests are required, fails when a tool the test drives is missing. */
  static void requireTool(boolean present, String why) {
    if (present) {
      return;
    }
    if (Boolean.getBoolean("homeroom.browserTests.required")) {
      fail(why + "; browser tests are required here (homeroom.browserTests.required=true)");
    }
    System.err.println();
    System.err.println("*****************************************************************************");
    System.err.println("*** SKIPPING BROWSER TESTS: " + why);
    System.err.println("*** Set -Dhomeroom.browserTests.required=true to make this a failure.");
    System.err.println("*****************************************************************************");
    System.err.println();
    Assumptions.assumeTrue(false, why);
  }

  static Browser launch(Playwright playwright) {
    return playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(CHROMIUM)
        .setHeadless(true)
        .setArgs(ARGS));
  }

  /** Saves a full-page screenshot as {@code target/screenshots/<name>.png}. */
  static Path screenshot(Page page, String name) {
    Path file = SCREENSHOTS.resolve(name + ".png");
    page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
    return file;
  }
}
