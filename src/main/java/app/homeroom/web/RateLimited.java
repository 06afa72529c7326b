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
  /** The longest a refused read is held before its answer, while the user has at most {@link #HELD_FREELY} held. */
  static final long HOLD_CAP_MS = 1_000;
  /**
   * Refusals of one user held at once on a node beyond which they are a flood: more than the 6 connections a browser
   * opens to one host, so a person (one tab or several) never gets there.
   */
  public static final int HELD_FREELY = 8;
  /** The longest a refusal beyond {@link #HELD_FREELY} held at once is held. */
  public static final long FLOOD_HOLD_MS = 5_000;

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
      long userId = Guard.identity(ctx).userId();
      long wait = limits.take(userId, kind, cost.applyAsInt(ctx));
      if (wait == 0) {
        ctx.next();
      } else if (!hold) {
        Json.fail(ctx, new RateLimited(limits, kind, wait));
      } else {
        // Issue 24, point 2: a read refused is answered once a token is there (a second at most), not at once. A client
        // that waits as told loses nothing; one that asks again the moment it is refused (a flood, many requests in
        // flight) is slowed to its budget instead of costing the node a refusal per request as fast as it can ask.
        failAfter(ctx, limits, kind, userId, wait);
      }
    };
  }

  /**
   * Holds a refused read or search until a token is there (a second at most), then answers the 429; its
   * {@code retryAfter} is what is left to wait after the hold. Two things keep a flood of them cheap (issue 24, point 2;
   * docs/PERFORMANCE-LOG.md, "a seventh look"):
   * <ul>
   *   <li>The answer comes at a random moment within one token's interval after the token
   *   ({@link UserLimits#tokenEveryMs}). A flooder's requests in flight, refused in the same instant, would otherwise
   *   all wait for the same token and come back together, to be refused together again: a clump of work for the event
   *   loops at every token, which everyone's sends stood behind. A client that asks again when answered still finds
   *   its token.</li>
   *   <li>A user with more than {@link #HELD_FREELY} refusals held at once on this node is flooding (a browser opens
   *   at most 6 connections to a host): theirs are held for a random time up to {@link #FLOOD_HOLD_MS}, so 60 requests
   *   in flight come back about 20 times a second, not 175.</li>
   * </ul>
   */
  static void failAfter(io.vertx.ext.web.RoutingContext ctx, UserLimits limits, UserLimits.Kind kind, long userId,
                        long wait) {
    int heldNow = limits.holdRefusal(userId);
    long held = heldFor(wait, limits.tokenEveryMs(kind), heldNow,
        java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    failAfter(ctx, new RateLimited(limits, kind, Math.max(1, wait - held)), held, () -> limits.releaseRefusal(userId));
  }

  /**
   * How long a refusal that would get a token in {@code wait} ms is held, {@code heldNow} of the user's being held
   * (this one counted), {@code spread} from 0 to 1: at most {@link #HELD_FREELY} held, from {@code wait} to
   * {@code wait + tokenEvery}, never over {@link #HOLD_CAP_MS}; beyond, from {@code wait} to {@link #FLOOD_HOLD_MS}.
   */
  static long heldFor(long wait, long tokenEveryMs, int heldNow, double spread) {
    if (heldNow <= HELD_FREELY) {
      return Math.min(HOLD_CAP_MS, wait + (long) (spread * tokenEveryMs));
    }
    long from = Math.min(wait, FLOOD_HOLD_MS);
    return from + (long) (spread * (FLOOD_HOLD_MS - from));
  }

  /** Answers the refusal {@code heldMs} from now (at least 1 ms), unless the client has gone meanwhile. */
  public static void failAfter(io.vertx.ext.web.RoutingContext ctx, ApiError refusal, long heldMs) {
    failAfter(ctx, refusal, heldMs, () -> { });
  }

  /** As above, running {@code released} when the hold ends, whether or not the client is still there. */
  private static void failAfter(io.vertx.ext.web.RoutingContext ctx, ApiError refusal, long heldMs, Runnable released) {
    ctx.vertx().setTimer(Math.max(1, heldMs), t -> {
      released.run();
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
