/**
 * Who is typing where, as the `chat.typing` events say (R4.1, R4.2), and nothing stuck "on".
 *
 * Each event keeps its typist for `expiresInMs` (6 s) from when it arrived; a new event from the same
 * person starts that again. Nothing but time and the typist's own message ends it: a typist whose tab
 * crashed or whose node died sends nothing more, and disappears when the time runs out. A message from
 * the typist ({@link clear}) ends it at once. This user's own events (other tabs) are ignored.
 *
 * One timer, set for the earliest expiry, serves every conversation. The clock is a parameter, so tests
 * move time by hand.
 *
 * @fires change - `detail: {conversationId, studentId}` when a conversation's typists change
 */
import { isChatMessage } from './conversation-status.js';

/** How long a typing event counts when it does not say (the server's `expiresInMs`). */
export const DEFAULT_EXPIRES_IN_MS = 6 * 1000; // 6 seconds

/** The real clock: `now()` in milliseconds, and timers. */
export const systemClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
});

export class TypingTracker extends EventTarget {
  #selfId;
  #clock;
  /** conversationId -> {studentId, typists: Map<userId, {userId, name, role, since, expiresAt}>} */
  #conversations = new Map();
  #timer = null;
  #timerAt = Infinity;
  #closed = false;
  #events = null;

  /**
   * @param {object} [options]
   * @param {number} [options.selfId] this user's id: their own typing (from another tab) is not shown
   * @param {{now: () => number, setTimeout: Function, clearTimeout: Function}} [options.clock]
   */
  constructor({ selfId = null, clock = systemClock } = {}) {
    super();
    this.#selfId = selfId;
    this.#clock = clock;
  }

  /**
   * Follows a session's ChatEvents: `typing` events add typists, a `message-created` ends its sender's
   * typing in that conversation.
   */
  follow(events) {
    this.#events = events;
    events.addEventListener('typing', this.#handleTyping);
    events.addEventListener('message-created', this.#handleMessageCreated);
    return this;
  }

  #handleTyping = (event) => {
    this.add(event.detail);
  };

  #handleMessageCreated = (event) => {
    if (!isChatMessage(event.detail)) return; // closing or reopening is not the end of typing a message
    const { conversationId, senderId } = event.detail ?? {};
    this.clear(conversationId, senderId);
  };

  /**
   * A `chat.typing` event: `{conversationId, studentId, userId, name, role, expiresInMs}`.
   * @returns {boolean} whether it was taken (not this user's own, not malformed)
   */
  add({ conversationId, studentId = null, userId, name, role, expiresInMs } = {}) {
    if (this.#closed || conversationId == null || userId == null || userId === this.#selfId) return false;
    const now = this.#clock.now();
    const ttl = Number.isFinite(expiresInMs) && expiresInMs > 0 ? expiresInMs : DEFAULT_EXPIRES_IN_MS;
    let conversation = this.#conversations.get(conversationId);
    if (!conversation) {
      conversation = { studentId, typists: new Map() };
      this.#conversations.set(conversationId, conversation);
    }
    if (studentId != null) conversation.studentId = studentId;
    const known = conversation.typists.get(userId);
    conversation.typists.set(userId, {
      userId,
      name: name || known?.name || 'Someone',
      role: role ?? known?.role ?? null,
      since: known?.since ?? now,
      expiresAt: now + ttl,
    });
    this.#schedule();
    if (!known) this.#changed(conversationId, conversation.studentId);
    return true;
  }

  /** The person wrote a message (or left): they are not typing there any more. */
  clear(conversationId, userId) {
    const conversation = this.#conversations.get(conversationId);
    if (!conversation?.typists.delete(userId)) return;
    if (conversation.typists.size === 0) this.#conversations.delete(conversationId);
    this.#changed(conversationId, conversation.studentId);
  }

  /**
   * Who is typing in a conversation now, the first to start first.
   * @returns {{userId: number, name: string, role: string|null}[]}
   */
  typists(conversationId) {
    const conversation = this.#conversations.get(conversationId);
    if (!conversation) return [];
    const now = this.#clock.now();
    return [...conversation.typists.values()]
      .filter((t) => t.expiresAt > now)
      .sort((a, b) => a.since - b.since)
      .map(({ userId, name, role }) => ({ userId, name, role }));
  }

  /** Stops following, stops the timer and forgets everything (the session ended). */
  close() {
    this.#closed = true;
    this.#events?.removeEventListener('typing', this.#handleTyping);
    this.#events?.removeEventListener('message-created', this.#handleMessageCreated);
    this.#events = null;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
    this.#conversations.clear();
  }

  /** Keeps one timer, due at the earliest expiry. */
  #schedule() {
    let next = Infinity;
    for (const { typists } of this.#conversations.values()) {
      for (const t of typists.values()) next = Math.min(next, t.expiresAt);
    }
    if (next === this.#timerAt) return;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = next;
    if (next === Infinity) return;
    this.#timer = this.#clock.setTimeout(this.#expire, Math.max(0, next - this.#clock.now()));
  }

  #expire = () => {
    this.#timer = null;
    this.#timerAt = Infinity;
    const now = this.#clock.now();
    for (const [conversationId, conversation] of [...this.#conversations]) {
      let removed = false;
      for (const [userId, t] of [...conversation.typists]) {
        if (t.expiresAt <= now) {
          conversation.typists.delete(userId);
          removed = true;
        }
      }
      if (conversation.typists.size === 0) this.#conversations.delete(conversationId);
      if (removed) this.#changed(conversationId, conversation.studentId);
    }
    this.#schedule();
  };

  #changed(conversationId, studentId) {
    this.dispatchEvent(new CustomEvent('change', { detail: { conversationId, studentId } }));
  }
}

/**
 * The words for a list of typists: "Ada is typing…", "Ada and Grace are typing…",
 * "Ada, Grace and Sam are typing…", "Ada, Grace and 2 others are typing…"; '' for nobody.
 * @param {{name: string}[]} typists
 */
export function describeTypists(typists) {
  const names = typists.map((t) => t.name);
  switch (names.length) {
    case 0:
      return '';
    case 1:
      return `${names[0]} is typing…`;
    case 2:
      return `${names[0]} and ${names[1]} are typing…`;
    case 3:
      return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
    default:
      return `${names[0]}, ${names[1]} and ${names.length - 2} others are typing…`;
  }
}
