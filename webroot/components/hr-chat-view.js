import { LitElement, html, nothing } from 'lit';
import * as api from '../lib/api.js';
import { listenAll } from '../lib/listeners.js';
import { SessionController } from '../lib/session-controller.js';
import { ConversationStore } from '../lib/conversation-store.js';
import { OutboxSender } from '../lib/outbox.js';
import { Receipts } from '../lib/receipts.js';
import { describeTypists } from '../lib/typing-tracker.js';
import { randomUUID } from '../lib/uuid.js';
import { isStatusEntry, isChatMessage, announceStatusEntry } from '../lib/conversation-status.js';
import { baseStyles, buttonStyles, formStyles, badgeStyles, avatarStyles, presenceStyles } from './shared-styles.js';
import { chatViewStyles } from './chat-view-styles.js';
import { renderTimeline } from './message-list.js';
import { renderChatHeader, renderClosedBanner } from './chat-header.js';
import { HistoryScroll } from './history-scroll.js';
import { ChatTeamController } from './chat-team.js';
import { ChatStatusController } from './chat-status.js';
import './hr-composer.js';

const ANNOUNCE_MAX_CHARS = 200; // what the live region reads of an incoming message
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
    /** False while the view is mounted but not shown (the student's notifications are): it marks nothing read. */
    active: { type: Boolean },
    conversation: { state: true },
    student: { state: true },
    announcement: { state: true },
    /** The participants' delivered/read marks in this conversation. */
    receipts: { state: true },
    loadError: { state: true },
    /** A search hit to open the conversation at: `{seq}` (a new object each time it is asked for), or null. */
    openAt: { attribute: false },
    /** The latest "closed"/"reopened" entry the server named (R6.2), or null. */
    statusEvent: { state: true },
    /** The entry highlighted as the opened search hit, or null. */
    hitSeq: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    badgeStyles,
    avatarStyles,
    presenceStyles,
    chatViewStyles,
  ];

  constructor() {
    super();
    this.session = null;
    this.conversationId = null;
    this.active = true;
    this.conversation = null;
    this.student = null;
    this.announcement = '';
    this.receipts = new Receipts();
    this.loadError = '';
    this.openAt = null;
    this.statusEvent = null;
    this.hitSeq = null;
    /** Admins: closing and reopening the conversation (components/chat-status.js). */
    this.statusControl = new ChatStatusController(this);
    /** Admins: the open conversation's team inbox, assignment, notes and quiet hours (components/chat-team.js). */
    this.teamView = new ChatTeamController(this);
    this.store = null;
    /** The open conversation's {@link OutboxSender}. */
    this.sender = null;
    /** Removes the open conversation's poll task. */
    this.unpoll = null;
    /** "Showing the latest messages" after a gap reload (R5.3), for a few seconds. */
    this.gapNotice = '';
    this.gapTimer = null;
    /** Sticks to the bottom, keeps the place when older pages go in, loads pages as the reader scrolls. */
    this.history = new HistoryScroll(this);
    /** The seq the conversation's status was last learnt at: an older word does not undo a newer one. */
    this.statusSeq = -1;
    /** The seq to scroll to, highlight and focus once it is rendered (R6.4). */
    this.revealSeq = null;
    /** Listens to the session's live events and connection state. */
    this.sessionBinding = new SessionController(this, (session) =>
      listenAll([
        [session.events, 'message-created', this.handleMessageCreated],
        [session.events, 'presence-changed', this.handlePresenceChanged],
        [session.events, 'resync', this.handleResync],
        [session.events, 'receipt', this.handleReceipt],
        [session.events, 'message-acknowledged', this.handleAcknowledged],
        [session.typing, 'change', this.handleTypingChange],
        [session.bus, 'statechange', this.handleBusState],
        [session.bus, 'attemptfailed', this.handleBusState],
        [session.attention, 'change', this.handleAttentionChange],
        [session.poller ?? new EventTarget(), 'poll', this.handlePoll],
        [window, 'online', this.handleOnline],
      ]),
    );
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.closeOutbox();
  }

  /** Stops the open conversation's sending and polling (what waits stays in storage for the next time). */
  closeOutbox() {
    this.teamView.close(); // "left": colleagues stop seeing this admin here at once
    this.sender?.removeEventListener('sent', this.handleSent);
    this.sender?.stop();
    this.sender = null;
    this.unpoll?.();
    this.unpoll = null;
    clearTimeout(this.gapTimer);
    this.gapNotice = '';
  }

  get me() {
    return this.session?.user;
  }

  get isAdmin() {
    return this.me?.role === 'admin';
  }

  willUpdate(changed) {
    if (changed.has('conversationId')) {
      /** The entry whose time is the message list's one Tab stop (message-list.js); the newest when null. */
      this.timeFocusKey = null;
      this.openConversation();
    }
    else if (changed.has('openAt') && this.openAt?.seq != null && this.store) this.showAt(this.openAt.seq);
  }

  updated(changed) {
    if (this.revealSeq != null && this.store?.loaded && !this.store.loadingAround) this.reveal();
    if (changed.has('conversationId') && this.conversationId != null && this.active && this.openAt?.seq == null) {
      this.focusComposer();
    }
    if (changed.has('active') && changed.get('active') === false && this.active) {
      // Shown after being mounted hidden: it opens at the newest message (or at the hit it is showing).
      if (this.revealSeq == null && this.hitSeq == null && !this.store?.hasMoreAfter) {
        this.history.forceBottom = true;
        this.requestUpdate();
      }
      this.updateComplete.then(() => this.history.fillViewport());
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
    this.announcement = '';
    this.hitSeq = null;
    this.revealSeq = null;
    this.statusControl.reset();
    this.receipts = new Receipts();
    const id = this.conversationId;
    if (id == null || !this.session) return;

    const session = this.session;
    if (this.isAdmin) this.teamView.open(session, id);
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
      this.history.forceBottom = false;
      this.showAt(seq);
      return;
    }
    this.history.forceBottom = true;
    store
      .loadLatest()
      .then(() => {
        if (this.store !== store) return;
        this.history.forceBottom = true;
        this.requestUpdate();
        this.maybeMarkRead();
        this.sender?.flush(); // what an earlier page left waiting goes now
        return this.updateComplete.then(() => this.history.fillViewport());
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
    this.history.forceBottom = false;
    this.hitSeq = null; // a hit opened again highlights again
    this.revealSeq = seq;
    try {
      await store.loadAround(seq);
      if (this.store !== store) return;
      this.requestUpdate();
      this.maybeMarkRead();
      await this.updateComplete;
      this.history.fillViewport();
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

  /** A private note was stored (issue 27, point 3): it goes at the bottom, as a message would. */
  async handleNote(event) {
    if (await this.teamView.note(event)) {
      this.history.forceBottom = true;
      this.requestUpdate();
    }
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
    this.history.forceBottom = true;
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

  handleAcknowledged = (event) => {
    const { conversationId, messageId, acknowledgedAt } = event.detail;
    if (conversationId === this.conversationId) this.store?.acknowledge(messageId, acknowledgedAt);
  };

  /** The student's "I have read this" (issue 28, point 2); stored once, so pressing again is harmless. */
  async acknowledge(message) {
    if (this.acknowledging) return;
    this.acknowledging = message.id;
    this.ackError = '';
    this.requestUpdate();
    try {
      const result = await api.acknowledgeMessage(message.id);
      this.store?.acknowledge(message.id, result.acknowledgedAt);
    } catch (error) {
      this.ackError = error.message || 'Could not acknowledge it; try again.';
    } finally {
      this.acknowledging = null;
      this.requestUpdate();
    }
  }

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

  // ---- history scrolling ------------------------------------------------------------------

  /** "Jump to latest" (R6.4): the newest page replaces the window; the focus stays in the history. */
  async jumpToLatest({ focusHistory = true } = {}) {
    const store = this.store;
    if (!store) return;
    this.hitSeq = null;
    this.revealSeq = null;
    this.history.forceBottom = true;
    this.dispatchEvent(new CustomEvent('hr-at-latest', { bubbles: true, composed: true }));
    try {
      await store.jumpToLatest();
      if (this.store !== store) return;
      this.history.forceBottom = true;
      this.requestUpdate();
      await this.updateComplete;
      if (focusHistory) this.history.scroller?.focus({ preventScroll: true });
      this.history.fillViewport();
    } catch (error) {
      console.warn('[chat] cannot load the newest messages', error);
    }
  }

  // ---- sending ----------------------------------------------------------------------------

  get composer() {
    return this.renderRoot?.querySelector('hr-composer');
  }

  /** Puts the focus in the composer, once it has rendered (a conversation opened just now renders it first). */
  async focusComposer() {
    await this.updateComplete;
    const composer = this.composer;
    await composer?.updateComplete;
    composer?.focusInput();
  }

  /** Sends the draft: shown at once as pending, kept in the outbox until stored, replaced by the stored copy. */
  handleSend(event) {
    if (!this.store || !this.sender) {
      event.preventDefault(); // the draft stays
      return;
    }
    this.history.forceBottom = true;
    // Writing from a search hit: the message goes at the end, so the view goes there (R6.4).
    if (this.store.hasMoreAfter) this.jumpToLatest({ focusHistory: false });
    this.session?.typingSignal?.reset(this.store.conversationId); // the message ends the typing on their side
    this.sender.submit(event.detail.body, { needsAck: Boolean(event.detail.needsAck), attachment: event.detail.attachment ?? null });
  }

  /** Sends (again) a pending message now: same clientMsgId, so never stored twice. */
  deliver(clientMsgId) {
    this.sender?.deliver(clientMsgId);
  }

  // ---- rendering --------------------------------------------------------------------------

  render() {
    if (this.conversationId == null) return nothing;
    return html`${renderChatHeader(this)}${this.renderTeamBar()}${renderClosedBanner(this)}${this.renderHistory()}${this.renderComposer()}${this.statusControl.renderDialog()}`;
  }

  get status() {
    return this.conversation?.status === 'closed' ? 'closed' : 'active';
  }

  renderHistory() {
    const store = this.store;
    const messages = store?.messages ?? [];
    const body = renderTimeline(this);
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
      <div class="scroller" role="region" aria-label="Messages" tabindex="0" @scroll=${() => this.history.handleScroll()}
        data-testid="history" data-at-latest=${store?.hasMoreAfter ? 'false' : 'true'}>${body}</div>
      ${store?.loadingOlder ? html`<div class="loading-older" aria-hidden="true">Loading earlier messages…</div>` : nothing}
      <div class="visually-hidden" aria-live="polite" data-testid="announcer">${this.announcement}</div>
    </div>`;
  }

  renderComposer() {
    // Staff see a colleague typing in the team bar, the student typing here (issue 27, point 2).
    const typists = this.session?.typing?.typists(this.conversationId) ?? [];
    const shown = this.isAdmin ? typists.filter((t) => t.role === 'student') : typists;
    return html`<hr-composer .session=${this.session} .conversationId=${this.conversationId} ?ready=${Boolean(this.store)}
      ?closed=${this.status === 'closed'} ?admin=${this.isAdmin} ?down=${this.session?.bus?.isDown}
      .typing=${describeTypists(shown)} .student=${this.student} .me=${this.me} .quietUntil=${this.teamView.quietUntil}
      @hr-send=${this.handleSend} @hr-note=${this.handleNote}></hr-composer>`;
  }

  /** Admins: who the conversation is assigned to, and which colleagues are viewing or typing in it (issue 27). */
  renderTeamBar() {
    if (!this.isAdmin) return nothing;
    const staffTyping = (this.session?.typing?.typists(this.conversationId) ?? [])
      .filter((t) => t.role === 'admin' && t.userId !== this.me?.id);
    return this.teamView.renderBar(this.me, staffTyping);
  }
}

customElements.define('hr-chat-view', HrChatViewElement);
