package app.homeroom.load;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Issue 24, point 2: how far a pulsed run's "others' send p99, flooded over quiet" can be trusted. A run of 24 pulses
 * has read +23, +30 and +40 % for one build (docs/PERFORMANCE-LOG.md, "an eighth look"): a single figure cannot tell
 * +18 % from +25 %. This puts an interval around it by resampling the pulses: each resample draws as many pulses as the
 * run had, with replacement, and takes the p99 of the drawn quiet windows' sends over the p99 of the drawn flooded
 * windows' sends. A pulse's quiet window and flooded window are drawn together (they are neighbours in time and share
 * the machine's stalls), and a window's sends are never split (sends of one instant are delayed together), so the
 * interval counts the variation between pulses, which is what moves the figure from run to run.
 *
 * <p>The p99 is the nearest-rank one (the smallest value with at least 99 % of the values at or below it), on exact
 * microseconds; HdrHistogram's, which the report's other lines use, agrees within its 0.1 %.
 */
final class PulseBootstrap {

  /** The ratio over all pulses and its 95 % percentile interval over {@code resamples} resamples. */
  record Interval(double ratio, double low, double high, int resamples) {}

  private PulseBootstrap() {}

  /**
   * @param quiet each pulse's quiet window: its others' send→stored times (any order, any unit)
   * @param flooded each pulse's flooded window, in the same order
   * @param seed the resampling's seed (a run's interval is reproducible from its windows)
   */
  static Interval p99Ratio(List<long[]> quiet, List<long[]> flooded, int resamples, long seed) {
    int pulses = quiet.size();
    if (pulses < 2 || flooded.size() != pulses) {
      throw new IllegalArgumentException("two or more pulses, each with a quiet and a flooded window");
    }
    if (resamples < 40) {
      throw new IllegalArgumentException("at least 40 resamples for a 95 % interval");
    }
    Tops q = new Tops(quiet);
    Tops f = new Tops(flooded);
    int[] all = new int[pulses];
    Arrays.setAll(all, i -> i);
    double ratio = f.p99(all) / q.p99(all);
    SplittableRandom random = new SplittableRandom(seed);
    double[] ratios = new double[resamples];
    int[] drawn = new int[pulses];
    int kept = 0;
    for (int r = 0; r < resamples; r++) {
      for (int i = 0; i < pulses; i++) {
        drawn[i] = random.nextInt(pulses);
      }
      double quietP99 = q.p99(drawn);
      double floodedP99 = f.p99(drawn);
      if (quietP99 > 0 && !Double.isNaN(floodedP99)) {
        ratios[kept++] = floodedP99 / quietP99;
      }
    }
    if (kept < 40) {
      throw new IllegalArgumentException("too few windows with sends in them for an interval");
    }
    double[] sorted = Arrays.copyOf(ratios, kept);
    Arrays.sort(sorted);
    return new Interval(ratio, sorted[(int) Math.floor(0.025 * kept)], sorted[(int) Math.ceil(0.975 * kept) - 1], kept);
  }

  /**
   * Each window's largest values, as many as any drawn set's p99 can reach into: a p99 of n values is the
   * (n - ceil(0.99 n) + 1)-th largest, and n is at most the pulses times the longest window.
   */
  private static final class Tops {
    final long[][] largestFirst;
    final int[] sizes;

    Tops(List<long[]> windows) {
      int longest = windows.stream().mapToInt(w -> w.length).max().orElse(0);
      int reach = rankFromTop((long) windows.size() * longest);
      largestFirst = new long[windows.size()][];
      sizes = new int[windows.size()];
      for (int i = 0; i < windows.size(); i++) {
        long[] sorted = windows.get(i).clone();
        Arrays.sort(sorted);
        sizes[i] = sorted.length;
        int keep = Math.min(reach, sorted.length);
        long[] top = new long[keep];
        for (int j = 0; j < keep; j++) {
          top[j] = sorted[sorted.length - 1 - j];
        }
        largestFirst[i] = top;
      }
    }

    /** The p99 of the values of the windows {@code drawn} (a window drawn twice counts twice); NaN when none. */
    double p99(int[] drawn) {
      long n = 0;
      for (int w : drawn) {
        n += sizes[w];
      }
      if (n == 0) {
        return Double.NaN;
      }
      int t = rankFromTop(n);
      long[] candidates = new long[drawn.length * t];
      int c = 0;
      for (int w : drawn) {
        int take = Math.min(t, largestFirst[w].length);
        System.arraycopy(largestFirst[w], 0, candidates, c, take);
        c += take;
      }
      Arrays.sort(candidates, 0, c);
      return candidates[c - t];
    }

    /** The nearest-rank p99 of n values counted from the largest (1: the largest itself). */
    private static int rankFromTop(long n) {
      return (int) (n - (99 * n + 99) / 100 + 1); // n - ceil(0.99 n) + 1, in integers
    }
  }
}
