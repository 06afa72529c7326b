package app.homeroom.common;

import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one log line per key in a window, and how many were left out meanwhile: what keeps expected misbehaviour
 * (issue 24, point 9) to one line now and then however often it happens. Thread-safe; keys whose window has passed
 * are forgotten once there are many of them, so a stream of distinct keys (users, say) cannot grow it without end.
 */
public final class LogWindow {

  private static final int FORGET_ABOVE = 10_000;

  private final long windowNanos;
  /** Per key: when its window started, and how many were left out since. */
  private final ConcurrentHashMap<String, long[]> windows = new ConcurrentHashMap<>();

  public LogWindow(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /** The window in whole seconds, for the log line's words. */
  public long seconds() {
    return windowNanos / 1_000_000_000L;
  }

  /**
   * Whether to log this one: -1 when a line for {@code key} was logged within the window (this one is counted as
   * left out); else the number left out since that line (0 the first time), and a new window starts.
   */
  public long admit(String key) {
    long now = System.nanoTime();
    long[] left = {-1};
    windows.compute(key, (k, w) -> {
      if (w == null || now - w[0] > windowNanos) {
        left[0] = w == null ? 0 : w[1];
        return new long[] {now, 0};
      }
      w[1]++;
      return w;
    });
    if (left[0] >= 0 && windows.size() > FORGET_ABOVE) {
      windows.values().removeIf(w -> now - w[0] > windowNanos);
    }
    return left[0];
  }

  /** Forgets every window, so the next of each key is logged (tests that expect a line whatever ran before). */
  public void clear() {
    windows.clear();
  }
}
