/**
 * The messages of one conversation as the client knows them.
 *
 * Stored messages (they have a server `id` and `seq`) are merged by `id`, so a message that arrives
 * both as a live event and in a fetched page is kept once, and are kept in `seq` order whatever the
 * order they arrived in. Messages this client is still sending are kept apart, keyed by their
 * `clientMsgId`, until the server's stored copy with the same `clientMsgId` arrives and replaces them.
 *
 * Nothing shown depends on receiving every push (the event bus is best effort): `catchUp()` fetches
 * everything after `lastSeq`, and a live message that skips a sequence number triggers it.
 *
 * Independent of the DOM and of how pages are fetched: the caller passes `fetchPage`.
 *
 * @fires change - whenever `messages`, `hasMoreBefore` or a loading flag changes.
 */

export const PAGE_SIZE = 50;
const CATCH_UP_PAGE_SIZE = 200;

export class ConversationStore extends EventTarget {
  /** @type {Map<number, object>} id -> stored message */
  #stored = new Map();
  /** @type {Map<string, object>} clientMsgId -> pending message (insertion order = send order) */
  #pending = new Map();
  #sorted = null;
  #fetchPage;
  #pageSize;
  #catchUpRunning = null;
  #catchUpAgain = false;

  /**
   * @param {object} options
   * @param {number} options.conversationId
   * @param {(params: {before?: number, after?: number, limit: number}) => Promise<{messages: object[], hasMore: boolean}>} options.fetchPage
   * @param {number} [options.pageSize]
   */
  constructor({ conversationId, fetchPage, pageSize = PAGE_SIZE }) {
    super();
    this.conversationId = conversationId;
    this.#fetchPage = fetchPage;
    this.#pageSize = pageSize;
    /** True once the newest page has been loaded. */
    this.loaded = false;
    /** Whether the server holds messages older than the oldest one here. */
    this.hasMoreBefore = false;
    this.loadingLatest = false;
    this.loadingOlder = false;
  }

