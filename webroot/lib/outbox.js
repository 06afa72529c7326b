/**
 * The outbox (R1.4, R5.3): this user's messages that are not stored yet, kept in the browser so they survive a
 * reload, and sent with their original `clientMsgId` until the server has them.
 *
 * - {@link Outbox} persists them in `localStorage`, one key per user and conversation
 *   (`homeroom.outbox.v1.<userId>.<conversationId>`: a JSON list of `{clientMsgId, body, createdAt, failed,
 *   error, errorCode}`). When storage is unavailable (private mode, quota) it works in memory for this page only.
 *   `Outbox.clearUser()` forgets everything a user left there: sign-out calls it, so nothing a student wrote stays
 *   on a shared school computer.
 * - {@link OutboxSender} ties one conversation's outbox to its {@link ConversationStore} and the chat service:
 *   `restore()` shows what a previous page left as pending, `submit()` sends a new message, `flush()` sends the
 *   waiting ones, oldest first and one at a time so they arrive in order (called when the connection comes back; a
 *   backoff timer with full jitter retries anyway). Refused for the user's send budget (`too_many_requests`), it
 *   waits the server's `retryAfter` and paces the rest at that interval: a flush of 200 after an afternoon offline
 *   is refused a couple of times, not once a message, so the bridge never closes the socket for abuse (issue 24,
 *   points 2 and 12). A
 *   message the server could not be reached for is *waiting* and goes again by itself; one the server refused
 *   (400, 403, 404, 413…) is *failed*: the user retries or discards it. Each is sent with the same `clientMsgId`
 *   every time, and the server stores one row per `clientMsgId`, so a resend after an unknown outcome (a lost reply,
 *   a reload mid-send) never stores it twice; at most one send per message is in flight. The stored copy replaces the
 *   pending one in the store (same `clientMsgId`: never shown twice), and the entry leaves storage as soon as the
 *   store has it, however it came (the reply, a live event, a catch-up). Another tab of the same user may have the
 *   same entries: before each send the entry must still be in storage, so one stored or discarded in another tab is
 *   not sent again from this one (two tabs sending at once is harmless: same `clientMsgId`).
 *
 * - {@link sendUnclaimed} sends what waits for conversations no view has open (the session calls it when the
 *   connection comes back), so an admin's message to one student goes even after they opened another.
 *
 * DOM-free: storage, clock and randomness are injectable.
 *
 * @fires sent - `detail: {message, reopened}`: the server stored one of these messages (not fired for copies that
 *   arrived another way)
 */

const PREFIX = 'homeroom.outbox.v1.';

/** Error codes that mean the server could not be reached (or could not store it now): send again later. */
export const RETRYABLE = new Set(['network', 'not_connected', 'disconnected', 'timeout', 'unavailable', 'internal', 'too_many_requests', 'closed']);

function defaultStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled: reading the property throws
  }
}

export class Outbox {
  #storage;
  #userId;
  /** key -> entries, when the storage cannot be used */
  #memory = new Map();
  /** conversationId -> how many open views send its messages */
  #claims = new Map();

  /**
   * @param {{userId: number, storage?: Storage|null}} options
   */
  constructor({ userId, storage = defaultStorage() }) {
    this.#userId = userId;
    this.#storage = storage;
  }

  static key(userId, conversationId) {
    return `${PREFIX}${userId}.${conversationId}`;
  }

  /** Forgets every outbox entry of `userId` in `storage` (on sign-out). */
  static clearUser(userId, storage = defaultStorage()) {
    if (!storage) return;
    const prefix = `${PREFIX}${userId}.`;
    try {
      const keys = [];
      for (let i = 0; i < storage.length; i += 1) {
        const key = storage.key(i);
        if (key && key.startsWith(prefix)) keys.push(key);
      }
      for (const key of keys) storage.removeItem(key);
    } catch (error) {
      console.warn('[outbox] cannot clear', error);
    }
  }

