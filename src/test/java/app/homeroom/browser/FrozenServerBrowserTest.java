package app.homeroom.browser;

import app.homeroom.support.TestEnv;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, point 5 (R1.4's frozen server): a node that stops answering without closing anything (SIGSTOP: every socket
 * stays open, nothing is said) is noticed by the browser within about ten seconds: the status leaves "Live", and a
 * message written meanwhile waits and is delivered once when the node carries on.
 */
class FrozenServerBrowserTest extends BrowserTestBase {

  @Test
  @DisplayName("R1.4 / issue 24.5: a frozen server is noticed within ~10 s; a message written meanwhile arrives once after")
  void a_frozen_server_is_noticed() throws Exception {
    try (TestEnv.ChildNode node = TestEnv.startChildNode()) {
      long conversation = school.openConversation(school.student);
      base = node.baseUrl();
      Page ada = signIn(ADMIN_EMAIL);
      ada.navigate(base + "/admin/students/" + school.student);
      assertThat(ada.getByTestId("connection-status")).hasAttribute("data-state", "live");
      assertThat(ada.getByTestId("chat-title")).hasText("Sam Student");

      node.freeze();
      long frozenAt = System.nanoTime();
      try {
        assertThat(ada.getByTestId("connection-status")).not().hasAttribute("data-state", "live",
            new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(14_000));
        long noticedMs = (System.nanoTime() - frozenAt) / 1_000_000;
        System.out.println("[FrozenServerBrowserTest] frozen server noticed after " + noticedMs + " ms");
        assertTrue(noticedMs <= 13_000, "noticed after " + noticedMs + " ms");
        ada.getByTestId("composer").fill("Written while the server stood still");
        ada.getByTestId("send-button").click();
        assertThat(ada.locator("[data-testid=message][data-pending=true]")).hasCount(1);
        Browsers.screenshot(ada, "frozen-server-noticed");
      } finally {
        node.thaw();
      }
      assertThat(ada.getByTestId("connection-status")).hasAttribute("data-state", "live",
          new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
      assertThat(ada.locator("[data-testid=message][data-pending=false] [data-testid=message-body]"))
          .hasText(Pattern.compile("Written while the server stood still"),
              new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(30_000));
      assertEquals(1, school.db.queryLong("select count(*) from messages where conversation_id = " + conversation
          + " and body = 'Written while the server stood still'"));
    }
  }
}
