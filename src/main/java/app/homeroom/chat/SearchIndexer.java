package app.homeroom.chat;

import app.homeroom.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full-text indexing behind the send (issue 9). Every insert into {@code messages} queues the new messages' ids in
 * {@code search_pending} (V11's trigger); this moves them, in batches, into {@code message_search}, the table with
 * the GIN index. So a send writes no GIN index and never waits while one merges its pending list (100-200 ms every
 * ~8.7 s at 2,000 msg/s, docs/PERFORMANCE.md, tuning step 5): the indexer does, on its own connection.
 *
 * <p>Search reads {@code message_search} and the queue together ({@link MessageSearch}), in one snapshot, and a
 * batch leaves the queue and enters the index in one transaction: a message is found from the moment its send
 * commits, exactly once, however far behind the indexer is. The indexer decides only how long the queue is.
 *
 * <p>One runs on every node. Nodes share the queue without waiting for each other: a batch takes the queued rows no
 * other batch holds ({@code for update skip locked}). A batch that fails (the database down) changes nothing and is
 * tried again later.
 */
public final class SearchIndexer extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SearchIndexer.class);

  /** Moves up to {@code $1} queued messages, oldest first, into the index; answers how many it moved (row count). */
  public static final String INDEX_BATCH = """
      with batch as (
        delete from search_pending
         where message_id in (select message_id from search_pending order by message_id limit $1 for update skip locked)
        returning message_id
      )
      insert into message_search (message_id, conversation_id, sender_id, created_at, search_tsv)
      select m.id, m.conversation_id, m.sender_id, m.created_at, m.search_tsv
        from batch join messages m on m.id = batch.message_id""";

  /** The most messages one batch moves; a full batch is followed by the next at once. */
  static final int BATCH = 2_000;
  /** How long the indexer rests after a batch that emptied the queue (or failed). */
  static final long REST_MS = 250;

  private final NodeContext node;
  private Pool pool;
  private boolean failing;
  private boolean stopped;

  public SearchIndexer(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    pool = node.pool(vertx);
    vertx.setTimer(REST_MS, id -> indexBatch());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.succeededFuture();
  }

  private void indexBatch() {
    pool.preparedQuery(INDEX_BATCH).execute(Tuple.of(BATCH)).onComplete(done -> {
      if (stopped) {
        return; // the node is closing: its pool with it
      }
      if (done.succeeded()) {
        int count = done.result().rowCount();
        if (failing) {
          failing = false;
          LOG.info("Search indexing resumed");
        }
        if (count == BATCH) {
          indexBatch();
          return;
        }
      } else if (!failing) {
        // Once per outage, not every REST_MS: the database being away is logged by the requests that need it.
        failing = true;
        LOG.warn("Search indexing paused: {} (new messages are still found; they wait in the queue)",
            done.cause().toString());
      }
      vertx.setTimer(REST_MS, id -> indexBatch());
    });
  }
}
