package app.homeroom.common;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verticle that runs one piece of background work again and again, {@code intervalMs} after the last run ended (so
 * a slow run never has the next one pile up behind it), until it stops. A failure is logged once while it repeats,
 * with what it means meanwhile, and its end is logged too. The search index upkeep and the email digests are ones.
 */
public abstract class RepeatingVerticle extends VerticleBase {

  private final Logger log = LoggerFactory.getLogger(getClass());
  private final long intervalMs;
  private final String what;
  private final String meanwhile;
  private long timer = -1;
  private boolean stopped;
  /** The last failure logged, so a failure that repeats every run is logged once. */
  private String lastFailure;

  /**
   * @param what the work, for the log ("Search index upkeep")
   * @param meanwhile what a failure means until the work runs again, for the log
   */
  protected RepeatingVerticle(long intervalMs, String what, String meanwhile) {
    this.intervalMs = intervalMs;
    this.what = what;
    this.meanwhile = meanwhile;
  }

  /** Gets what the runs use (pools, clients), on this verticle's context. */
  protected abstract void setUp();

  /** One run. */
  protected abstract Future<?> runOnce();

  @Override
  public final Future<?> start() {
    setUp();
    schedule();
    return Future.succeededFuture();
  }

  @Override
  public final Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(intervalMs, id -> {
        Future<?> run;
        try {
          run = runOnce();
        } catch (RuntimeException e) {
          run = Future.failedFuture(e);
        }
        run.onComplete(ar -> {
          if (ar.succeeded()) {
            if (lastFailure != null) {
              log.info("{} works again", what);
              lastFailure = null;
            }
          } else if (!stopped) {
            String failure = String.valueOf(ar.cause().getMessage());
            if (!failure.equals(lastFailure)) {
              log.warn("{} failed ({}): {}", what, meanwhile, failure);
              lastFailure = failure;
            }
          }
          schedule();
        });
      });
    }
  }
}
