package app.homeroom.http;

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
 * ("rejected"); the socket stays open.
 */
final class BridgeHook implements Handler<BridgeEvent> {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** Largest frame a browser may send; a 4,000-character message fits with room to spare. */
  static final int MAX_FRAME_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(BridgeHook.class);

  private final EventBus eventBus;

  BridgeHook(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  @Override
  public void handle(BridgeEvent event) {
    try {
      boolean allowed = allowed(event);
      if (allowed) {
        reportPresence(event);
      }
      event.complete(allowed);
    } catch (RuntimeException e) {
      LOG.warn("Bridge event {} refused: {}", event.type(), e.toString());
      event.tryComplete(false);
    }
  }

  private boolean allowed(BridgeEvent event) {
    Identity who = identity(event.socket());
    return switch (event.type()) {
      case SOCKET_CREATED -> who != null;
      case REGISTER -> who != null && mayRegister(who, event.getRawMessage().getString("address"));
      case SEND -> who != null && maySend(who, event);
      case PUBLISH -> false;
      // Deliveries to a socket go only to addresses the REGISTER check already allowed.
      case RECEIVE, REGISTERED, UNREGISTER, SOCKET_PING, SOCKET_IDLE, SOCKET_CLOSED, SOCKET_ERROR -> true;
    };
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

  static boolean mayRegister(Identity who, String address) {
    return Address.userInbox(who.userId()).equals(address)
        || (who.isAdmin() && Address.ADMIN_INBOX.address().equals(address));
  }

  private static boolean maySend(Identity who, BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    if (!Address.isClientCommand(raw.getString("address"))) {
      return false;
    }
    if (raw.toBuffer().length() > MAX_FRAME_BYTES) {
      return false;
    }
    // Identity comes from the server: replace, never merge, whatever the client wrote.
    raw.put("headers", who.headersJson());
    return true;
  }

  private static Identity identity(SockJSSocket socket) {
    return socket.routingContext() == null ? null : socket.routingContext().get(Guard.IDENTITY);
  }
}
