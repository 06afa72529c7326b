package app.homeroom.presence;

import app.homeroom.presence.PresenceView.Change;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** R2.2: the rules of cluster-wide presence, without a cluster: tabs, nodes, heartbeats and the TTL. */
class PresenceViewTest {

  static final long TTL = 30_000;

  @Test
  @DisplayName("Several tabs on a node count as one: only the first open and the last close flip the node's state")
  void tabs_count_as_one() {
    PresenceView view = new PresenceView(TTL);
    assertTrue(view.socketOpened(7));
    assertFalse(view.socketOpened(7));
    assertFalse(view.socketClosed(7));
    assertTrue(view.socketClosed(7));
    assertFalse(view.socketClosed(7), "a stray close changes nothing");
    assertEquals(Set.of(), view.localUsers());
  }

  @Test
  @DisplayName("A user online on two nodes stays online until both let go, and each flip is reported once")
  void online_anywhere_means_online() {
    PresenceView view = new PresenceView(TTL);
    assertEquals(Optional.of(new Change(7, true)), view.claim("A", 7, true, 0));
    assertEquals(Optional.empty(), view.claim("B", 7, true, 10));
    assertEquals(Optional.empty(), view.claim("A", 7, false, 20));
    assertTrue(view.isOnline(7, 20));
    assertEquals(Optional.of(new Change(7, false)), view.claim("B", 7, false, 30));
    assertFalse(view.isOnline(7, 30));
  }

  @Test
  @DisplayName("A node that stops renewing its claims (it died) has its users turn offline once the TTL lapses")
  void a_dead_node_expires() {
    PresenceView view = new PresenceView(TTL);
    view.claim("A", 1, true, 0);
    view.claim("B", 2, true, 0);
    view.heartbeat("B", Set.of(2L), 20_000);
    assertEquals(List.of(), view.expire(29_999));
    assertEquals(List.of(new Change(1, false)), view.expire(30_000), "A said nothing for a TTL");
    assertTrue(view.isOnline(2, 30_000), "B renewed in time");
    assertEquals(List.of(new Change(2, false)), view.expire(50_000));
  }

  @Test
  @DisplayName("A heartbeat renews the node's users and drops those it no longer lists (a lost offline event)")
  void heartbeat_is_the_full_truth_for_its_node() {
    PresenceView view = new PresenceView(TTL);
    view.claim("A", 1, true, 0);
    view.claim("A", 2, true, 0);
    assertEquals(List.of(new Change(2, false)), view.heartbeat("A", Set.of(1L), 10_000));
    assertEquals(List.of(new Change(3, true)), view.heartbeat("A", Set.of(1L, 3L), 11_000));
    assertEquals(List.of(), view.expire(35_000), "renewed at 11 s, valid until 41 s");
    assertEquals(2, view.heartbeat("A", Set.of(), 36_000).size(), "a clean stop lets everyone go at once");
  }
}
