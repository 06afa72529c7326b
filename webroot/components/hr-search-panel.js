import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { SearchSession, emptyFilters, hasFilters, snippetSegments, hitPath, MAX_QUERY_LENGTH, withoutStudentWords } from '../lib/search.js';
import { dateTimeLabel, fullLabel } from '../lib/local-time.js';
import { statusLabel } from '../lib/conversation-status.js';
import { baseStyles, buttonStyles, formStyles, badgeStyles } from './shared-styles.js';

const SEARCH_DELAY_MS = 300; // wait for a pause in typing before asking the server

/**
 * Message search (R6.4): a modal panel (a drawer on a wide screen, the whole screen on a phone) with the text,
 * sort and filters, the hits, and, for admins, the students whose name or roll ID starts with the text.
 *
 * Admins filter by student (picked from the student matches), class (`GET /api/classes`), sender role, status
 * and dates; students see only the text, sort, sender role and dates (the server limits their search to their
 * own conversation whatever is sent). Dates are local days in the viewer's time zone (lib/search.js). Hits show
 * the student and class (admins), the sender, the time and the snippet with the matched words in `<mark>`,
 * built from the snippet's segments as text (never HTML). "Load more" follows `nextCursor` for as long as there
 * is one. A hit is a link to its conversation at its `seq` (`/admin/students/:id?seq=N`, `/student?seq=N`):
 * opening it closes the panel and the chat shows the hit (hr-chat-view).
 *
 * Escape, the close button or a click outside closes it; the focus goes back to what opened it.
 *
 * @fires hr-navigate - `detail: {path}` (bubbles, composed): a hit or a student was opened
 */
