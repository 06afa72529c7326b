package app.homeroom.ops;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;

import java.util.function.BooleanSupplier;

/**
 * Issue 29, point 1: what a load balancer, Docker or Kubernetes asks a node (vertx-health-check).
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process serves HTTP at all (restart it when this fails).</li>
 *   <li>{@code GET /health/ready}: 200 when the node can do its work: {@code database} (a query answers within 2 s),
 *   {@code cluster} (it is a member of the Hazelcast cluster), {@code node} (every verticle deployed); otherwise 503
 *   with the failing check named, so traffic goes to other nodes meanwhile. A node that loses its database turns
 *   not-ready, and ready again once the database is back.</li>
 * </ul>
 * No session, no origin check, nothing about users: names of checks and UP/DOWN only.
 */
public final class HealthRoutes {

  private final HealthChecks ready;

  public HealthRoutes(Vertx vertx, Pool pool, BooleanSupplier started) {
    ready = HealthChecks.create(vertx)
        .register("database", 2_000, p -> pool.query("select 1").execute()
            .onSuccess(rows -> p.complete(Status.OK()))
            .onFailure(err -> p.complete(Status.KO(new JsonObject().put("reason", "the database does not answer")))))
        .register("cluster", 1_000, p -> p.complete(member(vertx) ? Status.OK()
            : Status.KO(new JsonObject().put("reason", "not a member of the cluster"))))
        .register("node", 1_000, p -> p.complete(started.getAsBoolean() ? Status.OK()
            : Status.KO(new JsonObject().put("reason", "still starting, or stopping"))));
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store").end(new JsonObject().put("status", "UP").encode()));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }

  private static boolean member(Vertx vertx) {
    if (!vertx.isClustered()) {
      return false;
    }
    // Vert.x exposes its cluster manager only on the internal interface; isActive() is Hazelcast's own view.
    return vertx instanceof VertxInternal internal && internal.clusterManager() != null
        && internal.clusterManager().isActive();
  }
}
