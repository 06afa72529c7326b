package app.homeroom.browser;

import app.homeroom.Node;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.support.TestEnv;
import com.microsoft.playwright.Page;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 26 in a browser: the sign-in page's provider button, through a real OpenID Connect provider
 * (mock-oauth2-server in this JVM) and back, to the student's chat; and a refusal shown in words.
 */
class SsoBrowserTest extends BrowserTestBase {

  static MockOAuth2Server provider;
  static Node node;

  @BeforeAll
  static void startProvider() {
    provider = new MockOAuth2Server();
    provider.start(TestEnv.freePort());
    String issuer = provider.issuerUrl("school").toString();
    node = TestEnv.startNode(c -> c.withMail(HomeroomConfig.Mail.none().withPublicUrl("http://localhost:" + c.http().port()))
        .withSso(new HomeroomConfig.Sso(List.of(new HomeroomConfig.OidcProvider("school", "School Login", issuer,
            "homeroom-browser", "secret", List.of("test.school"), null, null, null)), Set.of("admin"))));
  }

  @AfterAll
  static void stopProvider() {
    if (node != null) {
      node.close();
    }
    if (provider != null) {
      provider.shutdown();
    }
  }

  @Test
  @DisplayName("Issue 26: a student clicks 'Sign in with School Login' and lands in their chat; a stranger is told why not")
  void provider_button_to_the_chat() {
    long conversation = school.openConversation(school.student);
    say(school.staff, conversation, "Welcome back, Sam");
    base = "http://localhost:" + node.httpPort();

    provider.enqueueCallback(new DefaultOAuth2TokenCallback("school", "google-sam", "JWT", null,
        Map.of("email", STUDENT_EMAIL, "email_verified", true), 3600));
    Page sam = watch(newContext().newPage(), "sam");
    sam.navigate(base + "/");
    assertThat(sam.getByTestId("sso-school")).hasText("Sign in with School Login");
    Browsers.screenshot(sam, "sso-login-page");
    sam.getByTestId("sso-school").click();
    assertThat(sam).hasURL(Pattern.compile(".*/student$"));
    assertThat(sam.getByTestId("connection-status")).hasAttribute("data-state", "live");
    studentChat(sam);
    assertThat(sam.getByTestId("message-body")).hasText("Welcome back, Sam");

    provider.enqueueCallback(new DefaultOAuth2TokenCallback("school", "someone", "JWT", null,
        Map.of("email", "someone@test.school", "email_verified", true), 3600));
    Page stranger = watch(newContext().newPage(), "stranger");
    stranger.navigate(base + "/login");
    stranger.getByTestId("sso-school").click();
    assertThat(stranger).hasURL(base + "/login");
    assertThat(stranger.getByTestId("sso-error")).containsText("not in Homeroom yet");
    assertThat(stranger.getByTestId("sso-school")).isVisible();
    Browsers.screenshot(stranger, "sso-refused");
    assertTrue(pageErrors.isEmpty(), () -> "page errors: " + pageErrors);
  }
}
