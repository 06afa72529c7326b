/**
 * The team inbox of one conversation, as an admin's chat view shows it (issue 27): who it is assigned to, the
 * staff-only entries (private notes, assignment changes) that sit between its messages, and which colleagues have it
 * open now. DOM-free; the view renders what it holds and re-renders on `change`.
 *
 * - Staff entries come from `GET /api/conversations/:id/team` when the conversation opens, and live from
 *   `staff-entry-created` (lib/chat-events.js). Each has an `afterSeq`: it sits after the message with that seq.
 * - Viewing (point 2): while the conversation is open and the page visible, the view says so every
 *   {@link VIEWING_RENEW_MS} (`chat.viewing`), and "left" when it closes; a colleague not heard from within their
 *   event's `expiresInMs` is dropped, so a tab or node that dies stops showing within seconds.
 *
 * @fires change - something the view shows changed
 */

export const VIEWING_RENEW_MS = 4_000;
const SYSTEM_CLOCK = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};
/** Older pages of staff entries fetched at most, when a conversation opens (200 each). */
const MAX_PAGES = 5;

export class TeamInbox extends EventTarget {
  #conversationId;
  #me;
  #fetchPage;
  #sendViewing;
  #clock;
  /** Entry id → entry. */
  #entries = new Map();
  #viewers = new Map();
  #expiryTimer = null;
  #renewTimer = null;
  #viewingStarted = false;
  #stopped = false;

  /**
   * @param {object} options
   * @param {number} options.conversationId
   * @param {{id: number}} options.me the signed-in admin
   * @param {(before?: number) => Promise<{assignee, entries, hasMore}>} options.fetchPage `GET …/team`
   * @param {(state: 'viewing'|'left') => Promise<unknown>} [options.sendViewing] the viewing signal (live channel)
   * @param {{now: () => number, setTimeout: Function, clearTimeout: Function}} [options.clock]
   */
  constructor({ conversationId, me, fetchPage, sendViewing = null, clock = SYSTEM_CLOCK }) {
    super();
    this.#conversationId = conversationId;
    this.#me = me;
    this.#fetchPage = fetchPage;
    this.#sendViewing = sendViewing;
    this.#clock = clock;
    /** `{id, name}` or null; undefined until loaded. */
    this.assignee = undefined;
    /** Why the last load failed, or ''. */
    this.error = '';
  }

  get conversationId() {
    return this.#conversationId;
  }

  /** Loads the assignee and the staff entries (newest pages first, up to {@link MAX_PAGES}). */
  async load() {
    try {
      let before;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const data = await this.#fetchPage(before);
        if (this.#stopped) return;
        if (page === 0) this.assignee = data.assignee ?? null;
        for (const entry of data.entries ?? []) this.#entries.set(entry.id, entry);
        if (!data.hasMore || !data.entries?.length) break;
        before = data.entries[data.entries.length - 1].id;
      }
      this.error = '';
    } catch (error) {
      this.error = error?.message ?? String(error);
    }
    this.#changed();
  }