export class HrSearchPanelElement extends LitElement {
  static properties = {
    /** {user, ...} (see hr-app) */
    session: { attribute: false },
    /** 'admin' or 'student': which filters apply (the signed-in user's role). */
    viewerRole: { type: String, attribute: 'viewer-role' },
    query: { state: true },
    filters: { state: true },
    classes: { state: true },
    filtersOpen: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    badgeStyles,
    css`
      dialog {
        position: fixed;
        inset: 0 0 0 auto;
        width: min(600px, 100vw);
        max-width: 100vw;
        height: 100%;
        max-height: 100%;
        margin: 0;
        padding: 0;
        border: 0;
        border-left: 1px solid var(--hr-color-border);
        background: var(--hr-color-bg);
        color: var(--hr-color-text);
        box-shadow: var(--hr-shadow-lg);
      }
      dialog[open] {
        display: flex;
        flex-direction: column;
      }
      dialog::backdrop {
        background: rgba(16, 24, 40, 0.35);
      }
      .top {
        flex: none;
        display: grid;
        gap: var(--hr-space-3);
        padding: var(--hr-space-4) var(--hr-space-5);
        border-bottom: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
      }
      .title-row {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: var(--hr-space-2);
      }
      h2 {
        margin: 0;
        font-size: 17px;
      }
      .query-row {
        display: flex;
        gap: var(--hr-space-2);
      }
      .query-row .input {
        flex: 1;
        min-width: 0;
      }
      .options-row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--hr-space-2) var(--hr-space-3);
      }
      .inline {
        display: inline-flex;
        align-items: center;
        gap: var(--hr-space-2);
      }
      .inline .select {
        width: auto;
        min-height: 32px;
        padding-top: 2px;
        padding-bottom: 2px;
      }
      .filters {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: var(--hr-space-3);
        min-width: 0;
        margin: 0;
        padding: var(--hr-space-3) 0 0;
        border: 0;
      }
      .filters legend {
        padding: 0;
        font-size: var(--hr-font-size-sm);
        font-weight: 600;
      }
      .field {
        display: grid;
        align-content: start;
        gap: var(--hr-space-1);
        min-width: 0;
      }
      .field.wide {
        grid-column: 1 / -1;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: var(--hr-space-2);
        justify-self: start;
        max-width: 100%;
        padding: 2px 4px 2px 10px;
        border-radius: var(--hr-radius-pill);
        background: var(--hr-color-primary-soft);
        color: var(--hr-color-primary-hover);
        font-size: var(--hr-font-size-sm);
        font-weight: 600;
      }
      .chip .btn {
        min-height: 24px;
        padding: 0 6px;
      }
      .hint {
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .body {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        overscroll-behavior: contain;
        padding: var(--hr-space-3) var(--hr-space-5) var(--hr-space-5);
      }
      .summary {
        margin: 0 0 var(--hr-space-3);
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text-muted);
      }
      h3 {
        margin: var(--hr-space-3) 0 var(--hr-space-2);
        font-size: var(--hr-font-size-sm);
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--hr-color-text-muted);
      }
      ul,
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: var(--hr-space-2);
      }
      .student {
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
        padding: var(--hr-space-2) var(--hr-space-3);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius);
        background: var(--hr-color-surface);
      }
      .student a {
        flex: 1;
        min-width: 0;
        color: inherit;
        text-decoration: none;
        border-radius: var(--hr-radius-sm);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .student a:hover .name {
        text-decoration: underline;
      }
      .student .name {
        font-weight: 600;
        color: var(--hr-color-primary-hover);
      }
      .student .meta {
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      a.hit {
        display: grid;
        gap: 4px;
        padding: var(--hr-space-3);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius);
        background: var(--hr-color-surface);
        color: inherit;
        text-decoration: none;
      }
      a.hit:hover {
        border-color: var(--hr-color-primary);
      }
      .hit-head {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 2px var(--hr-space-2);
        font-size: var(--hr-font-size-sm);
      }
      .hit-head .who {
        font-weight: 700;
      }
      .hit-head .class,
      .hit-head time {
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-xs);
      }
      .hit-head time {
        margin-left: auto;
      }
      .sender {
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .snippet {
        overflow-wrap: anywhere;
        white-space: pre-wrap;
      }
      mark {
        padding: 0 2px;
        border-radius: 3px;
        background: var(--hr-color-mark);
        color: var(--hr-color-text);
        font-weight: 600;
      }
      .badge.closed {
        background: var(--hr-color-warning-soft);
        color: var(--hr-color-warning);
        border-color: transparent;
      }
      .state {
        padding: var(--hr-space-5) 0;
        text-align: center;
        color: var(--hr-color-text-muted);
      }
      .state strong {
        display: block;
        color: var(--hr-color-text);
      }
      .error {
        color: var(--hr-color-danger);
      }
      .more {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: var(--hr-space-2);
        padding: var(--hr-space-3) 0;
      }
      /* A details element's content inherits through its own (UA) shadow root's slot, not from here. */
      details *,
      details *::before,
      details *::after {
        box-sizing: border-box;
      }
      details > summary {
        display: inline-flex;
        align-items: center;
        gap: var(--hr-space-1);
        cursor: pointer;
        font-size: var(--hr-font-size-sm);
        font-weight: 600;
        border-radius: var(--hr-radius-sm);
        list-style: none;
      }
      details > summary::-webkit-details-marker {
        display: none;
      }
      details > summary::before {
        content: '▸';
        font-size: 11px;
      }
      details[open] > summary::before {
        content: '▾';
      }
      @media (max-width: 640px) {
        dialog {
          width: 100vw;
          border-left: 0;
        }
        .top,
        .body {
          padding-left: var(--hr-space-3);
          padding-right: var(--hr-space-3);
        }
        .filters {
          grid-template-columns: minmax(0, 1fr);
        }
        /* One scroll for the whole panel: open filters leave the results room on a short screen. */
        dialog[open] {
          display: block;
          overflow-y: auto;
        }
        .body {
          overflow: visible;
        }
      }
    `,
  ];

