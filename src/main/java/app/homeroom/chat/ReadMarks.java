package app.homeroom.chat;

import app.homeroom.common.ApiError;

import app.homeroom.batch.GroupCommit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Read and delivered marks (R2.3, R4.3, R4.4): each kind written in batches, one statement a batch
 * ({@link ChatSql#MARK_READ}, {@link ChatSql#MARK_DELIVERED}), through the node's marks pool; and the receipts they
 * make. Callers check an acknowledgement first ({@link ChatService#checkAck}); {@link AckCoalescer} coalesces them.
 */
public final class ReadMarks {
  /**
   * Read and delivered marks written at once per instance and kind; more go out together in the next batch. They
   * use the node's marks pool (two connections); the inserts hold one connection of the general pool (default 8),
   * and the search index upkeep one more for a few milliseconds every 250 ms.
   */
  static final int MARKS_IN_FLIGHT = 1;

  /**
   * How long a read or delivered mark waits for others to share its batch (issue 9, tuning step 10). Without a wait,
   * marks under load went out 1.2–1.4 to a batch, each a statement and a commit: 10 s a run at 2,000 msg/s, a
   * quarter of PostgreSQL's statement time (3 s with the wait). A reader sees the "Read" tick up to 25 ms later.
   */
  static final long MARK_LINGER_MS = 25;

  /** The most marks one batch carries: a full batch goes out without waiting out the linger. */
  static final int MAX_MARK_BATCH = 256;

  /**
   * Read and delivered marks run a batch as one statement (issue 9): their arguments as arrays, and each row names
   * its acknowledgement by {@link #markKey}. A batch carries one acknowledgement per key.
   */
  static final GroupCommit.Combined MARKS_AS_ARRAYS = new GroupCommit.Combined(marks -> Tuple.tuple()
      .addValue(marks.stream().map(t -> t.getLong(0)).toArray(Long[]::new))
      .addValue(marks.stream().map(t -> t.getLong(1)).toArray(Long[]::new))
      .addValue(marks.stream().map(t -> t.getLong(2)).toArray(Long[]::new)),
      row -> markKey(row.getLong("conversation_id"), row.getLong("user_id")));

  /**
   * A mark's lock key: its conversation, then its reader (exact while user ids fit in 32 bits; two marks that share a
   * key would only wait for each other). Ordering a batch by it orders it as the statements write their rows.
   */
  static long markKey(long conversationId, long userId) {
    return (conversationId << 32) | (userId & 0xffffffffL);
  }

  private final Pool pool;
  private final GroupCommit readMarks;
  private final GroupCommit deliveredMarks;

  /**
   * @param vertx sets the timers marks wait on to share a batch ({@link #MARK_LINGER_MS}); null: marks do not wait
   * @param pool where receipts are read
   * @param marksPool where marks are written
   */
  ReadMarks(Vertx vertx, Pool pool, Pool marksPool) {
    this.pool = pool;
    // Marks are writes with a commit each too: a batch of them is one statement, and they wait a little to share it.
    this.readMarks = new GroupCommit(marksPool, ChatSql.MARK_READ, MARKS_AS_ARRAYS, null, MARKS_IN_FLIGHT,
        MAX_MARK_BATCH);
    this.deliveredMarks = new GroupCommit(marksPool, ChatSql.MARK_DELIVERED, MARKS_AS_ARRAYS, null, MARKS_IN_FLIGHT,
        MAX_MARK_BATCH);
    if (vertx != null) {
      readMarks.lingering(vertx, MARK_LINGER_MS);
      deliveredMarks.lingering(vertx, MARK_LINGER_MS);
    }
  }

  /** How many batches the read marks went out in so far (tests). */
  long readMarkBatches() {
    return readMarks.batches();
  }

  /** How many batches the delivered marks went out in so far (tests). */
  long deliveredMarkBatches() {
    return deliveredMarks.batches();
  }

  /**
   * Moves the reader's read mark (and so their delivered mark) forward to {@code seq} (R2.3, R4.4): one
   * statement, no write when it would not move. Reply: {@code {conversationId, readSeq, deliveredSeq, unread,
   * moved}}. Callers check the acknowledgement first ({@link #checkAck}).
   */
  public Future<JsonObject> writeRead(long userId, long conversationId, long seq) {
    return readMarks.execute(markKey(conversationId, userId), Tuple.of(conversationId, userId, seq)).map(rows -> {
      Row row = onlyRow(rows);
      return new JsonObject().put("conversationId", conversationId).put("readSeq", row.getLong("read_seq"))
          .put("deliveredSeq", row.getLong("delivered_seq")).put("unread", row.getLong("unread"))
          .put("moved", row.getLong("moved") > 0);
    });
  }

  /** Moves the delivered mark forward to {@code seq} (R4.3); callers check the acknowledgement first. */
  public Future<JsonObject> writeDelivered(long userId, long conversationId, long seq) {
    return deliveredMarks.execute(markKey(conversationId, userId), Tuple.of(conversationId, userId, seq)).map(rows -> {
      Row row = onlyRow(rows);
      return new JsonObject().put("conversationId", conversationId).put("deliveredSeq", row.getLong("delivered_seq"))
          .put("readSeq", row.getLong("read_seq")).put("moved", row.getLong("moved") > 0);
    });
  }

  /**
   * The mark statement's row for one acknowledgement. None when the conversation is gone although the node still
   * knew it (a test's database reset under a running node): a 404 then, not a 500.
   */
  private static Row onlyRow(java.util.List<Row> rows) {
    if (rows.isEmpty()) {
      throw ApiError.notFound("No such conversation");
    }
    return rows.get(0);
  }

  /** Every participant's marks in the conversation (R4.3, R4.4), for a reload to show the right ticks. */
  public Future<JsonArray> receipts(long conversationId) {
    return pool.preparedQuery(ChatSql.RECEIPTS).execute(Tuple.of(conversationId)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("userId", r.getLong("user_id")).put("name", r.getString("name"))
            .put("role", r.getString("role")).put("deliveredSeq", r.getLong("delivered_seq"))
            .put("readSeq", r.getLong("read_seq")));
      }
      return out;
    });
  }
}
