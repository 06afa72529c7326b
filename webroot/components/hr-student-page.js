import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { listenAll } from '../lib/listeners.js';
import { SessionController } from '../lib/session-controller.js';
import {
  NotificationCoalescer, excerptOf, describeNotification, isNotifiable, newerNotifications,
} from '../lib/notification-coalescer.js';
import { QuietState } from '../lib/quiet-hours.js';
import { showBrowserNotification } from '../lib/browser-notifications.js';
import { baseStyles, buttonStyles, badgeStyles } from './shared-styles.js';
import './hr-chat-view.js';

const APP_TITLE = 'Homeroom';

/** Who a pending notification is from (`startedBy` may be a name or a user). */
function whoOf(n) {
  const started = typeof n.startedBy === 'object' && n.startedBy ? n.startedBy.name : n.startedBy;
  return n.latestSender || started || 'Staff';
}

/** How many unread messages a pending notification stands for (a started, empty conversation counts one). */
function weightOf(n) {
  return n.count > 0 ? n.count : 1;
}

/**
 * Notifications (R5.1–R5.4): the page holds the student's pending notifications (`GET /api/me/notifications`,
 * then `notification-changed` events: the server's list, the same in every tab). At load, when something is
 * pending, the page opens on the notifications (who wrote, how many messages, the latest excerpt, as text)
 * with the chat mounted but inactive (caught up and delivered, not read); "Open chat" reads it, which clears
 * it on the server, "Dismiss" hides it. While the student is not looking at the chat (the notifications shown,
 * the tab hidden or the window unfocused), a staff message gives a toast, the badge and "(n) Homeroom" in the
 * title, and a browser notification once permitted; bursts are coalesced (NotificationCoalescer).
 *
 * The student's page: their one conversation with the school's staff (`GET /api/me/conversation`).
 * Before any admin has opened it, a friendly empty state; it appears live when the
 * `conversation-created` event arrives (R5.1 groundwork), or when a message of a conversation
 * this page does not know yet arrives (the creation event may have been lost).
 */
