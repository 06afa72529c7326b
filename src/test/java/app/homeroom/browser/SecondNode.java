package app.homeroom.browser;

import app.homeroom.Node;
import app.homeroom.support.TestEnv;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A second node of the test cluster for the browser tests of one class, where some people work on one node and some
 * on the other (started only when Chromium is there to use it, stopped after the class):
 * {@code @RegisterExtension static final SecondNode second = new SecondNode();}.
 */
final class SecondNode implements BeforeAllCallback, AfterAllCallback {

  private Node node;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (Browsers.chromiumInstalled()) {
      node = TestEnv.startNode();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (node != null) {
      node.stop();
      node = null;
    }
  }

  /** Where a browser signs in to reach this node. */
  String base() {
    return "http://localhost:" + node.httpPort();
  }
}
