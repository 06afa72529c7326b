import { LitElement, html, css, nothing } from 'lit';
import { NotificationCoalescer, excerptOf, describeNotification, isNotifiable } from '../lib/notification-coalescer.js';
import { showBrowserNotification } from '../lib/browser-notifications.js';
import { AssigneeFirst } from '../lib/team-inbox.js';
import { call } from '../lib/api.js';
import { baseStyles, buttonStyles, badgeStyles, dialogStyles } from './shared-styles.js';
import './hr-student-list.js';
import './hr-chat-view.js';

/** The phone layout (list and chat as two panes); keep in step with the media query in the styles. */
const NARROW_QUERY = '(max-width: 760px)';

/**
 * The admin's messaging section: the student list on the left, the open conversation on the right.
 *
 * Selecting a student navigates to `/admin/students/:studentId`; the page opens that student's
 * conversation whenever `studentId` changes, so a reload (or a shared link) reopens it (R2.5).
 * Opening creates the conversation when there is none (R1.1): `chat.conversation.open` over the
 * live channel, `POST /api/students/:id/conversation` when it is not live (R1.4).
 *
 * On a narrow screen (a phone) the list and the chat are two panes: the chat replaces the list while a
 * student is selected, with a back button. The page passes the chat's read marks and stored messages to
 * the list, which also follows them from live events (the same change applied twice is harmless).
 *
 * A search hit (R6.4) comes as `openAt` (`{seq}`, from `?seq=N` in the URL): the chat opens at it.
 *
 * @fires hr-navigate - `detail: {path}` (bubbles, composed)
 */
