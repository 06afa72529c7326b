package app.homeroom.chat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a burst of delivered/read acknowledgements into a few writes: per (reader, conversation) at most one
 * write is in flight; acknowledgements arriving meanwhile are merged (the highest sequence wins, marks only move
 * forward) and written together when it returns. Each caller still gets an answer after the write that covers
 * its acknowledgement. Used from one event loop (its verticle's); not thread-safe.
 */
final class AckCoalescer {

  private record Key(long userId, long conversationId) {}

  private static final class Pending {
    long delivered;
    long read;
    final List<Promise<JsonObject>> waiters = new ArrayList<>();
    boolean inFlight;
    JsonObject who;
  }

  /** Writes: {@code read(userId, conversationId, seq)} and {@code delivered(userId, conversationId, seq)}. */
  interface Writer {
    Future<JsonObject> read(long userId, long conversationId, long seq);

    Future<JsonObject> delivered(long userId, long conversationId, long seq);
  }

  private final Writer writer;
  private final ChatShared stats;
  private final Consumer<JsonObject> onMoved;
  private final Map<Key, Pending> pending = new HashMap<>();

  /** {@code onMoved} gets the marks after a write that moved them (once per write, not per acknowledgement). */
  AckCoalescer(Writer writer, ChatShared stats, Consumer<JsonObject> onMoved) {
    this.writer = writer;
    this.stats = stats;
    this.onMoved = onMoved;
  }

  /** {@code who}: {@code {userId, name, role}} of the acknowledging user, passed on to {@code onMoved}. */
  Future<JsonObject> delivered(JsonObject who, long conversationId, long seq) {
    return add(who, conversationId, seq, 0);
  }

  Future<JsonObject> read(JsonObject who, long conversationId, long seq) {
    return add(who, conversationId, seq, seq);
  }

  private Future<JsonObject> add(JsonObject who, long conversationId, long delivered, long read) {
    long userId = who.getLong("userId");
    stats.acks.incrementAndGet();
    Key key = new Key(userId, conversationId);
    Pending p = pending.computeIfAbsent(key, k -> new Pending());
    p.delivered = Math.max(p.delivered, delivered);
    p.read = Math.max(p.read, read);
    p.who = who;
    Promise<JsonObject> promise = Promise.promise();
    p.waiters.add(promise);
    if (!p.inFlight) {
      flush(key, p);
    }
    return promise.future();
  }

  private void flush(Key key, Pending p) {
    long read = p.read;
    long delivered = p.delivered;
    List<Promise<JsonObject>> waiters = new ArrayList<>(p.waiters);
    p.waiters.clear();
    p.read = 0;
    p.delivered = 0;
    p.inFlight = true;
    JsonObject who = p.who;
    Future<JsonObject> write;
    if (read > 0) {
      stats.ackWrites.incrementAndGet();
      write = writer.read(key.userId(), key.conversationId(), read);
      if (delivered > read) {
        write = write.compose(r -> {
          stats.ackWrites.incrementAndGet();
          return writer.delivered(key.userId(), key.conversationId(), delivered)
              .map(d -> r.copy().put("deliveredSeq", d.getLong("deliveredSeq"))
                  .put("moved", r.getBoolean("moved") || d.getBoolean("moved")));
        });
      }
    } else {
      stats.ackWrites.incrementAndGet();
      write = writer.delivered(key.userId(), key.conversationId(), delivered);
    }
    write.onComplete(ar -> {
      if (ar.succeeded() && ar.result().getBoolean("moved", false)) {
        onMoved.accept(ar.result().copy().put("who", who));
      }
      for (Promise<JsonObject> w : waiters) {
        w.handle(ar);
      }
      p.inFlight = false;
      if (p.waiters.isEmpty()) {
        pending.remove(key);
      } else {
        flush(key, p);
      }
    });
  }
}
