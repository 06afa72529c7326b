package app.homeroom.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Captures the log events of one logger (and its children) of this JVM, where the test node runs, for asserting
 * what was logged: a refusal logged once, no "blocked thread" warning. Close it to detach.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger logger;
  private final boolean additive;
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  private LogCapture(String loggerName, boolean quiet) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    this.additive = logger.isAdditive();
    setName("capture-" + loggerName);
    setContext(logger.getLoggerContext());
    start();
    logger.addAppender(this);
    if (quiet) {
      logger.setAdditive(false); // captured, not printed (a flood of expected lines)
    }
  }

  /** Captures {@code loggerName} (e.g. "app.homeroom.http", "app.homeroom" for the whole app, or {@code Logger.ROOT_LOGGER_NAME} for all). */
  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName, false);
  }

  /** Captures without also printing to the console. */
  public static LogCapture quietly(String loggerName) {
    return new LogCapture(loggerName, true);
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }

  /** Formatted messages at WARN or above containing every fragment. */
  public List<String> warnings(String... fragments) {
    return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> Arrays.stream(fragments).allMatch(m::contains))
        .toList();
  }

  /** Waits (up to 5 s) until a warning with every fragment was logged; returns how many there are then. */
  public int awaitWarnings(String... fragments) throws InterruptedException {
    Await.holdsWithin(() -> !warnings(fragments).isEmpty(), 5_000);
    return warnings(fragments).size();
  }

  public List<ILoggingEvent> events() {
    return events;
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setAdditive(additive);
    stop();
  }
}
