package app.homeroom.support;

import java.util.function.BooleanSupplier;

/**
 * Waiting on a condition, never for a fixed time: the one polling loop the tests share (CI runs on two busy
 * cores, so a fixed sleep is either too short or wasted).
 */
public final class Await {

  private Await() {}

  /** Returns as soon as {@code condition} holds; fails naming {@code what} when it has not within the timeout. */
  public static void until(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
    if (!holdsWithin(condition, timeoutMs)) {
      throw new AssertionError("not within " + timeoutMs + " ms: " + what);
    }
  }

  /** Whether {@code condition} came to hold within the timeout (checked every few milliseconds). */
  public static boolean holdsWithin(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }
}
