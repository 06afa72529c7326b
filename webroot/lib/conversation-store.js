/**
 * The messages of one conversation as the client knows them: a window of its history, usually the newest part.
 *
 * Stored messages (they have a server `id` and `seq`) are merged by `id`, so a message that arrives
 * both as a live event and in a fetched page is kept once, and are kept in `seq` order whatever the
 * order they arrived in. Messages this client is still sending are kept apart, keyed by their
 * `clientMsgId`, until the server's stored copy with the same `clientMsgId` arrives and replaces them.
 * Status entries ("closed" / "reopened", R6.2) take a `seq` and are held like messages.
 *
 * Nothing shown depends on receiving every push (the event bus is best effort): `catchUp()` fetches
 * everything after `lastSeq`, and a live message that skips a sequence number triggers it.
 *
 * The window need not reach the newest message (R6.4: opening a search hit). `loadAround(seq)` loads the
 * entry at `seq` with its neighbours (`GET …/messages?around=`): `hasMoreBefore` and `hasMoreAfter` say whether
 * the server holds more on either side, `loadOlder()` (`before=` the first seq) and `loadNewer()` (`after=` the
 * last) extend it. While `hasMoreAfter`, nothing is appended out of order: a live message (or a stored copy)
 * beyond the window's end is held aside, not shown (`newerWaiting` counts them); it goes in once the window
 * reaches the end, by paging down or by `jumpToLatest()`, which replaces the window with the newest page.
 *
 * A catch-up too large to be worth it (more than `maxCatchUp` messages behind, 1,000 by default: known from a live
 * message's `seq`, or found after fetching that many with more still to come) reloads the window cleanly instead:
 * the newest page replaces it, older ones load by scrolling up as usual, and `gap-reload` fires so the view can
 * say so. Never a silent hole (R2.5, R5.3).
 *
 * Pending messages (this user's, not stored yet) are `sending`, `waiting` (the server could not be reached: they go
 * again by themselves, lib/outbox.js) or `failed` (the server refused them: retry or discard).
 *
 * Independent of the DOM and of how pages are fetched: the caller passes `fetchPage`.
 *
 * @fires gap-reload - `detail: {after, latestSeq}`: a catch-up was too large; the window now holds the newest page
 * @fires change - whenever `messages`, `hasMoreBefore`, `hasMoreAfter`, `newerWaiting` or a loading flag changes.
 */

export const PAGE_SIZE = 50;
const CATCH_UP_PAGE_SIZE = 200;
/** Beyond this many messages behind, a catch-up reloads the newest page instead (R5.3: no silent gap). */
export const MAX_CATCH_UP = 1000;
/** Live messages held aside while the window does not reach the end; beyond this, a catch-up fetches them. */
const MAX_HELD = 500;

export class ConversationStore extends EventTarget {
  /** @type {Map<number, object>} id -> stored message */
  #stored = new Map();
  /** @type {Map<string, object>} clientMsgId -> pending message (insertion order = send order) */
  #pending = new Map();
  /** @type {Map<number, object>} id -> stored message past the window's end, waiting for the window to reach it */
  #held = new Map();
  #sorted = null;
  #fetchPage;
  #pageSize;
  #catchUpRunning = null;
  #catchUpAgain = false;
  /** Grows whenever the window is replaced: pages asked for before then are dropped. */
  #generation = 0;
  #maxCatchUp;
  /** The highest `seq` known to exist (live messages, hints), held or not. */
  #latestKnownSeq = 0;

  /**
   * @param {object} options
   * @param {number} options.conversationId
   * @param {(params: {before?: number, after?: number, around?: number, limit: number}) => Promise<{messages: object[], hasMore?: boolean, hasOlder?: boolean, hasNewer?: boolean}>} options.fetchPage
   * @param {number} [options.pageSize]
   */
  constructor({ conversationId, fetchPage, pageSize = PAGE_SIZE, maxCatchUp = MAX_CATCH_UP }) {
    super();
    this.conversationId = conversationId;
    this.#fetchPage = fetchPage;
    this.#pageSize = pageSize;
    this.#maxCatchUp = maxCatchUp;
    /** True once a window (the newest page, or one around a seq) has been loaded. */
    this.loaded = false;
    /** Whether the server holds messages older than the oldest one here. */
    this.hasMoreBefore = false;
    /** Whether the server holds messages newer than the newest one here (the window does not reach the end). */
    this.hasMoreAfter = false;
    this.loadingLatest = false;
    this.loadingOlder = false;
    this.loadingNewer = false;
    this.loadingAround = false;
  }

