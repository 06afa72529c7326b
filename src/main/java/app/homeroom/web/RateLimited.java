package app.homeroom.web;

import app.homeroom.common.ApiError;
import io.vertx.core.json.JsonObject;

/**
 * Issue 8, point 3: a 429 from a per-user token bucket ({@link UserLimits}). REST answers
 * {@code {"error": {"code": "too_many_requests", "message", "retryAfter": <ms>}}} with {@code Retry-After} (whole
 * seconds, rounded up); the bridge answers an {@code err} frame with the same code and {@code retryAfter}.
 */
public final class RateLimited extends ApiError {

  private final long retryAfterMs;

  public RateLimited(UserLimits.Kind kind, long retryAfterMs) {
    super(429, "too_many_requests", "Too many " + kind.what + "; try again in "
        + (retryAfterMs < 1000 ? retryAfterMs + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", retryAfterMs / 1000.0)));
    this.retryAfterMs = retryAfterMs;
  }

  public long retryAfterMs() {
    return retryAfterMs;
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
    return json;
  }
}
