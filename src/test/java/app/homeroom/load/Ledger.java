package app.homeroom.load;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The generator's accounting, kept apart from the network so it can be tested with made-up times.
 *
 * <p>Every message sent gets a record keyed by its clientMsgId: when it was sent, its stored acknowledgement (the
 * reply to {@code chat.message.send}, which comes only after commit), and which of its expected recipients got it.
 * Recipients are numbered per message: 0 is the conversation's student, 1 + a is admin a (at most 63 admins), so
 * a record keeps three bit masks: expected, received live (a {@code chat.message.created} event) and received
 * at all (live, or fetched during a catch-up after a reconnect).
 *
 * <ul>
 *   <li><b>stored</b>: acknowledged; send→ack latency is recorded once, from the first attempt.</li>
 *   <li><b>delivered</b>: each expected recipient's first copy records send→delivered latency; a message is
 *       delivered when all its expected recipients have it.</li>
 *   <li><b>lost</b>: acknowledged, but some expected recipient never got it (counted by {@link #summarize}, after
 *       the drain).</li>
 *   <li><b>duplicate</b>: a second live event of the same message to the same recipient. A catch-up fetch that
 *       returns a message already received is normal and not a duplicate.</li>
 *   <li>The sender's own copy (admins share role.admin, a student gets their own message on their inbox) is not a
 *       delivery.</li>
 * </ul>
 *
 * <p>Time is split into windows (warm-up, measure, saturation steps...): latencies, loss and duplicates belong to
 * the window a message was <em>sent</em> in; throughput counts events that <em>happened</em> in a window, divided
 * by its length, so a server that falls behind shows a lower rate instead of catching up in the drain. Values are
 * nanoseconds from {@link System#nanoTime()}; every sender and receiver is in this JVM, so one clock serves both
 * ends. Thread-safe.
 */
final class Ledger {

  static final int MAX_ADMINS = 63;
  /** Latencies above this (microseconds: 10 minutes) are clamped to it. */
  static final long MAX_MICROS = 600_000_000L;
  static final int TIMELINE_SECONDS = 4 * 3600;

  enum Delivery {
    /** First copy for an expected recipient. */
    FIRST,
    /** A second live event to the same recipient. */
    DUPLICATE,
    /** A fetch returned a message this recipient already had (normal during a catch-up). */
    ALREADY_HAD,
    /** The sender's own copy. */
    SELF,
    /** A recipient that was not expected to get it (e.g. connected after it was sent); ignored. */
    UNEXPECTED,
    /** Not a message of this run. */
    UNKNOWN
  }

  static final byte PENDING = 0, ACKED = 1, FAILED = 2;

  /** One message of this run. Guarded by its own monitor. */
  static final class Msg {
    final String id;
    final int senderBit;
    final int student;
    final long conversationId;
    final int window;
    final long sentNanos;
    final long expected;
    long live;
    long any;
    long ackNanos;
    long seq = -1;
    byte state = PENDING;
    boolean duplicateAck;
    int attempts = 1;
    int duplicates;
    long completeNanos;
    String failure;

    Msg(String id, int senderBit, int student, long conversationId, int window, long sentNanos, long expected) {
      this.id = id;
      this.senderBit = senderBit;
      this.student = student;
      this.conversationId = conversationId;
      this.window = window;
      this.sentNanos = sentNanos;
      this.expected = expected;
    }

    synchronized boolean missing(int bit) {
      return (expected & ~any & (1L << bit)) != 0;
    }

    synchronized long seq() {
      return seq;
    }

    synchronized boolean acked() {
      return state == ACKED;
    }

    synchronized boolean settled() {
      return state != PENDING;
    }
  }

  /** A request/reply command other than sending (typing, read acknowledgements, fetches). */
  static final class Command {
    final LongAdder sent = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder failed = new LongAdder();
    final Histogram latency = histogram();
  }

  static final class Window {
    final int index;
    final String name;
    final long startNanos;
    volatile long endNanos;
    volatile double offeredRate;
    final Histogram ack = histogram();
    /** The acknowledgements of senders whose socket never went away (issue 24, point 7: what a peer's death costs them). */
    final Histogram ackUndisturbed = histogram();
    final Histogram delivered = histogram();
    final LongAdder storedDuring = new LongAdder();
    final LongAdder deliveredDuring = new LongAdder();
    final LongAdder deliveriesDuring = new LongAdder();
    final Map<String, Command> commands = new ConcurrentHashMap<>();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final LongAdder skipped = new LongAdder();

    Window(int index, String name, long startNanos, double offeredRate) {
      this.index = index;
      this.name = name;
      this.startNanos = startNanos;
      this.offeredRate = offeredRate;
    }

    Command command(String name) {
      return commands.computeIfAbsent(name, n -> new Command());
    }

    double seconds(long nowIfOpen) {
      long end = endNanos == 0 ? nowIfOpen : endNanos;
      return Math.max(1e-9, (end - startNanos) / 1e9);
    }
  }

  private final long t0;
  private final Map<String, Msg> messages = new ConcurrentHashMap<>();
  private final List<Window> windows = new CopyOnWriteArrayList<>();
  private volatile Window current;
  private final AtomicLong inFlight = new AtomicLong();
  /** Expected deliveries of acknowledged messages that have not arrived yet. */
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicLongArray sentPerSecond = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray storedPerSecond = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray deliveredPerSecond = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray deliveriesPerSecond = new AtomicLongArray(TIMELINE_SECONDS);
  /** The slowest send→delivered of the deliveries arriving in each second, µs: where in a run a tail happened. */
  private final AtomicLongArray slowestPerSecond = new AtomicLongArray(TIMELINE_SECONDS);

  Ledger(long t0Nanos) {
    this.t0 = t0Nanos;
    this.current = new Window(0, "setup", t0Nanos, 0);
    windows.add(current);
  }

  static Histogram histogram() {
    return new ConcurrentHistogram(MAX_MICROS, 3);
  }

  // ---- windows -------------------------------------------------------------------------------------------------

  /** Closes the current window and opens the next. */
  synchronized Window openWindow(String name, long now, double offeredRate) {
    current.endNanos = now;
    current = new Window(windows.size(), name, now, offeredRate);
    windows.add(current);
    return current;
  }

  synchronized void closeWindow(long now) {
    if (current.endNanos == 0) {
      current.endNanos = now;
    }
  }

  Window current() {
    return current;
  }

  List<Window> windows() {
    return List.copyOf(windows);
  }

  /**
   * Send→stored of the messages sent in every window whose name passes {@code names} (issue 24, point 2: the flooded
   * windows of a pulsed run against its quiet ones).
   */
  Percentiles ackIn(java.util.function.Predicate<String> names) {
    Histogram merged = histogram();
    for (Window w : windows) {
      if (names.test(w.name)) {
        merged.add(w.ack);
      }
    }
    return Percentiles.of(merged);
  }

  /**
   * As {@link #ackIn(java.util.function.Predicate)}, of the messages sent from {@code fromMs} to {@code toMs} after
   * their window's start (issue 24, point 2: a flood's first seconds against the rest of its window).
   */
  Percentiles ackIn(java.util.function.Predicate<String> names, long fromMs, long toMs) {
    Histogram merged = histogram();
    eachAck((w, m, micros) -> {
      long offset = m.sentNanos - w.startNanos;
      if (names.test(w.name) && offset >= fromMs * 1_000_000L && offset < toMs * 1_000_000L) {
        merged.recordValue(micros);
      }
    });
    return Percentiles.of(merged);
  }

  /**
   * Send→stored in microseconds of the acknowledged messages sent in each of the windows {@code names}, in that order
   * (issue 24, point 2: a pulsed run's windows, for {@link PulseBootstrap}).
   */
  List<long[]> acksOf(List<String> names) {
    List<java.util.stream.LongStream.Builder> found = new ArrayList<>();
    names.forEach(n -> found.add(java.util.stream.LongStream.builder()));
    eachAck((w, m, micros) -> {
      int at = names.indexOf(w.name);
      if (at >= 0) {
        found.get(at).add(micros);
      }
    });
    return found.stream().map(b -> b.build().toArray()).toList();
  }

  private interface AckVisitor {
    void acked(Window window, Msg message, long sendToStoredMicros);
  }

  /** Each acknowledged message of this run, with its window and its send→stored time. */
  private void eachAck(AckVisitor visitor) {
    for (Msg m : messages()) {
      long micros;
      synchronized (m) {
        if (m.state != ACKED) {
          continue;
        }
        micros = micros(m.ackNanos - m.sentNanos);
      }
      visitor.acked(windows.get(m.window), m, micros);
    }
  }

  /** Messages stored (acknowledged) so far, in every window. */
  long stored() {
    return windows.stream().mapToLong(w -> w.storedDuring.sum()).sum();
  }

  /** The window that was open at that instant (the last one opened before it; usually the current one). */
  Window windowAt(long nanos) {
    for (int i = windows.size() - 1; i > 0; i--) {
      Window w = windows.get(i);
      if (w.startNanos <= nanos) {
        return w;
      }
    }
    return windows.get(0);
  }

  // ---- messages ------------------------------------------------------------------------------------------------

  /**
   * A message written to the socket. {@code senderBit} is the sender's recipient number (0 for the student, 1 + a
   * for admin a), {@code expected} the recipients (bit mask) that must receive it.
   */
  Msg sent(String clientMsgId, int senderBit, int student, long conversationId, long expected, long now) {
    Window w = current;
    Msg m = new Msg(clientMsgId, senderBit, student, conversationId, w.index, now, expected & ~(1L << senderBit));
    if (messages.putIfAbsent(clientMsgId, m) != null) {
      throw new IllegalStateException("clientMsgId reused: " + clientMsgId);
    }
    inFlight.incrementAndGet();
    bump(sentPerSecond, now);
    return m;
  }

  Msg message(String clientMsgId) {
    return messages.get(clientMsgId);
  }

  /** Clients whose socket was taken away (their node killed or stopped), by {@link #clientKey}. */
  private final java.util.Set<Long> disturbed = ConcurrentHashMap.newKeySet();

  /** A client, as a message names its sender: a student by their index, an admin by their bit (negative). */
  static long clientKey(int senderBit, int student) {
    return senderBit == 0 ? student : -senderBit;
  }

  /** The client's socket was taken away by the run (failover): its sends no longer count as undisturbed. */
  void disturbed(int senderBit, int student) {
    disturbed.add(clientKey(senderBit, student));
  }

  /** The same message sent again (after a reconnect), with the same clientMsgId. */
  void retried(Msg m) {
    synchronized (m) {
      m.attempts++;
    }
  }

  /** The stored acknowledgement. Returns false when it was already acknowledged (a retry's second answer). */
  boolean acked(String clientMsgId, long seq, boolean duplicate, long now) {
    Msg m = messages.get(clientMsgId);
    if (m == null) {
      return false;
    }
    synchronized (m) {
      if (m.state == ACKED) {
        return false;
      }
      if (m.state == PENDING) {
        inFlight.decrementAndGet();
      }
      m.state = ACKED;
      m.failure = null;
      m.ackNanos = now;
      m.seq = seq;
      m.duplicateAck = duplicate;
      outstanding.addAndGet(Long.bitCount(m.expected & ~m.any));
    }
    Window sentIn = windows.get(m.window);
    sentIn.ack.recordValue(micros(now - m.sentNanos));
    if (!disturbed.contains(clientKey(m.senderBit, m.student))) {
      sentIn.ackUndisturbed.recordValue(micros(now - m.sentNanos));
    }
    windowAt(now).storedDuring.increment();
    bump(storedPerSecond, now);
    return true;
  }

  /** A send answered with an error (or given up on). A later acknowledgement (a retry) still counts. */
  void failed(String clientMsgId, String kind, long now) {
    Msg m = messages.get(clientMsgId);
    if (m == null) {
      return;
    }
    synchronized (m) {
      if (m.state != PENDING) {
        return;
      }
      m.state = FAILED;
      m.failure = kind;
      inFlight.decrementAndGet();
    }
    error("send: " + kind, now);
    synchronized (m) {
      m.failure = kind(kind);
    }
  }

  /** A copy of a message reached recipient {@code bit}: live (an event) or fetched (catch-up). */
  Delivery delivered(String clientMsgId, int bit, boolean live, long now) {
    Msg m = clientMsgId == null ? null : messages.get(clientMsgId);
    if (m == null) {
      return Delivery.UNKNOWN;
    }
    long mask = 1L << bit;
    boolean complete;
    synchronized (m) {
      if (bit == m.senderBit) {
        return Delivery.SELF;
      }
      if ((m.expected & mask) == 0) {
        return Delivery.UNEXPECTED;
      }
      if (live && (m.live & mask) != 0) {
        m.duplicates++;
        return Delivery.DUPLICATE;
      }
      if (live) {
        m.live |= mask;
      }
      if ((m.any & mask) != 0) {
        return Delivery.ALREADY_HAD;
      }
      m.any |= mask;
      if (m.state == ACKED) {
        outstanding.decrementAndGet();
      }
      complete = m.any == m.expected;
      if (complete) {
        m.completeNanos = now;
      }
    }
    long latency = micros(now - m.sentNanos);
    windows.get(m.window).delivered.recordValue(latency);
    long second = (now - t0) / 1_000_000_000L;
    if (second >= 0 && second < TIMELINE_SECONDS) {
      slowestPerSecond.accumulateAndGet((int) second, latency, Math::max);
    }
    Window w = windowAt(now);
    w.deliveriesDuring.increment();
    bump(deliveriesPerSecond, now);
    if (complete) {
      w.deliveredDuring.increment();
      bump(deliveredPerSecond, now);
    }
    return Delivery.FIRST;
  }

  /** Sent and neither acknowledged nor failed yet. */
  long inFlight() {
    return inFlight.get();
  }

  /** Deliveries still awaited for acknowledged messages (0 when everything stored has arrived everywhere). */
  long outstanding() {
    return outstanding.get();
  }

  /** Messages of this run, for catch-up and the final check. */
  Iterable<Msg> messages() {
    return messages.values();
  }

  // ---- commands and errors -------------------------------------------------------------------------------------

  void commandSent(String name, long now) {
    windowAt(now).command(name).sent.increment();
  }

  void commandReplied(String name, long sentNanos, boolean ok, String failure, long now) {
    Command c = windowAt(sentNanos).command(name);
    if (ok) {
      c.ok.increment();
      c.latency.recordValue(micros(now - sentNanos));
    } else {
      c.failed.increment();
      error(name + ": " + failure, now);
    }
  }

  void error(String kind, long now) {
    windowAt(now).errors.computeIfAbsent(kind(kind), k -> new LongAdder()).increment();
  }

  private static final java.util.regex.Pattern IDS =
      java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F-]*…?|\\b\\d{5,}\\b(?!\\(ms\\))");

  /** An error's kind: its text without the ids and numbers that would make every occurrence a kind of its own. */
  static String kind(String text) {
    return IDS.matcher(text).replaceAll(m -> m.group().contains("-") ? "<id>" : "N");
  }

  /** A send the pacer could not make (no live client, or too many in flight). */
  void skipped(String kind, long now) {
    Window w = windowAt(now);
    w.skipped.increment();
    w.errors.computeIfAbsent("skipped: " + kind, k -> new LongAdder()).increment();
  }

  // ---- results -------------------------------------------------------------------------------------------------

  record Percentiles(long count, double p50, double p99, double p999, double max, double mean) {
    static Percentiles of(Histogram h) {
      if (h.getTotalCount() == 0) {
        return new Percentiles(0, 0, 0, 0, 0, 0);
      }
      return new Percentiles(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
          ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / 1000.0);
    }

    private static double ms(long micros) {
      return micros / 1000.0;
    }
  }

  record CommandStats(long sent, long ok, long failed, Percentiles latency) {}

  /** One window's figures. Rates are per second of the window. */
  record WindowStats(String name, double seconds, double offeredRate, long sent, long acked, long ackedAsDuplicate,
                     long failed, long unacked, long retried, double storedPerSecond, double deliveredPerSecond,
                     double deliveriesPerSecond, long deliveriesExpected, long deliveriesLive,
                     long deliveriesCaughtUp, long lostMessages, long lostDeliveries, long duplicateDeliveries,
                     Percentiles ack, Percentiles ackUndisturbed, Percentiles delivered, Map<String, CommandStats> commands,
                     Map<String, Long> errors, long skipped) {

    long errorCount() {
      return errors.entrySet().stream().filter(e -> !e.getKey().startsWith("skipped")).mapToLong(Map.Entry::getValue).sum();
    }
  }

  /**
   * Figures per window (all of them, warm-up included; the caller picks), then one named "total": every window but
   * "setup" and "warmup" together, histograms merged; its rates are over the windows before the "drain" (the drain
   * only waits for the late, and its acknowledgements count in no rate). Call after the drain.
   */
  List<WindowStats> summarize(long now) {
    int n = windows.size();
    long[] sent = new long[n], acked = new long[n], ackedDup = new long[n], failed = new long[n], unacked = new long[n],
        retried = new long[n], expected = new long[n], live = new long[n], caught = new long[n], lost = new long[n],
        lostDeliveries = new long[n], duplicates = new long[n];
    for (Msg m : messages.values()) {
      synchronized (m) {
        int w = m.window;
        sent[w]++;
        retried[w] += m.attempts > 1 ? 1 : 0;
        duplicates[w] += m.duplicates;
        switch (m.state) {
          case ACKED -> {
            acked[w]++;
            ackedDup[w] += m.duplicateAck ? 1 : 0;
            expected[w] += Long.bitCount(m.expected);
            live[w] += Long.bitCount(m.live & m.expected);
            caught[w] += Long.bitCount(m.any & ~m.live & m.expected);
            long missing = Long.bitCount(m.expected & ~m.any);
            if (missing > 0) {
              lost[w]++;
              lostDeliveries[w] += missing;
            }
          }
          case FAILED -> failed[w]++;
          default -> unacked[w]++;
        }
      }
    }
    List<WindowStats> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Window w = windows.get(i);
      double s = w.seconds(now);
      Map<String, CommandStats> commands = new TreeMap<>();
      w.commands.forEach((name, c) -> commands.put(name,
          new CommandStats(c.sent.sum(), c.ok.sum(), c.failed.sum(), Percentiles.of(c.latency))));
      Map<String, Long> errors = new TreeMap<>();
      w.errors.forEach((k, v) -> errors.put(k, v.sum()));
      out.add(new WindowStats(w.name, s, w.offeredRate, sent[i], acked[i], ackedDup[i], failed[i], unacked[i],
          retried[i], w.storedDuring.sum() / s, w.deliveredDuring.sum() / s, w.deliveriesDuring.sum() / s,
          expected[i], live[i], caught[i], lost[i], lostDeliveries[i], duplicates[i], Percentiles.of(w.ack),
          Percentiles.of(w.ackUndisturbed), Percentiles.of(w.delivered), commands, errors, w.skipped.sum()));
    }
    // The total.
    Histogram ack = histogram(), ackUndisturbed = histogram(), delivered = histogram();
    Map<String, Command> commands = new TreeMap<>();
    Map<String, Long> errors = new TreeMap<>();
    double seconds = 0, offered = 0;
    long t[] = new long[12], stored = 0, deliveredCount = 0, deliveries = 0, skipped = 0;
    for (int i = 0; i < n; i++) {
      Window w = windows.get(i);
      if (w.name.equals("setup") || w.name.equals("warmup")) {
        continue;
      }
      ack.add(w.ack);
      ackUndisturbed.add(w.ackUndisturbed);
      delivered.add(w.delivered);
      w.commands.forEach((name, c) -> {
        Command sum = commands.computeIfAbsent(name, k -> new Command());
        sum.sent.add(c.sent.sum());
        sum.ok.add(c.ok.sum());
        sum.failed.add(c.failed.sum());
        sum.latency.add(c.latency);
      });
      w.errors.forEach((k, v) -> errors.merge(k, v.sum(), Long::sum));
      skipped += w.skipped.sum();
      long[] row = {sent[i], acked[i], ackedDup[i], failed[i], unacked[i], retried[i], expected[i], live[i], caught[i],
          lost[i], lostDeliveries[i], duplicates[i]};
      for (int k = 0; k < row.length; k++) {
        t[k] += row[k];
      }
      if (!w.name.equals("drain")) {
        double ws = w.seconds(now);
        seconds += ws;
        offered += w.offeredRate * ws;
        stored += w.storedDuring.sum();
        deliveredCount += w.deliveredDuring.sum();
        deliveries += w.deliveriesDuring.sum();
      }
    }
    double s = Math.max(1e-9, seconds);
    Map<String, CommandStats> totalCommands = new TreeMap<>();
    commands.forEach((name, c) -> totalCommands.put(name,
        new CommandStats(c.sent.sum(), c.ok.sum(), c.failed.sum(), Percentiles.of(c.latency))));
    out.add(new WindowStats("total", seconds, offered / s, t[0], t[1], t[2], t[3], t[4], t[5], stored / s,
        deliveredCount / s, deliveries / s, t[6], t[7], t[8], t[9], t[10], t[11], Percentiles.of(ack),
        Percentiles.of(ackUndisturbed), Percentiles.of(delivered), totalCommands, errors, skipped));
    return out;
  }

  /**
   * Per second since the start: sent, stored, delivered (messages complete), deliveries, and the slowest
   * send→delivered (µs) of the deliveries that arrived in that second.
   */
  long[][] timeline(long now) {
    int seconds = (int) Math.min(TIMELINE_SECONDS, Math.max(0, (now - t0) / 1_000_000_000L) + 1);
    long[][] rows = new long[seconds][];
    for (int i = 0; i < seconds; i++) {
      rows[i] = new long[] {i, sentPerSecond.get(i), storedPerSecond.get(i), deliveredPerSecond.get(i),
          deliveriesPerSecond.get(i), slowestPerSecond.get(i)};
    }
    return rows;
  }

  private void bump(AtomicLongArray perSecond, long now) {
    long s = (now - t0) / 1_000_000_000L;
    if (s >= 0 && s < TIMELINE_SECONDS) {
      perSecond.incrementAndGet((int) s);
    }
  }

  static long micros(long nanos) {
    return Math.max(0, Math.min(MAX_MICROS, nanos / 1000));
  }
}
