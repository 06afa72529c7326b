package app.homeroom.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interval a pulsed run puts around its p99 ratio (issue 24, point 2), on made-up windows. */
class PulseBootstrapTest {

  @Test
  void every_pulse_twice_as_slow_reads_exactly_two() {
    // Quiet windows of 1..100, flooded of 2..200: the nearest-rank p99 is 99 and 198 however the pulses are drawn.
    List<long[]> quiet = new ArrayList<>();
    List<long[]> flooded = new ArrayList<>();
    for (int k = 0; k < 12; k++) {
      quiet.add(LongStream.rangeClosed(1, 100).toArray());
      flooded.add(LongStream.rangeClosed(1, 100).map(v -> 2 * v).toArray());
    }
    PulseBootstrap.Interval i = PulseBootstrap.p99Ratio(quiet, flooded, 200, 1);
    assertEquals(2.0, i.ratio(), 1e-12);
    assertEquals(2.0, i.low(), 1e-12);
    assertEquals(2.0, i.high(), 1e-12);
    assertEquals(200, i.resamples());
  }

  @Test
  void the_ratio_is_the_p99_of_all_windows_together() {
    // Two pulses. The quiet windows' 200 values are 1..200: their p99 (the 198th of 200) is 198. The flooded ones are
    // the same but for the second window's three largest, 1000 to 1002: their p99 is 1000.
    List<long[]> quiet = List.of(LongStream.rangeClosed(1, 100).toArray(), LongStream.rangeClosed(101, 200).toArray());
    long[] second = LongStream.rangeClosed(101, 200).toArray();
    second[97] = 1000;
    second[98] = 1001;
    second[99] = 1002;
    List<long[]> flooded = List.of(LongStream.rangeClosed(1, 100).toArray(), second);
    assertEquals(1000.0 / 198.0, PulseBootstrap.p99Ratio(quiet, flooded, 100, 3).ratio(), 1e-12);
  }

  @Test
  void no_flood_effect_gives_an_interval_around_one() {
    Random random = new Random(7);
    List<long[]> quiet = new ArrayList<>();
    List<long[]> flooded = new ArrayList<>();
    for (int k = 0; k < 24; k++) {
      // Each pulse has its own level (the machine's moods), shared by its two windows, and noise of its own.
      double level = 2 + random.nextDouble() * 3;
      quiet.add(window(random, 1000, level));
      flooded.add(window(random, 1000, level));
    }
    PulseBootstrap.Interval i = PulseBootstrap.p99Ratio(quiet, flooded, 1000, 11);
    assertTrue(i.low() < 1 && 1 < i.high(), () -> "no effect, yet the interval is " + i);
    assertTrue(i.low() <= i.ratio() && i.ratio() <= i.high(), i::toString);
  }

  @Test
  void one_stalled_pulse_widens_the_interval_instead_of_deciding_the_figure() {
    Random random = new Random(5);
    List<long[]> quiet = new ArrayList<>();
    List<long[]> flooded = new ArrayList<>();
    for (int k = 0; k < 24; k++) {
      quiet.add(window(random, 1000, 3));
      flooded.add(window(random, 1000, 3));
    }
    // One flooded window stalled: 300 of its sends (more than the run's 1 %, 240) took 40 ms.
    long[] stalled = flooded.get(5);
    for (int j = 0; j < 300; j++) {
      stalled[j] = 40_000;
    }
    PulseBootstrap.Interval i = PulseBootstrap.p99Ratio(quiet, flooded, 1000, 13);
    assertTrue(i.ratio() > 2, i::toString); // the one stall carries the run's p99
    assertTrue(i.low() < 1.2, i::toString); // resamples without that pulse read as no effect
  }

  @Test
  void refuses_what_cannot_give_an_interval() {
    List<long[]> one = List.of(new long[] {1, 2, 3});
    assertThrows(IllegalArgumentException.class, () -> PulseBootstrap.p99Ratio(one, one, 100, 1));
    List<long[]> two = List.of(new long[] {1}, new long[] {2});
    assertThrows(IllegalArgumentException.class, () -> PulseBootstrap.p99Ratio(two, List.of(new long[] {1}), 100, 1));
    assertThrows(IllegalArgumentException.class, () -> PulseBootstrap.p99Ratio(two, two, 10, 1));
  }

  /** {@code n} send times in microseconds around {@code levelMs}, with a tail. */
  private static long[] window(Random random, int n, double levelMs) {
    long[] values = new long[n];
    for (int j = 0; j < n; j++) {
      values[j] = (long) (levelMs * 1000 * (0.5 + random.nextDouble()) * (1 + 2 * Math.pow(random.nextDouble(), 20)));
    }
    return values;
  }
}
