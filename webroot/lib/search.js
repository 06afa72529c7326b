/**
 * Message search (R6.4, `GET /api/search`, docs/API.md) without the DOM: the request from what the person chose
 * (local dates become instants in their time zone), the snippet's segments, where a hit opens, and a
 * {@link SearchSession} that runs searches and pages on with `nextCursor`, newest request wins.
 */
import { startOfLocalDay, addDays, isDayKey, viewerTimeZone } from './local-time.js';

export const MAX_QUERY_LENGTH = 200;
export const SEARCH_PAGE_SIZE = 20;

/** Filters as the panel holds them; `student` is `{id, name, rollId?, className?}` or null. */
export function emptyFilters() {
  return { student: null, className: '', senderRole: '', status: '', from: '', to: '', sort: 'relevance' };
}

/**
 * The query of `GET /api/search` for a text and filters, or why there is none.
 *
 * Dates are local calendar days (`YYYY-MM-DD`, from `<input type="date">`) in the viewer's time zone: `from` is
 * the first instant of that day (inclusive), `to` the first instant of the day after the chosen end date
 * (exclusive), so "from 3 May to 3 May" is all of 3 May where the viewer is. A student's search sends only what
 * applies to their own conversation (the server limits it anyway): the text, sort, sender role and dates.
 *
 * @returns {{query: object|null, error: string|null}} `query` null with no error: nothing to search (empty text)
 */
export function searchQuery(text, filters = emptyFilters(), { role = 'admin', timeZone = viewerTimeZone(), cursor, limit = SEARCH_PAGE_SIZE } = {}) {
  const q = String(text ?? '').trim();
  if (!q) return { query: null, error: null };
  if (q.length > MAX_QUERY_LENGTH) return { query: null, error: `Search for at most ${MAX_QUERY_LENGTH} characters.` };
  const { from, to } = filters;
  if (from && !isDayKey(from)) return { query: null, error: 'The start date is not a valid date.' };
  if (to && !isDayKey(to)) return { query: null, error: 'The end date is not a valid date.' };
  if (from && to && from > to) return { query: null, error: 'The start date is after the end date.' };
  const query = { q, sort: filters.sort === 'date' ? 'date' : 'relevance', limit };
  if (role === 'admin') {
    if (filters.student?.id != null) query.studentId = filters.student.id;
    if (filters.className) query.className = filters.className;
    if (filters.status === 'active' || filters.status === 'closed') query.status = filters.status;
  }
  if (filters.senderRole === 'admin' || filters.senderRole === 'student') query.senderRole = filters.senderRole;
  if (from) query.from = startOfLocalDay(from, timeZone).toISOString();
  if (to) query.to = startOfLocalDay(addDays(to, 1), timeZone).toISOString();
  if (cursor) query.cursor = cursor;
  return { query, error: null };
}

/** Whether any filter is set (beyond the sort). */
/**
 * The query once a student it found is chosen with "Only this student" (issue 27, point 6): the words typed to find
 * them (the start of a word of their name, or their roll ID) are dropped, so "sam trip" for Sam Student becomes
 * "trip", and "sam" alone becomes "" (nothing to look for yet: the box waits for words to find in their messages).
 * Quoted phrases and operators are kept as they are.
 */