export class HrAdminPageElement extends LitElement {
  static properties = {
    /** {user, bus, events, chat, attention, typing, typingSignal, acks} (see hr-app) */
    session: { attribute: false },
    /** The student whose conversation is open, from the URL; null for none. */
    studentId: { type: Number, attribute: 'student-id' },
    /** A search hit to open the conversation at (`{seq}`), or null: the newest messages. */
    openAt: { attribute: false },
    conversation: { state: true },
    opening: { state: true },
    openError: { state: true },
    /** The selected student's account (issue 8): `{id, name, disabled}`, or null while unknown. */
    account: { state: true },
    accountBusy: { state: true },
    accountError: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    badgeStyles,
    dialogStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: var(--hr-sidebar-width) minmax(0, 1fr);
        grid-template-rows: minmax(0, 1fr);
        min-height: 0;
        height: 100%;
      }
      aside {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border-right: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
      }
      aside h2 {
        margin: 0;
        padding: var(--hr-space-4) var(--hr-space-4) 0;
        font-size: 16px;
      }
      hr-student-list {
        flex: 1;
        min-height: 0;
      }
      section {
        display: flex;
        flex-direction: column;
        min-width: 0;
        min-height: 0;
      }
      hr-chat-view {
        flex: 1;
        min-height: 0;
      }
      .placeholder {
        flex: 1;
        display: grid;
        place-items: center;
        padding: var(--hr-space-6);
        text-align: center;
        color: var(--hr-color-text-muted);
      }
      .placeholder h3 {
        margin: 0 0 var(--hr-space-2);
        color: var(--hr-color-text);
        font-size: 17px;
      }
      .placeholder p {
        margin: 0;
        max-width: 36ch;
      }
      .error {
        color: var(--hr-color-danger);
      }
      .back {
        display: none;
      }
      .account-bar {
        display: flex;
        flex: none;
        align-items: center;
        flex-wrap: wrap;
        gap: var(--hr-space-2);
        padding: var(--hr-space-2) var(--hr-space-4);
        border-bottom: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
        font-size: var(--hr-font-size-sm);
      }
      .account-bar[data-disabled='true'] {
        background: var(--hr-color-danger-soft);
      }
      .account-bar .state {
        flex: 1;
        min-width: 0;
      }
      @media (max-width: 760px) {
        :host {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: minmax(0, 1fr);
        }
        :host([has-selection]) aside {
          display: none;
        }
        :host(:not([has-selection])) section {
          display: none;
        }
        .back {
          display: inline-flex;
          align-self: flex-start;
          flex: none;
          min-width: 44px;
          min-height: 44px;
          padding: 0 var(--hr-space-2);
          margin-left: calc(-1 * var(--hr-space-2));
          font-size: 18px;
        }
        .back:not([slot]) {
          margin: var(--hr-space-2) var(--hr-space-3) 0;
          font-size: var(--hr-font-size-sm);
        }
      }
    `,
  ];

  constructor() {
    super();
    this.session = null;
    this.studentId = null;
    this.openAt = null;
    this.conversation = null;
    this.opening = false;
    this.openError = '';
    this.openSerial = 0;
    this.account = null;
    this.accountBusy = false;
    this.accountError = '';
    /** Whether the phone layout should put the focus back in the list (after "All students"). */
    this.focusListOnShow = false;
    this.boundEvents = null;
    /** Browser notifications (once permitted) for students' messages in conversations not looked at (R5 admins). */
    this.coalescer = new NotificationCoalescer({ emit: (n) => this.notify(n) });
    /** A conversation assigned to a colleague tells them first, the others only if it stays unread (issue 27). */
    this.assigneeFirst = new AssigneeFirst({
      me: null,
      emit: ({ conversationId, entry }) => this.coalescer.add(conversationId, entry),
    });
  }

  bindEvents(session) {
    if (this.boundEvents === session) return;
    this.boundEvents?.events.removeEventListener('message-created', this.handleMessageCreated);
    this.boundEvents?.events.removeEventListener('receipt', this.handleReceipt);
    this.boundEvents?.attention?.removeEventListener('change', this.handleAttentionChange);
    this.boundEvents = session;
    this.assigneeFirst.stop();
    this.assigneeFirst = new AssigneeFirst({
      me: session?.user ?? null,
      emit: ({ conversationId, entry }) => this.coalescer.add(conversationId, entry),
    });
    session?.events.addEventListener('message-created', this.handleMessageCreated);
    session?.events.addEventListener('receipt', this.handleReceipt);
    session?.attention?.addEventListener('change', this.handleAttentionChange);
  }

  /** Whether this admin is looking at that student's conversation. */
  lookingAt(studentId) {
    return studentId != null && studentId === this.studentId && Boolean(this.session?.attention?.looking);
  }

  handleMessageCreated = (event) => {
    const message = event.detail;
    // A student's message only: never a status entry (R6.2), never staff's.
    if (!isNotifiable(message, this.session?.user) || this.lookingAt(message.studentId)) return;
    this.assigneeFirst.message({
      conversationId: message.conversationId,
      seq: message.seq,
      assigneeId: this.list?.assigneeOf(message.studentId)?.id ?? null,
      item: {
        conversationId: message.conversationId,
        entry: { sender: message.senderName, excerpt: excerptOf(message.body), studentId: message.studentId },
      },
    });
  };

  handleReceipt = (event) => {
    this.assigneeFirst.receipt(event.detail);
  };

  handleAttentionChange = () => {
    if (this.conversation && this.lookingAt(this.conversation.studentId)) this.coalescer.cancel(this.conversation.id);
  };

  notify(n) {
    const studentId = n.latest.studentId;
    if (this.lookingAt(studentId)) return;
    const { title, body } = describeNotification(n);
    showBrowserNotification({
      title,
      body,
      tag: `homeroom-conversation-${n.conversationId}`,
      onClick: () =>
        this.dispatchEvent(
          new CustomEvent('hr-navigate', { detail: { path: `/admin/students/${studentId}` }, bubbles: true, composed: true }),
        ),
    });
  }

  connectedCallback() {
    super.connectedCallback();
    this.bindEvents(this.session);
    this.addEventListener('hr-student-select', this.handleStudentSelect);
    this.addEventListener('hr-conversation-read', this.handleConversationRead);
    this.addEventListener('hr-message-stored', this.handleMessageStored);
    this.addEventListener('hr-conversation-status', this.handleConversationStatus);
    this.addEventListener('hr-assignment-changed', this.handleAssignmentChanged);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.bindEvents(null);
    this.coalescer.stop();
    this.assigneeFirst.stop();
    this.removeEventListener('hr-student-select', this.handleStudentSelect);
    this.removeEventListener('hr-conversation-read', this.handleConversationRead);
    this.removeEventListener('hr-message-stored', this.handleMessageStored);
    this.removeEventListener('hr-conversation-status', this.handleConversationStatus);
    this.removeEventListener('hr-assignment-changed', this.handleAssignmentChanged);
  }

  get list() {
    return this.renderRoot.querySelector('hr-student-list');
  }

  /** True in the phone layout, where the list and the chat take turns. */
  get narrow() {
    return Boolean(window.matchMedia?.(NARROW_QUERY).matches);
  }

  willUpdate(changed) {
    if (changed.has('session') && this.isConnected) this.bindEvents(this.session);
    if (changed.has('studentId')) {
      this.toggleAttribute('has-selection', this.studentId != null);
      if (this.studentId == null) {
        this.conversation = null;
        this.openError = '';
        this.account = null;
      } else {
        if (this.conversation?.studentId !== this.studentId) this.openConversation(this.studentId);
        if (this.account?.id !== this.studentId) this.loadAccount(this.studentId);
      }
    }
  }

  updated(changed) {
    if (changed.has('studentId') && this.studentId == null && this.focusListOnShow) {
      this.focusListOnShow = false;
      this.list?.updateComplete.then(() => this.list?.focusCurrent());
    }
  }

  handleConversationRead = (event) => {
    event.stopPropagation();
    this.list?.applyRead(event.detail);
  };

  handleMessageStored = (event) => {
    event.stopPropagation();
    const { message, reopened } = event.detail;
    if (reopened) this.list?.applyMessage({ ...reopened, conversationStatus: 'active' });
    this.list?.applyMessage(message);
  };

  /** This admin closed or reopened the open conversation (R6.3): the row follows, even over HTTP. */
  handleConversationStatus = (event) => {
    event.stopPropagation();
    const { conversation, event: entry } = event.detail;
    if (entry) this.list?.applyMessage({ ...entry, studentId: conversation?.studentId, conversationStatus: conversation?.status });
    if (conversation) this.list?.applyConversation(conversation);
  };

  /** This admin assigned the open conversation (issue 27): the row follows, even without the live channel. */
  handleAssignmentChanged = (event) => {
    event.stopPropagation();
    this.list?.applyAssignment(event.detail);
  };

  handleStudentSelect = (event) => {
    const { student } = event.detail;
    // Opening a student (a click, or Enter in the list) is to write to them: the composer takes the focus, ready to
    // type (issue 27, point 6; the chat view does it for a newly opened conversation). Arrows only move through the
    // list; Shift+Tab goes back to it from the chat.
    if (student.id === this.studentId) {
      this.renderRoot.querySelector('hr-chat-view')?.focusComposer();
      return;
    }
    this.dispatchEvent(
      new CustomEvent('hr-navigate', { detail: { path: `/admin/students/${student.id}` }, bubbles: true, composed: true }),
    );
  };

  /** Opens (creating when needed) the student's conversation and shows it. */
  async openConversation(studentId) {
    const serial = ++this.openSerial;
    this.opening = true;
    this.openError = '';
    this.conversation = null;
    try {
      const { conversation } = await this.session.chat.openConversation(studentId);
      if (serial !== this.openSerial) return;
      this.conversation = conversation;
      // The live event updates the list too, but not when the conversation came over HTTP.
      this.list?.applyConversation(conversation);
    } catch (error) {
      if (serial !== this.openSerial) return;
      this.openError =
        error.code === 'not_found' ? 'This student does not exist (any more).' : `Could not open the conversation: ${error.message}`;
    } finally {
      if (serial === this.openSerial) this.opening = false;
    }
  }

  // ---- the student's account: disable / enable (issue 8, point 2) --------------------------------

  async loadAccount(studentId) {
    this.account = null;
    this.accountError = '';
    try {
      const { student } = await call('GET', `/api/students/${studentId}`);
      if (studentId === this.studentId) this.account = { id: student.id, name: student.name, disabled: Boolean(student.disabled) };
    } catch (error) {
      if (studentId === this.studentId) this.accountError = `Could not load the account: ${error.message}`;
    }
  }

  get accountDialog() {
    return this.renderRoot?.querySelector('dialog[data-testid=account-dialog]');
  }

  askAccountChange() {
    this.accountError = '';
    this.accountDialog?.showModal();
  }

  cancelAccountChange() {
    this.accountDialog?.close();
  }

  /** Disables (ending every session of the student at once) or re-enables the account, as the dialog confirmed. */
  async confirmAccountChange(event) {
    event.preventDefault();
    const account = this.account;
    if (!account || this.accountBusy) return;
    const disable = !account.disabled;
    this.accountBusy = true;
    this.accountError = '';
    try {
      const { student } = await call('POST', `/api/students/${account.id}/${disable ? 'disable' : 'enable'}`);
      if (this.account?.id === account.id) this.account = { ...account, disabled: Boolean(student.disabled) };
      this.accountDialog?.close();
      this.list?.refreshStudent(account.id);
      this.updateComplete.then(() => this.renderRoot.querySelector('[data-account-action]')?.focus());
    } catch (error) {
      this.accountError = `Could not ${disable ? 'disable' : 'enable'} the account: ${error.message}`;
    } finally {
      this.accountBusy = false;
    }
  }

  renderAccountBar() {
    const account = this.account;
    if (!account) {
      return this.accountError
        ? html`<div class="account-bar" role="alert"><span class="state error">${this.accountError}</span></div>`
        : nothing;
    }
    const first = account.name.split(/\s+/)[0];
    return html`<div class="account-bar" data-testid="account-bar" data-disabled=${account.disabled ? 'true' : 'false'}>
        <span class="state" data-testid="account-state">
          ${account.disabled
            ? html`<span class="badge disabled" data-testid="account-disabled">Account disabled</span>
                ${first} cannot sign in.`
            : html`${account.name}'s account is active.`}
        </span>
        ${this.accountError && !this.accountDialog?.open
          ? html`<span class="error" role="alert">${this.accountError}</span>`
          : nothing}
        <button class="btn small ${account.disabled ? '' : 'danger'}" type="button" data-account-action
          data-testid=${account.disabled ? 'enable-account' : 'disable-account'} aria-haspopup="dialog"
          ?disabled=${this.accountBusy} @click=${this.askAccountChange}>
          ${account.disabled ? 'Enable account' : 'Disable account'}
        </button>
      </div>
      ${this.renderAccountDialog(account, first)}`;
  }

  renderAccountDialog(account, first) {
    const disable = !account.disabled;
    return html`<dialog data-testid="account-dialog" aria-labelledby="account-title" aria-describedby="account-help">
      <form @submit=${this.confirmAccountChange}>
        <h2 id="account-title">${disable ? `Disable ${account.name}'s account?` : `Enable ${account.name}'s account?`}</h2>
        <p id="account-help">
          ${disable
            ? `${first} is signed out everywhere at once and cannot sign in until the account is enabled again. The conversation and its history stay.`
            : `${first} can sign in again.`}
        </p>
        ${this.accountError ? html`<p class="error" role="alert" data-testid="account-error">${this.accountError}</p>` : nothing}
        <div class="actions">
          <button class="btn" type="button" @click=${this.cancelAccountChange}>Cancel</button>
          <button class="btn primary ${disable ? 'danger' : ''}" type="submit" data-testid="confirm-account-change"
            ?disabled=${this.accountBusy}>${disable ? 'Disable account' : 'Enable account'}</button>
        </div>
      </form>
    </dialog>`;
  }

  showList() {
    this.focusListOnShow = true;
    this.dispatchEvent(new CustomEvent('hr-navigate', { detail: { path: '/admin' }, bubbles: true, composed: true }));
  }

  render() {
    // The page's one heading of the first level (issue 27, point 6); the top bar already shows where you are.
    return html`
      <h1 class="visually-hidden">Messages</h1>
      <aside aria-labelledby="students-title">
        <h2 id="students-title">Students</h2>
        <hr-student-list .session=${this.session} .selectedStudentId=${this.studentId}></hr-student-list>
      </aside>
      <section aria-label="Conversation">${this.studentId != null ? this.renderAccountBar() : nothing}${this.renderConversation()}</section>
    `;
  }

  renderConversation() {
    if (this.studentId == null) {
      return html`<div class="placeholder">
        <div>
          <h3>Select a student</h3>
          <p>Pick a student on the left to open your conversation with them. A conversation is created the first time you open it.</p>
        </div>
      </div>`;
    }
    if (this.openError) {
      return html`${this.renderBack()}<div class="placeholder" role="alert">
        <div>
          <p class="error" data-testid="open-error">${this.openError}</p>
          <p><button class="btn small" type="button" @click=${() => this.openConversation(this.studentId)}>Try again</button></p>
        </div>
      </div>`;
    }
    if (this.opening || !this.conversation) {
      return html`${this.renderBack()}<div class="placeholder" aria-busy="true">Opening conversation…</div>`;
    }
    return html`<hr-chat-view
      .session=${this.session}
      .conversationId=${this.conversation.id}
      .openAt=${this.openAt}
      >${this.renderBack('start')}</hr-chat-view
    >`;
  }

  /**
   * "Back to the list", shown on a phone only: in the chat's header once it is open, as an arrow (its
   * words stay for screen readers).
   */
  renderBack(slot) {
    return html`<button class="btn ghost back" type="button" slot=${slot ?? nothing} @click=${this.showList} data-testid="back-to-list">
      <span aria-hidden="true">←</span><span class=${slot ? 'visually-hidden' : ''}>All students</span>
    </button>`;
  }
}

customElements.define('hr-admin-page', HrAdminPageElement);
