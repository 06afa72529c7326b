package app.homeroom.search;

import app.homeroom.db.Pools;
import io.vertx.core.Future;
import app.homeroom.common.RepeatingVerticle;
import io.vertx.sqlclient.Pool;

/**
 * Keeps the full-text index's pending list short, so that no send has to merge it (issue 9). One instance per node.
 *
 * <p>{@code messages_search} (V6) is a GIN index with {@code fastupdate}: an insert adds its message's words to a
 * pending list, and the insert that finds the list over {@code gin_pending_list_limit} (4 MB, about 17,000
 * messages) merges the whole list into the index itself, inside its own statement. At 2,000 messages a second that
 * was one send every ~8.7 s holding up a node's batch for 100–300 ms: the worst seconds, and the p99
 * (docs/PERFORMANCE-LOG.md, steps 3, 4 and 8). Merged every {@link #INTERVAL_MS} ms from here instead, the list holds a
 * few hundred messages, each merge takes a few milliseconds beside the sends rather than inside one, and the limit
 * stays a backstop that a node only reaches when this falls behind. A search reads the pending list as well as the
 * index, so what is found does not depend on when the merge runs.
 *
 * <p>Each node runs it, and one merge runs at a time in the whole school: a run that finds another node's merge
 * under way (a transaction-scoped advisory lock, {@link #LOCK_KEY}) skips its turn rather than queue behind it. The
 * next run starts only after the last one ended, so a slow merge never piles more up behind it.
 */
public final class SearchIndexUpkeep extends RepeatingVerticle {

  /** Measured: merging every second took 16–25 ms a merge (felt by the sends); every 250 ms, 1–10 ms. */
  static final long INTERVAL_MS = 250;

  /** The advisory lock a merge holds for its statement (an arbitrary key of Homeroom's; Flyway's are others). */
  static final long LOCK_KEY = 0x486f6d65_53726368L;

  /**
   * Merges the pending list (as the index's owner, V15: the pools' role owns nothing) and answers the pages it
   * freed, or -1 when another node's merge holds the lock.
   */
  static final String CLEAN = "select case when pg_try_advisory_xact_lock(" + LOCK_KEY + ")"
      + " then clean_search_pending_list() else -1 end as pages";

  /**
   * Every this many runs (2 s), the words of the newest messages (up to {@link #WORDS_BATCH}) go into the words
   * searches suggest from (V18, issue 27): off the send path, one node at a time (the function skips a locked turn).
   */
  static final int WORDS_EVERY = 8;
  static final int WORDS_BATCH = 2_000;
  static final String REFRESH_WORDS = "select refresh_search_words(" + WORDS_BATCH + ")";

  private final Pools pools;
  private long runs;
  private Pool pool;

  public SearchIndexUpkeep(Pools pools) {
    // For example, the database user does not own the index: sends then merge it themselves, as before.
    super(INTERVAL_MS, "Search index upkeep", "sends merge the index themselves meanwhile");
    this.pools = pools;
  }

  @Override
  protected void setUp() {
    pool = pools.general(vertx);
  }

  @Override
  protected Future<?> runOnce() {
    Future<?> work = pool.query(CLEAN).execute();
    if (++runs % WORDS_EVERY == 0) {
      work = work.compose(v -> pool.query(REFRESH_WORDS).execute());
    }
    return work;
  }
}
