package app.homeroom.http;

import app.homeroom.account.Revocations;
import app.homeroom.bus.Address;
import app.homeroom.bus.Identity;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge is the front door, so this hook denies by default. A socket exists only for a signed-in user (the
 * {@link Guard} ran on the request that created it); that user may register only on their own inbox (and admins
 * on the admin inbox), may SEND only to client commands, may never PUBLISH, and every frame they send carries
 * the server's headers, whatever headers they wrote. A refused frame gets the bridge's {@code err} frame
 * ("rejected"); the socket stays open. Each refusal is logged once, at WARN, with the user, the address and the
 * reason (never the body).
 *
 * <p>An allowed command is forwarded to this node's own alias of its address ({@link Address#onNode(String)}), so
 * it is handled on the node the browser is connected to.
 */
final class BridgeHook implements Handler<BridgeEvent> {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** Largest frame a browser may send; a 4,000-character message fits with room to spare. */
  static final int MAX_FRAME_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(BridgeHook.class);

  private final EventBus eventBus;
  private final OpenSockets openSockets;
  private final Revocations revocations;
  private final String nodeId;

  BridgeHook(EventBus eventBus, OpenSockets openSockets, Revocations revocations, String nodeId) {
    this.eventBus = eventBus;
    this.openSockets = openSockets;
    this.revocations = revocations;
    this.nodeId = nodeId;
  }

  @Override
  public void handle(BridgeEvent event) {
    try {
      String refusal = refusal(event);
      if (refusal == null) {
        // Presence counts only sockets that were accepted (tracked), so a socket refused at creation never
        // reports a close without an open.
        if (trackSocket(event)) {
          reportPresence(event);
        }
      } else {
        logRefusal(event, refusal);
      }
      event.complete(refusal == null);
    } catch (RuntimeException e) {
      logRefusal(event, e.toString());
      event.tryComplete(false);
    }
  }

  /** Why the event is refused, or null when it is allowed. */
  private String refusal(BridgeEvent event) {
    Identity who = identity(event.socket());
    return switch (event.type()) {
      case SOCKET_CREATED -> who == null ? "not signed in"
          // Ended between the Guard's check of the request and now (a session.revoked event in between).
          : OpenSockets.session(event.socket()) == null || revocations.knownEnded(OpenSockets.session(event.socket()))
              ? "session ended" : null;
      case REGISTER -> who == null ? "not signed in"
          : event.getRawMessage().getValue("address") instanceof String address && mayRegister(who, address)
              ? null : "not your inbox";
      case SEND -> who == null ? "not signed in" : sendRefusal(who, event);
      case PUBLISH -> "clients may not publish";
      // Deliveries to a socket go only to addresses the REGISTER check already allowed.
      case RECEIVE, REGISTERED, UNREGISTER, SOCKET_PING, SOCKET_IDLE, SOCKET_CLOSED, SOCKET_ERROR -> null;
    };
  }

  /** One WARN line per refused frame: who, what, where and why; never the body (it may be anything). */
  private static void logRefusal(BridgeEvent event, String reason) {
    Identity who = identity(event.socket());
    JsonObject raw = event.getRawMessage();
    LOG.warn("Bridge refused {} from user {} on address '{}': {}", event.type(),
        who == null ? "(none)" : Long.toString(who.userId()), printable(raw == null ? null : raw.getValue("address")), reason);
  }

  /** An attacker-chosen value made safe for a log line: short, one line, no control characters. */
  static String printable(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    StringBuilder out = new StringBuilder(Math.min(s.length(), 100));
    for (int i = 0; i < s.length() && out.length() < 100; i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
    }
    return s.length() > 100 ? out + "…(" + s.length() + " chars)" : out.toString();
  }

  /** Students' sockets opening and closing feed presence (R2.2) on this node. */
  private void reportPresence(BridgeEvent event) {
    BridgeEventType type = event.type();
    if (type != BridgeEventType.SOCKET_CREATED && type != BridgeEventType.SOCKET_CLOSED) {
      return;
    }
    Identity who = identity(event.socket());
    if (who != null && !who.isAdmin()) {
      eventBus.send(Address.PRESENCE_SOCKET.address(),
          new JsonObject().put("userId", who.userId()).put("open", type == BridgeEventType.SOCKET_CREATED), LOCAL);
    }
  }

  /** Open sockets by user, so that an ended session's sockets can be closed (see {@link OpenSockets}). */
  private boolean trackSocket(BridgeEvent event) {
    if (event.type() == BridgeEventType.SOCKET_CREATED) {
      openSockets.add(event.socket());
    } else if (event.type() == BridgeEventType.SOCKET_CLOSED) {
      return openSockets.remove(event.socket());
    }
    return true;
  }

  static boolean mayRegister(Identity who, String address) {
    return Address.userInbox(who.userId()).equals(address)
        || (who.isAdmin() && Address.ADMIN_INBOX.address().equals(address));
  }

  /**
   * Null when the frame may go: a client command (never a reply address, whoever was given it), within the size
   * limit; its headers are then replaced by the server's, and its address by this node's alias of it.
   */
  private String sendRefusal(Identity who, BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    Address command = raw.getValue("address") instanceof String a ? Address.clientCommand(a) : null;
    if (command == null) {
      return "not a client command";
    }
    String address = command.address();
    if (raw.toBuffer().length() > MAX_FRAME_BYTES) {
      return "frame over " + MAX_FRAME_BYTES + " bytes";
    }
    // Identity comes from the server: replace, never merge, whatever the client wrote. A claim to be someone
    // else is not refused (API.md: headers are replaced) but logged once, as a refusal is.
    JsonObject own = who.headersJson();
    if (raw.getValue("headers") instanceof JsonObject claimed
        && claimed.fieldNames().stream().anyMatch(h -> own.containsKey(h.toLowerCase(java.util.Locale.ROOT))
            && !String.valueOf(claimed.getValue(h)).equals(own.getString(h.toLowerCase(java.util.Locale.ROOT))))) {
      LOG.warn("Bridge replaced forged identity headers of SEND from user {} on address '{}'", who.userId(), address);
    }
    raw.put("headers", own);
    // The bridge forwards what the hook leaves in the frame: this node's alias (the only one it permits).
    raw.put("address", command.onNode(nodeId));
    return null;
  }

  private static Identity identity(SockJSSocket socket) {
    return socket.routingContext() == null ? null : socket.routingContext().get(Guard.IDENTITY);
  }
}
