package app.homeroom.common;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Issue 29, point 3: puts the user id and request id of the work being logged ({@link LogContext}) into the MDC of
 * each line, just before logback makes the line (turbo filters run first, on the logging thread), and takes them out
 * for lines logged outside such work. Lines below their logger's level cost nothing more. It never denies a line.
 */
public final class LogContextFilter extends TurboFilter {

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // The effective level, not isEnabledFor (which asks the turbo filters again).
    if (logger == null || level == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    set(LogContext.USER_ID, LogContext.currentUser());
    set(LogContext.REQUEST_ID, LogContext.currentRequest());
    return FilterReply.NEUTRAL;
  }

  private static void set(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    } else if (MDC.get(key) != null) {
      MDC.remove(key);
    }
  }
}
