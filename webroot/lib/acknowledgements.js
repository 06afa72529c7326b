/**
 * This client's delivered and read acknowledgements (R4.3, R4.4), coalesced.
 *
 * - Delivered: every message from someone else that reaches this client, live (`message-created`) or in a
 *   fetched page (catch-up, history), is acknowledged with `chat.conversation.delivered` up to the
 *   highest `seq` received (`POST …/delivered` when the live channel is down).
 * - Read: the chat view asks for `chat.conversation.read` when the person looks at the conversation.
 *
 * Per conversation and kind, at most one acknowledgement is in flight; marks asked for meanwhile wait, and
 * only the newest goes out when it returns, so a burst of 100 messages costs a handful of requests. A mark
 * not above what was already acknowledged is not sent. A read covers delivered (the server moves both):
 * a delivered mark waits for the current task to finish and is dropped when a read for it was asked for
 * meanwhile (a message arriving in, or a page loaded into, the open and looked-at conversation costs one
 * request, not two). Failed marks are
 * sent again with the next mark, or after a reconnection.
 *
 * Status entries ("closed"/"reopened", R6.2) are not messages: they get no ticks, so nothing acknowledges them
 * by themselves (the next message's mark covers their seq).
 */
import { isChatMessage } from './conversation-status.js';

/**
 * A forward-only watermark per key, sent one request at a time, newest wins.
 */
export class WatermarkQueue {
  #send;
  /** key -> {done, wanted, running} */
  #lanes = new Map();

  /** @param {(key: any, seq: number) => Promise<any>} send */
  constructor(send) {
    this.#send = send;
  }

  /**
   * Asks for the mark to reach `seq`.
   * @returns {Promise<any|null>} the reply of the request that covered `seq`, or null when nothing had
   *   to be sent (an earlier request already covered it); rejects when that request failed
   */
  mark(key, seq) {
    if (!Number.isFinite(seq) || seq <= 0) return Promise.resolve(null);
    const lane = this.#lane(key);
    if (seq <= lane.done) return Promise.resolve(null);
    if (seq > lane.wanted) lane.wanted = seq;
    if (!lane.running) lane.running = this.#drain(key, lane);
    return lane.running;
  }

  /** The highest mark the server acknowledged (0 when none). */
  done(key) {
    return this.#lanes.get(key)?.done ?? 0;
  }

  /** The highest mark sent or asked for (0 when none). */
  highest(key) {
    const lane = this.#lanes.get(key);
    return lane ? Math.max(lane.done, lane.wanted) : 0;
  }

  /** The mark is known to be at least `seq` (the server moved it some other way): don't send up to it. */
  covered(key, seq) {
    const lane = this.#lane(key);
    if (seq > lane.done) lane.done = seq;
  }

  /** Sends again what failed (after a reconnection). */
  retry() {
    for (const [key, lane] of this.#lanes) {
      if (lane.wanted > lane.done && !lane.running) {
        lane.running = this.#drain(key, lane);
        lane.running.catch(() => {}); // reported by whoever asked first; retried again next time
      }
    }
  }

  #lane(key) {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { done: 0, wanted: 0, running: null };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  async #drain(key, lane) {
    let reply = null;
    try {
      while (lane.wanted > lane.done) {
        const seq = lane.wanted;
        reply = await this.#send(key, seq);
        if (seq > lane.done) lane.done = seq;
      }
      return reply;
    } finally {
      lane.running = null;
    }
  }
}

export class Acknowledgements {
  #chat;
  #events;
  #selfId;
  #defer;
  #delivered;
  #read;
  #started = false;

  /**
   * @param {object} options
   * @param {{markDelivered: Function, markRead: Function}} options.chat the ChatService
   * @param {EventTarget} [options.events] the ChatEvents to follow (`message-created`, `resync`)
   * @param {number} options.selfId this user's id: their own messages need no acknowledgement
   * @param {(fn: () => void) => void} [options.defer] runs a delivered mark a little later (after the
   *   current task and its promise reactions, so the view's read for the same messages comes first)
   */
  constructor({ chat, events = null, selfId, defer = (fn) => setTimeout(fn, 0) }) {
    this.#chat = chat;
    this.#events = events;
    this.#selfId = selfId;
    this.#defer = defer;
    this.#delivered = new WatermarkQueue((conversationId, seq) => this.#chat.markDelivered(conversationId, seq));
    this.#read = new WatermarkQueue(async (conversationId, seq) => {
      const reply = await this.#chat.markRead(conversationId, seq);
      this.#delivered.covered(conversationId, seq); // read implies delivered
      return reply;
    });
  }

  start() {
    if (this.#started || !this.#events) return this;
    this.#started = true;
    this.#events.addEventListener('message-created', this.#handleMessageCreated);
    this.#events.addEventListener('resync', this.#handleResync);
    return this;
  }

  stop() {
    if (!this.#started) return;
    this.#started = false;
    this.#events.removeEventListener('message-created', this.#handleMessageCreated);
    this.#events.removeEventListener('resync', this.#handleResync);
  }

  /** Messages this client received (a fetched page): acknowledges the highest from someone else. */
  received(messages = []) {
    const highest = new Map();
    for (const m of messages) {
      if (!m || m.pending || !isChatMessage(m) || m.senderId === this.#selfId || m.conversationId == null || !(m.seq > 0)) continue;
      highest.set(m.conversationId, Math.max(m.seq, highest.get(m.conversationId) ?? 0));
    }
    for (const [conversationId, seq] of highest) this.delivered(conversationId, seq);
  }

  /** Acknowledges delivery up to `seq`, unless a read mark covers it by then. */
  delivered(conversationId, seq) {
    if (seq <= this.#delivered.highest(conversationId) || seq <= this.#read.highest(conversationId)) return;
    this.#defer(() => {
      if (seq <= this.#read.highest(conversationId)) return;
      this.#delivered
        .mark(conversationId, seq)
        .catch((error) => console.warn('[acks] delivered mark not sent (retried later)', error));
    });
  }

  /**
   * Marks the conversation read up to `seq` (the person looked at it).
   * @returns {Promise<object|null>} the server's reply `{conversationId, readSeq, deliveredSeq, unread}` of
   *   the request that covered `seq`, or null when an earlier one already had
   */
  read(conversationId, seq) {
    return this.#read.mark(conversationId, seq);
  }

  /**
   * The highest read mark the server acknowledged to this client for a conversation. A mark that failed
   * is not counted, so asking again on the next change sends it again.
   */
  readUpTo(conversationId) {
    return this.#read.done(conversationId);
  }

  #handleMessageCreated = (event) => {
    const message = event.detail;
    if (isChatMessage(message) && message.senderId !== this.#selfId) this.delivered(message.conversationId, message.seq);
  };

  #handleResync = () => {
    this.#delivered.retry();
    this.#read.retry();
  };
}
