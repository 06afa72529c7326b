package app.homeroom.integration;

import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import app.homeroom.web.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Pattern;

/**
 * The integration API's tokens (issue 25, point 5): staff manage them ({@code GET /api/tokens}, {@code POST
 * /api/tokens}, {@code POST /api/tokens/:id/revoke}); a request with {@code Authorization: Bearer <token>} may call
 * the roster endpoints only, each as its scope allows, and nothing else (not even this page's routes, nor the live
 * channel): {@link #verifier()} refuses any other route before it looks the token up.
 */
public final class ApiTokenRoutes {

  /** Where a token's request stands on the request: its {@link ApiTokens.Token}. */
  public static final String TOKEN = "hr.apiToken";
  private static final Pattern PERSON = Pattern.compile("^/api/people/\\d+$");

  private final ApiTokens tokens;

  public ApiTokenRoutes(ApiTokens tokens) {
    this.tokens = tokens;
  }

  public void mount(Router router) {
    router.get("/api/tokens").handler(ctx -> Json.respond(ctx, 200, c -> tokens.list(sessionOnly(c))));
    router.post("/api/tokens").handler(ctx -> Json.respond(ctx, 201, c -> tokens.create(sessionOnly(c), Json.body(c))));
    router.post("/api/tokens/:id/revoke").handler(ctx -> Json.respond(ctx, 200,
        c -> tokens.revoke(sessionOnly(c), Params.parseId(c.pathParam("id"), "id"))));
  }

  /** For {@link Guard}: checks a bearer token against the route it calls, then notes it on the request. */
  public TokenVerifier verifier() {
    return (secret, ctx) -> {
      String scope = scopeFor(ctx);
      if (scope == null) {
        return Future.failedFuture(ApiError.forbidden(
            "An API token can call only the roster endpoints (GET /api/people, POST /api/people/upsert,"
                + " POST /api/people/import); see docs/API.md"));
      }
      return tokens.verify(secret).map(v -> {
        if (!v.token().allows(scope)) {
          throw ApiError.forbidden("This API token does not have the " + scope + " scope");
        }
        ctx.put(TOKEN, v.token());
        return v.identity();
      });
    };
  }

  /** The token a request came with, or null for a browser session. */
  public static Long tokenId(RoutingContext ctx) {
    ApiTokens.Token t = ctx.get(TOKEN);
    return t == null ? null : t.id();
  }

  /** The scope a roster endpoint needs, or null when a token may not call it at all. */
  static String scopeFor(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET && (path.equals("/api/people") || PERSON.matcher(path).matches())) {
      return ApiTokens.READ;
    }
    if (method == HttpMethod.POST && path.equals("/api/people/upsert")) {
      return ApiTokens.WRITE;
    }
    if (method == HttpMethod.POST && path.equals("/api/people/import")) {
      return "false".equals(ctx.request().getParam("dryRun")) ? ApiTokens.WRITE : ApiTokens.READ;
    }
    return null;
  }

  private static app.homeroom.bus.Identity sessionOnly(RoutingContext c) {
    if (c.get(TOKEN) != null) {
      throw ApiError.forbidden("API tokens are managed from a staff session");
    }
    return Guard.identity(c);
  }
}
