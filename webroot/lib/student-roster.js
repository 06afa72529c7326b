/**
 * The admin's student list as the client holds it: the first rows of the server's order for the current
 * filters (`GET /api/students`, paged), kept exact by live events instead of reloads (R2.1–R2.4).
 *
 * - `chat.message.created`: the row's `lastMessageAt` and `lastSeq` move, `unread` grows by one when the
 *   student wrote and this admin is not looking at that conversation, and the row moves to its place.
 *   A message whose `seq` is not above the row's `lastSeq` is already counted (a duplicate push, or a row
 *   fetched after it), which makes applying events idempotent. A row not held yet is fetched
 *   (`GET /api/students/:id`) and put in its place when it matches the filters.
 * - A message this admin sent moves their read mark on the server, so the row's `unread` drops to 0.
 * - `chat.conversation.read` (this admin read it, in this tab or another): `unread` is 0 when the mark
 *   covers the row's last message; otherwise the row is fetched again (the count is the server's).
 * - `presence.changed`: the row's `online`.
 * - Status entries (R6.2, R6.3: `kind` "closed" / "reopened") are not messages: they move `lastSeq` (they take a
 *   seq) and set `conversationStatus` (the event's, else the entry's), but neither move `lastMessageAt` (the
 *   order, as the server's) nor raise `unread` or clear it. A
 *   row whose status no longer matches the status filter leaves the list; one that now matches is fetched.
 * - After a reconnection, {@link refresh} fetches every held row again (events may have been missed).
 *
 * The open student's row (see {@link select}) holds its place while it is open: reading it does not move
 * it, and it does not leave the list even when its place is past the loaded rows (the next page's offset
 * then leaves it out of the count). It goes to its place when another student is selected.
 *
 * Events that arrive while a full load is in flight are replayed on its result, so none is lost to a
 * slow request. Independent of the DOM: the caller passes the API functions.
 *
 * @fires change - whenever `students`, `total`, `loading` or `error` changes
 */
import { placeStudent, appendPage, matchesFilters } from './student-order.js';
import { isStatusEntry } from './conversation-status.js';

export const PAGE_SIZE = 30;
/** The server's largest `limit` for `GET /api/students`. */
export const MAX_LIMIT = 200;
/** How long after a live change the server is asked how many rows are unread (one ask for a burst). */
export const RECOUNT_DELAY_MS = 2_000;

export class StudentRoster extends EventTarget {
  #api;
  #myId;
  #recountTimer = null;
  #isLookingAt;
  #pageSize;
  #serial = 0;
  /** Events seen while a full load runs, replayed on its result. */
  #replay = null;
  /** studentId -> queued events while that row is being fetched */
  #fetching = new Map();
  /** conversationId -> studentId, for messages an admin wrote in a conversation not held */
  #conversationStudents = new Map();
  /** conversationId -> highest read mark this admin is known to have, for rows fetched afterwards */
  #readMarks = new Map();

  /**
   * @param {object} options
   * @param {{listStudents: Function, getStudent: Function, getConversation: Function}} options.api
   * @param {number} options.myId this admin's user id
   * @param {(studentId: number) => boolean} [options.isLookingAt] whether this admin is reading that
   *   student's conversation right now (open, page visible, window focused)
   * @param {number} [options.pageSize]
   */
  constructor({ api, myId, isLookingAt = () => false, pageSize = PAGE_SIZE }) {
    super();
    this.#api = api;
    this.#myId = myId;
    this.#isLookingAt = isLookingAt;
    this.#pageSize = pageSize;
    this.students = [];
    this.total = 0;
    this.loading = false;
    this.error = '';
    this.filters = { q: '', className: '', status: '', assigned: '', me: myId };
    /**
     * How many students matching the filters have messages this admin has not read: the server's count at the last
     * load, counted again (at most every {@link RECOUNT_DELAY_MS}) after live events while rows are still unloaded
     * (issue 27, point 6: the summary says the exact count, not the loaded rows').
     */
    this.withUnread = 0;
    /** The student whose conversation is open (their row holds its place), or null. */
    this.selectedId = null;
  }

  /** Sets the open student; the previously open one's row goes to its place. */
  select(studentId) {
    const previous = this.selectedId;
    this.selectedId = studentId ?? null;
    if (previous == null || previous === this.selectedId) return;
    const row = this.find(previous);
    if (row) this.#place(row);
  }

