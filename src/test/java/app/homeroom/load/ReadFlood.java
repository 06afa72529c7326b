package app.homeroom.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 24, point 2: one user flooding reads while the run measures everyone's sends. {@code fetch}: a student keeps
 * {@code inFlight} history fetches of {@code limit} messages in flight on each of {@code sockets} bridge sockets (each
 * answer, or refusal, sends the next); {@code search}: an admin keeps {@code inFlight} REST searches in flight. What the
 * node answered, refused (429 or 503) and failed is counted, so the report says how much of the flood got through.
 */
final class ReadFlood {

  enum Kind { FETCH, SEARCH }

  private static final String[] WORDS = {"homework", "lesson", "question", "thanks", "tomorrow", "maths", "load"};

  private final LoadRun run;
  private final Kind kind;
  private final int sockets;
  private final int inFlight;
  private final int limit;
  private final LoadRun.Target target;
  private final Population.Person who;
  private final List<WebSocket> open = new ArrayList<>();
  private HttpClient http;
  private volatile boolean stopped;
  final AtomicLong answered = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  private long startNanos;

  ReadFlood(LoadRun run, Kind kind, int sockets, int inFlight, int limit, LoadRun.Target target, Population.Person who) {
    this.run = run;
    this.kind = kind;
    this.sockets = sockets;
    this.inFlight = inFlight;
    this.limit = limit;
    this.target = target;
    this.who = who;
  }

  void start() {
    startNanos = System.nanoTime();
    if (kind == Kind.FETCH) {
      for (int i = 0; i < sockets; i++) {
        openSocket(run.vertx(), run.wsClient());
      }
    } else {
      http = run.vertx().createHttpClient(new HttpClientOptions().setDefaultHost(target.host())
          .setDefaultPort(target.port()).setSsl(target.ssl()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(inFlight));
      for (int i = 0; i < inFlight; i++) {
        search();
      }
    }
  }

  void stop() {
    stopped = true;
    synchronized (open) {
      open.forEach(WebSocket::close);
      open.clear();
    }
    if (http != null) {
      http.close();
    }
  }

  /** One line for the run's log and notes. */
  String summary() {
    double s = (System.nanoTime() - startNanos) / 1e9;
    return String.format(Locale.ROOT, "read flood (%s by user %d%s, %d in flight%s): %,d answered (%.0f/s), %,d refused"
            + " (%.0f/s), %,d failed", kind.name().toLowerCase(Locale.ROOT), who.userId(),
        kind == Kind.FETCH ? ", " + sockets + " sockets" : "", inFlight, kind == Kind.FETCH ? " each, " + limit + " a page" : "",
        answered.get(), answered.get() / s, refused.get(), refused.get() / s, failed.get());
  }

  private void openSocket(Vertx vertx, WebSocketClient client) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.host()).setPort(target.port())
        .setSsl(target.ssl()).setURI("/eventbus/" + r.nextInt(100, 1000) + "/" + Long.toString(r.nextLong() >>> 1, 36)
            + "/websocket")
        .setAllowOriginHeader(false).addHeader("origin", target.origin()).addHeader("cookie", who.cookie());
    client.connect(options).onSuccess(ws -> {
      synchronized (open) {
        if (stopped) {
          ws.close();
          return;
        }
        open.add(ws);
      }
      long[] next = {0};
      ws.textMessageHandler(text -> {
        if (text.startsWith("o")) {
          for (int i = 0; i < inFlight; i++) {
            fetch(ws, next[0]++);
          }
        } else if (text.startsWith("a")) {
          for (Frames.Inbound in : Frames.decode(text)) {
            if (in.address == null || !in.address.startsWith("fl.")) {
              continue;
            }
            if ("err".equals(in.type)) {
              if (in.failureCode == 429 || in.failureCode == 503) {
                refused.incrementAndGet();
              } else {
                failed.incrementAndGet();
              }
            } else {
              answered.incrementAndGet();
            }
            if (!stopped) {
              // A refusal says when to come back; a flooder does not listen, it asks again at once.
              fetch(ws, next[0]++);
            }
          }
        }
      });
      ws.closeHandler(v -> {
        if (!stopped) {
          failed.incrementAndGet();
          vertx.setTimer(200, t -> openSocket(vertx, client));
        }
      });
    }).onFailure(err -> {
      failed.incrementAndGet();
      if (!stopped) {
        vertx.setTimer(200, t -> openSocket(vertx, client));
      }
    });
  }

  private void fetch(WebSocket ws, long n) {
    ws.writeTextMessage(Frames.send(SimClient.FETCH, "fl." + n,
        "{\"conversationId\":" + who.conversationId() + ",\"limit\":" + limit + "}"));
  }

  private void search() {
    if (stopped) {
      return;
    }
    String q = WORDS[ThreadLocalRandom.current().nextInt(WORDS.length)];
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/search?q=" + q)
            .putHeader("cookie", who.cookie()).putHeader("origin", target.origin()))
        .compose(req -> req.send().compose(res -> res.body().map(b -> res.statusCode())))
        .onComplete(ar -> {
          if (ar.failed()) {
            failed.incrementAndGet();
          } else if (ar.result() == 429 || ar.result() == 503) {
            refused.incrementAndGet();
          } else if (ar.result() == 200) {
            answered.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
          search();
        });
  }
}
