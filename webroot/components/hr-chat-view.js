import { LitElement, html, css, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import * as api from '../lib/api.js';
import { listenAll } from '../lib/listeners.js';
import { ConversationStore } from '../lib/conversation-store.js';
import { Receipts, messageStatus } from '../lib/receipts.js';
import { describeTypists } from '../lib/typing-tracker.js';
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
/**
 * The receipt marks: one tick (sent), two (delivered), two on a filled badge (read: a different shape, not
 * only a different colour). Decorative: the words are next to them, for screen readers and as a tooltip.
 */
const TICKS = {
  sent: html`<svg viewBox="0 0 20 14" aria-hidden="true" focusable="false"><path d="M4 7.5l3 3L14 3.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
  delivered: html`<svg viewBox="0 0 20 14" aria-hidden="true" focusable="false"><path d="M2 7.5l3 3L12 3.5M9 10.5l0.2 0L16.2 3.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
  read: html`<svg viewBox="0 0 20 14" aria-hidden="true" focusable="false"><rect x="0" y="0" width="20" height="14" rx="7" fill="currentColor"/><path d="M3.5 7.5l2.5 2.5L12 4M9 10l0.2 0L15.5 4" fill="none" stroke="#fff" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
};
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
 * For an admin, the header shows the student's online status (live from `presence-changed`). For
 * everyone, the conversation is marked read (up to the last message) when it opens and whenever someone
 * else writes, but only while the person is looking (page visible and focused: R2.3, R4.4); messages from
 * others that this view fetches are acknowledged as delivered (R4.3; live ones are, by the session).
 *
 * Typing (R4.1, R4.2): keystrokes in the composer send `chat.typing` (throttled by the session's
 * TypingSignal); "<name> is typing…" for the others, from the session's TypingTracker, shows under the
 * composer in a polite live region, and goes when it expires or their message arrives.
 *
 * Receipts (R4.3, R4.4): each message from this side shows sent → delivered → read, from the
 * conversation's `receipts` (fetched with its details, so right after a reload) and `receipt` events;
 * an admin also sees which admins read the student's messages. Ticks, with the words for screen readers.
 *
 * @slot start - before the header's avatar (the admin page's "back to the list" button on a phone)
 * @fires hr-conversation-read - `detail: {conversationId, readSeq, unread}` after this view marked the
 *   conversation read (bubbles, composed)
 * @fires hr-message-stored - `detail: {message}` after one of this user's messages was stored (bubbles,
 *   composed): the student list follows it even when the live channel is down
 */
export class HrChatViewElement extends LitElement {
  static properties = {
    /** {user, bus, events, chat, attention, typing, typingSignal, acks} (see hr-app) */
    session: { attribute: false },
    conversationId: { type: Number, attribute: 'conversation-id' },
    /** Whether opening a conversation puts the focus in the composer (not when chosen from the keyboard). */
    focusComposerOnOpen: { type: Boolean, attribute: 'focus-composer-on-open' },
    /** False while the view is mounted but not shown (the student's notifications are): it marks nothing read. */
    active: { type: Boolean },
    conversation: { state: true },
    student: { state: true },
    announcement: { state: true },
    /** The participants' delivered/read marks in this conversation. */
    receipts: { state: true },
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
      .ticks {
        display: inline-flex;
        align-items: center;
        align-self: center;
        color: var(--hr-color-text-muted);
      }
      .ticks.read {
        color: var(--hr-color-primary);
      }
      .ticks svg {
        display: block;
        width: 20px;
        height: 14px;
      }
      .receipt-line {
        max-width: 100%;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .typing {
        display: inline-flex;
        align-items: center;
        gap: var(--hr-space-2);
        min-width: 0;
        font-style: italic;
        color: var(--hr-color-text);
      }
      .dots {
        display: inline-flex;
        gap: 3px;
      }
      .dots span {
        width: 5px;
        height: 5px;
        border-radius: 50%;
        background: var(--hr-color-text-muted);
        animation: hr-typing 1.2s infinite ease-in-out;
      }
      .dots span:nth-child(2) {
        animation-delay: 0.15s;
      }
      .dots span:nth-child(3) {
        animation-delay: 0.3s;
      }
      @keyframes hr-typing {
        0%,
        60%,
        100% {
          opacity: 0.35;
          transform: translateY(0);
        }
        30% {
          opacity: 1;
          transform: translateY(-2px);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .dots span {
          animation: none;
        }
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
    this.active = true;
    this.conversation = null;
    this.student = null;
    this.announcement = '';
    this.receipts = new Receipts();
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
    this.unlisten?.();
    this.unlisten = null;
    this.bound = session;
    if (session) {
      this.unlisten = listenAll([
        [session.events, 'message-created', this.handleMessageCreated],
        [session.events, 'presence-changed', this.handlePresenceChanged],
        [session.events, 'resync', this.handleResync],
        [session.events, 'receipt', this.handleReceipt],
        [session.typing, 'change', this.handleTypingChange],
        [session.bus, 'statechange', this.handleBusState],
        [session.bus, 'attemptfailed', this.handleBusState],
        [session.attention, 'change', this.handleAttentionChange],
      ]);
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
    if (changed.has('conversationId') && this.conversationId != null && this.focusComposerOnOpen && this.active) {
      this.focusComposer();
    }
    if (changed.has('active') && changed.get('active') === false && this.active) this.maybeMarkRead();
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
    this.receipts = new Receipts();
    const id = this.conversationId;
    if (id == null || !this.session) return;

    const session = this.session;
    const store = new ConversationStore({
      conversationId: id,
      fetchPage: async (params) => {
        const page = await session.chat.fetchMessages(id, params);
        session.acks?.received(page.messages); // fetched counts as received (R4.3)
        return page;
      },
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

  /**
   * The conversation's status, its participants' delivered/read marks, and, for admins, the student's
   * row (with their online status).
   */
  async loadDetails(store = this.store) {
    try {
      const { conversation, student, receipts } = await api.getConversation(store.conversationId);
      if (this.store !== store) return;
      this.conversation = conversation;
      this.student = student;
      if (this.receipts.merge(receipts ?? [])) this.requestUpdate();
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

  handleReceipt = (event) => {
    const receipt = event.detail;
    if (receipt.conversationId !== this.conversationId) return;
    if (this.receipts.merge([receipt])) this.requestUpdate();
  };

  handleTypingChange = (event) => {
    if (event.detail.conversationId === this.conversationId) this.requestUpdate();
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
   * Marks the conversation read up to its last message when someone else wrote since the last mark and
   * the person is looking (the page visible and focused): admins (R2.3) and students (R4.4) alike. The
   * session's acknowledgements send one mark at a time per conversation, the newest; the server moves
   * it forward only, so a repeated or late mark is harmless, and a failed one goes again on the next change.
   */
  maybeMarkRead() {
    const store = this.store;
    const acks = this.session?.acks;
    if (!acks || !store?.loaded || !this.active || !this.session.attention?.looking) return;
    const messages = store.messages;
    let lastFromOthers = 0;
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      const m = messages[i];
      if (!m.pending && m.senderId !== this.me.id) {
        lastFromOthers = m.seq;
        break;
      }
    }
    const conversationId = store.conversationId;
    if (lastFromOthers <= acks.readUpTo(conversationId)) return;
    const seq = store.lastSeq;
    acks
      .read(conversationId, seq)
      .then((read) => {
        if (!read) return; // an earlier mark covered it
        this.dispatchEvent(
          new CustomEvent('hr-conversation-read', {
            detail: { conversationId, readSeq: read.readSeq ?? seq, unread: read.unread ?? 0 },
            bubbles: true,
            composed: true,
          }),
        );
      })
      .catch((error) => console.warn('[chat] cannot mark the conversation read', error));
  }

  handleResync = () => {
    const store = this.store;
    if (!store) return;
    this.loadDetails(store); // presence and receipts may have changed meanwhile
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
    if (this.draft.trim() && this.store) this.session?.typingSignal?.typed(this.store.conversationId);
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
    this.session?.typingSignal?.reset(this.store.conversationId); // the message ends the typing on their side
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
            (item) =>
              item.day ? html`<li class="day">${item.day}</li>` : this.renderMessage(item.message, item.key, item.status, item.spelledOut),
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

  /**
   * The list's items: day separators, and messages with their receipt status. The status is spelled out
   * under the newest message from this side (and, for an admin, under the newest student message admins
   * read); elsewhere ticks say it, with the words for screen readers and in a tooltip.
   */
  withDaySeparators(messages) {
    const items = [];
    let lastDay = null;
    const me = this.me;
    const statuses = messages.map((m) => messageStatus(m, this.receipts, me));
    const spelledOut = new Set();
    const newest = (test) => {
      for (let i = messages.length - 1; i >= 0; i -= 1) if (test(messages[i], statuses[i])) return messages[i];
      return null;
    };
    const ownSide = (m) => (me?.role === 'admin' ? m.senderRole !== 'student' : m.senderId === me?.id);
    spelledOut.add(newest((m, st) => !m.pending && st && ownSide(m)));
    if (me?.role === 'admin') spelledOut.add(newest((m, st) => st && !ownSide(m)));
    messages.forEach((message, i) => {
      const day = dayKey(message.createdAt);
      if (day !== lastDay) {
        items.push({ key: `day:${day}`, day: formatDay(message.createdAt) });
        lastDay = day;
      }
      // Keyed by sender and clientMsgId so the pending element becomes the stored one in place.
      const key = message.clientMsgId ? `c:${message.senderId}:${message.clientMsgId}` : `m:${message.id}`;
      items.push({ key, message, status: statuses[i], spelledOut: spelledOut.has(message) });
    });
    return items;
  }

  renderMessage(m, key, status = null, spelledOut = false) {
    const own = m.senderId === this.me?.id;
    const stored = status && !m.pending;
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
        ${stored
          ? html`<span class="ticks ${status.state}" data-testid="message-status" data-status=${status.state} title=${status.text}
              >${TICKS[status.state]}<span class="visually-hidden">${status.text}</span></span
            >`
          : nothing}
      </div>
      <div class="bubble" data-testid="message-body">${m.body}</div>
      ${stored && spelledOut
        ? html`<div class="status receipt-line" aria-hidden="true" data-testid="receipt-line">${status.text}</div>`
        : nothing}
      ${m.failed
        ? html`<div class="status failed" role="alert" data-testid="message-status" data-status="failed">
            Not sent${m.error ? `: ${m.error}` : ''}
            <button class="btn small" type="button" @click=${() => this.deliver(m.clientMsgId, m.body)}>Retry</button>
            <button class="btn small ghost" type="button" @click=${() => this.store.discardPending(m.clientMsgId)}>Discard</button>
          </div>`
        : m.pending
          ? html`<div class="status" data-testid="message-status" data-status="sending">sending…</div>`
          : nothing}
    </li>`;
  }

  renderComposer() {
    const length = this.draft.length;
    const down = this.session?.bus?.isDown;
    const canSend = this.draft.trim().length > 0 && length <= MAX_BODY_LENGTH && Boolean(this.store);
    const typing = describeTypists(this.session?.typing?.typists(this.conversationId) ?? []);
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
          <span class="typing" aria-live="polite" data-testid="typing-indicator"
            >${typing ? html`<span class="dots" aria-hidden="true"><span></span><span></span><span></span></span>${typing}` : nothing}</span
          >
          ${typing
            ? nothing
            : down
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