  /** True when every row the server has for these filters is held. */
  get complete() {
    return this.students.length >= this.total;
  }

  /** The held row for a student, or undefined. */
  find(studentId) {
    return this.students.find((s) => s.id === studentId);
  }

  /** Changes the filters and loads their first page. */
  setFilters({ q = this.filters.q, className = this.filters.className, status = this.filters.status ?? '',
    assigned = this.filters.assigned ?? '' } = {}) {
    this.filters = { q, className, status, assigned, me: this.#myId };
    return this.reload();
  }

  /** How many students matching the filters have unread messages: exact when every row is held, else the server's. */
  get unreadStudents() {
    if (this.complete) return this.students.filter((s) => (s.unread ?? 0) > 0).length;
    return this.withUnread;
  }

  /** After a live change while rows are unloaded: the server counts again, once for a burst of changes. */
  #recountSoon() {
    if (this.complete || this.#recountTimer) return;
    this.#recountTimer = setTimeout(async () => {
      this.#recountTimer = null;
      const serial = this.#serial;
      try {
        const page = await this.#list(0, 1);
        if (serial !== this.#serial || page.withUnread == null || page.withUnread === this.withUnread) return;
        this.withUnread = page.withUnread;
        this.#changed();
      } catch (error) {
        console.warn('[students] cannot count the unread rows', error);
      }
    }, RECOUNT_DELAY_MS);
  }