  /** Stored messages in `seq` order, then pending ones in the order they were sent. */
  get messages() {
    if (!this.#sorted) this.#sorted = [...this.#stored.values()].sort((a, b) => a.seq - b.seq);
    return this.#pending.size === 0 ? this.#sorted : [...this.#sorted, ...this.#pending.values()];
  }

  /** The highest `seq` held, 0 when none. */
  get lastSeq() {
    const sorted = this.messages;
    for (let i = sorted.length - 1; i >= 0; i -= 1) if (!sorted[i].pending) return sorted[i].seq;
    return 0;
  }

  /** The lowest `seq` held, or null when none. */
  get firstSeq() {
    const first = this.messages[0];
    return first && !first.pending ? first.seq : null;
  }

  /**
   * The highest `seq` reached without a hole from the oldest message held: a catch-up starts
   * there, so a push lost in the middle is fetched even when later pushes arrived.
   */
  #contiguousSeq() {
    if (!this.#sorted) this.#sorted = [...this.#stored.values()].sort((a, b) => a.seq - b.seq);
    const sorted = this.#sorted;
    if (sorted.length === 0) return 0;
    let seq = sorted[0].seq;
    for (let i = 1; i < sorted.length && sorted[i].seq === seq + 1; i += 1) seq = sorted[i].seq;
    return seq;
  }

  get pendingMessages() {
    return [...this.#pending.values()];
  }

  /** Loads the newest page (replacing nothing: it merges). */
  async loadLatest() {
    this.loadingLatest = true;
    this.#changed();
    try {
      const page = await this.#fetchPage({ limit: this.#pageSize });
      this.merge(page.messages);
      this.hasMoreBefore = Boolean(page.hasMore);
      this.loaded = true;
    } finally {
      this.loadingLatest = false;
      this.#changed();
    }
  }

  /**
   * Loads the page just before the oldest message held.
   * @returns {Promise<number>} how many messages it added
   */
  async loadOlder() {
    const before = this.firstSeq;
    if (!this.loaded || !this.hasMoreBefore || this.loadingOlder || before === null) return 0;
    this.loadingOlder = true;
    this.#changed();
    try {
      const page = await this.#fetchPage({ before, limit: this.#pageSize });
      const added = this.merge(page.messages);
      this.hasMoreBefore = Boolean(page.hasMore);
      return added;
    } finally {
      this.loadingOlder = false;
      this.#changed();
    }
  }

  /**
   * Fetches everything after the last message held without a hole (after a reconnection, or when
   * a gap shows up). Calls made
   * while one runs are folded into one more round, never run side by side.
   */
  catchUp() {
    if (!this.loaded) return this.loadLatest();
    if (this.#catchUpRunning) {
      this.#catchUpAgain = true;
      return this.#catchUpRunning;
    }
    this.#catchUpRunning = (async () => {
      try {
        do {
          this.#catchUpAgain = false;
          let page;
          let after;
          do {
            after = this.#contiguousSeq();
            page = await this.#fetchPage({ after, limit: CATCH_UP_PAGE_SIZE });
            this.merge(page.messages);
          } while (page.hasMore && page.messages.length > 0 && this.#contiguousSeq() > after);
        } while (this.#catchUpAgain);
      } finally {
        this.#catchUpRunning = null;
      }
    })();
    return this.#catchUpRunning;
  }

  /**
   * A message pushed live. Merges it, and catches up when it reveals a gap (a push was lost).
   * @returns {boolean} whether it was new
   */
  receiveLive(message) {
    const lastSeqBefore = this.lastSeq;
    const added = this.merge([message]) > 0;
    if (added && this.loaded && message.seq > lastSeqBefore + 1) {
      this.catchUp().catch((error) => console.warn('[chat] catch-up after a gap failed', error));
    }
    return added;
  }

  /**
   * Merges stored messages: dedupes by `id`, replaces a pending message with the same sender and
   * `clientMsgId`, ignores messages of other conversations.
   * @returns {number} how many were new
   */
  merge(messages = []) {
    let added = 0;
    let changed = false;
    for (const message of messages) {
      if (!message || message.conversationId !== this.conversationId || message.id == null) continue;
      const pending = message.clientMsgId ? this.#pending.get(message.clientMsgId) : undefined;
      if (pending && pending.senderId === message.senderId) {
        this.#pending.delete(message.clientMsgId);
        changed = true;
      }
      if (!this.#stored.has(message.id)) {
        this.#stored.set(message.id, message);
        added += 1;
        changed = true;
      }
    }
    if (changed) {
      this.#sorted = null;
      this.#changed();
    }
    return added;
  }

  /** Shows a message being sent. */
  addPending({ clientMsgId, body, senderId, senderName, senderRole }) {
    const message = {
      clientMsgId,
      body,
      senderId,
      senderName,
      senderRole,
      conversationId: this.conversationId,
      createdAt: new Date().toISOString(),
      pending: true,
      failed: false,
      error: null,
      errorCode: null,
    };
    this.#pending.set(clientMsgId, message);
    this.#changed();
    return message;
  }

  /** Marks a pending message as not sent (it stays, with a retry). */
  markFailed(clientMsgId, error) {
    const message = this.#pending.get(clientMsgId);
    if (!message) return;
    this.#pending.set(clientMsgId, {
      ...message,
      failed: true,
      error: error?.message ?? String(error),
      errorCode: error?.code ?? null,
    });
    this.#changed();
  }

  /** Marks a failed message as being sent again. */
  markSending(clientMsgId) {
    const message = this.#pending.get(clientMsgId);
    if (!message) return;
    this.#pending.set(clientMsgId, { ...message, failed: false, error: null, errorCode: null });
    this.#changed();
  }

  /** Drops a pending message (the user gave up on it). */
  discardPending(clientMsgId) {
    if (this.#pending.delete(clientMsgId)) this.#changed();
  }

  #changed() {
    this.dispatchEvent(new Event('change'));
  }
}
