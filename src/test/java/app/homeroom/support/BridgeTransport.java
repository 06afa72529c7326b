package app.homeroom.support;

import java.util.UUID;

/** The SockJS transports the bridge serves (JSONP is disabled), and how a test client opens one. */
public enum BridgeTransport {
  WEBSOCKET, XHR_POLLING, XHR_STREAMING, EVENTSOURCE;

  /** Opens a bridge session with a fresh session id. */
  public BridgeClient connect(int port, String cookie, String origin) throws Exception {
    return connect(port, cookie, origin, UUID.randomUUID().toString().substring(0, 8));
  }

  /** Opens a bridge session at {@code /eventbus/000/<sessionId>/...}; fails with {@link Refused} when refused. */
  public BridgeClient connect(int port, String cookie, String origin, String sessionId) throws Exception {
    return this == WEBSOCKET ? SockJsClient.connect(port, cookie, origin, sessionId)
        : SockJsXhrClient.connect(this, port, cookie, origin, sessionId);
  }

  /** An HTTP transport's session request was answered with an error status instead of the open frame. */
  public static final class Refused extends Exception {
    public final int status;

    public Refused(int status, String body) {
      super("refused with " + status + ": " + body);
      this.status = status;
    }
  }
}