  /** Stored messages in `seq` order, then pending ones in the order they were sent. */
  get messages() {
    const sorted = this.#sortedStored();
    return this.#pending.size === 0 ? sorted : [...sorted, ...this.#pending.values()];
  }

  #sortedStored() {
    if (!this.#sorted) this.#sorted = [...this.#stored.values()].sort((a, b) => a.seq - b.seq);
    return this.#sorted;
  }

  /** The highest `seq` held (in the window), 0 when none. */
  get lastSeq() {
    const sorted = this.#sortedStored();
    return sorted.length === 0 ? 0 : sorted[sorted.length - 1].seq;
  }

  /** The lowest `seq` held, or null when none. */
  get firstSeq() {
    const sorted = this.#sortedStored();
    return sorted.length === 0 ? null : sorted[0].seq;
  }

  /** Whether the window reaches the newest message (live messages are appended). */
  get atLatest() {
    return !this.hasMoreAfter;
  }

  /** How many newer messages arrived live while the window did not reach the end (shown after a jump). */
  get newerWaiting() {
    return this.#held.size;
  }

  /** Whether a stored message with this `seq` is in the window. */
  hasSeq(seq) {
    return this.#sortedStored().some((m) => m.seq === seq);
  }

  /**
   * The highest `seq` reached without a hole from the oldest message held: a catch-up starts
   * there, so a push lost in the middle is fetched even when later pushes arrived.
   */
  #contiguousSeq() {
    const sorted = this.#sortedStored();
    if (sorted.length === 0) return 0;
    let seq = sorted[0].seq;
    for (let i = 1; i < sorted.length && sorted[i].seq === seq + 1; i += 1) seq = sorted[i].seq;
    return seq;
  }

  get pendingMessages() {
    return [...this.#pending.values()];
  }

  /**
   * Loads the newest page. When the window does not reach the end (a search hit is shown), this replaces it
   * with the newest page: see {@link jumpToLatest}.
   */
  async loadLatest() {
    if (this.loaded && this.hasMoreAfter) return this.jumpToLatest();
    const generation = this.#generation;
    this.loadingLatest = true;
    this.#changed();
    try {
      const page = await this.#fetchPage({ limit: this.#pageSize });
      if (generation !== this.#generation) return;
      this.merge(page.messages);
      this.hasMoreBefore = Boolean(page.hasMore);
      this.loaded = true;
    } finally {
      if (generation === this.#generation) this.loadingLatest = false;
      this.#changed();
    }
  }

  /**
   * Replaces the window with the newest page ("Jump to latest"), then adds what arrived live meanwhile and
   * catches up if that left a hole. Pending messages stay.
   */
  async jumpToLatest() {
    const generation = this.#newGeneration();
    this.loadingLatest = true;
    this.#changed();
    try {
      const page = await this.#fetchPage({ limit: this.#pageSize });
      if (generation !== this.#generation) return;
      this.#replaceWindow(page.messages, { hasMoreBefore: Boolean(page.hasMore), hasMoreAfter: false });
      this.#releaseHeld();
    } finally {
      if (generation === this.#generation) {
        this.loadingLatest = false;
        this.#changed();
      }
    }
  }

  /**
   * Shows the entry at `seq` with its neighbours (R6.4). When the window already holds it with no hole around
   * it, nothing is fetched; otherwise the window is replaced by `GET …/messages?around=seq`.
   * @returns {Promise<boolean>} whether the window holds `seq` afterwards
   */
  async loadAround(seq) {
    if (this.loaded && this.hasSeq(seq)) return true;
    const generation = this.#newGeneration();
    this.loadingAround = true;
    this.#changed();
    try {
      const page = await this.#fetchPage({ around: seq, limit: this.#pageSize });
      if (generation !== this.#generation) return this.hasSeq(seq);
      this.#replaceWindow(page.messages, { hasMoreBefore: Boolean(page.hasOlder), hasMoreAfter: Boolean(page.hasNewer) });
      if (!this.hasMoreAfter) this.#releaseHeld();
      return this.hasSeq(seq);
    } finally {
      if (generation === this.#generation) {
        this.loadingAround = false;
        this.#changed();
      }
    }
  }

  /** A new window is on its way: loads asked for before are dropped when they answer, and load no more. */
  #newGeneration() {
    this.loadingLatest = false;
    this.loadingAround = false;
    this.loadingOlder = false;
    this.loadingNewer = false;
    return ++this.#generation;
  }

  #replaceWindow(messages, { hasMoreBefore, hasMoreAfter }) {
    this.#stored.clear();
    this.#sorted = null;
    this.#mergeWindow(messages);
    this.hasMoreBefore = hasMoreBefore;
    this.hasMoreAfter = hasMoreAfter;
    this.loaded = true;
    // What was held aside and is now in the window (or before its end) is no longer waiting.
    const last = this.lastSeq;
    for (const [id, m] of this.#held) if (this.#stored.has(id) || m.seq <= last) this.#held.delete(id);
  }

  /** The window reached the end: what arrived live meanwhile goes in; a hole left is caught up. */
  #releaseHeld() {
    if (this.#held.size === 0) return;
    const held = [...this.#held.values()];
    const overflowed = this.#held.size >= MAX_HELD;
    this.#held.clear();
    this.merge(held);
    if (overflowed || this.#contiguousSeq() < this.lastSeq) {
      this.catchUp().catch((error) => console.warn('[chat] catch-up after reaching the end failed', error));
    }
  }

  /**
   * Loads the page just before the oldest message held.
   * @returns {Promise<number>} how many messages it added
   */
  async loadOlder() {
    const before = this.firstSeq;
    if (!this.loaded || !this.hasMoreBefore || this.loadingOlder || before === null) return 0;
    const generation = this.#generation;
    this.loadingOlder = true;
    this.#changed();
    try {
      const page = await this.#fetchPage({ before, limit: this.#pageSize });
      if (generation !== this.#generation) return 0;
      const added = this.merge(page.messages);
      this.hasMoreBefore = Boolean(page.hasMore);
      return added;
    } finally {
      if (generation === this.#generation) this.loadingOlder = false;
      this.#changed();
    }
  }

  /**
   * Loads the page just after the newest message held, when the window does not reach the end (R6.4: paging
   * down from a search hit). Once it does, what arrived live meanwhile goes in.
   * @returns {Promise<number>} how many messages it added
   */
  async loadNewer() {
    const after = this.lastSeq;
    if (!this.loaded || !this.hasMoreAfter || this.loadingNewer) return 0;
    const generation = this.#generation;
    this.loadingNewer = true;
    this.#changed();
    try {
      const page = await this.#fetchPage({ after, limit: this.#pageSize });
      if (generation !== this.#generation) return 0;
      // The page is what follows the window's end, by the server's word: it all goes in.
      const added = this.#mergeWindow(page.messages);
      if (!page.hasMore) {
        this.hasMoreAfter = false;
        this.#releaseHeld();
      } else if (page.messages.length === 0) {
        this.hasMoreAfter = false; // a server that says "more" and sends nothing: stop asking
      }
      return added;
    } finally {
      if (generation === this.#generation) this.loadingNewer = false;
      this.#changed();
    }
  }

  /**
   * Fetches everything after the last message held without a hole (after a reconnection, or when
   * a gap shows up). Calls made while one runs are folded into one more round, never run side by side.
   * When the window does not reach the end there is nothing to catch up: paging down fetches what is newer.
   */
  catchUp() {
    if (!this.loaded) return this.loadLatest();
    if (this.hasMoreAfter) return Promise.resolve();
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
          let fetched = 0;
          do {
            const generation = this.#generation;
            after = this.#contiguousSeq();
            if (this.#latestKnownSeq - after > this.#maxCatchUp || fetched >= this.#maxCatchUp) {
              await this.#reloadAfterGap(after);
              return;
            }
            page = await this.#fetchPage({ after, limit: CATCH_UP_PAGE_SIZE });
            if (generation !== this.#generation || this.hasMoreAfter) return;
            fetched += page.messages.length;
            this.merge(page.messages);
          } while (page.hasMore && page.messages.length > 0 && this.#contiguousSeq() > after);
        } while (this.#catchUpAgain);
      } finally {
        this.#catchUpRunning = null;
      }
    })();
    return this.#catchUpRunning;
  }

  /** Tells the store that messages up to `seq` exist (e.g. the conversation's `lastSeq`), for the gap bound. */
  noteLatestSeq(seq) {
    if (Number.isInteger(seq) && seq > this.#latestKnownSeq) this.#latestKnownSeq = seq;
  }

  /** Too far behind to catch up: the newest page replaces the window (older ones load by scrolling up). */
  async #reloadAfterGap(after) {
    const latestSeq = this.#latestKnownSeq;
    await this.jumpToLatest();
    this.dispatchEvent(new CustomEvent('gap-reload', { detail: { after, latestSeq: Math.max(latestSeq, this.lastSeq) } }));
  }

  /**
   * A message pushed live. Merges it (or holds it aside while the window does not reach the end), and
   * catches up when it reveals a gap (a push was lost).
   * @returns {boolean} whether it was new to this store
   */
  receiveLive(message) {
    if (!message || message.conversationId !== this.conversationId || message.id == null) return false;
    const known = this.#stored.has(message.id) || this.#held.has(message.id);
    const lastSeqBefore = this.lastSeq;
    this.noteLatestSeq(message.seq);
    this.merge([message]);
    if (!known && this.loaded && !this.hasMoreAfter && message.seq > lastSeqBefore + 1) {
      this.catchUp().catch((error) => console.warn('[chat] catch-up after a gap failed', error));
    }
    return !known;
  }

  /**
   * Merges stored messages: dedupes by `id`, replaces a pending message with the same sender and
   * `clientMsgId`, ignores messages of other conversations. While the window does not reach the end, a
   * message past it (more than one `seq` after the window's last) is held aside instead, and its pending
   * copy stays until it goes in.
   * @returns {number} how many went into the window
   */
  merge(messages = []) {
    return this.#merge(messages, this.hasMoreAfter && this.loaded);
  }

  /** Merges a page the server gave as part of the window (nothing is held aside). */
  #mergeWindow(messages = []) {
    return this.#merge(messages, false);
  }

  #merge(messages, holdBeyondEnd) {
    let added = 0;
    let changed = false;
    const valid = messages.filter((m) => m && m.conversationId === this.conversationId && m.id != null);
    if (holdBeyondEnd && valid.length > 1) valid.sort((a, b) => a.seq - b.seq);
    let end = this.lastSeq;
    for (const message of valid) {
      if (holdBeyondEnd && !this.#stored.has(message.id) && message.seq > end + 1) {
        if (!this.#held.has(message.id) && this.#held.size < MAX_HELD) {
          this.#held.set(message.id, message);
          changed = true;
        }
        continue;
      }
      const pending = message.clientMsgId ? this.#pending.get(message.clientMsgId) : undefined;
      if (pending && pending.senderId === message.senderId) {
        this.#pending.delete(message.clientMsgId);
        changed = true;
      }
      if (!this.#stored.has(message.id)) {
        this.#stored.set(message.id, message);
        this.#held.delete(message.id);
        if (message.seq > end) end = message.seq;
        added += 1;
        changed = true;
      } else if (message.acknowledgedAt && !this.#stored.get(message.id).acknowledgedAt) {
        // Fetched again after the student acknowledged it (issue 28): the newer word wins.
        this.#stored.set(message.id, message);
        changed = true;
      }
    }
    if (changed) {
      this.#sorted = null;
      this.#changed();
    }
    return added;
  }

  /**
   * The student acknowledged message `messageId` (issue 28, point 2): its copy here says so from now on.
   * @returns {boolean} whether this store holds it
   */
  acknowledge(messageId, acknowledgedAt) {
    for (const map of [this.#stored, this.#held]) {
      const message = map.get(messageId);
      if (message) {
        if (message.acknowledgedAt) return true;
        map.set(messageId, { ...message, acknowledgedAt });
        this.#sorted = null;
        this.#changed();
        return true;
      }
    }
    return false;
  }

  /**
   * Shows a message being sent. `createdAt`, `failed`/`waiting` and the error come from the outbox when it is
   * restored after a reload (lib/outbox.js).
   */
  addPending({ clientMsgId, body, senderId, senderName, senderRole, createdAt, failed = false, waiting = false, error = null, errorCode = null, needsAck = false, attachment = null }) {
    const message = {
      clientMsgId,
      body,
      needsAck: Boolean(needsAck),
      attachment,
      senderId,
      senderName,
      senderRole,
      conversationId: this.conversationId,
      createdAt: createdAt ?? new Date().toISOString(),
      pending: true,
      failed: Boolean(failed),
      waiting: Boolean(waiting) && !failed,
      error,
      errorCode,
    };
    this.#pending.set(clientMsgId, message);
    this.#changed();
    return message;
  }

  /** The pending message with this `clientMsgId`, if it is still pending. */
  pendingMessage(clientMsgId) {
    return this.#pending.get(clientMsgId);
  }

  /** Marks a pending message as not sent: the server refused it (it stays, with retry and discard). */
  markFailed(clientMsgId, error) {
    this.#updatePending(clientMsgId, { failed: true, waiting: false, queued: false, error: error?.message ?? String(error), errorCode: error?.code ?? null });
  }

  /** Marks a pending message as waiting: the server could not be reached; it goes again by itself. */
  markWaiting(clientMsgId, error) {
    this.#updatePending(clientMsgId, { failed: false, waiting: true, queued: false, error: error?.message ?? null, errorCode: error?.code ?? null });
  }

  /**
   * Marks pending messages as queued: the server can be reached and they go in order, after the ones before them
   * (the outbox sends one at a time and keeps to the user's send budget). One change for them all.
   */
  markQueued(clientMsgIds) {
    let changed = false;
    for (const id of clientMsgIds) {
      const message = this.#pending.get(id);
      if (!message || message.failed || message.queued) continue;
      this.#pending.set(id, { ...message, queued: true, waiting: false, error: null, errorCode: null });
      changed = true;
    }
    if (changed) this.#changed();
  }

  /** Marks a failed or waiting message as being sent again. */
  markSending(clientMsgId) {
    this.#updatePending(clientMsgId, { failed: false, waiting: false, queued: false, error: null, errorCode: null });
  }

  #updatePending(clientMsgId, changes) {
    const message = this.#pending.get(clientMsgId);
    if (!message) return;
    this.#pending.set(clientMsgId, { ...message, ...changes });
    this.#changed();
  }

  /** Drops a pending message (the user gave up on it). */
  discardPending(clientMsgId) {
    if (this.#pending.delete(clientMsgId)) this.#changed();
  }

  /**
   * The server's answer to one of this user's sends (the message, and the "reopened" entry before it, if any).
   * Merged like any message, except one that is older than the window's first while older pages exist (a resend
   * after a long time away, answered with the copy stored back then): putting it in would make a hole, so only its
   * pending copy goes; it is in the history, where scrolling up finds it.
   */
  acceptSent(messages = []) {
    const first = this.firstSeq;
    const inWindow = [];
    for (const m of messages) {
      if (!m) continue;
      if (this.loaded && this.hasMoreBefore && first !== null && m.seq < first && !this.#stored.has(m.id)) {
        if (m.clientMsgId && this.#pending.get(m.clientMsgId)?.senderId === m.senderId) this.discardPending(m.clientMsgId);
      } else {
        inWindow.push(m);
      }
    }
    return this.merge(inWindow);
  }

  #changed() {
    this.dispatchEvent(new Event('change'));
  }
}