export function withoutStudentWords(text, student) {
  const nameWords = String(student?.name ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const rollId = String(student?.rollId ?? '').toLowerCase();
  const findsStudent = (word) => {
    const w = word.toLowerCase();
    return w === rollId || nameWords.some((n) => n.startsWith(w));
  };
  const parts = String(text ?? '').match(/"[^"]*"?|\S+/g) ?? [];
  return parts.filter((part) => part.startsWith('"') || part.startsWith('-') || !findsStudent(part)).join(' ');
}

export function hasFilters(filters) {
  return Boolean(filters.student || filters.className || filters.senderRole || filters.status || filters.from || filters.to);
}

/**
 * The snippet's segments, safe to render as text: `[{text, match}]` with empty segments dropped. Anything that is
 * not a list of segments becomes one plain segment (never HTML).
 */
export function snippetSegments(snippet) {
  if (!Array.isArray(snippet)) return snippet == null || snippet === '' ? [] : [{ text: String(snippet), match: false }];
  return snippet
    .filter((s) => s && s.text != null && String(s.text) !== '')
    .map((s) => ({ text: String(s.text), match: Boolean(s.match) }));
}

/** Where a hit opens: its conversation at its `seq` (`/admin/students/:id?seq=N`, or `/student?seq=N`). */
export function hitPath(hit, role) {
  const seq = Number(hit?.message?.seq);
  if (role === 'admin') return `/admin/students/${encodeURIComponent(hit.student.id)}?seq=${seq}`;
  return `/student?seq=${seq}`;
}

/** What the person sees for a failed search: the server's message for a refused query (400), else a sentence. */
export function describeSearchError(error) {
  if (error?.status === 400 && error.message) return error.message;
  if (error?.code === 'network') return error.message;
  return `The search failed: ${error?.message || 'unknown error'}`;
}

/**
 * Runs searches. `search(query, {signal})` is `GET /api/search`. A newer search aborts and outranks an older
 * one still on its way, so results never belong to a query no longer shown. `loadMore()` appends the next page
 * (`cursor` = the last `nextCursor`) for as long as there is one: no cap.
 *
 * @fires change - whenever a field below changes
 */
export class SearchSession extends EventTarget {
  #search;
  #serial = 0;
  #abort = null;
  #base = null;

  constructor({ search, role = 'admin', timeZone = viewerTimeZone(), pageSize = SEARCH_PAGE_SIZE }) {
    super();
    this.#search = search;
    this.role = role;
    this.timeZone = timeZone;
    this.pageSize = pageSize;
    this.reset();
  }

  /** Back to nothing searched. */
  reset() {
    this.#serial += 1;
    this.#abort?.abort();
    this.#abort = null;
    this.#base = null;
    /** 'idle' (nothing searched), 'loading', 'done' or 'error' (the first page failed). */
    this.state = 'idle';
    this.results = [];
    this.students = [];
    /** When the search found nothing: the query with misspelt words corrected (issue 27, point 6), or null. */
    this.didYouMean = null;
    this.nextCursor = null;
    this.loadingMore = false;
    /** Why the last search or page failed ('' when it did not). */
    this.error = '';
    this.#changed();
  }

  /**
   * Searches `text` with `filters` (first page). Empty text goes back to idle; a query the client can tell is
   * wrong (dates the wrong way round) is an error without a request.
   */
  async run(text, filters) {
    const { query, error } = searchQuery(text, filters, { role: this.role, timeZone: this.timeZone, limit: this.pageSize });
    if (!query) {
      this.reset();
      if (error) {
        this.state = 'error';
        this.error = error;
        this.#changed();
      }
      return;
    }
    const serial = ++this.#serial;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.#base = query;
    this.state = 'loading';
    this.error = '';
    this.loadingMore = false;
    this.#changed();
    try {
      const page = await this.#patiently(query, { signal: abort.signal }, serial);
      if (serial !== this.#serial) return;
      this.results = dedupe([], page?.results ?? []);
      this.students = page?.students ?? [];
      this.nextCursor = page?.nextCursor ?? null;
      this.didYouMean = page?.didYouMean ?? null;
      this.state = 'done';
    } catch (e) {
      if (serial !== this.#serial || e?.name === 'AbortError') return;
      this.results = [];
      this.students = [];
      this.nextCursor = null;
      this.didYouMean = null;
      this.state = 'error';
      this.error = describeSearchError(e);
    } finally {
      if (serial === this.#serial) {
        this.#abort = null;
        this.#changed();
      }
    }
  }

  /** Appends the next page; the results so far stay when it fails (`error` says why). */
  async loadMore() {
    if (this.state !== 'done' || !this.nextCursor || this.loadingMore) return;
    const serial = this.#serial;
    const query = { ...this.#base, cursor: this.nextCursor };
    this.loadingMore = true;
    this.error = '';
    this.#changed();
    try {
      const page = await this.#patiently(query, {}, serial);
      if (serial !== this.#serial) return;
      this.results = dedupe(this.results, page?.results ?? []);
      this.nextCursor = page?.nextCursor ?? null;
    } catch (e) {
      if (serial !== this.#serial) return;
      this.error = describeSearchError(e);
    } finally {
      if (serial === this.#serial) {
        this.loadingMore = false;
        this.#changed();
      }
    }
  }

  /**
   * The search, asked again after the wait the server names while it answers 429 (a person's searches have a
   * budget of their own, issue 24, point 2): someone typing quickly sees their results a moment later, not an
   * error. Gives up on a newer search, an abort, or after a few refusals.
   */
  async #patiently(query, options, serial) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#search(query, options);
      } catch (e) {
        if (e?.code !== 'too_many_requests' || attempt >= MAX_SEARCH_ATTEMPTS || serial !== this.#serial) throw e;
        const waitMs = e.retryAfterMs ?? (e.retryAfter ?? 1) * 1000;
        await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(waitMs, 1), 5000)));
        if (serial !== this.#serial || options.signal?.aborted) throw e;
      }
    }
  }

  #changed() {
    this.dispatchEvent(new Event('change'));
  }
}

/** How many times a search refused for its rate is asked in all before the refusal is shown. */
const MAX_SEARCH_ATTEMPTS = 4;

/** Appends hits not already listed (by message id). */
function dedupe(list, more) {
  const seen = new Set(list.map((h) => h.message?.id));
  const out = [...list];
  for (const hit of more) {
    if (!hit?.message || seen.has(hit.message.id)) continue;
    seen.add(hit.message.id);
    out.push(hit);
  }
  return out;
}
