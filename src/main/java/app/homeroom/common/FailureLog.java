package app.homeroom.common;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a failed request or command is logged, over REST and the bridge alike.
 * <ul>
 *   <li>A refusal (4xx) answers the caller; it is not logged here.</li>
 *   <li>A 503 (the database or the chat service unreachable) is a state of the system, not a bug: one WARN line
 *       without a stack trace, at most one every 10 seconds per process, saying how many were left out, so an
 *       outage neither floods the log nor slows a loaded node down with stack traces.</li>
 *   <li>Anything else is our bug: ERROR with the stack trace.</li>
 * </ul>
 */
public final class FailureLog {

  private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final AtomicLong lastUnavailable = new AtomicLong(System.nanoTime() - QUIET_NANOS);
  private static final AtomicLong leftOut = new AtomicLong();

  private FailureLog() {}

  public static void failed(Logger log, String what, Throwable cause, ApiError error) {
    if (error.status() < 500) {
      return;
    }
    if (error.status() != 503) {
      log.error("{} failed", what, cause);
      return;
    }
    long now = System.nanoTime();
    long last = lastUnavailable.get();
    if (now - last >= QUIET_NANOS && lastUnavailable.compareAndSet(last, now)) {
      long more = leftOut.getAndSet(0);
      log.warn("{} failed: {} ({}){}", what, error.getMessage(), rootCause(cause),
          more > 0 ? "; " + more + " more such failures in the last seconds were not logged" : "");
    } else {
      leftOut.incrementAndGet();
    }
  }

  /** An attacker-chosen value made safe for a log line: short, one line, no control characters. */
  public static String printable(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    StringBuilder out = new StringBuilder(Math.min(s.length(), 100));
    for (int i = 0; i < s.length() && out.length() < 100; i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
    }
    return s.length() > 100 ? out + "…(" + s.length() + " chars)" : out.toString();
  }

  private static String rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }
}
