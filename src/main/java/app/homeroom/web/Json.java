package app.homeroom.web;

import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.common.FailureLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/** The one way HTTP handlers answer: JSON bodies, and every failure as {@code {"error": {code, message}}}. */
public final class Json {

  private static final Logger LOG = LoggerFactory.getLogger(Json.class);

  private Json() {}

  public static void ok(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("content-type", "application/json; charset=utf-8")
        .putHeader("cache-control", "no-store")
        .end(body.encode());
  }

  public static void fail(RoutingContext ctx, Throwable cause) {
    if (ctx.response().ended()) {
      return;
    }
    ApiError error = ApiError.from(cause);
    FailureLog.failed(LOG, ctx.request().method() + " " + ctx.request().path(), cause, error);
    if (error.retryAfterSeconds() > 0) {
      ctx.response().putHeader("retry-after", Long.toString(error.retryAfterSeconds()));
    }
    ok(ctx, error.status(), error.toJson());
  }

  /** Runs a handler that produces a future JSON body; any exception or failure becomes the JSON error. */
  public static void respond(RoutingContext ctx, int status, Function<RoutingContext, Future<JsonObject>> handler) {
    Future<JsonObject> result;
    try {
      result = handler.apply(ctx);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(body -> ok(ctx, status, body)).onFailure(err -> fail(ctx, err));
  }

  /** The request body as a JSON object, or a 400/415 explaining what is wrong with it. */
  public static JsonObject body(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      throw notJson();
    }
    try {
      Object parsed = ctx.body().asJsonObject();
      if (parsed == null) {
        throw ApiError.badRequest("Expected a JSON object");
      }
      return (JsonObject) parsed;
    } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
      throw ApiError.badRequest("Malformed JSON");
    }
  }

  /** An optional whole-number query parameter (null when absent or empty), or a 400 naming it. */
  public static Long queryLong(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? null : Params.parseLong(v, name);
  }

  /**
   * The API takes JSON only (docs/API.md), also where a POST reads no body (issue 24, point 10): a request that names
   * another type, or sends a body without naming one, is a 415. A POST with no body and no type is what the web client
   * sends where there is nothing to say.
   */
  public static void jsonOnly(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
    if (type != null ? !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json") : hasBody) {
      fail(ctx, notJson());
    } else {
      ctx.next();
    }
  }

  /** The one answer to a request that is not JSON: {@link #body} and {@link #jsonOnly} both give it. */
  private static ApiError notJson() {
    return new ApiError(415, "unsupported_media_type", "Send JSON with Content-Type: application/json");
  }
}
