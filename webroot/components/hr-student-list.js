import { LitElement, html, css, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import * as api from '../lib/api.js';
import { listenAll } from '../lib/listeners.js';
import { SessionController } from '../lib/session-controller.js';
import { StudentRoster } from '../lib/student-roster.js';
import { describeTypists } from '../lib/typing-tracker.js';
import { baseStyles, buttonStyles, formStyles, badgeStyles, avatarStyles, presenceStyles } from './shared-styles.js';
import { renderStudentRow, studentRowStyles } from './student-row.js';
import './hr-assign-menu.js';
import './hr-assigned-filter.js';
import { transcriptPaths } from '../lib/download.js';

const FILTER_DELAY_MS = 250; // wait for a pause in typing before asking the server
const PAGE_JUMP = 10; // rows moved by PageUp / PageDown
/** While the live channel is down, the held rows are fetched again at most this often (R1.4: by polling). */
const POLL_ROWS_MS = 15_000;
const count = new Intl.NumberFormat();

/**
 * The admin's list of students (R2.1–R2.4): name, email, roll ID, class, online status, unread count,
 * and the chat status ("New" when there is no conversation yet, "Active", "Closed": R6.2, live from events; a
 * status filter asks the server with `?status=`). Students with unread messages come
 * first, then latest activity, then name: the server's order, kept live by {@link StudentRoster} from
 * the session's events (a row moves in place; the list is never reloaded per event). Filtered and paged
 * on the server; more rows load as the list scrolls.
 *
 * While someone types in a student's conversation (the student, or another admin: R4.1, R4.2), the row
 * says so in place of the email ("typing…", "Grace Admin is typing…"), from the session's TypingTracker.
 *
 * A listbox with a roving tabindex: Tab enters the list on the current row, ArrowUp/ArrowDown, Home/End
 * and PageUp/PageDown move between rows (loading more at the end), Enter or Space opens the student.
 *
 * @fires hr-student-select - `detail: {student}` (bubbles, composed)
 */
export class HrStudentListElement extends LitElement {
  static properties = {
    /** {user, bus, events, chat, attention, typing, typingSignal, acks} (see hr-app) */
    session: { attribute: false },
    /** The student whose conversation is open. */
    selectedStudentId: { type: Number, attribute: 'selected-student-id' },
    classes: { state: true },
    query: { state: true },
    className: { state: true },
    /** The conversation status filter: '', 'active', 'closed' or 'none' (not started). */
    status: { state: true },
    /** The assignment filter (issue 27): '' (all), 'mine' or 'none' (unassigned). */
    assigned: { state: true },
    /** The row assignment menu: `{student, at: {x, y}}`, or null. */
    menu: { state: true },
    /** The row that takes the focus when Tab enters the list. */
    activeId: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    badgeStyles,
    avatarStyles,
    presenceStyles,
    studentRowStyles,
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
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        gap: var(--hr-space-2);
        padding: var(--hr-space-3) var(--hr-space-4);
        border-bottom: 1px solid var(--hr-color-border);
      }
      .filters .input {
        grid-column: 1 / -1;
      }
      .badge.disabled {
        background: var(--hr-color-danger-soft, #fde8e8);
        color: var(--hr-color-danger);
        border-color: transparent;
      }
      .badge.closed {
        background: var(--hr-color-warning-soft);
        color: var(--hr-color-warning);
        border-color: transparent;
      }
      .badge.closed::before {
        content: '';
        width: 6px;
        height: 6px;
        border-radius: 1px;
        background: currentColor;
      }
      .class-export {
        margin-left: auto;
        font-size: var(--hr-font-size-xs);
      }
      .summary {
        flex: none;
        display: flex;
        justify-content: space-between;
        gap: var(--hr-space-2);
        padding: var(--hr-space-2) var(--hr-space-4);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
        border-bottom: 1px solid var(--hr-color-border);
      }
      .scroller {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        overscroll-behavior: contain;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      ul:focus-visible {
        box-shadow: inset var(--hr-focus-ring);
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
    this.classes = [];
    this.query = '';
    this.className = '';
    this.status = '';
    this.assigned = '';
    this.menu = null;
    this.activeId = null;
    this.roster = null;
    this.events = null;
    this.typing = null;
    this.filterTimer = null;
    this.observer = null;
    this.observedSentinel = null;
    this.refocusId = null;
    this.sessionBinding = new SessionController(this, (session) => this.follow(session));
  }

  connectedCallback() {
    super.connectedCallback();
    this.loadClasses();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.filterTimer);
    this.observer?.disconnect();
    this.observer = null;
    this.observedSentinel = null;
  }

  /**
   * Follows a session's events with a roster of its own; answers what stops following them and drops the roster
   * (the {@link SessionController} calls it when the session comes and when it goes).
   */
  follow(session) {
    this.events = session.events ?? null;
    this.typing = session.typing ?? null;
    this.roster = new StudentRoster({
      api,
      myId: session.user.id,
      isLookingAt: (studentId) =>
        studentId === this.selectedStudentId && Boolean(this.session?.attention?.looking),
    });
    this.roster.filters = { q: this.query.trim(), className: this.className, status: this.status, assigned: this.assigned,
      me: session.user.id };
    this.roster.selectedId = this.selectedStudentId ?? null;
    const unlisten = listenAll([
      [this.typing, 'change', this.handleTypingChange],
      [this.roster, 'change', this.handleRosterChange],
      [this.events, 'message-created', this.handleMessageCreated],
      [this.events, 'conversation-created', this.handleConversationCreated],
      [this.events, 'conversation-read', this.handleConversationRead],
      [this.events, 'presence-changed', this.handlePresenceChanged],
      [this.events, 'staff-entry-created', this.handleStaffEntry],
      [this.events, 'resync', this.handleResync],
    ]);
    // No events while the live channel is down: unread counts and order come by polling, more slowly than messages.
    const unpoll = session.poller?.add(this.pollRows);
    this.lastRowPoll = Date.now();
    this.roster.reload();
    const roster = this.roster;
    return () => {
      unlisten();
      unpoll?.();
      roster.close();
      this.events = null;
      this.roster = null;
      this.typing = null;
    };
  }

  willUpdate(changed) {
    if (changed.has('selectedStudentId')) {
      this.roster?.select(this.selectedStudentId);
      // The last student opened is where Tab (or "back" on a phone) returns to in the list.
      if (this.selectedStudentId != null) this.activeId = this.selectedStudentId;
    }
    // A row that Lit moves (it changed place) loses the focus: give it back after rendering.
    const focused = this.renderRoot?.activeElement;
    this.refocusId = focused?.dataset?.studentId ? Number(focused.dataset.studentId) : null;
  }

  updated() {
    this.observeSentinel();
    if (this.refocusId != null && this.renderRoot.activeElement?.dataset?.studentId !== String(this.refocusId)) {
      this.rowElement(this.refocusId)?.focus({ preventScroll: true });
    }
    this.refocusId = null;
  }

  get students() {
    return this.roster?.students ?? [];
  }

  async loadClasses() {
    try {
      this.classes = await api.listClasses();
    } catch (error) {
      console.warn('[students] cannot load classes', error);
    }
  }

  reload() {
    return this.roster?.reload();
  }

  loadMore() {
    return this.roster?.loadMore();
  }

  /** Applies a conversation opened or created elsewhere (the admin page's own open, over HTTP). */
  applyConversation(conversation) {
    this.roster?.applyConversation(conversation);
  }

  /** Applies this admin's read mark (the answer to the chat's `markRead`, which may have gone over HTTP). */
  applyRead(read) {
    this.roster?.applyRead(read);
  }

  /** Refetches one student's row (after this admin disabled or re-enabled the account, issue 8). */
  refreshStudent(studentId) {
    return this.roster?.fetchRow(studentId);
  }

  /** Who a student's conversation is assigned to, as far as the loaded rows say (`{id, name}`, or null). */
  assigneeOf(studentId) {
    return this.roster?.find(studentId)?.assignee ?? null;
  }

  /** Applies an assignment this admin made (issue 27): `{studentId, conversationId, assignee}`. */
  applyAssignment(change) {
    this.roster?.applyAssignment(change);
  }

  /** A colleague's assignment change, live (a note changes nothing here). */
  handleStaffEntry = (event) => {
    const { entry, studentId, conversationId, assignee } = event.detail;
    if (entry?.kind === 'assigned' || entry?.kind === 'unassigned') {
      this.roster?.applyAssignment({ studentId, conversationId, assignee: assignee ?? null });
    }
  };

  /** Applies a message this page stored (its live event may not come when the live channel is down). */
  applyMessage(message) {
    this.roster?.applyMessage(message);
  }

  handleRosterChange = () => {
    this.requestUpdate();
  };

  handleTypingChange = () => {
    this.requestUpdate();
  };

  /** What the row says while someone types in that student's conversation, or ''. */
  typingHint(student) {
    if (student.conversationId == null || !this.typing) return '';
    const typists = this.typing.typists(student.conversationId);
    if (typists.length === 1 && typists[0].userId === student.id) return 'typing…';
    return describeTypists(typists);
  }

  handleMessageCreated = (event) => this.roster?.applyMessage(event.detail);

  handleConversationCreated = (event) => this.roster?.applyConversation(event.detail);

  handleConversationRead = (event) => {
    if (event.detail.userId == null || event.detail.userId === this.session?.user.id) this.roster?.applyRead(event.detail);
  };

  handlePresenceChanged = (event) => this.roster?.applyPresence(event.detail);

  /** One poll while the live channel is down: the held rows again, at most every POLL_ROWS_MS. */
  pollRows = () => {
    if (!this.roster || Date.now() - (this.lastRowPoll ?? 0) < POLL_ROWS_MS) return undefined;
    this.lastRowPoll = Date.now();
    return this.roster.refresh();
  };

  handleResync = () => {
    // Events may have been missed while the live channel was down: every held row is fetched again.
    this.roster?.refresh();
  };

  handleQueryInput(event) {
    this.query = event.target.value;
    clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => this.applyFilters(), FILTER_DELAY_MS);
  }

  handleClassChange(event) {
    this.className = event.target.value;
    clearTimeout(this.filterTimer);
    this.applyFilters();
  }

  handleStatusChange(event) {
    this.status = event.target.value;
    clearTimeout(this.filterTimer);
    this.applyFilters();
  }

  setAssigned(assigned) {
    this.assigned = assigned;
    clearTimeout(this.filterTimer);
    this.applyFilters();
  }

  applyFilters() {
    this.activeId = null;
    this.roster?.setFilters({ q: this.query.trim(), className: this.className, status: this.status, assigned: this.assigned });
    this.renderRoot.querySelector('.scroller')?.scrollTo({ top: 0 });
  }

  /** Opens a student's conversation (the admin page navigates). */
  openStudent(student) {
    this.activeId = student.id;
    this.dispatchEvent(
      new CustomEvent('hr-student-select', { detail: { student }, bubbles: true, composed: true }),
    );
  }

  // ---- keyboard ---------------------------------------------------------------------------

  /** The row that Tab lands on: the last one focused, else the open student, else the first. */
  get currentId() {
    const students = this.students;
    if (this.activeId != null && students.some((s) => s.id === this.activeId)) return this.activeId;
    if (this.selectedStudentId != null && students.some((s) => s.id === this.selectedStudentId)) return this.selectedStudentId;
    return students[0]?.id ?? null;
  }

  rowElement(studentId) {
    return this.renderRoot.querySelector(`[data-testid="student-row"][data-student-id="${studentId}"]`);
  }

  /** Moves the focus to the row at `index` (clamped), loading the next page when asked past the end. */
  async focusRow(index) {
    const students = this.students;
    if (students.length === 0) return;
    if (index >= students.length && !this.roster.complete) {
      await this.roster.loadMore();
      await this.updateComplete;
    }
    const target = this.students[Math.max(0, Math.min(index, this.students.length - 1))];
    if (!target) return;
    this.activeId = target.id;
    await this.updateComplete;
    const el = this.rowElement(target.id);
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  }

  /** Focuses the open student's row (or the current one): used when the list comes back on a phone. */
  focusCurrent() {
    const id = this.currentId;
    if (id != null) this.rowElement(id)?.focus();
  }

  handleListKeydown(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const students = this.students;
    const index = students.findIndex((s) => s.id === this.currentId);
    if (event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
      const row = students[index] && this.rowElement(students[index].id);
      if (row) {
        event.preventDefault();
        const box = row.getBoundingClientRect();
        this.openAssignMenu(students[index], { x: box.left + 24, y: box.top + box.height / 2 });
      }
      return;
    }
    let next = null;
    switch (event.key) {
      case 'ArrowDown':
        next = index + 1;
        break;
      case 'ArrowUp':
        next = Math.max(0, index - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = students.length - 1;
        break;
      case 'PageDown':
        next = index + PAGE_JUMP;
        break;
      case 'PageUp':
        next = Math.max(0, index - PAGE_JUMP);
        break;
      case 'Enter':
      case ' ': {
        const student = students[index];
        if (student) {
          event.preventDefault();
          this.openStudent(student);
        }
        return;
      }
      default:
        return;
    }
    event.preventDefault();
    this.focusRow(next);
  }

  handleRowFocus(student) {
    this.activeId = student.id;
  }

  // ---- assigning from the list (issue 27, point 1) -------------------------------------------

  /** Opens the assignment menu for a row (right-click, the context-menu key or Shift+F10). */
  openAssignMenu(student, at) {
    this.menu = { student, at };
  }

  /** The menu closed (after assigning, or not): the row takes the focus back. */
  closeAssignMenu() {
    const id = this.menu?.student.id;
    this.menu = null;
    if (id != null) this.updateComplete.then(() => this.rowElement(id)?.focus());
  }

  /** The menu assigned a row's conversation (starting it when there was none): the row follows from the answer. */
  handleAssigned(event) {
    const { student, conversation, assignee } = event.detail;
    if (conversation) this.roster?.applyConversation(conversation);
    this.roster?.applyAssignment({ studentId: student.id, conversationId: conversation?.id ?? student.conversationId, assignee });
    this.closeAssignMenu();
  }

  // ---- infinite scroll --------------------------------------------------------------------

  /** Loads the next page when the end of the list scrolls into view. */
  observeSentinel() {
    const sentinel = this.renderRoot.querySelector('.sentinel');
    if (!sentinel) {
      this.observer?.disconnect();
      this.observer = null;
      this.observedSentinel = null;
      return;
    }
    if (this.observedSentinel === sentinel) return;
    this.observer?.disconnect();
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) this.loadMore();
      },
      { root: this.renderRoot.querySelector('.scroller'), rootMargin: '300px' },
    );
    this.observer.observe(sentinel);
    this.observedSentinel = sentinel;
  }

  // ---- rendering --------------------------------------------------------------------------

  render() {
    const roster = this.roster;
    const students = this.students;
    const total = roster?.total ?? 0;
    const loading = roster?.loading ?? true;
    const error = roster?.error ?? '';
    const hasMore = roster ? !roster.complete : false;
    const unreadStudents = roster?.unreadStudents ?? 0;
    const currentId = this.currentId;
    return html`
      <hr-assigned-filter .value=${this.assigned} @hr-assigned-change=${(e) => this.setAssigned(e.detail.value)}></hr-assigned-filter>
      <div class="filters" role="search" aria-label="Filter students">
        <label class="visually-hidden" for="q">Search by name, email or roll ID</label>
        <input
          id="q"
          class="input"
          type="search"
          placeholder="Search students"
          autocomplete="off"
          .value=${this.query}
          @input=${this.handleQueryInput}
          data-testid="student-search"
        />
        <label class="visually-hidden" for="class">Class</label>
        <select id="class" class="select" @change=${this.handleClassChange} data-testid="class-filter">
          <option value="" ?selected=${this.className === ''}>All classes</option>
          ${this.classes.map((c) => html`<option value=${c} ?selected=${this.className === c}>Class ${c}</option>`)}
        </select>
        <label class="visually-hidden" for="status">Conversation status</label>
        <select id="status" class="select" @change=${this.handleStatusChange} data-testid="status-filter">
          <option value="" ?selected=${this.status === ''}>Any status</option>
          <option value="active" ?selected=${this.status === 'active'}>Active</option>
          <option value="closed" ?selected=${this.status === 'closed'}>Closed</option>
          <option value="none" ?selected=${this.status === 'none'}>Not started</option>
        </select>
      </div>
      <div class="summary">
        <span data-testid="student-count" role="status">
          ${loading && students.length === 0
            ? 'Loading students…'
            : `${count.format(total)} ${total === 1 ? 'student' : 'students'}`}
        </span>
        ${unreadStudents > 0
          ? html`<span data-testid="unread-summary" data-count=${unreadStudents}
              >${count.format(unreadStudents)} with unread messages</span
            >`
          : hasMore
            ? html`<span>showing ${count.format(students.length)}</span>`
            : nothing}
        ${this.className
          ? html`<a class="class-export" href=${transcriptPaths.ofClass(this.className, 'pdf')} download
              data-testid="class-transcripts" title="Every conversation of class ${this.className}, one PDF each, in a zip"
              >Transcripts (zip)</a>`
          : nothing}
      </div>
      <div class="scroller">
        ${error
          ? html`<div class="state error" role="alert">
              ${error}
              <div class="more"><button class="btn small" type="button" @click=${this.reload}>Try again</button></div>
            </div>`
          : nothing}
        ${!loading && !error && students.length === 0
          ? html`<div class="state">${this.assigned === 'mine' && !this.query && !this.className && !this.status
              ? 'No conversations are assigned to you.'
              : this.query || this.className || this.status || this.assigned ? 'No students match these filters.' : 'No students yet.'}</div>`
          : nothing}
        ${students.length > 0
          ? html`<ul
              role="listbox"
              aria-label="Students"
              data-testid="student-list"
              @keydown=${this.handleListKeydown}
            >
              ${repeat(
                students,
                (s) => s.id,
                (s) => renderStudentRow(this, s, s.id === currentId),
              )}
            </ul>`
          : nothing}
        ${this.menu
          ? html`<hr-assign-menu .student=${this.menu.student} .at=${this.menu.at} .me=${this.session?.user}
              @hr-assigned=${this.handleAssigned} @hr-menu-close=${this.closeAssignMenu}></hr-assign-menu>`
          : nothing}
        ${hasMore
          ? html`<div class="more">
              <span class="sentinel"></span>
              <button class="btn small" type="button" ?disabled=${loading} @click=${this.loadMore} data-testid="load-more-students">
                ${loading ? 'Loading…' : 'Load more students'}
              </button>
            </div>`
          : nothing}
      </div>
    `;
  }

}

customElements.define('hr-student-list', HrStudentListElement);
