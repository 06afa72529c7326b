package app.homeroom.http;

import app.homeroom.web.Guard;

import app.homeroom.session.Sessions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bridge sockets one HTTP verticle instance holds, by user: filled on {@code SOCKET_CREATED}, emptied on
 * {@code SOCKET_CLOSED} ({@link BridgeHook}), so that an ended session's sockets can be found and closed at once.
 * Not thread-safe: used on the verticle's event loop only (the bridge hook, the {@code session.revoked} consumer
 * and the expiry sweep all run there).
 */
final class OpenSockets {

  /**
   * Close code when the server ends a socket because its session ended (4000–4999: application). Only the raw
   * {@code /eventbus/websocket} endpoint passes it on: vertx-web closes SockJS sessions with SockJS's own 3000.
   */
  static final int SESSION_ENDED = 4001;

  private static final Logger LOG = LoggerFactory.getLogger(OpenSockets.class);

  /** Close code when the node is stopping (issue 29, point 7): the client reconnects, to another node. */
  static final int NODE_STOPPING = 4002;

  private final Map<Long, Set<SockJSSocket>> byUser = new HashMap<>();
  /** Set once the node stops: new sockets are refused, so clients reconnect to another node. */
  private boolean draining;

  void add(SockJSSocket socket) {
    Sessions.Session s = session(socket);
    if (s != null) {
      byUser.computeIfAbsent(s.identity().userId(), id -> new LinkedHashSet<>()).add(socket);
    }
  }

  /** True when the socket was tracked (accepted at creation and not removed since). */
  boolean remove(SockJSSocket socket) {
    Sessions.Session s = session(socket);
    Set<SockJSSocket> set = s == null ? null : byUser.get(s.identity().userId());
    if (set == null || !set.remove(socket)) {
      return false;
    }
    if (set.isEmpty()) {
      byUser.remove(s.identity().userId());
    }
    return true;
  }

  boolean draining() {
    return draining;
  }

  /**
   * The node is stopping: refuse new sockets from now on, and close every open one, so each client reconnects (to
   * another node: this one no longer answers ready, and soon no longer listens). Returns how many were closed.
   */
  int drain(String reason) {
    draining = true;
    List<SockJSSocket> all = new ArrayList<>();
    byUser.values().forEach(all::addAll);
    for (SockJSSocket socket : all) {
      try {
        socket.close(NODE_STOPPING, reason);
      } catch (RuntimeException e) {
        LOG.debug("Closing a bridge socket while stopping failed: {}", e.toString());
      }
    }
    return all.size();
  }

  /** The user's open sockets (a copy). */
  List<SockJSSocket> of(long userId) {
    Set<SockJSSocket> set = byUser.get(userId);
    return set == null ? List.of() : List.copyOf(set);
  }

  /** Closes the user's sockets of session {@code jti} (all of the user's when null). */
  void closeSession(long userId, String jti, String reason) {
    Set<SockJSSocket> set = byUser.get(userId);
    if (set == null) {
      return;
    }
    List<SockJSSocket> doomed = new ArrayList<>();
    for (SockJSSocket socket : set) {
      Sessions.Session s = session(socket);
      if (jti == null || (s != null && jti.equals(s.jti()))) {
        doomed.add(socket);
      }
    }
    doomed.forEach(socket -> close(socket, reason));
  }

  /** Closes every socket whose session token expired at or before {@code nowSeconds}. */
  void closeExpired(long nowSeconds) {
    List<SockJSSocket> doomed = new ArrayList<>();
    byUser.values().forEach(set -> set.forEach(socket -> {
      Sessions.Session s = session(socket);
      if (s != null && s.expiresAt() <= nowSeconds) {
        doomed.add(socket);
      }
    }));
    doomed.forEach(socket -> close(socket, "Your session has expired"));
  }

  void close(SockJSSocket socket, String reason) {
    // Stays tracked until its SOCKET_CLOSED, which also reports the student offline (presence).
    Sessions.Session s = session(socket);
    LOG.info("Closing a bridge socket of user {}: {}", s == null ? "(none)" : s.identity().userId(), reason);
    try {
      socket.close(SESSION_ENDED, reason);
    } catch (RuntimeException e) {
      LOG.warn("Closing a bridge socket failed: {}", e.toString());
    }
  }

  static Sessions.Session session(SockJSSocket socket) {
    return socket.routingContext() == null ? null : socket.routingContext().get(Guard.SESSION);
  }
}
