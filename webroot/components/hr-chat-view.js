import { LitElement, html, css, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import * as api from '../lib/api.js';
import { listenAll } from '../lib/listeners.js';
import { ConversationStore } from '../lib/conversation-store.js';
import { OutboxSender } from '../lib/outbox.js';
import { Receipts, messageStatus } from '../lib/receipts.js';
import { describeTypists } from '../lib/typing-tracker.js';
import { randomUUID } from '../lib/uuid.js';
import { initials } from '../lib/format.js';
import { withDaySeparators, timeLabel, fullLabel } from '../lib/local-time.js';
import {
  MAX_NOTE_LENGTH, isStatusEntry, isChatMessage, statusLabel, describeStatusEntry, latestStatusEntry, closedBanner,
  announceStatusEntry,
} from '../lib/conversation-status.js';
import { baseStyles, buttonStyles, formStyles, badgeStyles, avatarStyles, presenceStyles, dialogStyles } from './shared-styles.js';

/** The longest message body the server accepts, in UTF-16 code units (String.length on both sides). */
export const MAX_BODY_LENGTH = 4000;
const COUNTER_WARNING_AT = 3800;
const NEAR_TOP_PX = 120; // start loading older messages this close to the top
const NEAR_BOTTOM_PX = 48; // "at the bottom" for following new messages
const NEAR_END_PX = 160; // start loading newer messages (a window opened at a search hit) this close to the end
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
/** How long "showing the latest messages" stays after a catch-up too large was replaced by the newest page. */
const GAP_NOTICE_MS = 12_000;

/**
 * One conversation, for admins and students alike: header, history with infinite scroll back,
 * live messages, and the composer (R1.3, R3.1, R3.2, R3.4, R6.1, R6.2).
 *
 * Resilience (R1.4, R2.5, R5.3): while the live channel is down, the session's poller runs this view's catch-up
 * over HTTP every few seconds (new messages arrive, and are announced, without the bridge). What this user writes
 * goes through the outbox (lib/outbox.js): kept in the browser until stored, so it survives a reload; shown as
 * "sending…", "waiting to send" (the server cannot be reached: it goes by itself when it can; "Send now" tries at
 * once) or "not sent" (the server refused it: retry or discard). A catch-up too large to be worth it reloads the
 * newest page and says so for a few seconds.
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
 * Timestamps (R6.1): each entry's time in the viewer's time zone, as a focusable `<time>` whose full date and
 * time is its accessible text and a tooltip on hover and keyboard focus; day separators ("Today",
 * "Yesterday", the weekday and date) by local calendar day (lib/local-time.js).
 *
 * Status (R6.2, R6.3): the header says "Active" / "Closed"; admins close (with an optional note, in a small
 * dialog) and reopen; a closed conversation shows who closed it, when, and the note, and the composer stays
 * usable (writing reopens it: the server does it). Status entries are centred lines in the timeline, live for
 * everyone; they are not messages: no ticks, no read marks, no unread.
 *
 * Opening at a search hit (R6.4, `openAt = {seq}`): the store loads a window around the hit, which is scrolled
 * into view, highlighted and focused; older pages load scrolling up, newer ones scrolling down, until the
 * window reaches the newest message. Until then live messages wait (no out-of-order appends) and "Jump to
 * latest" loads the newest page.
 *
 * @slot start - before the header's avatar (the admin page's "back to the list" button on a phone)
 * @fires hr-conversation-read - `detail: {conversationId, readSeq, unread}` after this view marked the
 *   conversation read (bubbles, composed)
 * @fires hr-message-stored - `detail: {message, reopened}` after one of this user's messages was stored (bubbles,
 *   composed): the student list follows it even when the live channel is down (`reopened`: the entry stored
 *   before it when it reopened the conversation, or null)
 * @fires hr-conversation-status - `detail: {conversation, event}` after this admin closed or reopened it (bubbles,
 *   composed): the student list follows it even when the live channel is down
 * @fires hr-at-latest - the view left a search hit for the newest messages (bubbles, composed): the URL can
 *   drop the hit
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
    /** A search hit to open the conversation at: `{seq}` (a new object each time it is asked for), or null. */
    openAt: { attribute: false },
    /** The latest "closed"/"reopened" entry the server named (R6.2), or null. */
    statusEvent: { state: true },
    /** The entry highlighted as the opened search hit, or null. */
    hitSeq: { state: true },
    closeNote: { state: true },
    statusBusy: { state: true },
    statusError: { state: true },
    reopenError: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    badgeStyles,
    avatarStyles,
    presenceStyles,
    dialogStyles,
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
      .status.failed,
      .status.waiting {
        display: flex;
        flex-wrap: wrap;
        justify-content: flex-end;
        gap: var(--hr-space-2);
        align-items: center;
        color: var(--hr-color-danger);
      }
      .status.waiting {
        color: var(--hr-color-warning);
      }
      .gap-notice {
        margin: var(--hr-space-2) var(--hr-space-4) 0;
        padding: var(--hr-space-2) var(--hr-space-3);
        border-radius: var(--hr-radius);
        background: var(--hr-color-primary-soft);
        color: var(--hr-color-text);
        font-size: var(--hr-font-size-sm);
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
      .counter {
        flex: none;
        white-space: nowrap;
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
      .header-status {
        flex: none;
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
      }
      .badge.closed {
        background: var(--hr-color-warning-soft);
        color: var(--hr-color-warning);
        border-color: transparent;
      }
      .banner {
        flex: none;
        display: flex;
        align-items: flex-start;
        gap: var(--hr-space-2);
        margin: 0;
        padding: var(--hr-space-2) var(--hr-space-5);
        border-bottom: 1px solid var(--hr-color-border);
        background: var(--hr-color-warning-soft);
        color: var(--hr-color-text);
        font-size: var(--hr-font-size-sm);
        overflow-wrap: anywhere;
      }
      .banner svg {
        flex: none;
        margin-top: 2px;
        color: var(--hr-color-warning);
      }
      /* Timestamps (R6.1): the time shows; the full date and time is the accessible text and, on hover or
         keyboard focus, a tooltip. */
      .stamp {
        position: relative;
        border-radius: var(--hr-radius-sm);
        cursor: default;
        white-space: nowrap;
      }
      .stamp .tip {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
      .stamp:hover .tip,
      .stamp:focus-visible .tip {
        z-index: 5;
        top: calc(100% + 4px);
        left: 0;
        width: auto;
        height: auto;
        overflow: visible;
        clip-path: none;
        padding: 4px 8px;
        border-radius: var(--hr-radius-sm);
        background: var(--hr-color-text);
        color: var(--hr-color-surface);
        font-size: var(--hr-font-size-xs);
        font-weight: 500;
        box-shadow: var(--hr-shadow);
        pointer-events: none;
      }
      .msg.own .stamp:hover .tip,
      .msg.own .stamp:focus-visible .tip {
        left: auto;
        right: 0;
      }
      .system .stamp:hover .tip,
      .system .stamp:focus-visible .tip {
        left: 50%;
        transform: translateX(-50%);
      }
      /* Status entries (R6.2, R6.3): centred system lines, not bubbles. */
      .system {
        align-self: center;
        max-width: min(640px, 100%);
        margin: var(--hr-space-2) 0;
        padding: 2px var(--hr-space-3);
        border-radius: var(--hr-radius-pill);
        background: var(--hr-color-surface-muted);
        border: 1px solid var(--hr-color-border);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
        text-align: center;
        overflow-wrap: anywhere;
      }
      .system .action {
        font-weight: 600;
        color: var(--hr-color-text);
      }
      .system.closed .action::before {
        content: '';
        display: inline-block;
        width: 7px;
        height: 7px;
        margin-right: 6px;
        border-radius: 2px;
        background: var(--hr-color-warning);
        vertical-align: 1px;
      }
      .system.reopened .action::before {
        content: '';
        display: inline-block;
        width: 7px;
        height: 7px;
        margin-right: 6px;
        border-radius: 50%;
        background: var(--hr-color-success);
        vertical-align: 1px;
      }
      /* The opened search hit (R6.4): a highlight that fades; the outline stays while it has the focus. */
      .msg.hit,
      .system.hit {
        border-radius: var(--hr-radius-lg);
      }
      .msg.hit .bubble,
      .system.hit {
        animation: hr-hit 4s ease-out 0.2s both;
      }
      .msg:focus,
      .system:focus {
        outline: none;
      }
      .msg:focus-visible .bubble,
      .system:focus-visible {
        box-shadow: var(--hr-focus-ring);
      }
      @keyframes hr-hit {
        0%,
        40% {
          box-shadow: 0 0 0 4px var(--hr-color-hit);
        }
        100% {
          box-shadow: 0 0 0 4px transparent;
        }
      }
      .edge.end {
        padding-top: var(--hr-space-3);
      }
      .jump {
        position: absolute;
        bottom: var(--hr-space-3);
        left: 50%;
        transform: translateX(-50%);
        box-shadow: var(--hr-shadow-lg);
        z-index: 6;
      }
      .reopen-hint {
        color: var(--hr-color-warning);
        font-weight: 600;
      }
      dialog {
        --hr-dialog-width: 480px;
      }
      dialog form {
        padding: 0;
        border: 0;
        background: none;
      }
      dialog p {
        font-size: var(--hr-font-size-sm);
      }
      dialog .textarea {
        margin-top: var(--hr-space-1);
        min-height: 96px;
        resize: vertical;
      }
      dialog .counter {
        display: block;
        margin-top: var(--hr-space-1);
        text-align: right;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      @media (prefers-reduced-motion: reduce) {
        .dots span {
          animation: none;
        }
        .msg.hit .bubble,
        .system.hit {
          animation: none;
          box-shadow: 0 0 0 3px var(--hr-color-hit);
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
        .banner {
          padding-left: var(--hr-space-3);
          padding-right: var(--hr-space-3);
        }
      }
      @media (max-width: 480px) {
        header {
          gap: var(--hr-space-2);
        }
        header .avatar-wrap,
        header > .avatar {
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
    this.openAt = null;
    this.statusEvent = null;
    this.hitSeq = null;
    this.closeNote = '';
    this.statusBusy = false;
    this.statusError = '';
    this.reopenError = '';
    this.store = null;
    /** The open conversation's {@link OutboxSender}. */
    this.sender = null;
    /** Removes the open conversation's poll task. */
    this.unpoll = null;
    /** "Showing the latest messages" after a gap reload (R5.3), for a few seconds. */
    this.gapNotice = '';
    this.gapTimer = null;
    this.bound = null;
    this.scrollSnapshot = null;
    this.forceBottom = false;
    /** Whether the rendered history reaches the newest message (only then does it stick to the bottom). */
    this.renderedAtEnd = true;
    /** The seq the conversation's status was last learnt at: an older word does not undo a newer one. */
    this.statusSeq = -1;
    /** The seq to scroll to, highlight and focus once it is rendered (R6.4). */
    this.revealSeq = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.bindTo(this.session);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.bindTo(null);
    this.closeOutbox();
  }

  /** Stops the open conversation's sending and polling (what waits stays in storage for the next time). */
  closeOutbox() {
    this.sender?.removeEventListener('sent', this.handleSent);
    this.sender?.stop();
    this.sender = null;
    this.unpoll?.();
    this.unpoll = null;
    clearTimeout(this.gapTimer);
    this.gapNotice = '';
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
        [session.poller ?? new EventTarget(), 'poll', this.handlePoll],
        [window, 'online', this.handleOnline],
      ]);
    }
  }

  get me() {
    return this.session?.user;
  }

  get isAdmin() {
    return this.me?.role === 'admin';
  }

  willUpdate(changed) {
    if (changed.has('session') && this.isConnected) this.bindTo(this.session);
    if (changed.has('conversationId')) this.openConversation();
    else if (changed.has('openAt') && this.openAt?.seq != null && this.store) this.showAt(this.openAt.seq);
    this.scrollSnapshot = this.takeScrollSnapshot();
  }

  updated(changed) {
    this.restoreScroll();
    this.renderedAtEnd = !this.store?.hasMoreAfter;
    if (this.revealSeq != null && this.store?.loaded && !this.store.loadingAround) this.reveal();
    if (changed.has('conversationId') && this.conversationId != null && this.focusComposerOnOpen && this.active && this.openAt?.seq == null) {
      this.focusComposer();
    }
    if (changed.has('active') && changed.get('active') === false && this.active) {
      // Shown after being mounted hidden: it opens at the newest message (or at the hit it is showing).
      if (this.revealSeq == null && this.hitSeq == null && !this.store?.hasMoreAfter) {
        this.forceBottom = true;
        this.requestUpdate();
      }
      this.updateComplete.then(() => this.fillViewport());
      this.maybeMarkRead();
    }
  }

  /** Starts showing `conversationId`: details, the newest page (or the window around a search hit), live messages. */
  openConversation() {
    this.store?.removeEventListener('change', this.handleStoreChange);
    this.store?.removeEventListener('gap-reload', this.handleGapReload);
    this.closeOutbox();
    this.store = null;
    this.conversation = null;
    this.student = null;
    this.statusEvent = null;
    this.statusSeq = -1;
    this.loadError = '';
    this.draft = '';
    this.announcement = '';
    this.hitSeq = null;
    this.revealSeq = null;
    this.statusError = '';
    this.reopenError = '';
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
    store.addEventListener('gap-reload', this.handleGapReload);
    this.store = store;

    // What this user wrote and is not stored yet, from an earlier page too (R5.3).
    if (session.outbox) {
      this.sender = new OutboxSender({
        store,
        outbox: session.outbox,
        user: session.user,
        send: (conversationId, message) => session.chat.sendMessage(conversationId, message),
        newId: randomUUID,
      });
      this.sender.addEventListener('sent', this.handleSent);
      this.sender.restore();
    }
    // While the live channel is down, new messages arrive by polling over HTTP (R1.4).
    this.unpoll = session.poller?.add(() => this.pollOnce(store)) ?? null;

    this.loadDetails(store);

    const seq = this.openAt?.seq;
    if (seq != null) {
      this.forceBottom = false;
      this.showAt(seq);
      return;
    }
    this.forceBottom = true;
    store
      .loadLatest()
      .then(() => {
        if (this.store !== store) return;
        this.forceBottom = true;
        this.requestUpdate();
        this.maybeMarkRead();
        this.sender?.flush(); // what an earlier page left waiting goes now
        return this.updateComplete.then(() => this.fillViewport());
      })
      .catch((error) => {
        if (this.store === store) this.loadError = error.message;
      });
  }

  /**
   * Shows the entry at `seq` (a search hit, R6.4): loads the window around it (unless it is already held), then
   * scrolls it into view, highlights it and gives it the focus.
   */
  async showAt(seq) {
    const store = this.store;
    if (!store) return;
    this.forceBottom = false;
    this.hitSeq = null; // a hit opened again highlights again
    this.revealSeq = seq;
    try {
      await store.loadAround(seq);
      if (this.store !== store) return;
      this.requestUpdate();
      this.maybeMarkRead();
      await this.updateComplete;
      this.fillViewport();
    } catch (error) {
      if (this.store === store) {
        this.revealSeq = null;
        this.loadError = error.message;
      }
    }
  }

  /** Scrolls the entry at `revealSeq` into view, highlights it and focuses it (keyboard users land on it). */
  reveal() {
    const seq = this.revealSeq;
    const el = this.renderRoot?.querySelector(`[data-seq="${seq}"]`);
    this.revealSeq = null;
    if (!el) return; // not in the conversation (any more): the window shows where it would be
    el.scrollIntoView({ block: 'center' });
    this.hitSeq = seq; // renders the highlight and tabindex="-1"; set now too, so it can take the focus at once
    el.setAttribute('tabindex', '-1');
    el.focus({ preventScroll: true });
  }

  /**
   * The conversation's status, its latest status entry, its participants' delivered/read marks, and, for
   * admins, the student's row (with their online status).
   */
  async loadDetails(store = this.store) {
    try {
      const { conversation, student, receipts, statusEvent } = await api.getConversation(store.conversationId);
      if (this.store !== store) return;
      store.noteLatestSeq(conversation?.lastSeq); // how far a catch-up would have to go (R5.3: the gap bound)
      this.student = student;
      this.applyStatus(conversation, statusEvent ?? null, conversation?.lastSeq ?? 0);
      if (this.receipts.merge(receipts ?? [])) this.requestUpdate();
      if (!this.isAdmin) return;
      const row = await api.getStudent(conversation.studentId);
      if (this.store === store) this.student = row;
    } catch (error) {
      console.warn('[chat] cannot load the conversation details', error);
    }
  }

  /**
   * Takes what is known of the conversation's status: `conversation` (an object, or just the status string),
   * and the status entry that set it, as of `seq`. A word older than the last one taken changes nothing.
   */
  applyStatus(conversation, entry, seq) {
    const fresh = seq >= this.statusSeq;
    const incoming = typeof conversation === 'string' ? { status: conversation } : conversation ?? {};
    const merged = { id: this.conversationId, ...this.conversation, ...incoming };
    if (!fresh) merged.status = this.conversation?.status ?? incoming.status;
    else this.statusSeq = seq;
    this.conversation = merged;
    if (isStatusEntry(entry) && (!this.statusEvent || entry.seq >= this.statusEvent.seq)) this.statusEvent = entry;
  }

  retryLoad() {
    this.openConversation();
    this.requestUpdate();
  }

  handleStoreChange = () => {
    if (this.loadError && this.store?.loaded) this.loadError = ''; // loaded after all (by a poll)
    this.requestUpdate();
    this.maybeMarkRead();
  };

  /**
   * One poll while the live channel is down (R1.4): catch up over HTTP (the first page if it never loaded), and
   * read out what the others wrote meanwhile. A rejection with an unreachable-server code makes the poller back off.
   */
  async pollOnce(store) {
    if (this.store !== store) return;
    const before = store.lastSeq;
    await store.catchUp();
    if (this.store !== store) return;
    const fresh = store.messages.filter((m) => !m.pending && m.seq > before && m.senderId !== this.me?.id);
    if (before > 0 && fresh.length > 0) this.announce(fresh[fresh.length - 1]);
  }

  /** The REST API answers again: what waits in the outbox goes now. */
  handlePoll = (event) => {
    if (event.detail?.ok) this.sender?.flush();
  };

  handleOnline = () => {
    this.sender?.flush();
  };

  /** One of this user's messages was stored (over the bus or HTTP, sent now or from the outbox). */
  handleSent = (event) => {
    const { message, reopened } = event.detail;
    // Writing to a closed conversation reopened it (R6.3): the entry comes just before the message.
    this.applyStatus('active', reopened, message.seq);
    this.dispatchEvent(new CustomEvent('hr-message-stored', { detail: { message, reopened }, bubbles: true, composed: true }));
  };

  /** A catch-up too large was replaced by the newest page (R5.3): say so briefly, never a silent gap. */
  handleGapReload = () => {
    this.gapNotice = 'You were away for a while: showing the latest messages. Scroll up for earlier ones.';
    this.forceBottom = true;
    clearTimeout(this.gapTimer);
    this.gapTimer = setTimeout(() => {
      this.gapNotice = '';
      this.requestUpdate();
    }, GAP_NOTICE_MS);
    this.requestUpdate();
  };

  handleMessageCreated = (event) => {
    const message = event.detail;
    if (!this.store || message.conversationId !== this.conversationId) return;
    const isNew = this.store.receiveLive(message);
    if (message.conversationStatus) this.applyStatus(message.conversationStatus, message, message.seq);
    else if (isStatusEntry(message)) this.applyStatus(message.kind === 'closed' ? 'closed' : 'active', message, message.seq);
    if (isNew && message.senderId !== this.me?.id) this.announce(message);
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

  /** Puts an incoming message (or status change) in the polite live region, so a screen reader reads it out. */
  announce(message) {
    if (isStatusEntry(message)) {
      this.announcement = announceStatusEntry(message);
      return;
    }
    const text = message.body ?? '';
    const body = text.length > ANNOUNCE_MAX_CHARS ? `${text.slice(0, ANNOUNCE_MAX_CHARS)}…` : text;
    this.announcement = `${message.senderName}: ${body}`;
  }

  /**
   * Marks the conversation read up to its last message when someone else wrote since the last mark and
   * the person is looking (the page visible and focused): admins (R2.3) and students (R4.4) alike. The
   * session's acknowledgements send one mark at a time per conversation, the newest; the server moves
   * it forward only, so a repeated or late mark is harmless, and a failed one goes again on the next change.
   * Status entries are not something someone wrote: they call for no mark (R6.2).
   */
  maybeMarkRead() {
    const store = this.store;
    const acks = this.session?.acks;
    if (!acks || !store?.loaded || !this.active || !this.session.attention?.looking) return;
    const messages = store.messages;
    let lastFromOthers = 0;
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      const m = messages[i];
      if (!m.pending && isChatMessage(m) && m.senderId !== this.me.id) {
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
    this.loadDetails(store); // presence, status and receipts may have changed meanwhile
    store.catchUp().catch((error) => console.warn('[chat] catch-up after reconnection failed', error));
    this.sender?.flush(); // waiting messages go now; refused ones wait for the user
  };

  handleBusState = () => {
    this.requestUpdate();
  };

  // ---- status (R6.2, R6.3) ----------------------------------------------------------------

  get closeDialog() {
    return this.renderRoot?.querySelector('dialog');
  }

  openCloseDialog() {
    this.closeNote = '';
    this.statusError = '';
    this.closeDialog?.showModal();
    this.updateComplete.then(() => this.renderRoot.querySelector('#close-note')?.focus());
  }

  cancelClose() {
    this.closeDialog?.close();
  }

  handleDialogClose() {
    this.statusError = '';
    // The focus goes back to what opened the dialog (or what replaced it: Reopen, once closed).
    this.updateComplete.then(() => this.renderRoot.querySelector('[data-status-action]')?.focus());
  }

  async handleCloseSubmit(event) {
    event.preventDefault();
    const note = this.closeNote.trim();
    if (note.length > MAX_NOTE_LENGTH) return;
    const ok = await this.changeStatus(() => this.session.chat.closeConversation(this.conversationId, note || undefined));
    if (ok) this.closeDialog?.close();
  }

  async reopen() {
    this.reopenError = '';
    const ok = await this.changeStatus(() => this.session.chat.reopenConversation(this.conversationId));
    if (!ok && this.statusError) {
      this.reopenError = this.statusError;
      this.statusError = '';
    }
    await this.updateComplete;
    this.renderRoot.querySelector('[data-status-action]')?.focus();
  }

  /** Closes or reopens; the answer's entry goes in the timeline and the list follows (even over HTTP). */
  async changeStatus(request) {
    const store = this.store;
    if (!store || this.statusBusy) return false;
    this.statusBusy = true;
    this.statusError = '';
    try {
      const { conversation, event } = await request();
      if (this.store !== store) return false;
      if (event) store.merge([event]);
      this.applyStatus(conversation, event, Math.max(conversation?.lastSeq ?? 0, event?.seq ?? 0));
      this.dispatchEvent(
        new CustomEvent('hr-conversation-status', { detail: { conversation, event }, bubbles: true, composed: true }),
      );
      return true;
    } catch (error) {
      console.warn('[chat] cannot change the conversation status', error);
      this.statusError = error.message;
      return false;
    } finally {
      this.statusBusy = false;
    }
  }

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
      // Sticking to the bottom follows new messages: only when what is shown reaches the newest one.
      atBottom: this.renderedAtEnd && el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX,
      firstKey: el.querySelector('[data-key]')?.dataset.key ?? null,
    };
  }

  restoreScroll() {
    const el = this.scroller;
    const before = this.scrollSnapshot;
    this.scrollSnapshot = null;
    if (!el) return;
    if (this.forceBottom || (before?.atBottom && this.revealSeq == null)) {
      el.scrollTop = el.scrollHeight;
      if (this.store?.loaded) this.forceBottom = false;
      return;
    }
    const firstKey = el.querySelector('[data-key]')?.dataset.key ?? null;
    if (before && before.firstKey && firstKey !== before.firstKey) {
      // Older messages went in above: keep what the reader was looking at in place.
      el.scrollTop = before.top + (el.scrollHeight - before.height);
    }
  }

  handleScroll() {
    const el = this.scroller;
    // While a new window goes in and its hit is brought into view, scroll events are not the reader's.
    if (!el || this.revealSeq != null || this.store?.loadingAround || this.store?.loadingLatest) return;
    if (el.scrollTop < NEAR_TOP_PX) this.loadOlder();
    if (this.store?.hasMoreAfter && el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX) this.loadNewer();
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

  /** The next page after the window (R6.4), when it does not reach the newest message. */
  async loadNewer() {
    const store = this.store;
    if (!store || !store.hasMoreAfter || store.loadingNewer) return;
    try {
      await store.loadNewer();
      await this.updateComplete;
      this.fillViewport();
    } catch (error) {
      console.warn('[chat] cannot load newer messages', error);
    }
  }

  /** Loads pages while the history does not fill the view (no scrollbar, no scroll event). */
  fillViewport() {
    const el = this.scroller;
    // Not while hidden (the student's notifications show): a history with no height would load every page.
    if (!el || el.clientHeight === 0 || el.scrollHeight > el.clientHeight + NEAR_TOP_PX) return;
    if (this.store?.hasMoreBefore) this.loadOlder();
    if (this.store?.hasMoreAfter) this.loadNewer();
  }

  /** "Jump to latest" (R6.4): the newest page replaces the window; the focus stays in the history. */
  async jumpToLatest({ focusHistory = true } = {}) {
    const store = this.store;
    if (!store) return;
    this.hitSeq = null;
    this.revealSeq = null;
    this.forceBottom = true;
    this.dispatchEvent(new CustomEvent('hr-at-latest', { bubbles: true, composed: true }));
    try {
      await store.jumpToLatest();
      if (this.store !== store) return;
      this.forceBottom = true;
      this.requestUpdate();
      await this.updateComplete;
      if (focusHistory) this.scroller?.focus({ preventScroll: true });
      this.fillViewport();
    } catch (error) {
      console.warn('[chat] cannot load the newest messages', error);
    }
  }

  // ---- sending ----------------------------------------------------------------------------

  get textarea() {
    return this.renderRoot?.querySelector('#composer');
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

  /** Sends the draft: shown at once as pending, kept in the outbox until stored, replaced by the stored copy. */
  send() {
    const body = this.draft.trim();
    if (!body || body.length > MAX_BODY_LENGTH || !this.store || !this.sender) return;
    this.draft = '';
    this.forceBottom = true;
    // Writing from a search hit: the message goes at the end, so the view goes there (R6.4).
    if (this.store.hasMoreAfter) this.jumpToLatest({ focusHistory: false });
    this.session?.typingSignal?.reset(this.store.conversationId); // the message ends the typing on their side
    this.updateComplete.then(() => this.fitComposer());
    this.sender.submit(body);
  }

  /** Sends (again) a pending message now: same clientMsgId, so never stored twice. */
  deliver(clientMsgId) {
    this.sender?.deliver(clientMsgId);
  }

  // ---- rendering --------------------------------------------------------------------------

  render() {
    if (this.conversationId == null) return nothing;
    return html`${this.renderHeader()}${this.renderBanner()}${this.renderHistory()}${this.renderComposer()}${this.renderCloseDialog()}`;
  }

  get status() {
    return this.conversation?.status === 'closed' ? 'closed' : 'active';
  }

  renderStatus() {
    const status = this.status;
    const badge = html`<span class="badge ${status}" data-testid="conversation-status" data-status=${status}
      ><span class="visually-hidden">Status: </span>${statusLabel(status)}</span
    >`;
    if (!this.isAdmin) return html`<div class="header-status">${badge}</div>`;
    const ready = Boolean(this.conversation) && Boolean(this.store);
    return html`<div class="header-status">
      ${badge}
      ${status === 'closed'
        ? html`<button class="btn small" type="button" data-testid="reopen-conversation" data-status-action
            ?disabled=${!ready || this.statusBusy} @click=${this.reopen}>Reopen</button>`
        : html`<button class="btn small" type="button" data-testid="close-conversation" data-status-action
            ?disabled=${!ready || this.statusBusy} @click=${this.openCloseDialog} aria-haspopup="dialog">Close</button>`}
    </div>`;
  }

  renderHeader() {
    if (this.isAdmin) {
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
        ${this.renderStatus()}
      </header>`;
    }
    return html`<header data-testid="chat-header">
      <slot name="start"></slot>
      <span class="avatar" aria-hidden="true">HR</span>
      <div class="title">
        <h2 data-testid="chat-title">Your school's staff</h2>
        <span class="subtitle">${this.me?.name}${this.me?.className ? html` · Class ${this.me.className}` : nothing}</span>
      </div>
      ${this.renderStatus()}
    </header>`;
  }

  /** A closed conversation says who closed it, when, and why (admins), or that writing reopens it (students). */
  renderBanner() {
    const entry = latestStatusEntry(this.statusEvent, this.store?.messages ?? []);
    const text = closedBanner(this.status, entry, this.isAdmin ? 'admin' : 'student');
    const error = this.reopenError
      ? html`<p class="banner error" role="alert" data-testid="reopen-error">Could not reopen it: ${this.reopenError}</p>`
      : nothing;
    if (!text) return error;
    return html`${error}<p class="banner" data-testid="closed-banner">
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor"/><path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>
      <span>${text}</span>
    </p>`;
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
      body = this.isAdmin
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
            this.timelineItems(messages),
            (item) => item.key,
            (item) => this.renderItem(item),
          )}
        </ol>
        ${store.hasMoreAfter
          ? html`<div class="edge end">
              <button class="btn small ghost" type="button" data-testid="load-newer" @click=${this.loadNewer} ?disabled=${store.loadingNewer}>
                ${store.loadingNewer ? 'Loading newer messages…' : 'Load newer messages'}
              </button>
            </div>`
          : nothing}
      `;
    }
    const waiting = store?.newerWaiting ?? 0;
    // The history is a focusable region (keyboard scrolling); new messages are announced by the live
    // region below instead, so loading older pages or one's own sends are not read out.
    // "Jump to latest" comes before the history in the tab order (it floats over its bottom): a keyboard user
    // reaches it without going through every message.
    return html`${this.gapNotice
        ? html`<div class="gap-notice" role="status" data-testid="gap-notice">${this.gapNotice}</div>`
        : nothing}<div class="history">
      ${store?.loaded && store.hasMoreAfter
        ? html`<button class="btn small primary jump" type="button" data-testid="jump-to-latest" @click=${() => this.jumpToLatest()}
            ?disabled=${store.loadingLatest}>
            <span aria-hidden="true">↓</span> Jump to latest${waiting > 0 ? ` · ${waiting} new` : ''}
          </button>`
        : nothing}
      <div class="scroller" role="region" aria-label="Messages" tabindex="0" @scroll=${this.handleScroll}
        data-testid="history" data-at-latest=${store?.hasMoreAfter ? 'false' : 'true'}>${body}</div>
      ${store?.loadingOlder ? html`<div class="loading-older" aria-hidden="true">Loading earlier messages…</div>` : nothing}
      <div class="visually-hidden" aria-live="polite" data-testid="announcer">${this.announcement}</div>
    </div>`;
  }

  /**
   * The list's items: day separators (by local calendar day, R6.1), messages with their receipt status, and
   * status entries. The status is spelled out under the newest message from this side (and, for an admin,
   * under the newest student message admins read); elsewhere ticks say it, with the words for screen readers
   * and in a tooltip. Status entries have no status.
   */
  timelineItems(messages) {
    const me = this.me;
    const statuses = new Map(messages.map((m) => [m, isChatMessage(m) ? messageStatus(m, this.receipts, me) : null]));
    const newest = (test) => {
      for (let i = messages.length - 1; i >= 0; i -= 1) {
        const m = messages[i];
        if (isChatMessage(m) && test(m, statuses.get(m))) return m;
      }
      return null;
    };
    const ownSide = (m) => (me?.role === 'admin' ? m.senderRole !== 'student' : m.senderId === me?.id);
    const spelledOut = new Set([newest((m, st) => !m.pending && st && ownSide(m))]);
    if (me?.role === 'admin') spelledOut.add(newest((m, st) => st && !ownSide(m)));
    return withDaySeparators(messages).map((item) => {
      if (item.type === 'day') return item;
      const message = item.entry;
      // Keyed by sender and clientMsgId so the pending element becomes the stored one in place.
      const key = message.clientMsgId ? `c:${message.senderId}:${message.clientMsgId}` : `m:${message.id}`;
      return { type: 'entry', key, message, status: statuses.get(message), spelledOut: spelledOut.has(message) };
    });
  }

  renderItem(item) {
    if (item.type === 'day') return html`<li class="day" data-testid="day-separator" data-day=${item.day}>${item.label}</li>`;
    if (isStatusEntry(item.message)) return this.renderStatusEntry(item.message, item.key);
    return this.renderMessage(item.message, item.key, item.status, item.spelledOut);
  }

  /** The time (R6.1): focusable; the full date and time is its accessible text and shows on hover and focus. */
  renderTime(createdAt) {
    if (!createdAt) return nothing;
    return html`<time class="stamp" datetime=${createdAt} tabindex="0" data-testid="message-time"
      ><span aria-hidden="true" data-testid="time-short">${timeLabel(createdAt)}</span><span class="tip" data-testid="time-full">${fullLabel(createdAt)}</span></time
    >`;
  }

  /** A status entry (R6.2, R6.3): "Closed by Ada Admin · 14:02 · “note”", centred. */
  renderStatusEntry(entry, key) {
    const { action, note } = describeStatusEntry(entry);
    const hit = entry.seq === this.hitSeq;
    return html`<li
      class="system ${entry.kind} ${hit ? 'hit' : ''}"
      data-testid="status-entry"
      data-kind=${entry.kind}
      data-key=${key}
      data-seq=${entry.seq}
      data-hit=${hit ? 'true' : 'false'}
      tabindex=${hit ? '-1' : nothing}
    >
      <span class="action" data-testid="status-entry-action">${action}</span> · ${this.renderTime(entry.createdAt)}${note
        ? html` · <span data-testid="status-entry-note">“${note}”</span>`
        : nothing}
    </li>`;
  }

  renderMessage(m, key, status = null, spelledOut = false) {
    const own = m.senderId === this.me?.id;
    const stored = status && !m.pending;
    const hit = !m.pending && m.seq === this.hitSeq;
    const classes = ['msg', own ? 'own' : 'theirs', m.pending ? 'pending' : '', m.failed ? 'failed' : '', hit ? 'hit' : ''].join(' ');
    return html`<li
      class=${classes}
      data-testid="message"
      data-key=${key}
      data-seq=${m.seq ?? nothing}
      data-message-id=${m.id ?? nothing}
      data-sender-role=${m.senderRole ?? nothing}
      data-pending=${m.pending ? 'true' : 'false'}
      data-hit=${hit ? 'true' : 'false'}
      tabindex=${hit ? '-1' : nothing}
    >
      <div class="meta">
        <span class="sender" data-testid="message-sender">${m.senderName}</span>
        ${this.renderTime(m.createdAt)}
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
            <button class="btn small" type="button" data-testid="message-retry" @click=${() => this.deliver(m.clientMsgId)}>Retry</button>
            <button class="btn small ghost" type="button" data-testid="message-discard" @click=${() => this.sender?.discard(m.clientMsgId)}>Discard</button>
          </div>`
        : m.waiting
          ? html`<div class="status waiting" data-testid="message-status" data-status="waiting">
              <span>Waiting to send: it goes as soon as the server can be reached.</span>
              <button class="btn small" type="button" data-testid="message-retry" @click=${() => this.deliver(m.clientMsgId)}>Send now</button>
              <button class="btn small ghost" type="button" data-testid="message-discard" @click=${() => this.sender?.discard(m.clientMsgId)}>Discard</button>
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
    const closed = this.status === 'closed';
    let hint;
    if (typing) hint = nothing;
    else if (down) hint = html`<span class="fallback" data-testid="http-fallback">Live connection down: messages are sent over HTTP and new ones checked for every few seconds.</span>`;
    else if (closed && this.isAdmin) hint = html`<span class="reopen-hint" data-testid="reopen-hint">Closed: sending a message reopens it.</span>`;
    else hint = html`<span class="keys">Enter to send · Shift+Enter for a new line</span>`;
    return html`<form @submit=${this.handleSubmit} data-testid="composer-form">
      <div class="composer">
        <label class="visually-hidden" for="composer">${closed ? 'Message (sending reopens the conversation)' : 'Message'}</label>
        <textarea
          id="composer"
          class="textarea"
          rows="1"
          maxlength=${MAX_BODY_LENGTH}
          placeholder=${closed ? 'Write a message to reopen…' : 'Write a message…'}
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
          ${hint}
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

  /** Closing asks for an optional note (R6.3), at most 500 characters. Admins only. */
  renderCloseDialog() {
    if (!this.isAdmin) return nothing;
    const length = this.closeNote.length;
    const who = this.student?.name ?? 'The student';
    return html`<dialog data-testid="close-dialog" aria-labelledby="close-title" aria-describedby="close-help"
      @close=${this.handleDialogClose}>
      <form @submit=${this.handleCloseSubmit}>
        <h2 id="close-title">Close this conversation?</h2>
        <p id="close-help">${who} can still read it. Writing a message, on either side, reopens it.</p>
        <label for="close-note">Note (optional, shown to the student too)</label>
        <textarea id="close-note" class="textarea" maxlength=${MAX_NOTE_LENGTH} data-testid="close-note"
          aria-describedby="close-note-counter" .value=${this.closeNote}
          @input=${(e) => { this.closeNote = e.target.value; }}></textarea>
        <span id="close-note-counter" class="counter" data-testid="close-note-counter">${length} / ${MAX_NOTE_LENGTH}</span>
        ${this.statusError ? html`<p class="error" role="alert" data-testid="close-error">Could not close it: ${this.statusError}</p>` : nothing}
        <div class="actions">
          <button class="btn" type="button" @click=${this.cancelClose}>Cancel</button>
          <button class="btn primary" type="submit" data-testid="confirm-close" ?disabled=${this.statusBusy}>Close conversation</button>
        </div>
      </form>
    </dialog>`;
  }
}

customElements.define('hr-chat-view', HrChatViewElement);