  constructor() {
    super();
    this.session = null;
    this.viewerRole = 'admin';
    this.query = '';
    this.filters = emptyFilters();
    this.classes = [];
    this.filtersOpen = false;
    this.search = null;
    this.searchTimer = null;
    this.returnFocusTo = null;
    this.classesLoaded = false;
    this.boundSession = null;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.searchTimer);
    this.search?.removeEventListener('change', this.handleSearchChange);
  }

  willUpdate(changed) {
    if ((changed.has('session') || changed.has('viewerRole')) && this.boundSession !== this.session) {
      // Another person signed in: nothing of the last one's search stays.
      this.boundSession = this.session;
      this.search?.removeEventListener('change', this.handleSearchChange);
      this.search = new SearchSession({ search: (query, options) => api.searchMessages(query, options), role: this.viewerRole });
      this.search.addEventListener('change', this.handleSearchChange);
      this.query = '';
      this.filters = emptyFilters();
      this.classesLoaded = false;
    }
  }

  handleSearchChange = () => this.requestUpdate();

  get isAdmin() {
    return this.viewerRole === 'admin';
  }

  get dialog() {
    return this.renderRoot?.querySelector('dialog');
  }

  get isOpen() {
    return Boolean(this.dialog?.open);
  }

  /** Opens the panel with the focus in the text box; `returnFocusTo` gets it back on closing. */
  async open({ returnFocusTo = null } = {}) {
    this.returnFocusTo = returnFocusTo;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    if (this.isAdmin && !this.classesLoaded) this.loadClasses();
    const input = this.renderRoot.querySelector('#search-q');
    input?.focus();
    input?.select();
  }

  close({ restoreFocus = true } = {}) {
    if (!restoreFocus) this.returnFocusTo = null;
    if (this.dialog?.open) this.dialog.close();
  }

  handleDialogClose() {
    const target = this.returnFocusTo;
    this.returnFocusTo = null;
    target?.focus?.();
  }

  /** A click on the backdrop (the dialog itself, outside the panel's content) closes it. */
  handleDialogClick(event) {
    if (event.target !== this.dialog) return;
    const box = this.dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) this.close();
  }

  async loadClasses() {
    this.classesLoaded = true;
    try {
      this.classes = await api.listClasses();
    } catch (error) {
      this.classesLoaded = false;
      console.warn('[search] cannot load classes', error);
    }
  }

  // ---- searching --------------------------------------------------------------------------

  handleQueryInput(event) {
    this.query = event.target.value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.runSearch(), SEARCH_DELAY_MS);
  }

  handleSubmit(event) {
    event.preventDefault();
    this.runSearch();
  }

  runSearch() {
    clearTimeout(this.searchTimer);
    this.search?.run(this.query, this.filters);
  }

  setFilter(name, value) {
    this.filters = { ...this.filters, [name]: value };
    if (this.query.trim()) this.runSearch();
  }

  /** Limits the search to one student (picked from the student matches). */
  chooseStudent(student) {
    this.filtersOpen = true;
    // The name typed to find them is not what to look for in their messages (issue 27, point 6).
    this.query = withoutStudentWords(this.query, student);
    this.filters = { ...this.filters, student: { id: student.id, name: student.name, className: student.className, rollId: student.rollId } };
    if (this.query.trim()) {
      this.runSearch();
    } else {
      this.search?.reset();
      this.updateComplete.then(() => this.renderRoot.querySelector('[data-testid=search-input]')?.focus());
    }
  }

  /** Searches for the suggested spelling instead (issue 27, point 6); the focus stays in the search box. */
  useSuggestion(text) {
    this.query = text;
    this.runSearch();
    this.updateComplete.then(() => this.renderRoot.querySelector('[data-testid=search-input]')?.focus());
  }

  clearFilters() {
    this.filters = { ...emptyFilters(), sort: this.filters.sort };
    if (this.query.trim()) this.runSearch();
  }

  loadMore() {
    this.search?.loadMore();
  }

  /** Opens a hit or a student: the panel closes and the app navigates (the chat takes the focus). */
  openPath(event, path) {
    if (event.button > 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // a new tab
    event.preventDefault();
    this.close({ restoreFocus: false });
    this.dispatchEvent(new CustomEvent('hr-navigate', { detail: { path }, bubbles: true, composed: true }));
  }

  // ---- rendering --------------------------------------------------------------------------

  render() {
    return html`<dialog data-testid="search-panel" aria-labelledby="search-title" @close=${this.handleDialogClose}
      @click=${this.handleDialogClick}>
      <div class="top">
        <div class="title-row">
          <h2 id="search-title">${this.isAdmin ? 'Search messages' : 'Search your messages'}</h2>
          <button class="btn ghost small" type="button" data-testid="search-close" aria-label="Close search"
            @click=${() => this.close()}>✕</button>
        </div>
        <form role="search" aria-label="Messages" @submit=${this.handleSubmit}>
          <div class="query-row">
            <label class="visually-hidden" for="search-q">Search for</label>
            <input id="search-q" class="input" type="search" autocomplete="off" maxlength=${MAX_QUERY_LENGTH}
              placeholder=${this.isAdmin ? 'Words, "a phrase", a student…' : 'Words or "a phrase"'}
              .value=${this.query} @input=${this.handleQueryInput} data-testid="search-input" />
            <button class="btn primary" type="submit" data-testid="search-submit">Search</button>
          </div>
        </form>
        ${this.renderSearchOptions()}
      </div>
      <div class="body" data-testid="search-body">${this.renderResults()}</div>
    </dialog>`;
  }

  renderSearchOptions() {
    const f = this.filters;
    const count = [f.student, f.className, f.senderRole, f.status, f.from, f.to].filter(Boolean).length;
    return html`<div class="options-row">
        <label class="inline" for="search-sort">Sort
          <select id="search-sort" class="select" data-testid="search-sort" @change=${(e) => this.setFilter('sort', e.target.value)}>
            <option value="relevance" ?selected=${f.sort !== 'date'}>Relevance</option>
            <option value="date" ?selected=${f.sort === 'date'}>Newest</option>
          </select>
        </label>
        ${f.student
          ? html`<span class="chip" data-testid="search-student-filter"><span>Student: ${f.student.name}</span>
              <button class="btn ghost small" type="button" aria-label=${`Search all students, not only ${f.student.name}`}
                data-testid="search-clear-student" @click=${() => this.setFilter('student', null)}>✕</button></span>`
          : nothing}
      </div>
      <details ?open=${this.filtersOpen} @toggle=${(e) => { this.filtersOpen = e.target.open; }}>
        <summary data-testid="search-filters-toggle">Filters${count ? ` (${count})` : ''}</summary>
        <fieldset class="filters">
          <legend class="visually-hidden">Filters</legend>
          ${this.isAdmin ? this.renderAdminFilters() : nothing}
          <div class="field">
            <label for="search-sender">Written by</label>
            <select id="search-sender" class="select" data-testid="search-sender-role"
              @change=${(e) => this.setFilter('senderRole', e.target.value)}>
              <option value="" ?selected=${!f.senderRole}>Anyone</option>
              <option value="student" ?selected=${f.senderRole === 'student'}>${this.isAdmin ? 'Students' : 'Me'}</option>
              <option value="admin" ?selected=${f.senderRole === 'admin'}>Staff</option>
            </select>
          </div>
          <div class="field">
            <label for="search-from">From</label>
            <input id="search-from" class="input" type="date" data-testid="search-from" .value=${f.from}
              max=${f.to || nothing} @change=${(e) => this.setFilter('from', e.target.value)} />
          </div>
          <div class="field">
            <label for="search-to">To (inclusive)</label>
            <input id="search-to" class="input" type="date" data-testid="search-to" .value=${f.to}
              min=${f.from || nothing} @change=${(e) => this.setFilter('to', e.target.value)} />
          </div>
          ${hasFilters(f)
            ? html`<div class="field wide"><button class="btn small" type="button" data-testid="search-clear-filters"
                @click=${this.clearFilters}>Clear filters</button></div>`
            : nothing}
        </fieldset>
      </details>`;
  }

  renderAdminFilters() {
    const f = this.filters;
    return html`<div class="field">
        <label for="search-class">Class</label>
        <select id="search-class" class="select" data-testid="search-class" @change=${(e) => this.setFilter('className', e.target.value)}>
          <option value="" ?selected=${!f.className}>All classes</option>
          ${this.classes.map((c) => html`<option value=${c} ?selected=${f.className === c}>Class ${c}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="search-status">Conversation</label>
        <select id="search-status" class="select" data-testid="search-status" @change=${(e) => this.setFilter('status', e.target.value)}>
          <option value="" ?selected=${!f.status}>Any status</option>
          <option value="active" ?selected=${f.status === 'active'}>Active</option>
          <option value="closed" ?selected=${f.status === 'closed'}>Closed</option>
        </select>
      </div>
      <div class="field wide">
        <span class="hint">${f.student
          ? `Only ${f.student.name}'s conversation.`
          : 'To search one student’s conversation, search their name and choose “Only this student”.'}</span>
      </div>`;
  }

  renderResults() {
    const s = this.search;
    if (!s) return nothing;
    let summary = '';
    if (s.state === 'loading') summary = 'Searching…';
    else if (s.state === 'done') {
      const n = s.results.length;
      summary = n === 0 ? 'No messages found.' : `${n} message${n === 1 ? '' : 's'}${s.nextCursor ? ', more below' : ''}.`;
    }
    return html`
      <p class="summary" role="status" data-testid="search-summary">${summary}</p>
      ${s.state === 'idle'
        ? html`<div class="state" data-testid="search-idle">
            <strong>Find a message</strong>
            ${this.isAdmin
              ? 'Search every conversation by words or "an exact phrase"; -word leaves a word out. Names and roll IDs find students too.'
              : 'Search your conversation by words or "an exact phrase"; -word leaves a word out.'}
          </div>`
        : nothing}
      ${s.state === 'error'
        ? html`<div class="state error" role="alert" data-testid="search-error">${s.error}</div>`
        : nothing}
      ${this.isAdmin && s.students.length > 0 ? this.renderStudents(s.students) : nothing}
      ${s.state === 'done' && s.results.length === 0
        ? html`<div class="state" data-testid="search-no-results">
            <strong>No messages match “${this.query.trim()}”</strong>
            ${s.didYouMean
              ? html`<span>Did you mean <button class="btn small" type="button" data-testid="search-did-you-mean"
                  @click=${() => this.useSuggestion(s.didYouMean)}>${s.didYouMean}</button>?</span>`
              : hasFilters(this.filters) ? 'Try fewer filters, or other words.' : 'Try other words.'}
          </div>`
        : nothing}
      ${s.results.length > 0
        ? html`${this.isAdmin ? html`<h3 id="hits-title">Messages</h3>` : nothing}
            <ol data-testid="search-results" aria-label="Messages found">${s.results.map((hit) => this.renderHit(hit))}</ol>`
        : nothing}
      ${s.state === 'done' && (s.nextCursor || (s.error && s.results.length > 0))
        ? html`<div class="more">
            ${s.error ? html`<span class="error" role="alert" data-testid="search-more-error">${s.error}</span>` : nothing}
            ${s.nextCursor
              ? html`<button class="btn small" type="button" data-testid="search-load-more" ?disabled=${s.loadingMore}
                  @click=${this.loadMore}>${s.loadingMore ? 'Loading…' : 'Load more'}</button>`
              : nothing}
          </div>`
        : nothing}
    `;
  }

  renderStudents(students) {
    return html`<h3 id="students-title">Students</h3>
      <ul data-testid="search-students" aria-labelledby="students-title">
        ${students.map(
          (st) => html`<li class="student">
            <a href=${`/admin/students/${st.id}`} data-testid="search-student" data-student-id=${st.id}
              @click=${(e) => this.openPath(e, `/admin/students/${st.id}`)}>
              <span class="name">${st.name}</span>
              <span class="meta"> · Class ${st.className} · Roll ${st.rollId}</span>
            </a>
            <button class="btn small" type="button" data-testid="search-only-student"
              aria-label=${`Search only ${st.name}'s conversation`} @click=${() => this.chooseStudent(st)}>Only this student</button>
          </li>`,
        )}
      </ul>`;
  }

  renderHit(hit) {
    const m = hit.message;
    const path = hitPath(hit, this.viewerRole);
    const me = this.session?.user;
    const sender = m.senderId === me?.id ? 'You' : m.senderName;
    return html`<li>
      <a class="hit" href=${path} data-testid="search-result" data-seq=${m.seq} data-student-id=${hit.student?.id ?? nothing}
        @click=${(e) => this.openPath(e, path)}>
        <span class="hit-head">
          ${this.isAdmin
            ? html`<span class="who" data-testid="search-result-student">${hit.student?.name}</span>
                <span class="class">Class ${hit.student?.className}</span>
                ${hit.conversationStatus === 'closed'
                  ? html`<span class="badge closed">${statusLabel('closed')}</span>`
                  : nothing}`
            : nothing}
          <time datetime=${m.createdAt} title=${fullLabel(m.createdAt)} data-testid="search-result-time">${dateTimeLabel(m.createdAt)}</time>
        </span>
        <span class="sender" data-testid="search-result-sender">${sender}${m.senderRole === 'admin' && this.isAdmin && sender !== 'You' ? ' (staff)' : ''}</span>
        <span class="snippet" data-testid="search-snippet">${snippetSegments(hit.snippet).map((seg) =>
          seg.match ? html`<mark>${seg.text}</mark>` : seg.text,
        )}</span>
      </a>
    </li>`;
  }
}

customElements.define('hr-search-panel', HrSearchPanelElement);
