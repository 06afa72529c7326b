package app.homeroom.presence;

import app.homeroom.common.ApiError;
import app.homeroom.bus.Address;
import app.homeroom.bus.BusCodec;
import app.homeroom.bus.Event;
import app.homeroom.bus.EventType;
import app.homeroom.bus.Events;
import app.homeroom.config.HomeroomConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Who is online, cluster-wide (R2.2). One instance per node. It counts the students' bridge sockets on this node
 * (reported by the bridge hook), tells the cluster when a student's first socket opens or last one closes here,
 * and every heartbeat re-announces all of this node's online students. Every node keeps the same
 * {@link PresenceView}; a claim no heartbeat renews within the TTL expires, so a node killed without closing its
 * sockets leaves nobody "online" for longer than the TTL. Each node pushes the flips it sees to the admin sockets
 * it holds itself (a node-local publish), so every admin gets each change once.
 *
 * <p>Consumes {@link Address#PRESENCE_SOCKET} and {@link Address#PRESENCE_QUERY} (node-local),
 * {@link Address#PRESENCE_NODE_CHANGED}, {@link Address#PRESENCE_NODE_HEARTBEAT}, {@link Address#PRESENCE_SYNC}
 * (cluster). Publishes those three cluster addresses, and {@link EventType#PRESENCE_CHANGED} on
 * {@link Address#ADMIN_INBOX} to this node's admin sockets.
 */
public class PresenceVerticle extends VerticleBase {


  private final HomeroomConfig.Presence settings;
  private final String nodeId = UUID.randomUUID().toString();
  private PresenceView view;

  public PresenceVerticle(HomeroomConfig.Presence settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    view = new PresenceView(settings.ttlSeconds() * 1000L);
    EventBus eb = vertx.eventBus();
    List<Future<Void>> registered = List.of(
        eb.<JsonObject>localConsumer(Address.PRESENCE_SOCKET.address(), msg -> socket(msg.body())).completion(),
        eb.<JsonObject>localConsumer(Address.PRESENCE_QUERY.address(), msg -> {
          try {
            msg.reply(query(msg.body()));
          } catch (RuntimeException e) {
            msg.fail(400, e.getMessage());
          }
        }).completion(),
        eb.<JsonObject>consumer(Address.PRESENCE_NODE_CHANGED.address(), msg -> push(view.claim(
            msg.body().getString("nodeId"), msg.body().getLong("userId"), msg.body().getBoolean("online"), now())
            .map(List::of).orElse(List.of()))).completion(),
        eb.<JsonObject>consumer(Address.PRESENCE_NODE_HEARTBEAT.address(), msg -> {
          Set<Long> users = new HashSet<>();
          msg.body().getJsonArray("users").forEach(u -> users.add(((Number) u).longValue()));
          push(view.heartbeat(msg.body().getString("nodeId"), users, now()));
        }).completion(),
        eb.<JsonObject>consumer(Address.PRESENCE_SYNC.address(), msg -> {
          if (!nodeId.equals(msg.body().getString("nodeId"))) {
            heartbeat();
          }
        }).completion());
    long heartbeatMillis = settings.heartbeatSeconds() * 1000L;
    vertx.setPeriodic(heartbeatMillis, id -> heartbeat());
    // Sweep often enough that a lapsed claim is reported within a second or so of lapsing.
    vertx.setPeriodic(Math.min(1000, heartbeatMillis), id -> push(view.expire(now())));
    return Future.all(registered).onSuccess(v ->
        eb.publish(Address.PRESENCE_SYNC.address(), new JsonObject().put("nodeId", nodeId)));
  }

  /** On a clean stop, tell the cluster at once that this node's students are no longer online here. */
  @Override
  public Future<?> stop() {
    vertx.eventBus().publish(Address.PRESENCE_NODE_HEARTBEAT.address(),
        new JsonObject().put("nodeId", nodeId).put("users", new JsonArray()));
    return Future.succeededFuture();
  }

  private void socket(JsonObject body) {
    long userId = body.getLong("userId");
    boolean open = body.getBoolean("open");
    boolean flipped = open ? view.socketOpened(userId) : view.socketClosed(userId);
    if (flipped) {
      vertx.eventBus().publish(Address.PRESENCE_NODE_CHANGED.address(),
          new JsonObject().put("nodeId", nodeId).put("userId", userId).put("online", open));
    }
  }

  private void heartbeat() {
    vertx.eventBus().publish(Address.PRESENCE_NODE_HEARTBEAT.address(),
        new JsonObject().put("nodeId", nodeId).put("users", new JsonArray(List.copyOf(view.localUsers()))));
  }

  private JsonObject query(JsonObject body) {
    JsonArray ids = body.getJsonArray("userIds");
    if (ids == null) {
      throw ApiError.badRequest("'userIds' is required");
    }
    long now = now();
    JsonArray online = new JsonArray();
    ids.forEach(id -> {
      long u = ((Number) id).longValue();
      if (view.isOnline(u, now)) {
        online.add(u);
      }
    });
    return new JsonObject().put("online", online);
  }

  private void push(List<PresenceView.Change> changes) {
    for (PresenceView.Change c : changes) {
      Events.publishOnThisNode(vertx.eventBus(), BusCodec.encode(new Event.PresenceChanged(c.userId(), c.online())),
          Address.ADMIN_INBOX.address());
    }
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
