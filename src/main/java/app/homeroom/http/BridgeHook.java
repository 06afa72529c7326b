package app.homeroom.http;

import app.homeroom.common.FailureLog;

import app.homeroom.web.UserLimits;

import app.homeroom.web.RateLimited;

import app.homeroom.web.Guard;

import app.homeroom.session.Revocations;
import app.homeroom.bus.Address;
import app.homeroom.chat.ChatService;
import app.homeroom.bus.EventType;
import app.homeroom.bus.Events;
import app.homeroom.bus.Identity;
import app.homeroom.config.HomeroomConfig;
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

  /** Close code for a socket closed for persistent abuse (raw WebSocket; SockJS sessions close with SockJS's own). */
  static final int CLOSED_FOR_ABUSE = 4029;

  private final EventBus eventBus;
  private final OpenSockets openSockets;
  private final Revocations revocations;
  private final UserLimits limits;
  private final String nodeId;
  /** Rate-limit refusals per socket in the current window; only sockets that were refused are in it. */
  private final java.util.Map<SockJSSocket, long[]> refusals = new java.util.HashMap<>();

  BridgeHook(EventBus eventBus, OpenSockets openSockets, Revocations revocations, UserLimits limits, String nodeId) {
    this.eventBus = eventBus;
    this.openSockets = openSockets;
    this.revocations = revocations;
    this.limits = limits;
    this.nodeId = nodeId;
  }

  @Override
  public void handle(BridgeEvent event) {
    try {
      if (event.type() == BridgeEventType.RECEIVE) {
        receive(event);
        return;
      }
      String refusal = refusal(event);
      if (refusal == null && event.type() == BridgeEventType.SEND) {
        rateLimit(event);
        toThisNode(event);
      }
      if (refusal == null) {
        // Presence counts only sockets that were accepted (tracked), so a socket refused at creation never
        // reports a close without an open.
        if (trackSocket(event)) {
          reportPresence(event);
        }
      } else if (event.type() != BridgeEventType.SOCKET_CREATED || logsSocketRefusal(event)) {
        logRefusal(event, refusal);
      }
      event.complete(refusal == null);
    } catch (RuntimeException e) {
      logRefusal(event, e.toString());
      event.tryComplete(false);
    }
  }

  /**
   * An event on its way to a socket (every REGISTER was checked already). Not a refusal either way (nothing to log):
   * <ul>
   *   <li>the typist's own typing is not sent at all: their clients drop it;</li>
   *   <li>an event published through {@link Events} is written here, as the frame the bridge would write, encoded
   *   once for every socket on its address ({@link Events#bridgeFrame}); the bridge is then told not to write it
   *   again (completed with false, which for a RECEIVE only skips the write);</li>
   *   <li>anything else goes the bridge's usual way.</li>
   * </ul>
   */
  private void receive(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    if (ownTyping(event)) {
      event.complete(false);
      return;
    }
    String frame = raw.getValue("replyAddress") == null && raw.getValue("headers") == null
        && raw.getValue("address") instanceof String address ? Events.bridgeFrame(raw.getValue("body"), address) : null;
    if (frame == null) {
      event.complete(true);
      return;
    }
    event.socket().write(frame);
    event.complete(false);
  }

  /** Why the event is refused, or null when it is allowed. */
  private String refusal(BridgeEvent event) {
    Identity who = identity(event.socket());
    return switch (event.type()) {
      case SOCKET_CREATED -> openSockets.draining() ? "this node is stopping: reconnect to another one"
          : who == null ? "not signed in"
          // Ended between the Guard's check of the request and now (a session.revoked event in between).
          : OpenSockets.session(event.socket()) == null || revocations.knownEnded(OpenSockets.session(event.socket()))
              ? "session ended"
          // Issue 24, point 3: a user whose socket was just closed for abuse does not get a new one at once.
          : limits.refuseWhileBlocked(who.userId()) > 0
              ? "closed for abuse: new sockets refused for another " + (limits.socketBlockedForMs(who.userId()) + 999) / 1000 + " s"
          // Counted last, so that only a socket that is accepted counts (released at its SOCKET_CLOSED).
          : !limits.openSocket(who.userId())
              ? "too many open sockets (at most " + limits.config().socketsPerUser() + " per user on a node)" : null;
      case REGISTER -> who == null ? "not signed in"
          : event.getRawMessage().getValue("address") instanceof String address && mayRegister(who, address)
              ? null : "not your inbox";
      case SEND -> who == null ? "not signed in" : sendRefusal(who, event);
      case PUBLISH -> "clients may not publish";
      // Deliveries to a socket go only to addresses the REGISTER check already allowed.
      case RECEIVE, REGISTERED, UNREGISTER, SOCKET_PING, SOCKET_IDLE, SOCKET_CLOSED, SOCKET_ERROR -> null;
    };
  }

  /**
   * A typing event on its way to a socket of the typist themselves (typing goes to every participant's inbox, the
   * typist's included): a quarter of the typing frames a node writes (issue 9).
   */
  private static boolean ownTyping(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    if (raw == null || !(raw.getValue("body") instanceof JsonObject body)
        || !EventType.TYPING.type().equals(body.getValue("type"))) {
      return false;
    }
    Identity who = identity(event.socket());
    return who != null && body.getValue("userId") instanceof Number typist && typist.longValue() == who.userId();
  }

  /**
   * A refused new socket of a signed-in user is logged once per user every 10 s (issue 24, point 9: a script that
   * reconnects in a loop must not flood the log): whether this one is.
   */
  private boolean logsSocketRefusal(BridgeEvent event) {
    Identity who = identity(event.socket());
    return who == null || limits.logRefusal(who.userId(), "bridge socket") >= 0;
  }

  /** One WARN line per refused frame: who, what, where and why; never the body (it may be anything). */
  private static void logRefusal(BridgeEvent event, String reason) {
    Identity who = identity(event.socket());
    JsonObject raw = event.getRawMessage();
    LOG.warn("Bridge refused {} from user {} on address '{}': {}", event.type(),
        who == null ? "(none)" : Long.toString(who.userId()), FailureLog.printable(raw == null ? null : raw.getValue("address")), reason);
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
      refusals.remove(event.socket());
      boolean tracked = openSockets.remove(event.socket());
      if (tracked) {
        limits.closeSocket(identity(event.socket()).userId());
      }
      return tracked;
    } else if (event.type() == BridgeEventType.SOCKET_ERROR) {
      // A WebSocket message over the server's cap (HttpVerticle: 256 KiB, in any number of fragments) ends the SockJS
      // session but vertx-web leaves the connection itself open, silently dropping what follows: close it, so the
      // client learns at once (issue 8, point 3).
      event.socket().close();
    }
    return true;
  }

  /**
   * Issue 8, point 3: a client command over the user's rate ({@link UserLimits}) is answered with an {@code err}
   * frame {@code {failureCode: 429, code: "too_many_requests", retryAfter: ms, tokenEvery: ms}} (to its reply address when it has
   * one, so the caller's request fails at once) and diverted to {@link Address#BRIDGE_DISCARD}: nothing reaches the
   * chat service. {@code refusalsBeforeClose} refusals within {@link HomeroomConfig.Limits#ABUSE_WINDOW_MS} close the
   * socket; the user's other sockets stay open (they share the user's buckets, so they are slowed alike).
   */
  private void rateLimit(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    String address = raw.getString("address");
    UserLimits.Kind kind = UserLimits.Kind.of(address);
    if (kind == null) {
      return;
    }
    Identity who = identity(event.socket());
    int cost = kind == UserLimits.Kind.READ && raw.getValue("body") instanceof JsonObject body
        ? ChatService.pageCost(body.getValue("limit")) : 1;
    long wait = limits.take(who.userId(), kind, cost);
    if (wait == 0) {
      return;
    }
    SockJSSocket socket = event.socket();
    RateLimited limited = new RateLimited(limits, kind, wait);
    JsonObject err = new JsonObject().put("type", "err").put("failureCode", 429).put("failureType", "RECIPIENT_FAILURE")
        .put("code", limited.code()).put("message", limited.getMessage()).put("retryAfter", wait)
        .put("tokenEvery", limited.tokenEveryMs());
    if (raw.getValue("replyAddress") instanceof String reply) {
      err.put("address", reply);
    }
    socket.write(err.encode());
    raw.put("address", Address.BRIDGE_DISCARD.address()).remove("replyAddress");
    raw.put("body", new JsonObject());

    long now = System.currentTimeMillis();
    long[] window = refusals.computeIfAbsent(socket, s -> new long[] {now, 0});
    if (now - window[0] > HomeroomConfig.Limits.ABUSE_WINDOW_MS) {
      window[0] = now;
      window[1] = 0;
    }
    window[1]++;
    if (window[1] == 1) {
      LOG.warn("Bridge rate-limited {} from user {} on address '{}': {} (further refusals on this socket in the next {} s"
          + " are not logged)", kind, who.userId(), address,
          limited.getMessage(), HomeroomConfig.Limits.ABUSE_WINDOW_MS / 1000);
    }
    if (window[1] >= limits.config().refusalsBeforeClose()) {
      long backoff = limits.closedForAbuse(who.userId());
      LOG.warn("Bridge closing a socket of user {}: {} rate-limit refusals within {} s; their new sockets on this node"
          + " are refused for {} s", who.userId(), window[1], HomeroomConfig.Limits.ABUSE_WINDOW_MS / 1000, backoff / 1000);
      refusals.remove(socket);
      socket.write(new JsonObject().put("type", "err").put("failureCode", 429).put("code", "closed_for_abuse")
          .put("message", "Too many refused requests: this connection is closed").encode());
      socket.close(CLOSED_FOR_ABUSE, "Too many requests");
    }
  }

  /**
   * The bridge forwards what the hook leaves in the frame: an allowed command goes to this node's alias of it (the
   * only command addresses the bridge permits), so it is handled on this node ({@link Address#onNode(String)}).
   */
  private void toThisNode(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    Address command = raw.getValue("address") instanceof String a ? Address.clientCommand(a) : null;
    if (command != null) {
      raw.put("address", command.onNode(nodeId));
    }
  }

  static boolean mayRegister(Identity who, String address) {
    return Address.userInbox(who.userId()).equals(address)
        || (who.isAdmin() && Address.ADMIN_INBOX.address().equals(address));
  }

  /**
   * Null when the frame may go: a client command (never a reply address, whoever was given it), within the size
   * limit; its headers are then replaced by the server's.
   */
  private String sendRefusal(Identity who, BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    Address command = raw.getValue("address") instanceof String a ? Address.clientCommand(a) : null;
    if (command == null) {
      return "not a client command";
    }
    String address = command.address();
    if (!FrameSize.fits(raw, MAX_FRAME_BYTES)) {
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
    return null;
  }

  private static Identity identity(SockJSSocket socket) {
    return socket.routingContext() == null ? null : socket.routingContext().get(Guard.IDENTITY);
  }
}
