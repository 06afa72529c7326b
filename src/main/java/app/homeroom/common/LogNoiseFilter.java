package app.homeroom.common;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 24, point 9: what a client (or a dying peer) can cause must not flood the log. Vert.x logs some expected
 * misbehaviour as an ERROR with a stack trace: a bridge frame of an unknown type, a SockJS socket whose connection
 * was cut, a WebSocket message over the size cap, a connection reset, and a write on a connection to a peer node that
 * just died ("Promise already completed"). Each such ERROR becomes one WARN line of {@code app.homeroom.noise}, at
 * most one per kind every 10 seconds, which says how many were left out. Every other ERROR passes untouched.
 *
 * <p>One WARN is treated the same way (issue 24, point 7): when a peer node dies, the clustered event bus tries to
 * connect to it again for every message still routed to it until the cluster has dropped its registrations, and logs
 * each failure with a stack trace, from the event loop: 70 of them (1,300 lines) in the second after a SIGKILL. So is
 * the event bus's WARN for each event that reaches a consumer just unregistered: when a user's sockets close, every
 * event still on its way to them is one line (100 at once when eight admin sockets closed during a send burst).</p>
 *
 * <p>Installed in logback.xml as a turbo filter, so the stack trace is never even formatted.
 */
public final class LogNoiseFilter extends TurboFilter {

  /** At most one line per kind in this window. */
  static final long WINDOW_NANOS = 10_000_000_000L;
  private static final org.slf4j.Logger NOISE = LoggerFactory.getLogger("app.homeroom.noise");

  private final LogWindow windows = new LogWindow(WINDOW_NANOS);
  private final AtomicLong suppressed = new AtomicLong();

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == Level.WARN && logger != null && knownHarmlessWarning(logger.getName(), format, params)) {
      return FilterReply.DENY;
    }
    if (logger == null || (level != Level.ERROR && level != Level.WARN)) {
      return FilterReply.NEUTRAL;
    }
    String kind = level == Level.ERROR ? kind(logger.getName(), format, t) : warningKind(logger.getName(), format);
    if (kind == null) {
      return FilterReply.NEUTRAL;
    }
    long left = windows.admit(kind);
    if (left >= 0) {
      NOISE.warn("{} ({} more like it in the previous {} s were not logged)", kind, left, windows.seconds());
    } else {
      suppressed.incrementAndGet();
    }
    return FilterReply.DENY;
  }

  /**
   * Issue 29: Vert.x 5.0's event-bus metrics register the "pending" gauge of a node-local consumer twice, and Micrometer
   * warns once at start-up that it ignored the second (the gauge itself works). Only that warning, for Vert.x's own
   * event-bus gauges: any other meter registered twice is a mistake of ours and keeps its warning.
   */
  static boolean knownHarmlessWarning(String logger, String format, Object[] params) {
    // Micrometer formats the message itself: the meter's id is in the text, not a parameter.
    return logger.equals("io.micrometer.core.instrument.MeterRegistry") && format != null
        && format.startsWith("This Gauge has been already registered (MeterId{name='vertx.eventbus.");
  }

  /** What kind of expected noise this ERROR is, in words, or null when it is a real error. */
  static String kind(String logger, String format, Throwable t) {
    String message = format == null ? "" : format;
    String cause = t == null ? "" : t.getClass().getName() + ": " + t.getMessage();
    if (logger.endsWith("EventBusBridgeImpl") && message.startsWith("Invalid type in incoming message")) {
      return "A client sent a bridge frame of an unknown type";
    }
    if (logger.endsWith("EventBusBridgeImpl") && message.startsWith("SockJSSocket exception")) {
      return "A client's live connection ended abruptly (" + simpleName(t) + ")";
    }
    if (cause.contains("CorruptedWebSocketFrameException") || cause.contains("TooLongFrameException")
        || message.contains("Max frame length")) {
      return "A client sent a WebSocket message over the size cap; its connection was closed";
    }
    if (message.contains("Connection reset by peer") || cause.contains("Connection reset by peer")) {
      return "A connection was reset by its other end";
    }
    if (logger.endsWith("ContextImpl") && "java.lang.IllegalStateException: Promise already completed".equals(cause)) {
      return "A write on a connection that had just closed failed (a peer node died, or a client left)";
    }
    return null;
  }

  /** What kind of expected noise this WARN is, or null when it is to be logged as it is. */
  static String warningKind(String logger, String format) {
    if (logger.endsWith("ClusteredEventBus") && format != null && format.startsWith("Connecting to server ")
        && format.endsWith(" failed")) {
      return "Could not connect to a peer node's event bus (it stopped or died, and the cluster is dropping it)";
    }
    if (logger.endsWith("MessageConsumerImpl") && format != null) {
      if (format.startsWith("Discarding message since the consumer is not registered")) {
        return "Events on their way to a client whose connection had just closed were dropped (it catches up when it"
            + " returns)";
      }
      if (format.startsWith("Discarding message as more than ")) {
        return "Events for a client that reads too slowly were dropped (it catches up when it returns)";
      }
    }
    return null;
  }

  private static String simpleName(Throwable t) {
    return t == null ? "no cause" : t.getClass().getSimpleName();
  }

  /** Forgets the windows, so the next line of each kind is logged (a test that must not depend on what ran before). */
  void forgetWindows() {
    windows.clear();
  }

  /** How many lines were left out since the start (for tests). */
  long suppressedCount() {
    return suppressed.get();
  }
}
