package app.homeroom.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Raw bridge clients of one test on the shared test node, each signed in as someone; {@link #close()} closes them all. */
public final class LiveClients implements AutoCloseable {

  private final List<SockJsClient> clients = new CopyOnWriteArrayList<>();

  /** A SockJS client on the test node with {@code who}'s session, from the node's own origin. */
  public SockJsClient connect(Api who) throws Exception {
    int port = TestEnv.node().httpPort();
    SockJsClient c = SockJsClient.connect(port, who.sessionCookie(), "http://localhost:" + port);
    clients.add(c);
    return c;
  }

  @Override
  public void close() {
    clients.forEach(SockJsClient::close);
    clients.clear();
  }
}
