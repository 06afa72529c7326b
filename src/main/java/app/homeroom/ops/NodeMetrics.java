package app.homeroom.ops;

import app.homeroom.web.UserLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Issue 29, point 2: one node's meters. Vert.x's own (HTTP server, event bus, SQL pools, JVM) and what only Homeroom
 * knows: messages stored, send→commit latency, group-commit batch sizes, open bridge sockets and connected users,
 * rate-limit refusals by kind, outbox retries answered as duplicates, search latency. Each node has a registry of its
 * own (tests run several nodes in one JVM); Prometheus reads it in text form ({@link MetricsServer}).
 *
 * <p>When metrics are off, the meters are Micrometer's no-op ones (an empty composite registry): the instrumented
 * code stays the same and costs next to nothing, and Vert.x's metrics SPI stays off.
 */
public final class NodeMetrics {

  /** Event-bus addresses carry user ids, reply ids and node ids: one label value per kind of address, not per user. */
  private static final Pattern NODE_SUFFIX = Pattern.compile("@.*$");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+");

  private final MeterRegistry registry;
  /** The registry Prometheus reads, or null when metrics are off. */
  private final PrometheusMeterRegistry prometheus;
  private final Counter stored;
  private final Counter duplicates;
  private final Timer sendCommit;
  private final DistributionSummary sendBatch;
  private final Timer search;

  private NodeMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    stored = Counter.builder("homeroom.messages.stored")
        .description("Messages stored (committed) by this node's chat service").register(registry);
    duplicates = Counter.builder("homeroom.messages.duplicates")
        .description("Sends answered as duplicates of a stored message: outbox retries of a send that was already"
            + " committed (same clientMsgId)").register(registry);
    sendCommit = Timer.builder("homeroom.send.commit")
        .description("From a send reaching the chat service to its commit being answered")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    sendBatch = DistributionSummary.builder("homeroom.send.batch.size")
        .description("Sends stored together by one statement and one commit (group commit)").baseUnit("messages")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).register(registry);
    search = Timer.builder("homeroom.search")
        .description("Full-text searches, from request to answer")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  /** Meters that go nowhere (metrics off). */
  public static NodeMetrics off() {
    return new NodeMetrics(new CompositeMeterRegistry(), null);
  }

  /** A Prometheus registry of this node's own. */
  public static NodeMetrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.replaceTagValues("address", NodeMetrics::addressKind))
        .meterFilter(MeterFilter.replaceTagValues("route", NodeMetrics::lastRoute))
        // A gauge stands for one address: for a kind of them (user.*) it would show one user's and hide the rest.
        // Their counters add up, and stay.
        .meterFilter(MeterFilter.deny(id -> id.getType() == Meter.Type.GAUGE && id.getTag("address") != null
            && id.getTag("address").contains("*")));
    return new NodeMetrics(registry, registry);
  }

  /** {@code user.42} → {@code user.*}, {@code chat.message.send@<node>} → {@code chat.message.send}. */
  static String addressKind(String address) {
    return NUMBER.matcher(NODE_SUFFIX.matcher(address).replaceFirst("")).replaceAll("*");
  }

  /**
   * Vert.x Web names a request's route by every route it passed, joined by {@code >} ({@code /api/>/api/>/api/me}):
   * the last one is the endpoint. A request no named route served (the web client's files) is {@code static}.
   */
  static String lastRoute(String route) {
    String last = route.substring(route.lastIndexOf('>') + 1);
    return last.isEmpty() ? "static" : last;
  }

  public boolean enabled() {
    return prometheus != null;
  }

  /**
   * Vert.x's metrics SPI, reporting into this registry: HTTP requests by route, method and code; event-bus traffic
   * by kind of address; pool usage; JVM memory, GC and threads. Null when metrics are off.
   */
  public MicrometerMetricsFactory vertxFactory() {
    return prometheus == null ? null : new MicrometerMetricsFactory(prometheus);
  }

  /** The options that go with {@link #vertxFactory()}; {@code name} keeps this node's registry apart in one JVM. */
  public MicrometerMetricsOptions vertxOptions(String name) {
    return new MicrometerMetricsOptions().setEnabled(prometheus != null).setRegistryName("homeroom-" + name)
        .setJvmMetricsEnabled(true)
        // Bounded labels only: never the raw path or the remote address.
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_ADDRESS, Label.EB_FAILURE,
            Label.POOL_TYPE, Label.POOL_NAME, Label.NAMESPACE));
  }

  /** Per-node gauges and counters read from the node's per-user limits when Prometheus asks. */
  public void watch(UserLimits limits) {
    Gauge.builder("homeroom.bridge.sockets", limits, UserLimits::openSocketsTotal)
        .description("Event-bus bridge sockets open on this node").register(registry);
    Gauge.builder("homeroom.users.connected", limits, UserLimits::connectedUsers)
        .description("Users with at least one bridge socket open on this node").register(registry);
    for (UserLimits.Kind kind : UserLimits.Kind.values()) {
      FunctionCounter.builder("homeroom.rate.limited", limits, l -> l.refusedCount(kind))
          .description("Requests refused by a per-user rate limit").tag("kind", kind.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    FunctionCounter.builder("homeroom.bridge.abuse.closes", limits, UserLimits::abuseCloses)
        .description("Bridge sockets closed for abuse (too many refusals)").register(registry);
    FunctionCounter.builder("homeroom.bridge.sockets.refused", limits, UserLimits::socketsRefused)
        .description("New bridge sockets refused: over the per-user cap, or during an abuse back-off").register(registry);
  }

  /** A send answered after its commit: stored now, or a duplicate of one stored before. */
  public void sent(long startedNanos, boolean duplicate) {
    sendCommit.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    (duplicate ? duplicates : stored).increment();
  }

  /** One group-commit batch of sends went out. */
  public void sendBatch(int size) {
    sendBatch.record(size);
  }

  /** A search answered (or failed) after this long. */
  public void searched(long startedNanos) {
    search.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  /** Prometheus text (format 0.0.4); empty when metrics are off. CPU work over every meter: call it off the event loop. */
  public String scrape() {
    return prometheus == null ? "" : prometheus.scrape();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Stops the JVM and Vert.x meters that hold resources. */
  public void close() {
    registry.close();
  }
}
