package app.homeroom.common;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * A refusal the caller should see, with its HTTP status. The same error crosses the event bus as
 * {@code message.fail(status, message)} (the bridge turns it into an {@code err} frame with that failureCode)
 * and comes back to HTTP through {@link #from(Throwable)}, so REST and bridge callers get the same answer.
 */
public class ApiError extends RuntimeException {

  private final int status;
  private final String code;

  public ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonObject toJson() {
    JsonObject error = new JsonObject().put("code", code).put("message", getMessage());
    JsonObject details = details();
    return new JsonObject().put("error", details == null ? error : error.put("details", details));
  }

  /** What a caller needs to act on the refusal (a roster file's columns, say), or null; see {@link #withDetails}. */
  public JsonObject details() {
    return null;
  }

  /** The same refusal carrying {@code details} in its JSON answer ({@code error.details}). */
  public ApiError withDetails(JsonObject details) {
    ApiError self = this;
    return new ApiError(status, code, getMessage()) {
      @Override
      public JsonObject details() {
        return details;
      }

      @Override
      public long retryAfterSeconds() {
        return self.retryAfterSeconds();
      }
    };
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message);
  }

  /** Understood but unusable as it is: a roster file with invalid rows or no usable column (issue 25). */
  public static ApiError unprocessable(String message) {
    return new ApiError(422, "unprocessable", message);
  }

  public static ApiError tooManyRequests(String message) {
    return new ApiError(429, "too_many_requests", message);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, "unavailable", message);
  }

  public static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 422 -> "unprocessable";
      case 429 -> "too_many_requests";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal" : "bad_request";
    };
  }

  /**
   * A lost or refused database connection (SQLSTATE classes 08 and 57P, too many connections, a closed or
   * refused socket): the caller may retry, so it is a 503, not our bug.
   */
  static boolean databaseUnreachable(Throwable t) {
    return firstCause(t, c -> c instanceof PgException || c instanceof java.net.ConnectException
        || c instanceof ClosedConnectionException || c instanceof java.nio.channels.ClosedChannelException,
        c -> !(c instanceof PgException pg) || isConnectionState(pg.getSqlState()));
  }

  private static boolean isConnectionState(String sqlState) {
    String state = sqlState == null ? "" : sqlState;
    return state.startsWith("08") || state.startsWith("57P") || state.equals("53300");
  }

  /**
   * The node's database pool has more requests waiting than it queues (a burst such as thousands of clients
   * catching up at once): an overload the caller can retry, so a 503, not our bug.
   */
  static boolean databaseBusy(Throwable t) {
    return firstCause(t, c -> c instanceof io.vertx.core.http.ConnectionPoolTooBusyException, c -> true);
  }

  /** Walks the causes to the first one {@code found} picks, and answers {@code test} on it (false when none). */
  private static boolean firstCause(Throwable t, java.util.function.Predicate<Throwable> found,
                                    java.util.function.Predicate<Throwable> test) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (found.test(c)) {
        return test.test(c);
      }
    }
    return false;
  }

  /** Any failure as an ApiError: our own as is, event-bus failures by their code, anything else as a 500. */
  public static ApiError from(Throwable t) {
    if (t instanceof ApiError e) {
      return e;
    }
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() >= 400 && re.failureCode() < 600) {
        return new ApiError(re.failureCode(), codeFor(re.failureCode()), re.getMessage());
      }
      return unavailable("The chat service did not answer; try again");
    }
    if (databaseUnreachable(t)) {
      return unavailable("The database is unreachable; nothing was stored. Try again shortly");
    }
    if (databaseBusy(t)) {
      return unavailable("The server is too busy right now; nothing was stored. Try again shortly");
    }
    return new ApiError(500, "internal", "Something went wrong on our side");
  }

  /** Whole seconds the caller should wait before trying again ({@code Retry-After}), or 0 when it need not wait. */
  public long retryAfterSeconds() {
    return 0;
  }
}
