package app.homeroom.common;

import app.homeroom.support.Await;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 24, point 9: expected client and peer misbehaviour is one WARN line per kind, not an ERROR with a stack each. */
class LogNoiseFilterTest {

  @Test
  @DisplayName("Issue 24.9 and 24.7: a hundred noisy ERRORs of one kind, a dead peer's 70 connection failures, or 100 events dropped for closed or slow sockets make one WARN line; a real ERROR passes untouched")
  void one_line_per_kind() {
    LoggerContext context = new LoggerContext();
    LogNoiseFilter filter = new LogNoiseFilter();
    filter.start();
    context.addTurboFilter(filter);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.setContext(context);
    seen.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(seen);
    Logger bridge = context.getLogger("io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl");
    for (int i = 0; i < 100; i++) {
      bridge.error("Invalid type in incoming message: nonsense");
      context.getLogger("io.vertx.core.impl.ContextImpl").error("Unhandled exception",
          new IllegalStateException("Promise already completed"));
    }
    // Issue 24.7: a dead peer's event bus, tried again for every message still routed to it.
    Logger bus = context.getLogger("io.vertx.core.eventbus.impl.clustered.ClusteredEventBus");
    for (int i = 0; i < 70; i++) {
      bus.warn("Connecting to server 5e1c-dead failed", new java.net.ConnectException("Connection refused"));
    }
    bus.warn("No pong from server 5e1c-dead - will consider it dead");
    // Events still on their way to sockets that just closed: one line for all of them.
    Logger consumers = context.getLogger("io.vertx.core.eventbus.impl.MessageConsumerImpl");
    for (int i = 0; i < 100; i++) {
      consumers.warn("Discarding message since the consumer is not registered. address: role.admin");
      consumers.warn("Discarding message as more than 1000 buffered in paused consumer. address: user.7");
    }
    context.getLogger("app.homeroom.chat.ChatVerticle").error("A real failure", new RuntimeException("boom"));
    assertEquals(198 + 69 + 99 + 99, filter.suppressedCount());
    // The WARN lines go to the application's own logger (this context has only the test's appender on its root).
    assertEquals(List.of("No pong from server 5e1c-dead - will consider it dead", "A real failure"),
        seen.list.stream().map(ILoggingEvent::getMessage).toList());
    assertNull(LogNoiseFilter.kind("io.vertx.core.impl.ContextImpl", "Unhandled exception", new IllegalStateException("other")));
  }

  @Test
  @DisplayName("Issue 29.2: Micrometer's start-up warning about Vert.x's doubly registered event-bus gauge is dropped; others stay")
  void known_harmless_warning() {
    String prefix = "This Gauge has been already registered (MeterId{name='";
    String rest = "', tags=[tag(address=presence.socket)]}), the registration will be ignored.";
    assertTrue(LogNoiseFilter.knownHarmlessWarning("io.micrometer.core.instrument.MeterRegistry",
        prefix + "vertx.eventbus.pending" + rest, null));
    assertFalse(LogNoiseFilter.knownHarmlessWarning("io.micrometer.core.instrument.MeterRegistry",
        prefix + "homeroom.bridge.sockets" + rest, null));
    assertFalse(LogNoiseFilter.knownHarmlessWarning("app.homeroom.Node", prefix + "vertx.eventbus.pending" + rest, null));
  }

  @Test
  @DisplayName("Issue 24.9: a client sending frames of unknown types does not fill the node's log with ERRORs")
  void bridge_garbage_is_one_warn_line() throws Exception {
    School school = School.fresh();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.setContext(context);
    logs.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    // Another test in this JVM may have sent such frames within the last 10 s (BridgeFuzzTest does): start afresh.
    context.getTurboFilterList().stream().filter(f -> f instanceof LogNoiseFilter)
        .forEach(f -> ((LogNoiseFilter) f).forgetWindows());
    try (SockJsClient sam = SockJsClient.connect(TestEnv.node().httpPort(), school.pupil.sessionCookie(),
        TestEnv.baseUrl())) {
      for (int i = 0; i < 50; i++) {
        sam.send(new JsonObject().put("type", "nonsense").put("address", "x"));
      }
      // A checkpoint: the bridge handles a socket's frames in order, so once this is answered all 50 were handled.
      assertEquals("rec", sam.call("chat.notifications.list", new JsonObject()).getString("type"));
      Await.until(() -> logs.list.stream().anyMatch(e -> e.getLoggerName().equals("app.homeroom.noise")), 5_000,
          "the noise is reported once");
    } finally {
      root.detachAppender(logs);
    }
    List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    assertTrue(errors.isEmpty(), () -> "ERRORs: " + errors.stream().map(ILoggingEvent::getFormattedMessage).toList());
    List<ILoggingEvent> noise = logs.list.stream().filter(e -> e.getLoggerName().equals("app.homeroom.noise")).toList();
    assertEquals(1, noise.size(), () -> noise.stream().map(ILoggingEvent::getFormattedMessage).toList().toString());
    assertTrue(noise.get(0).getFormattedMessage().startsWith("A client sent a bridge frame of an unknown type"));
  }
}
