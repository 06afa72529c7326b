package app.homeroom.common;

import app.homeroom.support.Await;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 24, point 7: a log that nobody reads (a stuck terminal, a log shipper that stopped reading) must not hold the
 * threads that log, event loops among them. The node's own logback.xml, its console appender made to take 10 lines and
 * then wait for ever, as a write to a pipe nobody reads does: a burst of lines returns at once, the lines beyond the
 * queue dropped rather than waited for.
 */
class LogQueueTest {

  @Test
  @DisplayName("Issue 24.7: with a console nobody reads, a burst of 20,000 log lines does not hold the thread that logs")
  void a_stuck_console_does_not_hold_the_logger() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicLong taken = new AtomicLong();
    // Runs first in the console appender, on the thread that writes the line, before the line is written.
    Filter<ILoggingEvent> stuck = new Filter<>() {
      @Override
      public FilterReply decide(ILoggingEvent event) {
        if (taken.incrementAndGet() > 10) {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        // Nothing reaches the real console: the queue written out at the end would be 8,000 lines of test output.
        return FilterReply.DENY;
      }
    };
    LoggerContext context = new LoggerContext();
    // As the node's own context has from SLF4J's provider; without it, every line fails to be prepared for the queue.
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      JoranConfigurator config = new JoranConfigurator();
      config.setContext(context);
      config.doConfigure(LogQueueTest.class.getResource("/logback.xml"));
      stuck.start();
      Appender<ILoggingEvent> console = console(context);
      java.util.List<Filter<ILoggingEvent>> others = console.getCopyOfAttachedFiltersList();
      console.clearAllFilters();
      console.addFilter(stuck);
      others.forEach(console::addFilter);
      Logger log = context.getLogger("app.homeroom.test");
      CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 20_000; i++) {
          log.warn("line {} of a burst", i);
        }
      });
      burst.get(10, TimeUnit.SECONDS);
      // The lines do reach the stuck console: by another thread than the one that logged them.
      Await.until(() -> taken.get() > 10, 5_000, "lines offered to the stuck console");
    } finally {
      context.stop();
    }
  }

  /** logback.xml's "text" console appender: on the root logger, or behind a queue. */
  private static Appender<ILoggingEvent> console(LoggerContext context) {
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> a = it.next();
      if ("text".equals(a.getName())) {
        return a;
      }
      if (a instanceof AsyncAppenderBase<ILoggingEvent> queued && queued.getAppender("text") != null) {
        return queued.getAppender("text");
      }
    }
    throw new AssertionError("logback.xml has no \"text\" appender");
  }
}
