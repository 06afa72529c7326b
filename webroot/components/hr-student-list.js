import { LitElement, html, css } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import * as api from '../lib/api.js';
import { formatRelativeShort, formatFull, initials } from '../lib/format.js';
import { baseStyles, buttonStyles, formStyles, badgeStyles, avatarStyles } from './shared-styles.js';

const PAGE_SIZE = 30;
const FILTER_DELAY_MS = 250; // wait for a pause in typing before asking the server

/**
 * The admin's list of students (R2.1, R2.2, R2.4): name, email, roll ID, class, a "New" badge when
 * there is no conversation yet, otherwise its status. Filtered and paged on the server
 * (`GET /api/students?q&className&limit&offset`); more rows load as the list scrolls.
 *
 * Rows are updated in place from live events (`conversation-created`, `message-created` on
 * `session.events`), never by reloading the list. Unread counts are kept for this page view only:
 * they count student messages that arrived live for a conversation that is not open, and such
 * students move to the top of the loaded rows (R2.3, until the server tracks read state).
 *
 * @fires hr-student-select - `detail: {student}` (bubbles, composed)
 */
export class HrStudentListElement extends LitElement {
  static properties = {
    /** {user, bus, events, chat} */
    session: { attribute: false },
    /** The student whose conversation is open. */
    selectedStudentId: { type: Number, attribute: 'selected-student-id' },
    students: { state: true },
    total: { state: true },
    classes: { state: true },
    query: { state: true },
    className: { state: true },
    loading: { state: true },
    error: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    badgeStyles,
    avatarStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--hr-color-surface);
      }
      .filters {
        flex: none;
        display: grid;
        grid-template-columns: 1fr auto;
        gap: var(--hr-space-2);
        padding: var(--hr-space-3) var(--hr-space-4);
        border-bottom: 1px solid var(--hr-color-border);
      }
      .select {
        width: auto;
        max-width: 130px;
      }
      .summary {
        flex: none;
        display: flex;
        justify-content: space-between;
        padding: var(--hr-space-2) var(--hr-space-4);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
        border-bottom: 1px solid var(--hr-color-border);
      }
      .scroller {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li + li {
        border-top: 1px solid var(--hr-color-border);
      }
      .row {
        display: flex;
        gap: var(--hr-space-3);
        align-items: flex-start;
        width: 100%;
        padding: var(--hr-space-3) var(--hr-space-4);
        border: 0;
        border-left: 3px solid transparent;
        background: transparent;
        color: inherit;
        font: inherit;
        text-align: left;
        cursor: pointer;
      }
      .row:hover {
        background: var(--hr-color-surface-muted);
      }
      .row[aria-current='true'] {
        background: var(--hr-color-selected);
        border-left-color: var(--hr-color-primary);
      }
      .row:focus-visible {
        box-shadow: inset var(--hr-focus-ring);
      }
      .main {
        flex: 1;
        min-width: 0;
        display: grid;
        gap: 2px;
      }
      .line {
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
        min-width: 0;
      }
      .name {
        flex: 1;
        min-width: 0;
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .row.unread .name {
        font-weight: 800;
      }
      .time {
        flex: none;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .email,
      .meta {
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .meta {
        flex: 1;
        min-width: 0;
        font-size: var(--hr-font-size-xs);
      }
      .state {
        padding: var(--hr-space-5) var(--hr-space-4);
        text-align: center;
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-sm);
      }
      .state.error {
        color: var(--hr-color-danger);
      }
      .more {
        display: flex;
        justify-content: center;
        padding: var(--hr-space-3);
      }
    `,
  ];

  constructor() {
    super();
    this.session = null;
    this.selectedStudentId = null;
    this.students = [];
    this.total = 0;
    this.classes = [];
    this.query = '';
    this.className = '';
    this.loading = false;
    this.error = '';
    /** conversationId -> unread count (this page view only) */
    this.unread = new Map();
    this.filterTimer = null;
    this.requestSerial = 0;
    this.observer = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.listenTo(this.session?.events);
    this.loadClasses();
    this.reload();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.listenTo(null);
    clearTimeout(this.filterTimer);
    this.observer?.disconnect();
    this.observer = null;
  }

  willUpdate(changed) {
    if (changed.has('session') && this.isConnected) this.listenTo(this.session?.events);
    if (changed.has('selectedStudentId')) {
      const row = this.students.find((s) => s.id === this.selectedStudentId);
      if (row?.conversationId != null) this.unread.delete(row.conversationId);
    }
  }

  updated() {
    this.observeSentinel();
  }

  listenTo(events) {
    if (this.events === events) return;
    this.events?.removeEventListener('conversation-created', this.handleConversationCreated);
    this.events?.removeEventListener('message-created', this.handleMessageCreated);
    this.events?.removeEventListener('resync', this.handleResync);
    this.events = events;
    events?.addEventListener('conversation-created', this.handleConversationCreated);
    events?.addEventListener('message-created', this.handleMessageCreated);
    events?.addEventListener('resync', this.handleResync);
  }

  async loadClasses() {
    try {
      this.classes = await api.listClasses();
    } catch (error) {
      console.warn('[students] cannot load classes', error);
    }
  }

  /** Loads the first page for the current filters (the rows are replaced). */
  reload() {
    return this.loadPage(0);
  }

  /** Appends the next page. */
  loadMore() {
    if (this.loading || this.students.length >= this.total) return Promise.resolve();
    return this.loadPage(this.students.length);
  }

  async loadPage(offset) {
    const serial = ++this.requestSerial; // a newer filter wins over a slow older answer
    this.loading = true;
    this.error = '';
    try {
      const page = await api.listStudents({
        q: this.query.trim(),
        className: this.className,
        limit: PAGE_SIZE,
        offset,
      });
      if (serial !== this.requestSerial) return;
      if (offset === 0) {
        this.students = page.students;
      } else {
        const known = new Set(this.students.map((s) => s.id));
        this.students = [...this.students, ...page.students.filter((s) => !known.has(s.id))];
      }
      this.total = page.total;
    } catch (error) {
      if (serial !== this.requestSerial) return;
      this.error = error.message;
    } finally {
      if (serial === this.requestSerial) this.loading = false;
    }
  }

  /** Applies a conversation opened or created elsewhere (a live event or the admin page). */
  applyConversation(conversation) {
    let changed = false;
    const students = this.students.map((student) => {
      if (student.id !== conversation.studentId) return student;
      changed = true;
      return {
        ...student,
        conversationId: conversation.id,
        conversationStatus: conversation.status,
        lastMessageAt: conversation.lastMessageAt ?? student.lastMessageAt ?? null,
      };
    });
    if (changed) this.students = students;
  }

  handleConversationCreated = (event) => {
    this.applyConversation(event.detail);
  };

  handleMessageCreated = (event) => {
    const message = event.detail;
    const index = this.students.findIndex((s) => s.conversationId === message.conversationId);
    if (index < 0) return; // not loaded (filtered out or on a later page)
    const student = this.students[index];
    const updated = { ...student, lastMessageAt: message.createdAt };
    const isOpen = student.id === this.selectedStudentId;
    const students = [...this.students];
    if (message.senderRole === 'student' && !isOpen) {
      this.unread.set(message.conversationId, (this.unread.get(message.conversationId) ?? 0) + 1);
      // Bring students waiting for an answer to the top of what is loaded (R2.3).
      students.splice(index, 1);
      students.unshift(updated);
    } else {
      students[index] = updated;
    }
    this.students = students;
  };

  handleResync = () => {
    // Rows may have changed while the live channel was down: refresh what is shown.
    if (this.students.length <= PAGE_SIZE) this.reload();
  };

  handleQueryInput(event) {
    this.query = event.target.value;
    clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => this.reload(), FILTER_DELAY_MS);
  }

  handleClassChange(event) {
    this.className = event.target.value;
    clearTimeout(this.filterTimer);
    this.reload();
  }

  selectStudent(student) {
    if (student.conversationId != null) this.unread.delete(student.conversationId);
    this.dispatchEvent(new CustomEvent('hr-student-select', { detail: { student }, bubbles: true, composed: true }));
  }

  /** Loads the next page when the end of the list scrolls into view. */
  observeSentinel() {
    const sentinel = this.renderRoot.querySelector('.sentinel');
    if (!sentinel) {
      this.observer?.disconnect();
      this.observer = null;
      return;
    }
    if (this.observedSentinel === sentinel) return;
    this.observer?.disconnect();
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) this.loadMore();
      },
      { root: this.renderRoot.querySelector('.scroller'), rootMargin: '200px' },
    );
    this.observer.observe(sentinel);
    this.observedSentinel = sentinel;
  }

  render() {
    const hasMore = this.students.length < this.total;
    return html`
      <div class="filters" role="search">
        <label class="visually-hidden" for="q">Search students</label>
        <input
          id="q"
          class="input"
          type="search"
          placeholder="Search students"
          title="Search by name, email or roll ID"
          autocomplete="off"
          .value=${this.query}
          @input=${this.handleQueryInput}
          data-testid="student-search"
        />
        <label class="visually-hidden" for="class">Class</label>
        <select id="class" class="select" @change=${this.handleClassChange} data-testid="class-filter">
          <option value="" ?selected=${this.className === ''}>All classes</option>
          ${this.classes.map((c) => html`<option value=${c} ?selected=${this.className === c}>${c}</option>`)}
        </select>
      </div>
      <div class="summary" aria-live="polite">
        <span data-testid="student-count">
          ${this.loading && this.students.length === 0
            ? 'Loading students…'
            : `${this.total} ${this.total === 1 ? 'student' : 'students'}`}
        </span>
        ${this.students.length < this.total ? html`<span>showing ${this.students.length}</span>` : null}
      </div>
      <div class="scroller">
        ${this.error ? html`<div class="state error" role="alert">${this.error}
          <div class="more"><button class="btn small" type="button" @click=${this.reload}>Try again</button></div>
        </div>` : null}
        ${!this.loading && !this.error && this.students.length === 0
          ? html`<div class="state">${this.query || this.className ? 'No students match these filters.' : 'No students yet.'}</div>`
          : null}
        <ul aria-label="Students" data-testid="student-list">
          ${repeat(
            this.students,
            (s) => s.id,
            (s) => this.renderRow(s),
          )}
        </ul>
        ${hasMore
          ? html`<div class="more">
              <span class="sentinel"></span>
              <button class="btn small" type="button" ?disabled=${this.loading} @click=${this.loadMore} data-testid="load-more-students">
                ${this.loading ? 'Loading…' : 'Load more'}
              </button>
            </div>`
          : null}
      </div>
    `;
  }

  renderRow(student) {
    const selected = student.id === this.selectedStudentId;
    const unread = student.conversationId != null && !selected ? this.unread.get(student.conversationId) ?? 0 : 0;
    const isNew = student.conversationId == null;
    return html`
      <li>
        <button
          class="row ${unread ? 'unread' : ''}"
          type="button"
          aria-current=${selected ? 'true' : 'false'}
          data-testid="student-row"
          data-student-id=${student.id}
          @click=${() => this.selectStudent(student)}
        >
          <span class="avatar" aria-hidden="true">${initials(student.name)}</span>
          <span class="main">
            <span class="line">
              <span class="name" data-testid="student-name">${student.name}</span>
              ${student.lastMessageAt
                ? html`<time class="time" datetime=${student.lastMessageAt} title=${formatFull(student.lastMessageAt)}>
                    ${formatRelativeShort(student.lastMessageAt)}
                  </time>`
                : null}
            </span>
            <span class="email">${student.email}</span>
            <span class="line">
              <span class="meta">Roll ${student.rollId} · Class ${student.className}</span>
              ${unread
                ? html`<span class="badge count" data-testid="unread-count" aria-label="${unread} unread">${unread}</span>`
                : null}
              ${isNew
                ? html`<span class="badge new" data-testid="student-status" title="No conversation yet">New</span>`
                : html`<span class="badge ${student.conversationStatus ?? ''}" data-testid="student-status">
                    ${student.conversationStatus ?? 'open'}
                  </span>`}
            </span>
          </span>
        </button>
      </li>
    `;
  }
}

customElements.define('hr-student-list', HrStudentListElement);