  /** The roster is no longer shown: no more counting. */
  close() {
    clearTimeout(this.#recountTimer);
    this.#recountTimer = null;
    this.#serial += 1;
  }

  /** Loads the first page for the current filters (replacing the rows). */
  reload() {
    return this.#loadFromStart(this.#pageSize);
  }

  /** Fetches again every held row (after a reconnection: counts and presence may have changed). */
  refresh() {
    return this.#loadFromStart(Math.max(this.#pageSize, this.students.length));
  }

  /** Appends the next page. */
  async loadMore() {
    if (this.loading || this.complete) return;
    const serial = ++this.#serial;
    this.#setLoading(true);
    try {
      const page = await this.#list(this.#windowLength(), this.#pageSize);
      if (serial !== this.#serial) return;
      this.students = appendPage(this.students, page.students);
      this.total = page.total;
      if (page.withUnread != null) this.withUnread = page.withUnread;
    } catch (error) {
      if (serial === this.#serial) this.error = error.message;
    } finally {
      if (serial === this.#serial) this.#setLoading(false);
    }
  }

  async #loadFromStart(count) {
    const serial = ++this.#serial; // a newer load (new filters) wins over a slower older one
    this.#replay = [];
    this.#setLoading(true);
    try {
      let students = [];
      let total = 0;
      let withUnread = 0;
      do {
        const page = await this.#list(students.length, Math.min(MAX_LIMIT, count - students.length));
        if (serial !== this.#serial) return;
        students = appendPage(students, page.students);
        total = page.total;
        if (students.length === page.students.length) withUnread = page.withUnread ?? 0; // the first page's count
        if (page.students.length === 0) break;
      } while (students.length < Math.min(count, total));
      this.students = students;
      this.total = total;
      this.withUnread = withUnread;
      const replay = this.#replay ?? [];
      this.#replay = null;
      for (const apply of replay) apply();
    } catch (error) {
      if (serial === this.#serial) {
        this.#replay = null;
        this.error = error.message;
      }
    } finally {
      if (serial === this.#serial) this.#setLoading(false);
    }
  }

  /** How many held rows are the first rows of the server's order (the open row may be held beyond them). */
  #windowLength() {
    const row = this.selectedId == null ? null : this.find(this.selectedId);
    if (!row || this.complete) return this.students.length;
    const placed = placeStudent(this.students, row, { complete: false });
    return placed.some((s) => s.id === row.id) ? this.students.length : this.students.length - 1;
  }

  #list(offset, limit) {
    const { q, className, status, assigned } = this.filters;
    return this.#api.listStudents({ q: q.trim(), className, status, assigned, limit, offset });
  }

  #setLoading(loading) {
    this.loading = loading;
    if (loading) this.error = '';
    this.#changed();
  }

  /** Runs `apply` now, and again on the result of a full load in flight. */
  #apply(apply) {
    this.#replay?.push(apply);
    apply();
  }

  // ---- live events ------------------------------------------------------------------------------

  /**
   * A stored message or status entry (`chat.message.created`, or the reply to this admin's own send, close or
   * reopen). `conversationStatus`, when the event carries it, is the conversation's status after it.
   */
  applyMessage(message) {
    if (!message || message.conversationId == null) return;
    this.#apply(() => this.#applyMessage(message));
    if (!isStatusEntry(message)) this.#recountSoon();
  }

  #applyMessage(message) {
    const row = this.students.find((s) => s.conversationId === message.conversationId);
    const studentId = row?.id ?? this.#studentOf(message);
    if (studentId != null && this.#fetching.has(studentId)) {
      this.#fetching.get(studentId).push(() => this.#applyMessage(message));
      return;
    }
    if (!row) {
      this.#fetchMissing(message, studentId);
      return;
    }
    if (message.seq <= (row.lastSeq ?? 0)) return; // already counted
    const statusEntry = isStatusEntry(message);
    let unread = row.unread ?? 0;
    const readUpTo = this.#readMarks.get(message.conversationId) ?? 0; // a read event may overtake the message
    if (statusEntry) {
      // An audit entry, not something to read: unread stays as it is.
    } else if (message.senderId === this.#myId) unread = 0; // sending moves the sender's read mark
    else if (message.senderRole === 'student' && message.seq > readUpTo && !this.#isLookingAt(row.id)) unread += 1;
    const updated = {
      ...row,
      lastSeq: message.seq,
      // As the server: closing and reopening move `last_seq` but not `last_message_at` (the list's order).
      lastMessageAt: statusEntry ? row.lastMessageAt : laterOf(row.lastMessageAt, message.createdAt),
      unread,
      conversationStatus: statusAfter(message, row.conversationStatus),
    };
    if (!matchesFilters(updated, this.filters)) {
      this.#remove(row.id);
      return;
    }
    this.#place(updated);
  }

  #studentOf(message) {
    if (message.studentId != null) return message.studentId;
    if (message.senderRole === 'student') return message.senderId;
    return this.#conversationStudents.get(message.conversationId) ?? null;
  }

  /** A message of a row not held: fetch that row; it may now belong in the loaded part of the list. */
  async #fetchMissing(message, studentId) {
    // A status change can make a row match the status filter: only then may a complete list miss it.
    const statusMayMatchNow = Boolean(this.filters.status) && isStatusEntry(message);
    if (this.complete && !this.loading && !statusMayMatchNow) return; // every matching row is held: this one does not match
    // A staff message leaves the row read: its place is just after the unread rows, past the loaded ones
    // when every loaded row is unread.
    if ((message.senderRole !== 'student' || isStatusEntry(message)) && this.students.length > 0 && !statusMayMatchNow
      && this.students.every((s) => (s.unread ?? 0) > 0)) return;
    let id = studentId;
    if (id == null) {
      try {
        const { conversation } = await this.#api.getConversation(message.conversationId);
        id = conversation.studentId;
        this.#conversationStudents.set(conversation.id, id);
      } catch (error) {
        console.warn('[students] cannot find the student of a conversation', error);
        return;
      }
      if (this.find(id)) {
        this.#applyMessage(message);
        return;
      }
    }
    this.fetchRow(id);
  }

  /**
   * Fetches one row and puts it in its place (or takes it out when it no longer matches the filters).
   * Events for that student that arrive meanwhile are applied after it, in order.
   */
  async fetchRow(studentId) {
    if (this.#fetching.has(studentId)) return;
    this.#fetching.set(studentId, []);
    const filters = this.filters;
    try {
      const student = await this.#api.getStudent(studentId);
      if (this.filters === filters) this.#upsert(student);
    } catch (error) {
      if (error?.code === 'not_found') this.#remove(studentId);
      else console.warn('[students] cannot refresh a row', error);
    } finally {
      const queued = this.#fetching.get(studentId) ?? [];
      this.#fetching.delete(studentId);
      for (const apply of queued) apply();
    }
  }

  #upsert(student) {
    if (!matchesFilters(student, this.filters)) {
      this.#remove(student.id);
      return;
    }
    if (student.conversationId != null) this.#conversationStudents.set(student.conversationId, student.id);
    const mark = this.#readMarks.get(student.conversationId);
    const row = mark != null && mark >= (student.lastSeq ?? 0) ? { ...student, unread: 0 } : student;
    this.#place(row);
  }

