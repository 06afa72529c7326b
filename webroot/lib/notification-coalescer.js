/**
 * Coalesces bursts of messages into few notifications (R5.2): at most one per conversation per window.
 *
 * The first message of a burst opens a short gathering delay (`gatherMs`, default 1.5 s); when it ends, one
 * notification goes out carrying how many messages arrived and the latest one. After a notification for a
 * conversation, the next one for it waits until `windowMs` (default 5 s) has passed since, gathering whatever
 * arrives meanwhile. `cancel(conversationId)` drops what is gathered (the person opened that chat). Clock and
 * timers are injectable, so the logic runs in Node tests with a fake clock.
 *
 * `add(conversationId, item)` takes `item`: `{sender, excerpt, started?}` (anything else is carried through as
 * the latest item); `emit` receives `{conversationId, count, latest}`: `count` the messages since the last
 * notification for that conversation (`started` items do not count as messages), `latest` the newest item.
 */
import { isChatMessage } from './conversation-status.js';

export const GATHER_MS = 1500;
export const WINDOW_MS = 5000;

export class NotificationCoalescer {
  #emit;
  #gatherMs;
  #windowMs;
  #now;
  #setTimeout;
  #clearTimeout;
  /** conversationId -> {count, latest, timer, lastEmitAt} */
  #byConversation = new Map();

  constructor({
    emit,
    gatherMs = GATHER_MS,
    windowMs = WINDOW_MS,
    now = () => Date.now(),
    setTimeout = globalThis.setTimeout.bind(globalThis),
    clearTimeout = globalThis.clearTimeout.bind(globalThis),
  }) {
    this.#emit = emit;
    this.#gatherMs = gatherMs;
    this.#windowMs = windowMs;
    this.#now = now;
    this.#setTimeout = setTimeout;
    this.#clearTimeout = clearTimeout;
  }

  /** One more message (or a conversation started) for a conversation the person is not looking at. */
  add(conversationId, item) {
    let entry = this.#byConversation.get(conversationId);
    if (!entry) {
      entry = { count: 0, latest: null, timer: null, lastEmitAt: null };
      this.#byConversation.set(conversationId, entry);
    }
    if (!item?.started) entry.count += 1;
    entry.latest = item;
    if (entry.timer !== null) return;
    const now = this.#now();
    const windowEnds = entry.lastEmitAt === null ? now : entry.lastEmitAt + this.#windowMs;
    const at = Math.max(now + this.#gatherMs, windowEnds);
    entry.timer = this.#setTimeout(() => this.#flush(conversationId), at - now);
  }

  /** Drops what is gathered for a conversation (the person is looking at it now). */
  cancel(conversationId) {
    const entry = this.#byConversation.get(conversationId);
    if (!entry) return;
    if (entry.timer !== null) this.#clearTimeout(entry.timer);
    entry.timer = null;
    entry.count = 0;
    entry.latest = null;
  }

  /** Whether something is gathered for a conversation and not sent yet. */
  isPending(conversationId) {
    return this.#byConversation.get(conversationId)?.timer != null;
  }

  stop() {
    for (const entry of this.#byConversation.values()) if (entry.timer !== null) this.#clearTimeout(entry.timer);
    this.#byConversation.clear();
  }

  #flush(conversationId) {
    const entry = this.#byConversation.get(conversationId);
    if (!entry) return;
    entry.timer = null;
    if (!entry.latest) return;
    const notification = { conversationId, count: entry.count, latest: entry.latest };
    entry.count = 0;
    entry.latest = null;
    entry.lastEmitAt = this.#now();
    this.#emit(notification);
  }
}

/**
 * Whether a live `message-created` is worth telling this person about when they are not looking at it (R5.2):
 * something the other side wrote (a student's message for an admin; a staff message for a student), never
 * their own, never a status entry ("closed"/"reopened" are audit entries, R6.2: no toast, no browser
 * notification).
 */
export function isNotifiable(message, viewer) {
  if (!isChatMessage(message) || !viewer || message.senderId === viewer.id) return false;
  return viewer.role === 'admin' ? message.senderRole === 'student' : message.senderRole !== 'student';
}

/** The plain-text excerpt a notification shows: whitespace folded, at most `max` characters. */
export function excerptOf(body, max = 140) {
  const text = String(body ?? '').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "Ada Admin: 3 new messages", "Ada Admin started a conversation with you", for a coalesced notification. */
export function describeNotification({ count, latest }) {
  const sender = latest?.sender || 'Staff';
  if (count === 0) return { title: `${sender} started a conversation with you`, body: '' };
  return { title: `${sender}: ${count} new message${count === 1 ? '' : 's'}`, body: latest?.excerpt ?? '' };
}

/**
 * The server's list of pending notifications as it replaces `held`, unless an entry of it is older than the one held.
 * Lists come from `notification-changed` events and REST answers, and two of them can arrive out of order (two
 * messages stored by different verticle instances publish from different event loops; a REST answer computed before
 * the latest event). A conversation's `latestSeq` never goes back (messages are append-only), so an entry with a lower
 * `latestSeq` than the one held is stale: the held one stays. Without this the title could stay at "(2) Homeroom"
 * after the third message of a burst.
 */
export function newerNotifications(held, incoming) {
  const list = Array.isArray(incoming) ? incoming : [];
  const heldById = new Map((held ?? []).map((n) => [n.conversationId, n]));
  return list.map((n) => {
    const before = heldById.get(n.conversationId);
    return before && (before.latestSeq ?? 0) > (n.latestSeq ?? 0) ? before : n;
  });
}
