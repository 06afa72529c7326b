package app.homeroom.common;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Issue 29, point 3: who and which request a log line belongs to. Vert.x runs each HTTP request and each event-bus
 * message on a context of its own (a duplicated context), and every callback of that work (a query's answer, a
 * reply) runs on it again, on whichever thread. The user id and request id are kept there, not in a thread's MDC, and
 * {@link LogContextFilter} copies them into the MDC of each line as it is logged, so an ERROR logged three callbacks
 * after the request began still names its request. JSON logs show them under {@code mdc}.
 */
public final class LogContext {

  /** MDC keys. */
  public static final String USER_ID = "userId";
  public static final String REQUEST_ID = "requestId";
  /** The HTTP header a request id comes in and goes out with, and the event-bus header that carries it to a verticle. */
  public static final String REQUEST_ID_HEADER = "x-request-id";
  public static final String BUS_HEADER = "hr-request-id";

  private static final Object USER_KEY = new Object();
  private static final Object REQUEST_KEY = new Object();
  /** A request id a proxy or a client sent is kept only when it is short and plain (it goes into every log line). */
  private static final Pattern SANE = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");

  private LogContext() {}

  /** A new request id: 16 hex digits. */
  public static String newRequestId() {
    return String.format("%016x", ThreadLocalRandom.current().nextLong());
  }

  /** {@code incoming} when it is a plain id of at most 64 characters (as a proxy's), else null. */
  public static String sane(String incoming) {
    return incoming != null && SANE.matcher(incoming).matches() ? incoming : null;
  }

  /** Tags the work running now (its duplicated context) with a request id; no effect outside one. */
  public static void request(String requestId) {
    put(REQUEST_KEY, requestId);
  }

  /** Tags the work running now with the user it is done for. */
  public static void user(long userId) {
    put(USER_KEY, Long.toString(userId));
  }

  static String currentUser() {
    return get(USER_KEY);
  }

  static String currentRequest() {
    return get(REQUEST_KEY);
  }

  /** The current request id, or null outside a request. */
  public static String requestId() {
    return get(REQUEST_KEY);
  }

  private static void put(Object key, String value) {
    if (value != null && Vertx.currentContext() instanceof ContextInternal context && context.isDuplicate()) {
      context.putLocal(key, value);
    }
  }

  private static String get(Object key) {
    Context context = Vertx.currentContext();
    return context instanceof ContextInternal c && c.isDuplicate() ? c.getLocal(key) : null;
  }
}
