package app.homeroom.web;

import app.homeroom.common.ApiError;
import io.vertx.core.json.JsonObject;

/**
 * Issue 8, point 3: a 429 from a per-user token bucket ({@link UserLimits}). REST answers
 * {@code {"error": {"code": "too_many_requests", "message", "retryAfter": <ms>, "tokenEvery": <ms>}}} with
 * {@code Retry-After} (whole seconds, rounded up); the bridge answers an {@code err} frame with the same code,
 * {@code retryAfter} and {@code tokenEvery}.
 */
public final class RateLimited extends ApiError {

  private final long retryAfterMs;
  /** How often the refused kind's token comes back (ms), or 0 when the refusal is not a token bucket's. */
  private final long tokenEveryMs;
  /** The longest a refused read is held before its answer. */
  static final long HOLD_CAP_MS = 1_000;

  /**
   * A refusal of {@code limits}' bucket of {@code kind}: {@code retryAfter} until the next token, and
   * {@code tokenEvery}, the pace at which what follows is not refused ({@link UserLimits#tokenEveryMs}).
   */
  public RateLimited(UserLimits limits, UserLimits.Kind kind, long retryAfterMs) {
    this("too_many_requests", "Too many " + kind.what + "; try again in "
        + (retryAfterMs < 1000 ? retryAfterMs + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", retryAfterMs / 1000.0)),
        retryAfterMs, limits.tokenEveryMs(kind));
  }

  /** A 429 of another {@code code} (a new bridge socket refused, say), with the same {@code retryAfter}. */
  public RateLimited(String code, String message, long retryAfterMs) {
    this(code, message, retryAfterMs, 0);
  }

  private RateLimited(String code, String message, long retryAfterMs, long tokenEveryMs) {
    super(429, code, message);
    this.retryAfterMs = retryAfterMs;
    this.tokenEveryMs = tokenEveryMs;
  }

  /**
   * A route handler that takes one token of {@code kind} for the signed-in caller (after the Guard), and answers 429
   * {@code too_many_requests} with {@code retryAfter} (ms) and {@code Retry-After} (s) when there is none: the same
   * per-user buckets as the bridge's.
   */
  public static io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> check(UserLimits limits, UserLimits.Kind kind) {
    return check(limits, kind, ctx -> 1);
  }

  /**
   * {@link #check(UserLimits, UserLimits.Kind)} taking {@code cost} tokens for a request (a page of history:
   * {@code ChatService.pageCost}).
   */
  public static io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> check(UserLimits limits, UserLimits.Kind kind,
      java.util.function.ToIntFunction<io.vertx.ext.web.RoutingContext> cost) {
    boolean hold = kind == UserLimits.Kind.READ || kind == UserLimits.Kind.SEARCH;
    return ctx -> {
      long wait = limits.take(Guard.identity(ctx).userId(), kind, cost.applyAsInt(ctx));
      if (wait == 0) {
        ctx.next();
      } else if (!hold) {
        Json.fail(ctx, new RateLimited(limits, kind, wait));
      } else {
        // Issue 24, point 2: a read refused is answered once a token is there (a second at most), not at once. A client
        // that waits as told loses nothing; one that asks again the moment it is refused (a flood, many requests in
        // flight) is slowed to its budget instead of costing the node a refusal per request as fast as it can ask.
        long held = Math.min(wait, HOLD_CAP_MS);
        failAfter(ctx, new RateLimited(limits, kind, Math.max(1, wait - held)), held);
      }
    };
  }

  /** Answers the refusal {@code heldMs} from now (at least 1 ms), unless the client has gone meanwhile. */
  public static void failAfter(io.vertx.ext.web.RoutingContext ctx, ApiError refusal, long heldMs) {
    ctx.vertx().setTimer(Math.max(1, heldMs), t -> {
      if (!ctx.response().closed() && !ctx.response().ended()) {
        Json.fail(ctx, refusal);
      }
    });
  }

  public long retryAfterMs() {
    return retryAfterMs;
  }

  public long tokenEveryMs() {
    return tokenEveryMs;
  }

  /** Whole seconds for the {@code Retry-After} header: never 0 while refused. */
  @Override
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfterMs + 999) / 1000);
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = super.toJson();
    json.getJsonObject("error").put("retryAfter", retryAfterMs);
    if (tokenEveryMs > 0) {
      json.getJsonObject("error").put("tokenEvery", tokenEveryMs);
    }
    return json;
  }
}
