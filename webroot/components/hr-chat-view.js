import { LitElement, html, css, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import * as api from '../lib/api.js';
import { ConversationStore } from '../lib/conversation-store.js';
import { randomUUID } from '../lib/uuid.js';
import { formatTime, formatFull, formatDay, dayKey, initials } from '../lib/format.js';
import { baseStyles, buttonStyles, formStyles, badgeStyles, avatarStyles, presenceStyles } from './shared-styles.js';

/** The longest message body the server accepts, in UTF-16 code units (String.length on both sides). */
export const MAX_BODY_LENGTH = 4000;
const COUNTER_WARNING_AT = 3800;
const NEAR_TOP_PX = 120; // start loading older messages this close to the top
const NEAR_BOTTOM_PX = 48; // "at the bottom" for following new messages
const COMPOSER_MAX_HEIGHT_PX = 200;
const ANNOUNCE_MAX_CHARS = 200; // what the live region reads of an incoming message
/** Failures worth retrying by themselves once the connection is back. */
const RETRYABLE_CODES = new Set(['network', 'not_connected', 'disconnected', 'timeout', 'unavailable', 'internal']);

/**
 * One conversation, for admins and students alike: header, history with infinite scroll back,
 * live messages, and the composer (R1.3, R3.1, R3.2, R3.4, R6.1, R6.2).
 *
 * Messages come from a {@link ConversationStore}: the newest page on open, older pages as the
 * history scrolls up (`before`), live `message-created` events, and a catch-up (`after`) when the
 * live channel reconnects. Sending shows the message as "sending…" at once, then replaces it with
 * the stored copy; it goes over the live channel, or over HTTP when that is down (R1.4). Message
 * bodies are only ever rendered as text. Incoming messages are read out by a polite live region.
 *
 * For an admin, the header shows the student's online status (live from `presence-changed`), and the
 * conversation is marked read (`markRead` up to the last message) when it opens and, while the admin is
 * looking (page visible and focused), whenever the student writes (R2.3).
 *
 * @slot start - before the header's avatar (the admin page's "back to the list" button on a phone)
 * @fires hr-conversation-read - `detail: {conversationId, readSeq, unread}` after this view marked the
 *   conversation read (bubbles, composed)
 * @fires hr-message-stored - `detail: {message}` after one of this user's messages was stored (bubbles,
 *   composed): the student list follows it even when the live channel is down
 */
export class HrChatViewElement extends LitElement {
  static properties = {
    /** {user, bus, events, chat, attention} */
    session: { attribute: false },
    conversationId: { type: Number, attribute: 'conversation-id' },
    /** Whether opening a conversation puts the focus in the composer (not when chosen from the keyboard). */
    focusComposerOnOpen: { type: Boolean, attribute: 'focus-composer-on-open' },
    conversation: { state: true },
    student: { state: true },
    announcement: { state: true },
    loadError: { state: true },
    draft: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    badgeStyles,
    avatarStyles,
    presenceStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
        background: var(--hr-color-bg);
      }
      .presence-text {
        font-weight: 600;
        color: var(--hr-color-text-muted);
      }
      .presence-text.online {
        color: var(--hr-color-success);
      }
      header {
        flex: none;
        display: flex;
        align-items: center;
        gap: var(--hr-space-3);
        padding: var(--hr-space-3) var(--hr-space-5);
        border-bottom: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
        min-height: 64px;
      }
      .title {
        flex: 1;
        min-width: 0;
        display: grid;
      }
      h2 {
        margin: 0;
        font-size: 16px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .subtitle {
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .history {
        position: relative;
        flex: 1;
        min-height: 0;
        display: flex;
        flex-direction: column;
      }
      .scroller {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        overscroll-behavior: contain;
        padding: var(--hr-space-4) var(--hr-space-5);
      }
      .scroller:focus-visible {
        box-shadow: inset var(--hr-focus-ring);
      }
      .loading-older {
        position: absolute;
        top: var(--hr-space-2);
        left: 50%;
        transform: translateX(-50%);
        padding: 2px 10px;
        border-radius: var(--hr-radius-pill);
        background: var(--hr-color-surface);
        box-shadow: var(--hr-shadow);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      ol {
        list-style: none;
        margin: 0 auto;
        padding: 0;
        max-width: 860px;
        display: flex;
        flex-direction: column;
        gap: var(--hr-space-2);
      }
      .edge {
        text-align: center;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
        padding: var(--hr-space-2) 0;
      }
      .day {
        display: flex;
        align-items: center;
        gap: var(--hr-space-3);
        margin: var(--hr-space-3) 0 var(--hr-space-1);
        font-size: var(--hr-font-size-xs);
        font-weight: 600;
        color: var(--hr-color-text-muted);
      }
      .day::before,
      .day::after {
        content: '';
        flex: 1;
        height: 1px;
        background: var(--hr-color-border);
      }
      .msg {
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        max-width: min(640px, 80%);
        min-width: 0;
      }
      .msg.own {
        align-self: flex-end;
        align-items: flex-end;
      }
      .meta {
        display: flex;
        gap: var(--hr-space-2);
        align-items: baseline;
        padding: 0 var(--hr-space-1);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .sender {
        font-weight: 600;
        color: var(--hr-color-text);
      }
      .bubble {
        margin-top: 2px;
        padding: var(--hr-space-2) var(--hr-space-3);
        border-radius: var(--hr-radius-lg);
        border-top-left-radius: var(--hr-radius-sm);
        background: var(--hr-color-surface);
        border: 1px solid var(--hr-color-border);
        box-shadow: var(--hr-shadow-sm);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        word-break: break-word;
        max-width: 100%;
      }
      .msg.own .bubble {
        background: var(--hr-color-primary);
        border-color: var(--hr-color-primary);
        color: var(--hr-color-primary-text);
        border-top-left-radius: var(--hr-radius-lg);
        border-top-right-radius: var(--hr-radius-sm);
      }
      .msg.pending .bubble {
        opacity: 0.7;
      }
      .msg.failed .bubble {
        opacity: 1;
        background: var(--hr-color-danger-soft);
        border-color: var(--hr-color-danger);
        color: var(--hr-color-text);
      }
      .status {
        margin-top: 2px;
        padding: 0 var(--hr-space-1);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .status.failed {
        display: flex;
        gap: var(--hr-space-2);
        align-items: center;
        color: var(--hr-color-danger);
      }
      .empty {
        margin: auto;
        max-width: 40ch;
        padding: var(--hr-space-6) var(--hr-space-4);
        text-align: center;
        color: var(--hr-color-text-muted);
      }
      .empty strong {
        display: block;
        margin-bottom: var(--hr-space-1);
        color: var(--hr-color-text);
      }
      .error {
        color: var(--hr-color-danger);
      }
      form {
        flex: none;
        padding: var(--hr-space-3) var(--hr-space-5) var(--hr-space-4);
        border-top: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
      }
      .composer {
        display: flex;
        gap: var(--hr-space-2);
        align-items: flex-end;
        max-width: 860px;
        margin: 0 auto;
      }
      .textarea {
        flex: 1;
        resize: none;
        min-height: 42px;
        max-height: ${COMPOSER_MAX_HEIGHT_PX}px;
        line-height: 1.4;
      }
      .btn.primary {
        min-height: 42px;
      }
      .hints {
        display: flex;
        justify-content: space-between;
        gap: var(--hr-space-3);
        max-width: 860px;
        margin: var(--hr-space-1) auto 0;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .counter.warn {
        color: var(--hr-color-warning);
        font-weight: 600;
      }
      .fallback {
        color: var(--hr-color-warning);
      }
      @media (max-width: 640px) {
        header,
        .scroller,
        form {
          padding-left: var(--hr-space-3);
          padding-right: var(--hr-space-3);
        }
        .msg {
          max-width: 90%;
        }
        .keys {
          display: none;
        }
      }
    `,
  ];

  constructor() {
    super();
    this.session = null;
    this.conversationId = null;
    this.focusComposerOnOpen = true;
    this.conversation = null;
    this.student = null;
    this.announcement = '';
    /** The highest seq this view has marked read (admins). */
    this.readSeq = 0;
    this.loadError = '';
    this.draft = '';
    this.store = null;
    this.bound = null;
    this.scrollSnapshot = null;
    this.forceBottom = false;
  }

  connectedCallback() {
    super.connectedCallback();
    this.bindTo(this.session);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.bindTo(null);
  }

  /** Listens to a session's live events and connection state (and stops listening to the last one). */
  bindTo(session) {
    if (this.bound === session) return;
    if (this.bound) {
      this.bound.events.removeEventListener('message-created', this.handleMessageCreated);
      this.bound.events.removeEventListener('presence-changed', this.handlePresenceChanged);
      this.bound.events.removeEventListener('resync', this.handleResync);
      this.bound.bus.removeEventListener('statechange', this.handleBusState);
      this.bound.bus.removeEventListener('attemptfailed', this.handleBusState);
      this.bound.attention?.removeEventListener('change', this.handleAttentionChange);
    }
    this.bound = session;
    if (session) {
      session.events.addEventListener('message-created', this.handleMessageCreated);
      session.events.addEventListener('presence-changed', this.handlePresenceChanged);
      session.events.addEventListener('resync', this.handleResync);
      session.bus.addEventListener('statechange', this.handleBusState);
      session.bus.addEventListener('attemptfailed', this.handleBusState);
      session.attention?.addEventListener('change', this.handleAttentionChange);
    }
  }

  get me() {
    return this.session?.user;
  }

  willUpdate(changed) {
    if (changed.has('session') && this.isConnected) this.bindTo(this.session);
    if (changed.has('conversationId')) this.openConversation();
    this.scrollSnapshot = this.takeScrollSnapshot();
  }

  updated(changed) {
    this.restoreScroll();
    if (changed.has('conversationId') && this.conversationId != null && this.focusComposerOnOpen) this.focusComposer();
  }

  /** Starts showing `conversationId`: details, newest page, live messages. */
  openConversation() {
    this.store?.removeEventListener('change', this.handleStoreChange);
    this.store = null;
    this.conversation = null;
    this.student = null;
    this.loadError = '';
    this.draft = '';
    this.announcement = '';
    this.readSeq = 0;
    const id = this.conversationId;
    if (id == null || !this.session) return;

    const store = new ConversationStore({
      conversationId: id,
      fetchPage: (params) => this.session.chat.fetchMessages(id, params),
    });
    store.addEventListener('change', this.handleStoreChange);
    this.store = store;
    this.forceBottom = true;

    this.loadDetails(store);

    store
      .loadLatest()
      .then(() => {
        if (this.store !== store) return;
        this.forceBottom = true;
        this.requestUpdate();
        this.maybeMarkRead();
        return this.updateComplete.then(() => this.fillViewport());
      })
      .catch((error) => {
        if (this.store === store) this.loadError = error.message;
      });
  }

  /** The conversation's status and, for admins, the student's row (with their online status). */
  async loadDetails(store = this.store) {
    try {
      const { conversation, student } = await api.getConversation(store.conversationId);
      if (this.store !== store) return;
      this.conversation = conversation;
      this.student = student;
      if (this.me?.role !== 'admin') return;
      const row = await api.getStudent(conversation.studentId);
      if (this.store === store) this.student = row;
    } catch (error) {
      console.warn('[chat] cannot load the conversation details', error);
    }
  }

  retryLoad() {
    this.openConversation();
    this.requestUpdate();
  }

  handleStoreChange = () => {
    this.requestUpdate();
    this.maybeMarkRead();
  };

  handleMessageCreated = (event) => {
    const message = event.detail;
    if (!this.store || message.conversationId !== this.conversationId) return;
    if (this.store.receiveLive(message) && message.senderId !== this.me?.id) this.announce(message);
  };

  handlePresenceChanged = (event) => {
    const { userId, online } = event.detail;
    if (this.student && this.student.id === userId) this.student = { ...this.student, online };
  };

  handleAttentionChange = () => {
    this.maybeMarkRead();
  };

  /** Puts an incoming message in the polite live region, so a screen reader reads it out. */
  announce(message) {
    const body = message.body.length > ANNOUNCE_MAX_CHARS ? `${message.body.slice(0, ANNOUNCE_MAX_CHARS)}…` : message.body;
    this.announcement = `${message.senderName}: ${body}`;
  }

  /**
   * Admins: marks the conversation read up to its last message when someone else wrote since the last
   * mark and the admin is looking (the page visible and focused). The server moves the mark forward only,
   * so a repeated or late mark is harmless.
   */
  maybeMarkRead() {
    const store = this.store;
    if (this.me?.role !== 'admin' || !store?.loaded || !this.session?.attention?.looking) return;
    const messages = store.messages;
    let lastFromOthers = 0;
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      const m = messages[i];
      if (!m.pending && m.senderId !== this.me.id) {
        lastFromOthers = m.seq;
        break;
      }
    }
    if (lastFromOthers <= this.readSeq) return;
    const seq = store.lastSeq;
    const previous = this.readSeq;
    this.readSeq = seq;
    const conversationId = store.conversationId;
    this.session.chat
      .markRead(conversationId, seq)
      .then((read) => {
        this.dispatchEvent(
          new CustomEvent('hr-conversation-read', {
            detail: { conversationId, readSeq: read?.readSeq ?? seq, unread: read?.unread ?? 0 },
            bubbles: true,
            composed: true,
          }),
        );
      })
      .catch((error) => {
        console.warn('[chat] cannot mark the conversation read', error);
        if (this.store === store && this.readSeq === seq) this.readSeq = previous; // try again on the next change
      });
  }

  handleResync = () => {
    const store = this.store;
    if (!store) return;
    if (this.me?.role === 'admin') this.loadDetails(store); // presence may have changed meanwhile
    store.catchUp().catch((error) => console.warn('[chat] catch-up after reconnection failed', error));
    for (const message of store.pendingMessages) {
      if (message.failed && RETRYABLE_CODES.has(message.errorCode)) this.deliver(message.clientMsgId, message.body);
    }
  };

  handleBusState = () => {
    this.requestUpdate();
  };

  // ---- history scrolling ------------------------------------------------------------------

  get scroller() {
    return this.renderRoot?.querySelector('.scroller');
  }

  takeScrollSnapshot() {
    const el = this.scroller;
    if (!el) return null;
    return {
      height: el.scrollHeight,
      top: el.scrollTop,
      atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX,
      firstKey: el.querySelector('.msg')?.dataset.key ?? null,
    };
  }

  restoreScroll() {
    const el = this.scroller;
    const before = this.scrollSnapshot;
    this.scrollSnapshot = null;
    if (!el) return;
    if (this.forceBottom || before?.atBottom) {
      el.scrollTop = el.scrollHeight;
      if (this.store?.loaded) this.forceBottom = false;
      return;
    }
    const firstKey = el.querySelector('.msg')?.dataset.key ?? null;
    if (before && before.firstKey && firstKey !== before.firstKey) {
      // Older messages went in above: keep what the reader was looking at in place.
      el.scrollTop = before.top + (el.scrollHeight - before.height);
    }
  }

  handleScroll() {
    const el = this.scroller;
    if (el && el.scrollTop < NEAR_TOP_PX) this.loadOlder();
  }

  async loadOlder() {
    const store = this.store;
    if (!store || !store.hasMoreBefore || store.loadingOlder) return;
    try {
      await store.loadOlder();
      await this.updateComplete;
      this.fillViewport();
    } catch (error) {
      console.warn('[chat] cannot load older messages', error);
    }
  }

  /** Loads older pages while the history does not fill the view (no scrollbar, no scroll event). */
  fillViewport() {
    const el = this.scroller;
    if (el && this.store?.hasMoreBefore && el.scrollHeight <= el.clientHeight + NEAR_TOP_PX) this.loadOlder();
  }

  // ---- sending ----------------------------------------------------------------------------

  get textarea() {
    return this.renderRoot?.querySelector('textarea');
  }

  focusComposer() {
    if (window.matchMedia?.('(pointer: coarse)').matches) return; // don't pop up a phone keyboard
    this.textarea?.focus();
  }

  handleDraftInput(event) {
    this.draft = event.target.value;
    this.fitComposer();
  }

  handleComposerKeydown(event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  }

  fitComposer() {
    const el = this.textarea;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, COMPOSER_MAX_HEIGHT_PX)}px`;
  }

  handleSubmit(event) {
    event.preventDefault();
    this.send();
  }

  /** Sends the draft: shown at once as pending, replaced by the stored copy when it is committed. */
  send() {
    const body = this.draft.trim();
    if (!body || body.length > MAX_BODY_LENGTH || !this.store) return;
    const clientMsgId = randomUUID();
    this.store.addPending({
      clientMsgId,
      body,
      senderId: this.me.id,
      senderName: this.me.name,
      senderRole: this.me.role,
    });
    this.draft = '';
    this.forceBottom = true;
    this.updateComplete.then(() => this.fitComposer());
    this.deliver(clientMsgId, body);
  }

  /** Sends (or re-sends: same clientMsgId, so never stored twice) a pending message. */
  async deliver(clientMsgId, body) {
    const store = this.store;
    store.markSending(clientMsgId);
    try {
      const { message } = await this.session.chat.sendMessage(store.conversationId, { clientMsgId, body });
      store.merge([message]);
      this.dispatchEvent(new CustomEvent('hr-message-stored', { detail: { message }, bubbles: true, composed: true }));
    } catch (error) {
      console.warn('[chat] message not sent', error);
      store.markFailed(clientMsgId, error);
    }
  }

  // ---- rendering --------------------------------------------------------------------------

  render() {
    if (this.conversationId == null) return nothing;
    return html`${this.renderHeader()}${this.renderHistory()}${this.renderComposer()}`;
  }

  renderHeader() {
    const status = this.conversation?.status ?? 'active';
    const statusBadge = html`<span class="badge ${status}" data-testid="conversation-status">${status}</span>`;
    if (this.me?.role === 'admin') {
      const s = this.student;
      const online = s?.online;
      const known = typeof online === 'boolean';
      return html`<header data-testid="chat-header">
        <slot name="start"></slot>
        <span class="avatar-wrap">
          <span class="avatar" aria-hidden="true">${initials(s?.name ?? '')}</span>
          ${known ? html`<span class="presence-dot ${online ? 'online' : 'offline'}" aria-hidden="true"></span>` : nothing}
        </span>
        <div class="title">
          <h2 data-testid="chat-title">${s?.name ?? 'Loading…'}</h2>
          ${s
            ? html`<span class="subtitle">
                ${known
                  ? html`<span class="presence-text ${online ? 'online' : ''}" data-testid="chat-presence" data-online=${online ? 'true' : 'false'}
                        >${online ? 'Online' : 'Offline'}</span
                      > · `
                  : nothing}Class ${s.className} · Roll ${s.rollId} · ${s.email}
              </span>`
            : html`<span class="subtitle">&nbsp;</span>`}
        </div>
        ${statusBadge}
      </header>`;
    }
    return html`<header data-testid="chat-header">
      <slot name="start"></slot>
      <span class="avatar" aria-hidden="true">HR</span>
      <div class="title">
        <h2 data-testid="chat-title">Your school's staff</h2>
        <span class="subtitle">${this.me?.name}${this.me?.className ? html` · Class ${this.me.className}` : nothing}</span>
      </div>
      ${statusBadge}
    </header>`;
  }

  renderHistory() {
    const store = this.store;
    const messages = store?.messages ?? [];
    let body;
    if (this.loadError) {
      body = html`<div class="empty" role="alert">
        <p class="error">Could not load the messages: ${this.loadError}</p>
        <button class="btn small" type="button" @click=${this.retryLoad}>Try again</button>
      </div>`;
    } else if (!store?.loaded && messages.length === 0) {
      body = html`<div class="empty" aria-busy="true">Loading messages…</div>`;
    } else if (messages.length === 0) {
      body = this.me?.role === 'admin'
        ? html`<div class="empty" data-testid="chat-empty">
            <strong>No messages yet</strong>
            Write the first message below; ${this.student?.name ?? 'the student'} sees it as soon as it is sent.
          </div>`
        : html`<div class="empty" data-testid="chat-empty"><strong>No messages yet</strong>Your school's staff will write here.</div>`;
    } else {
      body = html`
        ${store.hasMoreBefore
          ? html`<div class="edge">
              <button class="btn small ghost" type="button" @click=${this.loadOlder} ?disabled=${store.loadingOlder}>
                Load earlier messages
              </button>
            </div>`
          : html`<div class="edge">Start of the conversation</div>`}
        <ol data-testid="message-list">
          ${repeat(
            this.withDaySeparators(messages),
            (item) => item.key,
            (item) => (item.day ? html`<li class="day">${item.day}</li>` : this.renderMessage(item.message, item.key)),
          )}
        </ol>
      `;
    }
    // The history is a focusable region (keyboard scrolling); new messages are announced by the live
    // region below instead, so loading older pages or one's own sends are not read out.
    return html`<div class="history">
      <div class="scroller" role="region" aria-label="Messages" tabindex="0" @scroll=${this.handleScroll}>${body}</div>
      ${store?.loadingOlder ? html`<div class="loading-older" aria-hidden="true">Loading earlier messages…</div>` : nothing}
      <div class="visually-hidden" aria-live="polite" data-testid="announcer">${this.announcement}</div>
    </div>`;
  }

  withDaySeparators(messages) {
    const items = [];
    let lastDay = null;
    for (const message of messages) {
      const day = dayKey(message.createdAt);
      if (day !== lastDay) {
        items.push({ key: `day:${day}`, day: formatDay(message.createdAt) });
        lastDay = day;
      }
      // Keyed by sender and clientMsgId so the pending element becomes the stored one in place.
      const key = message.clientMsgId ? `c:${message.senderId}:${message.clientMsgId}` : `m:${message.id}`;
      items.push({ key, message });
    }
    return items;
  }

  renderMessage(m, key) {
    const own = m.senderId === this.me?.id;
    const classes = ['msg', own ? 'own' : 'theirs', m.pending ? 'pending' : '', m.failed ? 'failed' : ''].join(' ');
    return html`<li
      class=${classes}
      data-testid="message"
      data-key=${key}
      data-seq=${m.seq ?? nothing}
      data-message-id=${m.id ?? nothing}
      data-sender-role=${m.senderRole ?? nothing}
      data-pending=${m.pending ? 'true' : 'false'}
    >
      <div class="meta">
        <span class="sender" data-testid="message-sender">${m.senderName}</span>
        <time datetime=${m.createdAt} title=${formatFull(m.createdAt)}>${formatTime(m.createdAt)}</time>
      </div>
      <div class="bubble" data-testid="message-body">${m.body}</div>
      ${m.failed
        ? html`<div class="status failed" role="alert" data-testid="message-status">
            Not sent${m.error ? `: ${m.error}` : ''}
            <button class="btn small" type="button" @click=${() => this.deliver(m.clientMsgId, m.body)}>Retry</button>
            <button class="btn small ghost" type="button" @click=${() => this.store.discardPending(m.clientMsgId)}>Discard</button>
          </div>`
        : m.pending
          ? html`<div class="status" data-testid="message-status">sending…</div>`
          : nothing}
    </li>`;
  }

  renderComposer() {
    const length = this.draft.length;
    const down = this.session?.bus?.isDown;
    const canSend = this.draft.trim().length > 0 && length <= MAX_BODY_LENGTH && Boolean(this.store);
    return html`<form @submit=${this.handleSubmit} data-testid="composer-form">
      <div class="composer">
        <label class="visually-hidden" for="composer">Message</label>
        <textarea
          id="composer"
          class="textarea"
          rows="1"
          maxlength=${MAX_BODY_LENGTH}
          placeholder="Write a message…"
          aria-describedby="counter"
          .value=${this.draft}
          @input=${this.handleDraftInput}
          @keydown=${this.handleComposerKeydown}
          data-testid="composer"
        ></textarea>
        <button class="btn primary" type="submit" ?disabled=${!canSend} data-testid="send-button">Send</button>
      </div>
      <div class="hints">
        <span>
          ${down
            ? html`<span class="fallback" data-testid="http-fallback">Live connection down: messages are sent over HTTP.</span>`
            : html`<span class="keys">Enter to send · Shift+Enter for a new line</span>`}
        </span>
        <span
          id="counter"
          class="counter ${length >= COUNTER_WARNING_AT ? 'warn' : ''}"
          data-testid="char-counter"
          aria-live=${length >= COUNTER_WARNING_AT ? 'polite' : 'off'}
          >${length} / ${MAX_BODY_LENGTH}</span
        >
      </div>
    </form>`;
  }
}

customElements.define('hr-chat-view', HrChatViewElement);
