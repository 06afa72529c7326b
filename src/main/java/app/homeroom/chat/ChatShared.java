package app.homeroom.chat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the chat verticle instances of one node share: counts for measuring (what a burst of acknowledgements
 * costs), the typing throttle (node-wide, since commands are spread across instances) and the conversation →
 * student map (a conversation never changes student, so it is safe to remember), and the highest sequence known
 * per conversation.
 */
public final class ChatShared {

  /** Commands received and not yet answered by this node's chat service. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Commands the node's chat service is working on (received, not yet answered): a graceful stop waits for 0. */
  final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  /** Pages of history being read by this node (issue 24, point 2): at most {@link ChatVerticle#MAX_READS_IN_FLIGHT}. */
  final java.util.concurrent.atomic.AtomicInteger readsInFlight = new java.util.concurrent.atomic.AtomicInteger();
  /** Each user's pages of history, one at a time (issue 24, point 2). */
  final app.homeroom.common.UserLines readLines;

  /** {@code closedForAbuse}: whether a user is closed for abuse now (their waiting pages are then not read). */
  public ChatShared(java.util.function.LongPredicate closedForAbuse) {
    readLines = new app.homeroom.common.UserLines("pages of history", closedForAbuse);
  }
  final AtomicLong acks = new AtomicLong();
  final AtomicLong ackWrites = new AtomicLong();
  final ConcurrentMap<String, Long> lastTypingForwarded = new ConcurrentHashMap<>();
  final ConcurrentMap<Long, Long> conversationStudents = new ConcurrentHashMap<>();
  /**
   * Conversation → the highest sequence this node knows was stored in it. Sequences only grow and messages are
   * never deleted, so an acknowledgement up to it is valid without asking the database.
   */
  final ConcurrentMap<Long, Long> conversationLastSeqs = new ConcurrentHashMap<>();

  /** Delivered and read acknowledgements accepted. */
  public long acks() {
    return acks.get();
  }

  /** Statements written for them (after coalescing). */
  public long ackWrites() {
    return ackWrites.get();
  }
}