  /** Conversations with entries in this user's outbox. */
  conversations() {
    const ids = new Set();
    const prefix = `${PREFIX}${this.#userId}.`;
    const add = (key) => {
      if (!key?.startsWith(prefix)) return;
      const id = Number(key.slice(prefix.length));
      if (Number.isInteger(id)) ids.add(id);
    };
    for (const [key, entries] of this.#memory) if (entries.length > 0) add(key);
    if (this.#storage) {
      try {
        for (let i = 0; i < this.#storage.length; i += 1) add(this.#storage.key(i));
      } catch {
        // storage unusable: the memory ones only
      }
    }
    return [...ids];
  }

  /** A view sends this conversation's messages itself (its {@link OutboxSender}) while claimed. @returns release */
  claim(conversationId) {
    this.#claims.set(conversationId, (this.#claims.get(conversationId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.#claims.get(conversationId) ?? 1) - 1;
      if (n <= 0) this.#claims.delete(conversationId);
      else this.#claims.set(conversationId, n);
    };
  }

  isClaimed(conversationId) {
    return this.#claims.has(conversationId);
  }

  /** This conversation's entries, oldest first. */
  list(conversationId) {
    const key = Outbox.key(this.#userId, conversationId);
    if (this.#memory.has(key)) return [...this.#memory.get(key)];
    if (!this.#storage) return [];
    try {
      const parsed = JSON.parse(this.#storage.getItem(key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((e) => e && typeof e.clientMsgId === 'string' && typeof e.body === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Adds or updates (by `clientMsgId`) an entry. */
  put(conversationId, entry) {
    const entries = this.list(conversationId);
    const clean = {
      clientMsgId: entry.clientMsgId,
      body: entry.body,
      needsAck: Boolean(entry.needsAck),
      attachment: entry.attachment ?? null,
      createdAt: entry.createdAt ?? new Date().toISOString(),
      failed: Boolean(entry.failed),
      error: entry.error ?? null,
      errorCode: entry.errorCode ?? null,
    };
    const at = entries.findIndex((e) => e.clientMsgId === entry.clientMsgId);
    if (at >= 0) entries[at] = clean;
    else entries.push(clean);
    this.#write(conversationId, entries);
  }

  /** Whether this conversation's outbox holds `clientMsgId`. */
  has(conversationId, clientMsgId) {
    return this.list(conversationId).some((e) => e.clientMsgId === clientMsgId);
  }

  remove(conversationId, clientMsgId) {
    const entries = this.list(conversationId);
    const kept = entries.filter((e) => e.clientMsgId !== clientMsgId);
    if (kept.length !== entries.length) this.#write(conversationId, kept);
  }

  #write(conversationId, entries) {
    const key = Outbox.key(this.#userId, conversationId);
    if (this.#storage && !this.#memory.has(key)) {
      try {
        if (entries.length === 0) this.#storage.removeItem(key);
        else this.#storage.setItem(key, JSON.stringify(entries));
        return;
      } catch (error) {
        console.warn('[outbox] cannot store; keeping this page\'s messages in memory', error);
      }
    }
    this.#memory.set(key, [...entries]);
  }
}

const SENDER_DEFAULTS = Object.freeze({
  retryBaseMs: 2000,
  retryCapMs: 60_000,
  random: Math.random,
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
  newId: () => globalThis.crypto.randomUUID(),
  now: () => Date.now(),
});

/**
 * How long to wait after `too_many_requests` (ms): the server's own figure when it gave one (the bridge's
 * `retryAfter`, REST's body or `Retry-After` header), with a tenth more so the token is surely there; a second when
 * it gave none.
 */
function retryAfterOf(error) {
  const ms = Number.isFinite(error?.retryAfterMs) ? error.retryAfterMs
    : Number.isFinite(error?.retryAfter) ? error.retryAfter * 1000 : 1000;
  return Math.max(10, Math.ceil(ms * 1.1));
}

/**
 * The interval to send at after a `too_many_requests` (ms). The first time: how often the budget gets a token back
 * when the server says (`tokenEvery`, with a tenth more), so one refusal settles the pace; else the wait (one token's
 * worth when the budget was empty, less when part of a token had come back). Refused again while pacing (another tab
 * spends the same budget): twice the pace, or the wait if longer. A couple of refusals, never one a token.
 */
function pacedAfter(paceMs, error) {
  const wait = retryAfterOf(error);
  if (paceMs > 0) return Math.max(2 * paceMs, wait);
  const every = Number.isFinite(error?.tokenEveryMs) && error.tokenEveryMs > 0 ? Math.ceil(error.tokenEveryMs * 1.1) : 0;
  return Math.max(wait, every);
}

export class OutboxSender extends EventTarget {
  #store;
  #outbox;
  #send;
  #user;
  #opts;
  /** clientMsgIds this sender put in the store and storage */
  #tracked = new Set();
  #inFlight = new Set();
  #failures = 0;
  #timer = null;
  #stopped = false;
  #release;
  /** The flush under way (one at a time), or null. */
  #draining = null;
  /** After `too_many_requests`: no send before this time (`now()`, ms). */
  #notBefore = 0;
  /**
   * After `too_many_requests`, until nothing waits: the waiting messages go one every this many ms (the server's
   * `retryAfter` when its budget was empty: one token's worth), so that a long flush keeps to the user's send budget
   * instead of being refused once per token (the bridge closes a socket refused too often: issue 24, points 2 and 12).
   */
  #paceMs = 0;

  /**
   * @param {object} options
   * @param {import('./conversation-store.js').ConversationStore} options.store
   * @param {Outbox} options.outbox
   * @param {(conversationId: number, msg: {clientMsgId: string, body: string, needsAck: boolean}) => Promise<{message: object, reopened?: object|null}>} options.send
   * @param {{id: number, name: string, role: string}} options.user
   */
  constructor({ store, outbox, send, user, ...options }) {
    super();
    this.#store = store;
    this.#outbox = outbox;
    this.#send = send;
    this.#user = user;
    this.#opts = { ...SENDER_DEFAULTS, ...options };
    this.#release = outbox.claim(store.conversationId);
    store.addEventListener('change', this.#reconcile);
  }

  get conversationId() {
    return this.#store.conversationId;
  }

  /** Shows what an earlier page left in the outbox, as pending (failed ones as failed). @returns {number} how many */
  restore() {
    const entries = this.#outbox.list(this.conversationId);
    for (const e of entries) {
      if (this.#tracked.has(e.clientMsgId)) continue;
      this.#tracked.add(e.clientMsgId);
      this.#store.addPending({
        clientMsgId: e.clientMsgId,
        body: e.body,
        needsAck: Boolean(e.needsAck),
        attachment: e.attachment ?? null,
        senderId: this.#user.id,
        senderName: this.#user.name,
        senderRole: this.#user.role,
        createdAt: e.createdAt,
        failed: e.failed,
        waiting: !e.failed,
        error: e.error,
        errorCode: e.errorCode,
      });
    }
    return entries.length;
  }

  /**
   * Sends a new message: pending at once, kept in storage until stored. `needsAck`: staff ask the student to confirm
   * they have read it (issue 28). @returns {string} its clientMsgId
   */
  submit(body, { needsAck = false, attachment = null } = {}) {
    const clientMsgId = this.#opts.newId();
    const createdAt = new Date().toISOString();
    this.#tracked.add(clientMsgId);
    this.#outbox.put(this.conversationId, { clientMsgId, body, createdAt, needsAck, attachment });
    this.#store.addPending({
      clientMsgId,
      body,
      needsAck,
      attachment,
      createdAt,
      senderId: this.#user.id,
      senderName: this.#user.name,
      senderRole: this.#user.role,
    });
    // Behind what waits (a flush under way, or paused by the server): it goes after them, in order.
    if (this.#draining || this.#notBefore > this.#opts.now()) {
      this.#store.markQueued([clientMsgId]);
      this.flush();
    } else {
      this.deliver(clientMsgId);
    }
    return clientMsgId;
  }

  /**
   * Sends (again) one pending message, with its original clientMsgId. No-op while it is in flight, or when it is
   * no longer pending. @returns {Promise<'sent'|'paused'|'waiting'|'failed'|undefined>} what came of it:
   * stored, refused for now by the user's send budget (sent again after the server's `retryAfter`), the server
   * unreachable (sent again after a backoff), refused for good; undefined when nothing was sent
   */
  async deliver(clientMsgId) {
    if (this.#stopped || this.#inFlight.has(clientMsgId)) return undefined;
    const pending = this.#store.pendingMessage(clientMsgId);
    if (!pending) return undefined;
    if (!this.#outbox.has(this.conversationId, clientMsgId)) {
      // Another tab of this user stored or discarded it meanwhile: not ours to send (a stored copy comes anyway).
      this.#store.discardPending(clientMsgId);
      this.#tracked.delete(clientMsgId);
      return undefined;
    }
    this.#inFlight.add(clientMsgId);
    this.#store.markSending(clientMsgId);
    const conversationId = this.conversationId;
    try {
      const { message, reopened = null } = await this.#send(conversationId, { clientMsgId, body: pending.body, needsAck: pending.needsAck,
        attachmentId: pending.attachment?.id ?? null });
      this.#failures = 0;
      this.#inFlight.delete(clientMsgId);
      this.#store.acceptSent(reopened ? [reopened, message] : [message]);
      this.#forget(clientMsgId);
      this.dispatchEvent(new CustomEvent('sent', { detail: { message, reopened } }));
      return 'sent';
    } catch (error) {
      this.#inFlight.delete(clientMsgId);
      if (this.#stopped || !this.#store.pendingMessage(clientMsgId)) return undefined; // discarded, or stored another way
      const code = error?.code ?? null;
      const message = error?.message ?? String(error);
      if (RETRYABLE.has(code)) {
        this.#outbox.put(conversationId, { clientMsgId, body: pending.body, createdAt: pending.createdAt, needsAck: pending.needsAck, attachment: pending.attachment });
        if (code === 'too_many_requests') {
          // Not a failure to reach the server: its budget is spent for now. Wait what it says, then go on in order
          // (queued: it goes again first, in a moment).
          this.#store.markQueued([clientMsgId]);
          this.#notBefore = Math.max(this.#notBefore, this.#opts.now() + retryAfterOf(error));
          this.#paceMs = pacedAfter(this.#paceMs, error);
          this.flush();
          return 'paused';
        }
        this.#store.markWaiting(clientMsgId, error);
        this.#failures += 1;
        this.#scheduleRetry();
        return 'waiting';
      }
      console.warn('[outbox] the server refused a message', error);
      this.#store.markFailed(clientMsgId, error);
      this.#outbox.put(conversationId, { clientMsgId, body: pending.body, createdAt: pending.createdAt, needsAck: pending.needsAck, attachment: pending.attachment, failed: true, error: message, errorCode: code });
      return 'failed';
    }
  }

  /**
   * Sends the waiting messages (the connection is back), oldest first and one at a time, so that they arrive in
   * order; failed ones wait for the user. One flush at a time: a call while one is under way joins it. When the
   * server says `too_many_requests` it waits the server's `retryAfter` and then paces the rest at that interval.
   * @returns {Promise<void>} settled when nothing is left to send, or the server could not be reached (a backoff
   *   timer flushes again)
   */
  flush() {
    this.#opts.clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#draining) {
      this.#draining = this.#drain().finally(() => {
        this.#draining = null;
      });
    }
    return this.#draining;
  }

  async #drain() {
    let queued = false;
    while (!this.#stopped) {
      const waiting = this.#store.pendingMessages
        .filter((m) => this.#tracked.has(m.clientMsgId) && !m.failed && !this.#inFlight.has(m.clientMsgId));
      const next = waiting[0];
      if (!next) {
        this.#paceMs = 0; // all sent: the budget refills meanwhile, the next message goes at once
        return;
      }
      if (!queued && waiting.length > 1) {
        // Those after the first wait their turn, not for the server: say so (and say "waiting" again, below, if the
        // server turns out unreachable).
        queued = true;
        this.#store.markQueued(waiting.slice(1).map((m) => m.clientMsgId));
      }
      const wait = this.#notBefore - this.#opts.now();
      if (wait > 0) {
        await new Promise((resolve) => this.#opts.setTimeout(resolve, wait));
        continue;
      }
      const sentAt = this.#opts.now();
      const outcome = await this.deliver(next.clientMsgId);
      if (outcome === 'waiting') {
        // Unreachable after all: the rest wait for the server too (the backoff timer, or the connection back,
        // flushes again).
        for (const m of this.#store.pendingMessages) if (m.queued) this.#store.markWaiting(m.clientMsgId, null);
        return;
      }
      // The pace counts from when it went, so that the round trip is part of it, not added to it.
      if (outcome === 'sent' && this.#paceMs > 0) this.#notBefore = sentAt + this.#paceMs;
    }
  }

  /** Gives up on a message: gone from the view and from storage. */
  discard(clientMsgId) {
    this.#store.discardPending(clientMsgId);
    this.#forget(clientMsgId);
  }

  /** Stops retrying (the view closed); what is stored stays for the next page. */
  stop() {
    this.#stopped = true;
    this.#opts.clearTimeout(this.#timer);
    this.#timer = null;
    this.#store.removeEventListener('change', this.#reconcile);
    this.#release();
  }

  #scheduleRetry() {
    if (this.#timer !== null || this.#stopped) return;
    const { retryBaseMs, retryCapMs, random } = this.#opts;
    const ceiling = Math.min(retryCapMs, retryBaseMs * 2 ** Math.max(0, this.#failures - 1));
    const delay = Math.max(Math.round(retryBaseMs / 2), Math.round(random() * ceiling));
    this.#timer = this.#opts.setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, delay);
  }

  #forget(clientMsgId) {
    this.#tracked.delete(clientMsgId);
    this.#outbox.remove(this.conversationId, clientMsgId);
  }

  /** A message the store no longer holds as pending was stored (or discarded): it leaves storage. */
  #reconcile = () => {
    if (this.#tracked.size === 0) return;
    for (const id of [...this.#tracked]) {
      if (!this.#store.pendingMessage(id) && !this.#inFlight.has(id)) this.#forget(id);
    }
  };
}

/**
 * Sends what waits in this user's outbox for conversations no view has open (an admin wrote to one student offline,
 * then opened another): each waiting entry with its original `clientMsgId`, oldest first; stored ones leave the
 * outbox, refused ones are marked failed (shown with Retry/Discard when that conversation is opened). Stops at the
 * first "server unreachable": the next trigger (the connection back, a poll that worked) tries again. Refused for
 * the user's send budget (`too_many_requests`), it waits the server's `retryAfter` and goes on at that pace, as
 * {@link OutboxSender#flush} does.
 * @returns {Promise<boolean>} false when it stopped because the server could not be reached
 */
export async function sendUnclaimed({
  outbox, send, sleep = (ms) => new Promise((resolve) => globalThis.setTimeout(resolve, ms)), now = () => Date.now(),
}) {
  let paceMs = 0;
  for (const conversationId of outbox.conversations()) {
    if (outbox.isClaimed(conversationId)) continue;
    for (const entry of outbox.list(conversationId)) {
      for (;;) {
        if (entry.failed || outbox.isClaimed(conversationId) || !outbox.has(conversationId, entry.clientMsgId)) break;
        const sentAt = now();
        try {
          await send(conversationId, { clientMsgId: entry.clientMsgId, body: entry.body, needsAck: Boolean(entry.needsAck),
            attachmentId: entry.attachment?.id ?? null });
          outbox.remove(conversationId, entry.clientMsgId);
          // The pace counts from when it went: the round trip is part of it.
          if (paceMs > 0) await sleep(Math.max(0, sentAt + paceMs - now()));
          break;
        } catch (error) {
          if (error?.code === 'too_many_requests') {
            paceMs = pacedAfter(paceMs, error);
            await sleep(retryAfterOf(error));
            continue; // the same one again: they go in order
          }
          if (RETRYABLE.has(error?.code)) return false;
          outbox.put(conversationId, { ...entry, failed: true, error: error?.message ?? String(error), errorCode: error?.code ?? null });
          break;
        }
      }
    }
  }
  return true;
}
