/**
 * The admin's student list order and filters, exactly as the server applies them (docs/API.md,
 * `GET /api/students`), so rows updated live land where a reload would put them:
 *
 *   1. students with unread messages first (any count: a student with 1 unread is not below one with 5),
 *   2. then latest activity, `lastMessageAt` newest first, none last,
 *   3. then name, case-insensitive, then id.
 *
 * The client holds the first rows of that order (the pages it has loaded) and keeps them so: a row whose
 * new place falls after the last loaded row leaves the list when more rows exist on the server (it comes
 * back with the page that holds it), so the next page's `offset` stays the number of rows held.
 *
 * Pure functions of plain objects: no DOM, no I/O.
 */

/** @param {{unread?: number}} student */
export function hasUnread(student) {
  return (student?.unread ?? 0) > 0;
}

function time(value) {
  if (value == null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function nameKey(student) {
  return (student.name ?? '').toLowerCase();
}

/** The list order: negative when `a` comes first. */
export function compareStudents(a, b) {
  const unread = Number(hasUnread(b)) - Number(hasUnread(a));
  if (unread !== 0) return unread;
  const ta = time(a.lastMessageAt);
  const tb = time(b.lastMessageAt);
  if (ta !== tb) {
    if (ta === null) return 1;
    if (tb === null) return -1;
    return tb - ta;
  }
  const na = nameKey(a);
  const nb = nameKey(b);
  if (na !== nb) return na < nb ? -1 : 1;
  return (a.id ?? 0) - (b.id ?? 0);
}

/** Where `student` goes in the sorted `list` (binary search; the student itself must not be in it). */
export function insertionIndex(list, student) {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareStudents(list[mid], student) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Puts a (new or updated) row where it belongs in the sorted `list`.
 *
 * @param {object[]} list the loaded rows, sorted
 * @param {object} student the row (replaces the row with the same id, if any)
 * @param {{complete?: boolean}} options `complete`: every row the server has for these filters is
 *   loaded; when false, a row that sorts after the last loaded one is left out (its page is not loaded)
 * @returns {object[]} a new array (the input is not changed)
 */
export function placeStudent(list, student, { complete = false } = {}) {
  const rest = list.filter((s) => s.id !== student.id);
  const index = insertionIndex(rest, student);
  if (index === rest.length && !complete) return rest;
  rest.splice(index, 0, student);
  return rest;
}

/**
 * Appends a page fetched at `offset = list.length`, skipping rows already held (rows move while pages
 * load: a row that moved up into the loaded part shows up again in the next page). For a row held twice,
 * the copy that has seen more messages (`lastSeq`) wins.
 */
export function appendPage(list, page) {
  const held = new Map(list.map((s, i) => [s.id, i]));
  const out = [...list];
  for (const student of page) {
    const at = held.get(student.id);
    if (at === undefined) {
      held.set(student.id, out.length);
      out.push(student);
    } else if ((student.lastSeq ?? 0) > (out[at].lastSeq ?? 0)) {
      out[at] = student;
    }
  }
  return out;
}

/** The conversation status filters of `GET /api/students?status=` (R6.2): `none` is "not started yet". */
export const STATUS_FILTERS = Object.freeze(['active', 'closed', 'none']);

/** Whether a row matches a `status` filter ('' for any). */
export function matchesStatus(student, status = '') {
  if (!status) return true;
  if (status === 'none') return student.conversationId == null;
  if (student.conversationId == null) return false;
  return (student.conversationStatus ?? 'active') === status;
}

/**
 * Whether the server would list `student` for these filters: `className` equal, `q` (trimmed, any case)
 * found in the name, email or roll ID, the conversation's `status` (`active`, `closed`, `none`), and its
 * assignment (`assigned`: `mine`, assigned to admin `me`, or `none`, unassigned; issue 27).
 */
export function matchesFilters(student, { q = '', className = '', status = '', assigned = '', me = null } = {}) {
  if (className && student.className !== className) return false;
  if (!matchesStatus(student, status)) return false;
  if (assigned === 'mine' && (student.assignee?.id == null || student.assignee.id !== me)) return false;
  if (assigned === 'none' && student.assignee?.id != null) return false;
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return [student.name, student.email, student.rollId].some((field) => (field ?? '').toLowerCase().includes(needle));
}