export class HrStudentPageElement extends LitElement {
  static properties = {
    /** {user, bus, events, chat, attention, typing, typingSignal, acks} (see hr-app) */
    session: { attribute: false },
    /** A search hit to open the chat at (`{seq}`, R6.4), or null. */
    openAt: { attribute: false },
    conversation: { state: true },
    /** The pending notifications, as the server has them. */
    notifications: { state: true },
    /** 'chat' or 'notifications' (null until loaded). */
    view: { state: true },
    /** In-app toasts: [{id, conversationId, title, body}]. */
    toasts: { state: true },
    loading: { state: true },
    error: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    badgeStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        height: 100%;
        position: relative;
      }
      hr-chat-view {
        flex: 1;
        min-height: 0;
      }
      hr-chat-view[hidden] {
        display: none;
      }
      .tabs {
        flex: none;
        display: flex;
        gap: var(--hr-space-2);
        padding: var(--hr-space-2) var(--hr-space-4);
        border-bottom: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
      }
      .tabs .btn[aria-pressed='true'] {
        border-color: var(--hr-color-primary);
        color: var(--hr-color-primary);
      }
      .inbox {
        flex: 1;
        min-height: 0;
        overflow: auto;
        padding: var(--hr-space-4);
      }
      .inbox h2 {
        margin: 0 0 var(--hr-space-3);
      }
      .inbox ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: var(--hr-space-3);
        max-width: 640px;
      }
      .note {
        padding: var(--hr-space-4);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius-lg);
        background: var(--hr-color-surface);
        box-shadow: var(--hr-shadow);
      }
      .note .title {
        font-weight: 600;
        color: var(--hr-color-text);
      }
      .note .excerpt {
        margin: var(--hr-space-2) 0;
        color: var(--hr-color-text-muted);
        overflow-wrap: anywhere;
      }
      .note .actions {
        display: flex;
        gap: var(--hr-space-2);
        margin-top: var(--hr-space-2);
      }
      .toasts {
        position: absolute;
        right: var(--hr-space-4);
        bottom: var(--hr-space-4);
        display: grid;
        gap: var(--hr-space-2);
        z-index: 10;
        max-width: min(360px, calc(100% - 2 * var(--hr-space-4)));
      }
      .toast {
        display: flex;
        align-items: flex-start;
        gap: var(--hr-space-2);
        padding: var(--hr-space-3);
        border: 1px solid var(--hr-color-border-strong);
        border-radius: var(--hr-radius-lg);
        background: var(--hr-color-surface);
        box-shadow: var(--hr-shadow);
      }
      .toast button.open {
        flex: 1;
        text-align: left;
        border: 0;
        background: none;
        padding: 0;
        font: inherit;
        color: inherit;
        cursor: pointer;
        overflow-wrap: anywhere;
      }
      .toast .toast-title {
        display: block;
        font-weight: 600;
      }
      .toast .toast-body {
        display: block;
        color: var(--hr-color-text-muted);
      }
      .empty {
        flex: 1;
        display: grid;
        place-items: center;
        padding: var(--hr-space-6);
        text-align: center;
      }
      .card {
        max-width: 420px;
        padding: var(--hr-space-6);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius-lg);
        background: var(--hr-color-surface);
        box-shadow: var(--hr-shadow);
      }
      .icon {
        display: inline-grid;
        place-items: center;
        width: 56px;
        height: 56px;
        margin-bottom: var(--hr-space-3);
        border-radius: 50%;
        background: var(--hr-color-primary-soft);
        color: var(--hr-color-primary);
        font-size: 26px;
      }
      h2 {
        margin: 0 0 var(--hr-space-2);
        font-size: 18px;
      }
      p {
        margin: 0;
        color: var(--hr-color-text-muted);
      }
      .error {
        color: var(--hr-color-danger);
      }
    `,
  ];

  constructor() {
    super();
    this.session = null;
    this.openAt = null;
    this.conversation = null;
    this.notifications = [];
    /** Lists taken so far (see fetchNotifications). */
    this.listsTaken = 0;
    this.view = null; // decided once loaded: the chat, or what is pending first
    this.toasts = [];
    this.loading = true;
    this.error = '';
    this.toastSerial = 0;
    this.coalescer = new NotificationCoalescer({ emit: (n) => this.notify(n) });
    /** The school's quiet hours (issue 31, point 2): toasts and system notifications wait for their end. */
    this.quiet = new QuietState({ fetch: () => api.myPreferences() });
    this.sessionBinding = new SessionController(this, (session) => {
      const unlisten = listenAll([
        [session.events, 'conversation-created', this.handleConversationCreated],
        [session.events, 'message-created', this.handleMessageCreated],
        [session.events, 'resync', this.handleResync],
        [session.events, 'notification-changed', this.handleNotificationChanged],
        [session.attention, 'change', this.handleAttentionChange],
      ]);
      // While the live channel is down: a conversation started meanwhile, and the notifications, by polling (R1.4).
      const unpoll = session.poller?.add(this.pollOnce);
      return () => {
        unlisten();
        unpoll?.();
      };
    });
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.coalescer.stop();
    this.quiet.stop();
    document.title = APP_TITLE;
  }

  willUpdate(changed) {
    // Opening a search hit (R6.4) shows the chat, whatever was pending.
    if (changed.has('openAt') && this.openAt?.seq != null && this.view !== null) this.view = 'chat';
  }

  /** One poll while the live channel is down; an unreachable server rejects, so the poller backs off. */
  pollOnce = async () => {
    if (!this.conversation) {
      const conversation = await api.myConversation();
      if (conversation && !this.conversation) this.conversation = conversation;
    }
    await this.fetchNotifications();
  };

  /**
   * Asks for the pending notifications and takes the answer, unless another list (pushed live, or a dismissal's
   * answer) was taken while this one was on its way: that one is as new as this or newer, and this answer, from
   * before a dismissal or a read, would bring back what was cleared until the next list came.
   */
  async fetchNotifications(options) {
    const taken = this.listsTaken;
    const list = await api.myNotifications();
    if (this.listsTaken !== taken) return;
    this.applyNotifications(list, options);
  }

  async load() {
    this.error = '';
    const pending = this.loadNotifications();
    try {
      const conversation = await api.myConversation();
      if (conversation || !this.conversation) this.conversation = conversation;
    } catch (error) {
      this.error = error.message;
    }
    await pending;
    // R5.4: at login (or a reload) what is pending shows first, until opened or dismissed.
    if (this.view === null) this.view = this.notifications.length > 0 && this.openAt?.seq == null ? 'notifications' : 'chat';
    this.loading = false;
  }

  async loadNotifications() {
    try {
      await this.fetchNotifications({ announce: false });
    } catch (error) {
      console.warn('[notifications] cannot load the pending notifications', error);
    }
  }

  /** True while the student looks at the chat: shown, tab visible, window focused. */
  get lookingAtChat() {
    return this.view === 'chat' && Boolean(this.session?.attention?.looking);
  }

  /** Takes the server's list; a conversation started since the last list is announced (R5.1). */
  applyNotifications(list, { announce = true } = {}) {
    this.listsTaken++;
    const before = new Set(this.notifications.map((n) => n.conversationId));
    this.notifications = newerNotifications(this.notifications, list);
    const pendingIds = new Set(this.notifications.map((n) => n.conversationId));
    // Read or dismissed elsewhere (another tab, another device): its toast goes too.
    if (this.toasts.some((t) => !pendingIds.has(t.conversationId))) {
      this.toasts = this.toasts.filter((t) => pendingIds.has(t.conversationId));
    }
    for (const n of this.notifications) {
      if (!n.started || n.count > 0) continue;
      if (this.lookingAtChat && n.conversationId === this.conversation?.id) {
        this.dismiss(n); // they are looking at it: nothing to tell
      } else if (announce && !before.has(n.conversationId)) {
        this.coalescer.add(n.conversationId, { sender: whoOf(n), started: true });
      }
    }
  }

  handleNotificationChanged = (event) => {
    this.applyNotifications(event.detail.notifications);
  };

  handleAttentionChange = () => {
    this.requestUpdate();
    if (this.lookingAtChat) this.settleChat();
  };

  /** The student is looking at the chat: nothing gathered or shown for it stays. */
  settleChat() {
    const id = this.conversation?.id;
    if (id == null) return;
    this.coalescer.cancel(id);
    if (this.toasts.some((t) => t.conversationId === id)) this.toasts = this.toasts.filter((t) => t.conversationId !== id);
    const started = this.notifications.find((n) => n.conversationId === id && n.count === 0);
    if (started) this.dismiss(started); // nothing to read in it: opening it is what clears it
  }

  /**
   * A coalesced notification is due: a toast, and a browser notification when the page is not looked at; in the
   * school's quiet hours, once they end, and then only if it is still unread.
   */
  notify(n) {
    this.quiet.hold((waited) => {
      if (waited && !this.notifications.some((p) => p.conversationId === n.conversationId)) return;
      this.deliver(n);
    });
  }

  deliver(n) {
    if (this.lookingAtChat && n.conversationId === this.conversation?.id) return;
    const { title, body } = describeNotification(n);
    const toast = { id: ++this.toastSerial, conversationId: n.conversationId, title, body };
    this.toasts = [...this.toasts.filter((t) => t.conversationId !== n.conversationId), toast];
    if (!this.session?.attention?.looking) {
      showBrowserNotification({
        title,
        body,
        tag: `homeroom-conversation-${n.conversationId}`,
        onClick: () => this.openChat(),
      });
    }
  }

  /** Shows the chat (from a notification, a toast, a browser notification or the tab). */
  openChat() {
    try {
      window.focus();
    } catch {
      // not allowed here: the chat opens anyway
    }
    this.view = 'chat';
    this.settleChat();
  }

  showNotifications() {
    this.view = 'notifications';
  }

  async dismiss(n) {
    this.toasts = this.toasts.filter((t) => t.conversationId !== n.conversationId);
    try {
      this.applyNotifications(await api.dismissNotification(n.conversationId, n.latestSeq ?? 0), { announce: false });
    } catch (error) {
      console.warn('[notifications] cannot dismiss', error);
    }
  }

  closeToast(toast) {
    this.toasts = this.toasts.filter((t) => t.id !== toast.id);
  }

  get unreadTotal() {
    if (this.lookingAtChat) return 0;
    return this.notifications.reduce((sum, n) => sum + weightOf(n), 0);
  }

  updated() {
    const count = this.unreadTotal;
    document.title = count > 0 ? `(${count}) ${APP_TITLE}` : APP_TITLE;
  }

  handleConversationCreated = (event) => {
    const conversation = event.detail;
    if (conversation.studentId === this.session?.user.id && !this.conversation) this.conversation = conversation;
  };

  handleMessageCreated = (event) => {
    const message = event.detail;
    if (!this.conversation && !this.loading) this.load();
    else if (this.conversation && message.conversationId !== this.conversation.id) this.load();
    // R5.2: staff wrote (a message, not a status entry: R6.2) and the student is not looking at this chat.
    if (!isNotifiable(message, this.session?.user)) return;
    if (this.lookingAtChat && message.conversationId === this.conversation?.id) return;
    this.coalescer.add(message.conversationId, {
      sender: message.senderName,
      excerpt: excerptOf(message.body),
      seq: message.seq,
    });
  };

  handleResync = () => {
    if (!this.conversation) this.load();
    else this.loadNotifications(); // events may have been missed while away
  };

  render() {
    if (this.loading) return html`<div class="empty" aria-busy="true">Loading…</div>`;
    const count = this.unreadTotal;
    return html`
      <h1 class="visually-hidden">Your messages with the school</h1>
      <nav class="tabs" aria-label="Your messages">
        <button class="btn small" type="button" data-testid="chat-tab" aria-pressed=${String(this.view === 'chat')}
          @click=${this.openChat}>Chat</button>
        <button class="btn small" type="button" data-testid="notifications-tab"
          aria-pressed=${String(this.view === 'notifications')} @click=${this.showNotifications}>
          Notifications
          ${count > 0
            ? html`<span class="badge count" data-testid="notification-badge" aria-label=${`${count} unread`}>${count}</span>`
            : nothing}
        </button>
      </nav>
      ${this.view === 'notifications' ? this.renderNotifications() : nothing}
      ${this.renderChat()}
      <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
        ${this.toasts.map(
          (t) => html`<div class="toast" data-testid="toast" data-conversation-id=${t.conversationId}>
            <button class="open" type="button" data-testid="toast-open" @click=${() => this.openChat()}>
              <span class="toast-title" data-testid="toast-title">${t.title}</span>
              ${t.body ? html`<span class="toast-body" data-testid="toast-body">${t.body}</span>` : nothing}
            </button>
            <button class="btn small ghost" type="button" aria-label="Close" @click=${() => this.closeToast(t)}>✕</button>
          </div>`,
        )}
      </div>
    `;
  }

  renderNotifications() {
    return html`<section class="inbox" data-testid="notification-list" aria-labelledby="inbox-title">
      <h2 id="inbox-title">Notifications</h2>
      ${this.notifications.length === 0
        ? html`<p data-testid="no-notifications">Nothing new. <button class="btn small" type="button"
            @click=${this.openChat}>Go to your chat</button></p>`
        : html`<ul>
            ${this.notifications.map((n) => {
              const who = whoOf(n);
              const title =
                n.count > 0
                  ? `${who} sent you ${n.count} new message${n.count === 1 ? '' : 's'}`
                  : `${who} started a conversation with you`;
              return html`<li class="note" data-testid="notification" data-conversation-id=${n.conversationId}
                data-count=${n.count}>
                <div class="title" data-testid="notification-title">${title}</div>
                ${n.latestExcerpt
                  ? html`<p class="excerpt" data-testid="notification-excerpt">${n.latestExcerpt}</p>`
                  : nothing}
                <div class="actions">
                  <button class="btn small primary" type="button" data-testid="notification-open"
                    @click=${() => this.openChat()}>Open chat</button>
                  <button class="btn small" type="button" data-testid="notification-dismiss"
                    @click=${() => this.dismiss(n)}>Dismiss</button>
                </div>
              </li>`;
            })}
          </ul>`}
    </section>`;
  }

  renderChat() {
    const hidden = this.view !== 'chat';
    if (hidden && !this.conversation) return nothing;
    if (this.error && !this.conversation) {
      return html`<div class="empty" role="alert">
        <div class="card">
          <p class="error">Could not load your messages: ${this.error}</p>
          <p><button class="btn small" type="button" @click=${this.load}>Try again</button></p>
        </div>
      </div>`;
    }
    if (!this.conversation) {
      return html`<div class="empty" data-testid="no-conversation">
        <div class="card">
          <div class="icon" aria-hidden="true">✉</div>
          <h2>No messages yet</h2>
          <p>
            When someone from your school's staff writes to you, their message appears here straight away: no need
            to refresh. You can reply from this page.
          </p>
        </div>
      </div>`;
    }
    return html`<hr-chat-view .session=${this.session} .conversationId=${this.conversation.id} .active=${!hidden}
      .openAt=${this.openAt} ?hidden=${hidden}></hr-chat-view>`;
  }
}

customElements.define('hr-student-page', HrStudentPageElement);
