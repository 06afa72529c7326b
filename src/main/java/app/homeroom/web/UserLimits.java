package app.homeroom.web;

import app.homeroom.bus.Address;
import app.homeroom.config.HomeroomConfig;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 8, point 3: what one user may do on this node, shared by all HTTP verticle instances of the node (so a user
 * does not get one allowance per instance, nor one per socket: the buckets are per USER).
 *
 * <ul>
 *   <li>Token buckets per user and {@link Kind}: sending messages, typing events, acknowledgements (read and
 *   delivered), reads (history pages and the like) and searches. Up to the burst at once, then the rate per second on average. The bridge hook and the REST routes
 *   take from the same bucket.</li>
 *   <li>Open bridge sockets per user: at most {@code socketsPerUser}; a further socket is refused (the sockets
 *   already open are left alone: a user who legitimately has many tabs keeps them, a script opening sockets in a
 *   loop is stopped).</li>
 * </ul>
 *
 * <p>Per node, not cluster-wide: a user whose sockets are spread over N nodes gets N allowances. Cheap on the hot
 * path: one map lookup and one short {@code synchronized} section on that user's own object; no allocation once a
 * user has buckets. Idle users are forgotten by {@link #sweep()}.
 */
public final class UserLimits {

  /** What a frame or request costs a token of. */
  public enum Kind {
    SEND("messages"), TYPING("typing events"), ACK("acknowledgements"),
    /** Issue 24, point 2: history pages, a conversation, notifications, the roster: reads one user could flood. */
    READ("reads"),
    /** Full-text searches: dearer than a page of history, so a budget of their own. */
    SEARCH("searches");

    final String what;

    Kind(String what) {
      this.what = what;
    }

    /** The kind a client command is limited by, or null when it is not rate-limited. */
    public static Kind of(String address) {
      if (Address.MESSAGE_SEND.address().equals(address)) {
        return SEND;
      }
      if (Address.TYPING.address().equals(address) || Address.STAFF_VIEWING.address().equals(address)) {
        return TYPING;
      }
      if (Address.CONVERSATION_READ.address().equals(address) || Address.CONVERSATION_DELIVERED.address().equals(address)) {
        return ACK;
      }
      if (Address.MESSAGES_FETCH.address().equals(address)) {
        return READ;
      }
      return null;
    }
  }

  /** Forget a user whose buckets have been full for this long. */
  public static final long IDLE_NANOS = 60_000_000_000L;

  private final HomeroomConfig.Limits config;
  private final double[] perNano = new double[Kind.values().length];
  private final double[] burst = new double[Kind.values().length];
  private final ConcurrentHashMap<Long, Buckets> byUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Integer> sockets = new ConcurrentHashMap<>();
  /** Refusals by {@link Kind}, for the metrics (issue 29, point 2). */
  private final java.util.concurrent.atomic.AtomicLongArray refusedByKind =
      new java.util.concurrent.atomic.AtomicLongArray(Kind.values().length);
  /** Sockets closed for abuse, and new sockets refused (over the per-user cap, or during a back-off). */
  private final AtomicLong abuseCloses = new AtomicLong();
  private final AtomicLong socketsRefused = new AtomicLong();
  /** Users whose socket was closed for abuse: {blocked until (nanos), level, last close (nanos)}. */
  private final ConcurrentHashMap<Long, long[]> penalties = new ConcurrentHashMap<>();
  /** Refusals of a user's requests are logged at most once per user and reason every 10 s, node-wide. */
  private final app.homeroom.common.LogWindow refusalLog = new app.homeroom.common.LogWindow(10_000_000_000L);

  /** Allocated once: a capturing lambda per call would allocate on the hot path. */
  private final java.util.function.Function<Long, Buckets> newBuckets = id -> new Buckets(burst);

  public UserLimits(HomeroomConfig.Limits config) {
    this.config = config;
    set(Kind.SEND, config.sendPerSecond(), config.sendBurst());
    set(Kind.TYPING, config.typingPerSecond(), config.typingBurst());
    set(Kind.ACK, config.acksPerSecond(), config.acksBurst());
    set(Kind.READ, config.readsPerSecond(), config.readsBurst());
    set(Kind.SEARCH, config.searchesPerSecond(), config.searchesBurst());
  }

  private void set(Kind kind, int perSecond, int max) {
    perNano[kind.ordinal()] = perSecond / 1e9;
    burst[kind.ordinal()] = max;
  }

  /**
   * How often a token of {@code kind} comes back, in ms (rounded up): the pace at which a refused client is never
   * refused again, told with each refusal ({@code tokenEvery}) so that it settles after one.
   */
  public long tokenEveryMs(Kind kind) {
    double perNanos = perNano[kind.ordinal()];
    return perNanos <= 0 ? 0 : (long) Math.ceil(1 / perNanos / 1e6);
  }

  public HomeroomConfig.Limits config() {
    return config;
  }

  /**
   * Takes one token of {@code kind} for the user: 0 when allowed, else the milliseconds until a token will be there
   * (at least 1): the {@code retryAfter} the client is told.
   */
  public long take(long userId, Kind kind) {
    return take(userId, kind, 1);
  }

  /**
   * Takes {@code cost} tokens of {@code kind} at once (at most the burst, so that any request can be afforded): 0 when
   * allowed, else the milliseconds until they will be there.
   */
  public long take(long userId, Kind kind, int cost) {
    if (!config.rateLimited()) {
      return 0;
    }
    Buckets buckets = byUser.get(userId);
    if (buckets == null) {
      buckets = byUser.computeIfAbsent(userId, newBuckets);
    }
    long wait = buckets.take(kind.ordinal(), Math.max(1, Math.min(cost, (int) burst[kind.ordinal()])), System.nanoTime());
    if (wait > 0) {
      refusedByKind.incrementAndGet(kind.ordinal());
    }
    return wait;
  }

  /** After a socket is closed for abuse, the user's new sockets on this node are refused this long at first… */
  public static final long ABUSE_BACKOFF_MS = 10_000;
  /** …doubling with each further close for abuse, up to this… */
  public static final long ABUSE_BACKOFF_CAP_MS = 5 * 60_000;
  /** …and starting afresh once the user has behaved this long. */
  public static final long ABUSE_MEMORY_MS = 10 * 60_000;

  /**
   * Issue 24, point 3: a socket of this user was closed for abuse. Their new sockets on this node are refused for a
   * back-off that doubles each time it happens again within {@link #ABUSE_MEMORY_MS} (10 s, 20 s, … 5 min), so a script
   * that reconnects at once gains nothing; their open sockets are left alone. Returns the back-off in ms.
   */
  public long closedForAbuse(long userId) {
    abuseCloses.incrementAndGet();
    long now = System.nanoTime();
    long[] p = penalties.compute(userId, (id, old) -> {
      boolean fresh = old == null || now - old[2] > ABUSE_MEMORY_MS * 1_000_000L;
      int level = fresh ? 0 : (int) Math.min(old[1] + 1, 30);
      long ms = Math.min(ABUSE_BACKOFF_CAP_MS, ABUSE_BACKOFF_MS << Math.min(level, 20));
      return new long[] {now + ms * 1_000_000L, level, now};
    });
    return (p[0] - now) / 1_000_000L;
  }

  /** How long new sockets of this user are still refused on this node after a close for abuse (0: they are not). */
  public long socketBlockedForMs(long userId) {
    long[] p = penalties.get(userId);
    if (p == null) {
      return 0;
    }
    return Math.max(0, (p[0] - System.nanoTime()) / 1_000_000L);
  }

  /** Requests refused by a token bucket on this node since it started (for tests and operators). */
  public long refusedCount() {
    long total = 0;
    for (int i = 0; i < refusedByKind.length(); i++) {
      total += refusedByKind.get(i);
    }
    return total;
  }

  /** Refusals of {@code kind} by a token bucket on this node since it started. */
  public long refusedCount(Kind kind) {
    return refusedByKind.get(kind.ordinal());
  }

  /** Sockets closed for abuse on this node since it started. */
  public long abuseCloses() {
    return abuseCloses.get();
  }

  /** New bridge sockets refused on this node since it started: over the per-user cap, or during an abuse back-off. */
  public long socketsRefused() {
    return socketsRefused.get();
  }

  /**
   * For a new socket of this user: how long sockets are still refused after a close for abuse (0: not refused), a
   * refusal counted for the metrics.
   */
  public long refuseWhileBlocked(long userId) {
    long ms = socketBlockedForMs(userId);
    if (ms > 0) {
      socketsRefused.incrementAndGet();
    }
    return ms;
  }

  /**
   * Whether to log a refusal of this user's for this reason: -1 when one was logged within the last 10 s on this node
   * (counted as left out); else how many were left out since that line (issue 24, point 9).
   */
  public long logRefusal(long userId, String reason) {
    return refusalLog.admit(userId + ":" + reason);
  }

  /** Seconds in which one refusal line per user and reason is logged. */
  public long refusalLogSeconds() {
    return refusalLog.seconds();
  }

  /**
   * For a new socket of this user, looked at before its handshake: whether they already hold the maximum here (then
   * counted as a refused socket, as {@link #openSocket} counts one). Not a reservation: {@link #openSocket} still
   * decides when the socket is created.
   */
  public boolean refuseAtCap(long userId) {
    if (openSockets(userId) < config.socketsPerUser()) {
      return false;
    }
    socketsRefused.incrementAndGet();
    return true;
  }

  /** Counts a bridge socket opening; false (and not counted) when the user already holds the maximum here. */
  public boolean openSocket(long userId) {
    boolean[] ok = {false};
    sockets.compute(userId, (id, n) -> {
      int count = n == null ? 0 : n;
      if (count >= config.socketsPerUser()) {
        return n;
      }
      ok[0] = true;
      return count + 1;
    });
    if (!ok[0]) {
      socketsRefused.incrementAndGet();
    }
    return ok[0];
  }

  /** Bridge sockets open on this node, all users together. */
  public int openSocketsTotal() {
    int total = 0;
    for (int n : sockets.values()) {
      total += n;
    }
    return total;
  }

  /** Users with at least one bridge socket open on this node. */
  public int connectedUsers() {
    return sockets.size();
  }

  /** A counted socket closed. */
  public void closeSocket(long userId) {
    sockets.computeIfPresent(userId, (id, n) -> n <= 1 ? null : n - 1);
  }

  /** Bridge sockets the user holds open on this node. */
  public int openSockets(long userId) {
    return sockets.getOrDefault(userId, 0);
  }

  /** Refusals held now (RateLimited holds refused reads and searches), per user with any. */
  private final ConcurrentHashMap<Long, Integer> heldRefusals = new ConcurrentHashMap<>();

  /** A refusal of this user's is held from now: how many of theirs are held on this node, this one counted. */
  public int holdRefusal(long userId) {
    return heldRefusals.merge(userId, 1, Integer::sum);
  }

  /** A held refusal of this user's was answered (or its client had gone). */
  public void releaseRefusal(long userId) {
    heldRefusals.computeIfPresent(userId, (id, n) -> n <= 1 ? null : n - 1);
  }

  /** Forgets users idle long enough that their buckets are full again (keeps the map to recent users). */
  public void sweep() {
    long now = System.nanoTime();
    byUser.values().removeIf(b -> b.idleSince(now, IDLE_NANOS));
    penalties.values().removeIf(p -> now - p[2] > ABUSE_MEMORY_MS * 1_000_000L);
  }

  /** One user's buckets, guarded by the object itself (contention only between that user's own requests). */
  private final class Buckets {
    private final double[] tokens;
    private final long[] at;

    Buckets(double[] full) {
      tokens = full.clone();
      at = new long[full.length];
      long now = System.nanoTime();
      java.util.Arrays.fill(at, now);
    }

    synchronized long take(int kind, int cost, long now) {
      double t = Math.min(burst[kind], tokens[kind] + (now - at[kind]) * perNano[kind]);
      at[kind] = now;
      if (t >= cost) {
        tokens[kind] = t - cost;
        return 0;
      }
      tokens[kind] = t;
      return Math.max(1, (long) Math.ceil((cost - t) / perNano[kind] / 1e6));
    }

    /** Untouched for {@code idle} and refilled: forgetting it changes nothing for the user. */
    synchronized boolean idleSince(long now, long idle) {
      for (int k = 0; k < at.length; k++) {
        if (now - at[k] < idle || tokens[k] + (now - at[k]) * perNano[k] < burst[k]) {
          return false;
        }
      }
      return true;
    }
  }
}