  /** The entries, oldest first. */
  get entries() {
    return [...this.#entries.values()].sort((a, b) => a.id - b.id);
  }

  /** A staff entry from the server (live, or the answer to this admin's own note or assignment). */
  receive(entry, assignee) {
    if (!entry || entry.conversationId !== this.#conversationId) return;
    const fresh = !this.#entries.has(entry.id);
    this.#entries.set(entry.id, entry);
    if (entry.kind !== 'note' && assignee !== undefined) this.assignee = assignee;
    if (fresh || entry.kind !== 'note') this.#changed();
  }

  /** The assignment as an answer says it now (even when nothing changed). */
  setAssignee(assignee) {
    this.assignee = assignee ?? null;
    this.#changed();
  }

  /** A colleague's viewing signal (`staff-viewing`). */
  viewing({ conversationId, userId, name, expiresInMs }) {
    if (conversationId !== this.#conversationId || userId === this.#me?.id) return;
    if (expiresInMs > 0) this.#viewers.set(userId, { userId, name, until: this.#clock.now() + expiresInMs });
    else if (!this.#viewers.delete(userId)) return;
    this.#scheduleExpiry();
    this.#changed();
  }

  /** The colleagues viewing the conversation now, by name. */
  get viewers() {
    const now = this.#clock.now();
    return [...this.#viewers.values()].filter((v) => v.until > now).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Starts saying "I am viewing" (now and every few seconds) while `isVisible()`. */
  startViewing(isVisible = () => true) {
    if (!this.#sendViewing || this.#viewingStarted || this.#stopped) return;
    this.#viewingStarted = true;
    const say = () => {
      if (this.#stopped) return;
      if (isVisible()) this.#sendViewing('viewing').catch(() => {});
      this.#renewTimer = this.#clock.setTimeout(say, VIEWING_RENEW_MS);
    };
    say();
  }

  /** Says it again at once (the page came back into view, or the live channel reconnected). */
  renewViewing() {
    if (this.#viewingStarted && !this.#stopped) this.#sendViewing('viewing').catch(() => {});
  }

  /** The conversation closed in this view: "left", and nothing more. */
  stop() {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clock.clearTimeout(this.#renewTimer);
    this.#clock.clearTimeout(this.#expiryTimer);
    if (this.#viewingStarted) this.#sendViewing('left').catch(() => {});
  }

  #scheduleExpiry() {
    this.#clock.clearTimeout(this.#expiryTimer);
    this.#expiryTimer = null;
    const now = this.#clock.now();
    let next = Infinity;
    for (const [id, v] of this.#viewers) {
      if (v.until <= now) this.#viewers.delete(id);
      else next = Math.min(next, v.until);
    }
    if (next !== Infinity) {
      this.#expiryTimer = this.#clock.setTimeout(() => {
        this.#scheduleExpiry();
        this.#changed();
      }, next - now + 1);
    }
  }

  #changed() {
    if (!this.#stopped) this.dispatchEvent(new Event('change'));
  }
}

/**
 * The timeline with the staff entries in it (pure): each entry goes after the message whose seq is its `afterSeq`
 * (entries with the same place in the order they were written), marked `staffEntry: true`. Only entries that fall
 * inside the loaded window: not before its first message while older pages are still unloaded (`hasMoreBefore`),
 * not after its last while newer ones are (`hasMoreAfter`). Pending messages (no seq yet) stay at the end.
 */
export function interleaveStaffEntries(messages, entries, { hasMoreBefore = false, hasMoreAfter = false } = {}) {
  if (!entries?.length) return messages;
  const stored = messages.filter((m) => m.seq != null && !m.pending);
  const first = stored.length ? stored[0].seq : null;
  const last = stored.length ? stored[stored.length - 1].seq : null;
  const inWindow = entries
    .filter((e) => {
      if (first == null) return !hasMoreBefore && !hasMoreAfter;
      if (hasMoreBefore && e.afterSeq < first) return false;
      if (hasMoreAfter && e.afterSeq >= last) return false;
      return true;
    })
    .sort((a, b) => a.afterSeq - b.afterSeq || a.id - b.id)
    .map((e) => ({ ...e, staffEntry: true }));
  const out = [];
  let i = 0;
  for (const m of messages) {
    if (m.seq != null && !m.pending) {
      while (i < inWindow.length && inWindow[i].afterSeq < m.seq) out.push(inWindow[i++]);
    } else {
      while (i < inWindow.length) out.push(inWindow[i++]); // pending ones come after everything stored
    }
    out.push(m);
  }
  while (i < inWindow.length) out.push(inWindow[i++]);
  return out;
}

/** "Ada Admin assigned this to Grace Admin", "Grace Admin took this", "Ada Admin unassigned this". */
export function describeAssignment(entry, me) {
  const who = entry.author?.id === me?.id ? 'You' : entry.author?.name ?? 'Someone';
  if (entry.kind === 'unassigned') return `${who} unassigned this conversation`;
  if (entry.assignee?.id === entry.author?.id) return `${who} took this conversation`;
  const to = entry.assignee?.id === me?.id ? 'you' : entry.assignee?.name ?? 'someone';
  return `${who} assigned this conversation to ${to}`;
}

/** "Grace is viewing", "Grace and Alan are viewing", "3 colleagues are viewing"; '' for nobody. */
export function describeViewers(viewers) {
  const names = viewers.map((v) => v.name);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is viewing`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are viewing`;
  return `${names.length} colleagues are viewing`;
}

/**
 * A saved reply's text for one student (point 4): `{student.first_name}`, `{student.name}`, `{student.class}`,
 * `{student.roll_id}` and `{me.name}` are filled in; any other `{…}` stays as written, for the admin to see.
 */
export function fillPlaceholders(text, { student = null, me = null } = {}) {
  const name = student?.name ?? '';
  const values = {
    'student.first_name': name.trim().split(/\s+/)[0] ?? '',
    'student.name': name,
    'student.class': student?.className ?? '',
    'student.roll_id': student?.rollId ?? '',
    'me.name': me?.name ?? '',
  };
  return text.replace(/\{([a-z_.]+)\}/g, (whole, key) => (key in values && values[key] ? values[key] : whole));
}

/** The saved replies whose title or text has every word typed after the `/` (case-insensitive), titles first. */
export function matchSavedReplies(replies, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const scored = [];
  for (const reply of replies) {
    const title = reply.title.toLowerCase();
    const all = `${title} ${reply.body.toLowerCase()}`;
    if (!words.every((w) => all.includes(w))) continue;
    scored.push({ reply, inTitle: words.every((w) => title.includes(w)) });
  }
  scored.sort((a, b) => Number(b.inTitle) - Number(a.inTitle) || a.reply.title.localeCompare(b.reply.title));
  return scored.map((s) => s.reply);
}

/** How long a student's message in a colleague's conversation waits for them before it notifies the others. */
export const ASSIGNEE_FIRST_MS = 120_000;

/**
 * Who is told first of a student's message (issue 27, point 1): in an unassigned conversation, or one assigned to this
 * admin, at once; in a conversation assigned to a colleague, only when no admin has read it within
 * {@link ASSIGNEE_FIRST_MS} (the assignee is told at once on their side). `emit(item)` receives what `message` was given.
 */
export class AssigneeFirst {
  #me;
  #delayMs;
  #clock;
  #emit;
  /** Conversation → {timer, seq, items}. */
  #waiting = new Map();

  constructor({ me, emit, delayMs = ASSIGNEE_FIRST_MS, clock = SYSTEM_CLOCK }) {
    this.#me = me;
    this.#emit = emit;
    this.#delayMs = delayMs;
    this.#clock = clock;
  }

  /** A student's message: `{conversationId, seq, assigneeId, item}`. */
  message({ conversationId, seq, assigneeId, item }) {
    if (assigneeId == null || assigneeId === this.#me?.id) {
      this.#emit(item);
      return;
    }
    let waiting = this.#waiting.get(conversationId);
    if (!waiting) {
      waiting = { seq, items: [], timer: null };
      waiting.timer = this.#clock.setTimeout(() => {
        this.#waiting.delete(conversationId);
        for (const waited of waiting.items) this.#emit(waited);
      }, this.#delayMs);
      this.#waiting.set(conversationId, waiting);
    }
    waiting.seq = Math.max(waiting.seq, seq ?? 0);
    waiting.items.push(item);
  }

  /** A participant's marks moved (`receipt`): an admin who read up to the waiting messages settles them. */
  receipt({ conversationId, role, readSeq }) {
    const waiting = this.#waiting.get(conversationId);
    if (waiting && role === 'admin' && (readSeq ?? 0) >= waiting.seq) this.cancel(conversationId);
  }

  cancel(conversationId) {
    const waiting = this.#waiting.get(conversationId);
    if (!waiting) return;
    this.#clock.clearTimeout(waiting.timer);
    this.#waiting.delete(conversationId);
  }

  stop() {
    for (const id of [...this.#waiting.keys()]) this.cancel(id);
  }
}
