package app.homeroom.common;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Lets an appender write only when {@code HOMEROOM_LOG_FORMAT} names its format (issue 29, point 3): logback.xml
 * attaches the "text" and the "json" appender both, each with this filter, so exactly one of them writes.
 */
public final class LogFormatFilter extends Filter<ILoggingEvent> {

  private static final String CHOSEN = chosen();
  private boolean mine;

  /** Set from logback.xml: the format of the appender this filter guards. */
  public void setFormat(String format) {
    mine = format.equals(CHOSEN);
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    return mine ? FilterReply.NEUTRAL : FilterReply.DENY;
  }

  private static String chosen() {
    String v = System.getenv("HOMEROOM_LOG_FORMAT");
    return v == null || v.isBlank() ? "text" : v.strip();
  }
}