  /** A conversation opened or created (live event, or this admin's own open over HTTP). */
  applyConversation(conversation) {
    if (!conversation) return;
    this.#conversationStudents.set(conversation.id, conversation.studentId);
    this.#apply(() => {
      const row = this.find(conversation.studentId);
      if (!row) return; // a new conversation has no messages: the row's place does not change
      const lastSeq = Math.max(row.lastSeq ?? 0, conversation.lastSeq ?? 0);
      const updated = {
        ...row,
        conversationId: conversation.id,
        // An older copy of the conversation (it has seen fewer entries than the row) does not undo a newer status.
        conversationStatus:
          (conversation.lastSeq ?? 0) >= (row.lastSeq ?? 0)
            ? conversation.status ?? row.conversationStatus ?? 'active'
            : row.conversationStatus ?? conversation.status ?? 'active',
        lastSeq,
        lastMessageAt: laterOf(row.lastMessageAt, conversation.lastMessageAt),
      };
      if (!matchesFilters(updated, this.filters)) this.#remove(row.id);
      else this.#replaceInPlace(updated);
    });
  }

  /** This admin read a conversation up to `readSeq` (`chat.conversation.read`, or the reply to a mark). */
  applyRead({ conversationId, readSeq }) {
    if (conversationId == null || readSeq == null) return;
    this.#readMarks.set(conversationId, Math.max(readSeq, this.#readMarks.get(conversationId) ?? 0));
    this.#recountSoon();
    this.#apply(() => {
      const row = this.students.find((s) => s.conversationId === conversationId);
      if (!row || this.#fetching.has(row.id)) return;
      if (readSeq >= (row.lastSeq ?? 0)) {
        if ((row.unread ?? 0) !== 0) this.#place({ ...row, unread: 0 }, { hold: true });
      } else if ((row.unread ?? 0) > 0) {
        this.fetchRow(row.id); // read up to the middle: only the server knows how many are left
      }
    });
  }

  /**
   * A conversation's assignment changed (issue 27: `team.entry.created`, or this admin's own assignment): the row
   * shows the assignee, and leaves or joins a Mine / Unassigned list.
   */
  applyAssignment({ studentId, conversationId, assignee }) {
    if (studentId == null) return;
    if (conversationId != null) this.#conversationStudents.set(conversationId, studentId);
    this.#apply(() => {
      const row = this.find(studentId);
      if (!row) {
        if (this.filters.assigned) this.fetchRow(studentId); // it may belong in this list now
        return;
      }
      const updated = { ...row, assignee: assignee ?? null };
      if (this.filters.assigned) this.#recountSoon();
      if (!matchesFilters(updated, this.filters)) this.#remove(row.id);
      else this.#replaceInPlace(updated);
    });
  }

  /** A student came online or went offline (`presence.changed`). */
  applyPresence({ userId, online }) {
    this.#apply(() => {
      const row = this.find(userId);
      if (row && row.online !== Boolean(online)) this.#replaceInPlace({ ...row, online: Boolean(online) });
    });
  }

  /**
   * Puts a row in its place. The open student's row stays where it is when `hold` (it was just read) or
   * when its place is past the loaded rows.
   */
  #place(row, { hold = false } = {}) {
    const at = row.id === this.selectedId ? this.students.findIndex((s) => s.id === row.id) : -1;
    const placed = placeStudent(this.students, row, { complete: this.complete });
    if (at >= 0 && (hold || !placed.some((s) => s.id === row.id))) {
      this.#replaceInPlace(row);
      return;
    }
    this.students = placed;
    this.#changed();
  }

  #replaceInPlace(row) {
    this.students = this.students.map((s) => (s.id === row.id ? row : s));
    this.#changed();
  }

  #remove(studentId) {
    if (!this.find(studentId)) return;
    this.students = this.students.filter((s) => s.id !== studentId);
    this.total = Math.max(this.students.length, this.total - 1);
    this.#changed();
  }

  #changed() {
    this.dispatchEvent(new Event('change'));
  }
}

/** A conversation's status after a message: the event's word, else what the entry says (writing reopens). */
function statusAfter(message, before) {
  if (message.conversationStatus === 'active' || message.conversationStatus === 'closed') return message.conversationStatus;
  if (message.kind === 'closed') return 'closed';
  if (message.kind === 'reopened' || message.kind === 'message' || message.kind == null) return 'active';
  return before ?? 'active';
}

function laterOf(a, b) {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
