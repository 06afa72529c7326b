package app.homeroom.presence;

import app.homeroom.bus.Address;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Set;

/** What the other features ask of presence: which of some users are online, from this node's cluster-wide view. */
public final class Presence {

  private Presence() {}

  /** Marks each roster row {@code online} from this node's cluster-wide presence view (R2.2); answers the rows. */
  public static Future<JsonArray> markOnline(Vertx vertx, JsonArray students) {
    java.util.List<Long> ids = new java.util.ArrayList<>();
    students.forEach(s -> ids.add(((JsonObject) s).getLong("id")));
    return online(vertx, ids).map(online -> {
      students.forEach(s -> ((JsonObject) s).put("online", online.contains(((JsonObject) s).getLong("id"))));
      return students;
    });
  }

  /** Which of these users have a connection open on any node now (this node's cluster-wide view). */
  public static Future<Set<Long>> online(Vertx vertx, java.util.Collection<Long> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Set.of()); // most searches list no student: no request to the presence verticle
    }
    return vertx.eventBus().<JsonObject>request(Address.PRESENCE_QUERY.address(),
            new JsonObject().put("userIds", new JsonArray(new java.util.ArrayList<>(userIds))),
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000))
        .map(reply -> {
          Set<Long> online = new HashSet<>();
          reply.body().getJsonArray("online").forEach(id -> online.add(((Number) id).longValue()));
          return online;
        });
  }
}
