package app.homeroom.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One node's view of who is online across the cluster. Pure state, no I/O, so it is tested directly; the
 * {@link PresenceVerticle} drives it from one event loop (not thread-safe).
 *
 * <p>Two layers: this node's own socket count per user (several tabs count as one), and every node's claims
 * "user U is online here", each valid until {@code ttlMillis} after the node last said so. A user is online while
 * any claim is valid. Flips are found by comparing with what was last reported, so a claim that lapses silently
 * (its node died) is reported by {@link #expire} like any other change.
 */
public final class PresenceView {

  /** A user's cluster-wide presence flipped. */
  public record Change(long userId, boolean online) {}

  private final long ttlMillis;
  private final Map<Long, Integer> localSockets = new HashMap<>();
  private final Map<Long, Map<String, Long>> claims = new HashMap<>();
  private final Set<Long> reportedOnline = new HashSet<>();

  public PresenceView(long ttlMillis) {
    this.ttlMillis = ttlMillis;
  }

  /** A socket of this user opened on this node; true when it is their first here. */
  public boolean socketOpened(long userId) {
    return localSockets.merge(userId, 1, Integer::sum) == 1;
  }

  /** A socket of this user closed on this node; true when it was their last here. */
  public boolean socketClosed(long userId) {
    Integer n = localSockets.get(userId);
    if (n == null) {
      return false;
    }
    if (n <= 1) {
      localSockets.remove(userId);
      return true;
    }
    localSockets.put(userId, n - 1);
    return false;
  }

  public Set<Long> localUsers() {
    return Set.copyOf(localSockets.keySet());
  }

  /** A node says this user came online or went offline there. */
  public Optional<Change> claim(String nodeId, long userId, boolean online, long now) {
    if (online) {
      claims.computeIfAbsent(userId, u -> new HashMap<>()).put(nodeId, now + ttlMillis);
    } else {
      dropClaim(userId, nodeId);
    }
    return reconcile(userId, now);
  }

  /** A node's full list of its online users: renews those claims and drops the node's others. */
  public List<Change> heartbeat(String nodeId, Set<Long> users, long now) {
    Set<Long> touched = new HashSet<>(users);
    claims.forEach((user, byNode) -> {
      if (byNode.containsKey(nodeId)) {
        touched.add(user);
      }
    });
    for (long u : touched) {
      if (users.contains(u)) {
        claims.computeIfAbsent(u, x -> new HashMap<>()).put(nodeId, now + ttlMillis);
      } else {
        dropClaim(u, nodeId);
      }
    }
    List<Change> changes = new ArrayList<>();
    for (long u : touched) {
      reconcile(u, now).ifPresent(changes::add);
    }
    return changes;
  }

  /** Drops lapsed claims: how a node that died without a word stops showing its users online. */
  public List<Change> expire(long now) {
    claims.values().forEach(byNode -> byNode.values().removeIf(expiresAt -> expiresAt <= now));
    claims.values().removeIf(Map::isEmpty);
    List<Change> changes = new ArrayList<>();
    for (long u : List.copyOf(reportedOnline)) {
      reconcile(u, now).ifPresent(changes::add);
    }
    return changes;
  }

  public boolean isOnline(long userId, long now) {
    Map<String, Long> byNode = claims.get(userId);
    return byNode != null && byNode.values().stream().anyMatch(expiresAt -> expiresAt > now);
  }

  private void dropClaim(long userId, String nodeId) {
    Map<String, Long> byNode = claims.get(userId);
    if (byNode != null) {
      byNode.remove(nodeId);
      if (byNode.isEmpty()) {
        claims.remove(userId);
      }
    }
  }

  private Optional<Change> reconcile(long userId, long now) {
    boolean online = isOnline(userId, now);
    if (online == reportedOnline.contains(userId)) {
      return Optional.empty();
    }
    if (online) {
      reportedOnline.add(userId);
    } else {
      reportedOnline.remove(userId);
    }
    return Optional.of(new Change(userId, online));
  }
}
