package app.homeroom.attachment;

import app.homeroom.common.RepeatingVerticle;
import app.homeroom.db.Pools;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * Removes uploads that never went out (issue 28, point 3): a file is uploaded, then sent as a message; one uploaded
 * and never sent (the page closed, the message discarded) is deleted once it is a day old, so the database keeps only
 * files someone sent. Every node runs it every {@link #INTERVAL_MS} ms, {@value #BATCH} files a statement; two nodes
 * deleting at once delete each file once.
 */
public final class UnsentUploads extends RepeatingVerticle {

  static final long INTERVAL_MS = 10 * 60 * 1000;
  static final int BATCH = 500;

  /** A day after its upload, a file no message carries is gone; the messages' unique index finds each carrier. */
  static final String SWEEP = """
      delete from attachments a
       where a.id in (select x.id from attachments x
                       where x.created_at < now() - interval '1 day'
                         and not exists (select 1 from messages m where m.attachment_id = x.id)
                       order by x.id limit""" + " " + BATCH + ")";

  private final Pools pools;
  private Pool pool;

  public UnsentUploads(Pools pools) {
    super(INTERVAL_MS, "Removing unsent uploads", "files uploaded and never sent stay a while longer");
    this.pools = pools;
  }

  @Override
  protected void setUp() {
    pool = pools.general(vertx);
  }

  @Override
  protected Future<?> runOnce() {
    return sweep(pool);
  }

  /** One sweep: how many files it removed. */
  static Future<Integer> sweep(Pool pool) {
    return pool.query(SWEEP).execute().map(rows -> rows.rowCount());
  }
}
