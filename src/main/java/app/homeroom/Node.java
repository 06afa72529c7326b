package app.homeroom;

import app.homeroom.bus.Events;
import app.homeroom.chat.ChatShared;
import app.homeroom.chat.ChatVerticle;
import app.homeroom.search.SearchIndexUpkeep;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.DbTarget;
import app.homeroom.db.EmbeddedDatabase;
import app.homeroom.session.KeyVault;
import app.homeroom.session.SigningKeyStore;
import app.homeroom.session.SigningKeys;
import app.homeroom.db.Migrations;
import app.homeroom.db.StartupException;
import app.homeroom.http.HttpVerticle;
import app.homeroom.ops.MetricsServer;
import app.homeroom.ops.NodeMetrics;
import app.homeroom.presence.PresenceVerticle;
import app.homeroom.seed.DemoSchool;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running Homeroom node: its database (embedded or external, migrated), its clustered Vert.x and its
 * verticles. {@link Main} starts one; tests start several in one JVM through the same {@link #start}.
 *
 * <p>{@link #start} and {@link #stop} block: call them from a main or test thread, never from an event loop.
 */
public final class Node implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  /**
   * One chat-service instance per node: each instance runs one batch of sends at a time (group commit), so with
   * one, a node's sends meet in larger batches: at 2,000 messages a second, 1.9–4.2 sends a statement instead of
   * 1.5–1.7, and PostgreSQL's CPU per message 15–31 % lower (docs/PERFORMANCE-LOG.md, step 8). The node's own CPU rose
   * by about a third of what PostgreSQL saved. The one chat event loop carried the saturation ceiling (4,400 msg/s).
   */
  static final int CHAT_INSTANCES = 1;
  private static final long START_TIMEOUT_SECONDS = 120;

  private final Vertx vertx;
  private final EmbeddedDatabase embedded;
  private final NodeContext context;
  private final int httpPort;
  private final List<HttpVerticle> http;
  private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
  /** Where GET /metrics answers, or -1 when metrics are off. */
  private final int metricsPort;
  /** Every verticle deployed and not stopping: what /health/ready's "node" check reports. */
  private final java.util.concurrent.atomic.AtomicBoolean started;

  private Node(Vertx vertx, EmbeddedDatabase embedded, NodeContext context, List<HttpVerticle> http, int metricsPort,
               java.util.concurrent.atomic.AtomicBoolean started) {
    this.started = started;
    this.metricsPort = metricsPort;
    this.vertx = vertx;
    this.embedded = embedded;
    this.context = context;
    this.http = http;
    this.httpPort = http.get(0).actualPort();
  }

  public static Node start(HomeroomConfig config) {
    EmbeddedDatabase embedded = null;
    Vertx vertx = null;
    NodeMetrics metrics = null;
    try {
      if (config.db().embedded()) {
        embedded = EmbeddedDatabase.startOrJoin(config.db().embeddedPort(), Path.of(config.db().dataDir()), true);
      }
      DbTarget db = migrate(config, embedded);
      // Session-signing keys: configured, or kept in the database sealed with the key file (issue 24, point 1).
      SigningKeyStore keyStore = config.auth().jwtSecret() != null ? null
          : new SigningKeyStore(db, KeyVault.openOrCreate(config.keyFile()));
      SigningKeyStore.Loaded keptKeys = keyStore == null ? null : keyStore.ensure(config.auth().sessionHours());
      // Web Push (issue 31, point 3): the installation's VAPID keys, sealed with the key file like the signing keys.
      com.interaso.webpush.VapidKeys pushKeys = config.push().enabled()
          ? app.homeroom.push.VapidKeyStore.ensure(db, KeyVault.openOrCreate(config.keyFile())) : null;
      if (config.demo()) {
        DemoSchool.seed(db);
      }
      // After the demo seed: a demo school has its admins, so no random first admin is made for it.
      Bootstrap.firstAdmin(db, config);
      String nodeId = java.util.UUID.randomUUID().toString();
      // Every log line of this process carries the node's id (JSON logs: context.properties.nodeId; issue 29).
      if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
        logs.putProperty("nodeId", nodeId);
      }
      metrics = config.ops().metrics() ? NodeMetrics.prometheus() : NodeMetrics.off();

      VertxBuilder builder = Vertx.builder()
          .with(new VertxOptions().setPreferNativeTransport(true)
              .setEventBusOptions(new EventBusOptions().setHost(config.cluster().host()).setPort(config.cluster().eventBusPort()))
              .setMetricsOptions(metrics.vertxOptions(nodeId)))
          .withClusterManager(new HazelcastClusterManager(hazelcast(config.cluster())));
      if (metrics.enabled()) {
        builder.withMetrics(metrics.vertxFactory());
      }
      vertx = await(builder.buildClustered(), "join the cluster '" + config.cluster().name() + "'");
      if (vertx.isNativeTransportEnabled()) {
        LOG.info("network transport: native (epoll)");
      } else {
        LOG.info("network transport: NIO; the native one is unavailable here: {}",
            String.valueOf(vertx.unavailableNativeTransportCause()));
      }
      // Before any verticle publishes: inbox events are shared by their consumers, not copied for each (issue 9).
      Events.register(vertx.eventBus());

      SigningKeys signingKeys;
      if (keyStore == null) {
        signingKeys = SigningKeys.configured(vertx, config.auth().jwtSecret(), config.auth().previousJwtSecrets());
      } else {
        signingKeys = new SigningKeys(vertx, keptKeys.signingKid(), keptKeys.accepted());
        keyStore.keepLoaded(vertx, signingKeys);
      }
      app.homeroom.web.UserLimits limits = new app.homeroom.web.UserLimits(config.limits());
      java.util.function.LongPredicate closedForAbuse = userId -> limits.socketBlockedForMs(userId) > 0;
      NodeContext context = new NodeContext(config, db, signingKeys, new ChatShared(closedForAbuse), limits,
          new app.homeroom.common.UserLines("searches", closedForAbuse), nodeId, metrics, pushKeys);
      metrics.watch(context.limits());

      await(vertx.deployVerticle(new PresenceVerticle(config.presence())), "start presence");
      await(vertx.deployVerticle(() -> new ChatVerticle(context.pools(), context.chat(), context.nodeId(), context.metrics(),
              pushKeys != null),
          new DeploymentOptions().setInstances(CHAT_INSTANCES).setThreadingModel(ThreadingModel.EVENT_LOOP)),
          "start the chat service");
      await(vertx.deployVerticle(new SearchIndexUpkeep(context.pools())), "start the search index upkeep");
      await(vertx.deployVerticle(new app.homeroom.attachment.UnsentUploads(context.pools())), "start removing unsent uploads");
      if (config.mail().smtpEnabled()) {
        // Issue 31, point 1: email digests; every node runs rounds, the database says who sends which.
        await(vertx.deployVerticle(new app.homeroom.digest.DigestVerticle(context.pools(), config.mail(), context.nodeId())),
            "start the email digests");
      }
      if (pushKeys != null) {
        // Issue 31, point 3: pushes to students who are away; each node pushes for the messages it stored.
        await(vertx.deployVerticle(new app.homeroom.push.PushVerticle(context.pools(), pushKeys, config.push().subject())),
            "start Web Push");
      }
      java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
      List<HttpVerticle> http = new java.util.concurrent.CopyOnWriteArrayList<>();
      await(vertx.deployVerticle(() -> {
        HttpVerticle v = new HttpVerticle(context, started::get);
        http.add(v);
        return v;
      }, new DeploymentOptions().setInstances(config.http().instances())), "listen for HTTP");
      int metricsPort = -1;
      if (metrics.enabled()) {
        MetricsServer server = new MetricsServer(metrics, config.ops().metricsHost(), config.ops().metricsPort());
        await(vertx.deployVerticle(server), "serve metrics on " + config.ops().metricsHost() + ":" + config.ops().metricsPort()
            + " (HOMEROOM_METRICS_PORT)");
        metricsPort = server.actualPort();
      }
      started.set(true);
      return new Node(vertx, embedded, context, List.copyOf(http), metricsPort, started);
    } catch (RuntimeException e) {
      if (vertx != null) {
        closeQuietly(vertx);
      }
      if (metrics != null) {
        metrics.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /**
   * Migrates the database and answers where the pools connect: the embedded one is migrated as the schema's owner and
   * served as the app role, which owns nothing (issue 24, point 1); an external one as its URL's credentials say.
   */
  static DbTarget migrate(HomeroomConfig config, EmbeddedDatabase embedded) {
    if (embedded != null) {
      embedded.migrate();
      return embedded.target();
    }
    DbTarget db = DbTarget.fromConfig(config.db());
    Migrations.migrate(db);
    return db;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The port of GET /metrics (issue 29, point 2), or -1 when metrics are off. */
  public int metricsPort() {
    return metricsPort;
  }

  public NodeContext context() {
    return context;
  }

  /**
   * A graceful stop (SIGTERM, Ctrl-C; issue 29, point 7): {@link #drain()}, then close servers, leave the cluster, close
   * the pools, and stop the embedded database. A second call does nothing.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    started.set(false);
    drain();
    closeQuietly(vertx);
    context.metrics().close();
    if (embedded != null) {
      embedded.close();
    }
  }

  /**
   * Lets the node's work end without failing anyone, within {@code ops.drainSeconds}: readiness already says 503 (load
   * balancers send new traffic elsewhere); new bridge sockets are refused and the open ones closed, so their clients
   * reconnect to another node at once (with jitter) and resend what was not answered, with the same clientMsgId; the
   * commands the chat service is working on commit and are answered; then the HTTP servers stop accepting connections
   * and finish the requests under way. Nothing here fails a send: a send whose answer could not reach its socket is
   * stored once, and answered as already stored when the client resends it elsewhere.
   */
  private void drain() {
    if (io.vertx.core.Context.isOnEventLoopThread()) {
      // It waits (for sockets to close, commands to be answered): never on an event loop, which it would stall.
      throw new IllegalStateException("Node.stop blocks: call it from a main, test or shutdown-hook thread");
    }
    long began = System.nanoTime();
    long deadline = began + TimeUnit.SECONDS.toNanos(context.config().ops().drainSeconds());
    int sockets = 0;
    for (HttpVerticle v : http) {
      try {
        sockets += v.drainSockets().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Could not close the bridge sockets of an HTTP instance: {}", e.toString());
      }
    }
    while (context.chat().inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    int unanswered = context.chat().inFlight();
    java.time.Duration left = java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    List<Future<Void>> shutdowns = http.stream().map(v -> v.shutdown(left)).toList();
    try {
      Future.join(shutdowns).toCompletionStage().toCompletableFuture().get(left.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("The HTTP servers did not finish their requests in time: {}", e.toString());
    }
    LOG.info("Drained in {} ms: {} bridge socket(s) sent to reconnect elsewhere; {} command(s) unanswered",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), sockets, unanswered);
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Hazelcast from vertx-hazelcast's own config (it keeps the {@code __vertx.*} structures), joined over TCP/IP to
   * listed members (one host:port each); no multicast, no auto-detection, no phone-home.
   */
  static Config hazelcast(HomeroomConfig.Cluster cluster) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cluster.name());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.local.localAddress", cluster.host());
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(20);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return hz;
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BindException || (cause != null && cause.getMessage() != null
          && cause.getMessage().toLowerCase().contains("address already in use"))) {
        throw new StartupException("could not " + what + ": the port is already in use (set HOMEROOM_HTTP_PORT to a free port)", cause);
      }
      throw new StartupException("could not " + what + ": " + StartupException.rootMessage(cause), cause);
    } catch (TimeoutException e) {
      throw new StartupException("could not " + what + " within " + START_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while trying to " + what);
    }
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
  }
}
