package app.homeroom.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Issue 29, point 2: {@code GET /metrics} in Prometheus text, on a port of its own ({@code HOMEROOM_METRICS_PORT},
 * bound to {@code HOMEROOM_METRICS_HOST}), apart from the public one: a scrape needs no session, and nothing a user
 * can reach shows it. Every other path is a 404. The text is made on a worker thread (it walks every meter).
 */
public final class MetricsServer extends VerticleBase {

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final NodeMetrics metrics;
  private final String host;
  private final int port;
  private HttpServer server;

  public MetricsServer(NodeMetrics metrics, String host, int port) {
    this.metrics = metrics;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(true));
    return server.requestHandler(this::handle).listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    if (!"/metrics".equals(request.path())) {
      request.response().setStatusCode(404).putHeader("content-type", "text/plain").end("Not found: try /metrics\n");
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().setStatusCode(405).putHeader("allow", "GET, HEAD").end();
      return;
    }
    vertx.executeBlocking(metrics::scrape, false).onComplete(ar -> {
      if (ar.succeeded()) {
        request.response().putHeader("content-type", PROMETHEUS_TEXT).putHeader("cache-control", "no-store")
            .end(ar.result());
      } else {
        request.response().setStatusCode(500).putHeader("content-type", "text/plain")
            .end("Could not read the meters: " + ar.cause().getMessage() + "\n");
      }
    });
  }
}
