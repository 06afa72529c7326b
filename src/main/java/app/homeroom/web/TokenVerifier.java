package app.homeroom.web;

import app.homeroom.bus.Identity;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * Checks the bearer token of a request that came without a session ({@code Authorization: Bearer …}, the integration
 * API of issue 25, point 5): the identity it acts for, or a failed future (401). It may note on {@code ctx} what the
 * token allows, for the routes to enforce.
 */
@FunctionalInterface
public interface TokenVerifier {
  Future<Identity> verify(String token, RoutingContext ctx);
}
