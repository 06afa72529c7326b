import { Address, EventType, userInbox } from './contract.js';

/**
 * The signed-in user's live events, from the event bus, as DOM-free typed events.
 *
 * Subscribes to `user.<myId>` and, for admins, `role.admin` (docs/API.md), and re-emits the bodies
 * `{type: "chat.message.created", message}`, `{type: "chat.conversation.created", conversation}`,
 * `{type: "chat.conversation.read", ...}`, `{type: "presence.changed", userId, online}`,
 * `{type: "chat.typing", ...}` and `{type: "chat.receipt", ...}` as typed events. A message or
 * conversation delivered on both addresses is emitted once (typing and receipts are idempotent).
 *
 * @fires message-created - `detail`: Message, with the event's `studentId` and `conversationStatus` (the
 *   conversation's status after it, R6.2) when it carries them. Status entries (`kind` "closed"/"reopened") come
 *   this way too: consumers that count, notify or acknowledge messages skip them (`isChatMessage`).
 * @fires conversation-created - `detail`: Conversation
 * @fires conversation-read - `detail: {conversationId, studentId, userId, readSeq}`: this user read a
 *   conversation (in this tab or another)
 * @fires presence-changed - `detail: {userId, online}` (admins: a student came online or went offline)
 * @fires typing - `detail: {conversationId, studentId, userId, name, role, expiresInMs}`: someone is typing
 *   in a conversation (the server does not send a user their own typing; the consumer ignores it anyway)
 * @fires receipt - `detail: {conversationId, studentId, userId, name, role, deliveredSeq, readSeq}`: a
 *   participant's delivered/read marks moved
 * @fires notification-changed - `detail: {notifications}`: the student's pending notifications, the whole list
 *   (authoritative: the same in every tab; R5.4)
 * @fires staff-entry-created - `detail: {conversationId, studentId, entry, assignee}` (admins only, issue 27): a private
 *   note or an assignment change; `assignee` is the conversation's after an assignment change
 * @fires staff-viewing - `detail: {conversationId, studentId, userId, name, expiresInMs}` (admins only, issue 27): a
 *   colleague has the conversation open (0 ms: they left it)
 * @fires message-acknowledged - `detail: {conversationId, studentId, messageId, seq, announcementId, acknowledgedAt}`:
 *   the student acknowledged a message that asked for it (issue 28, point 2)
 * @fires announcement-changed - `detail: {announcement}` (admins only, issue 28): an announcement was sent or nudged
 * @fires resync - the bus reconnected (addresses registered again): fetch what may have been missed
 */

const REMEMBERED_IDS = 500;

export class ChatEvents extends EventTarget {
  #bus;
  #user;
  #unsubscribers = [];
  #seen = new Set();

  constructor(bus, user) {
    super();
    this.#bus = bus;
    this.#user = user;
  }

  start() {
    if (this.#unsubscribers.length > 0) return this;
    this.#unsubscribers.push(this.#bus.subscribe(userInbox(this.#user.id), this.#handleBody));
    if (this.#user.role === 'admin') {
      this.#unsubscribers.push(this.#bus.subscribe(Address.ADMIN_INBOX, this.#handleBody));
    }
    this.#bus.addEventListener('reconnected', this.#handleReconnected);
    return this;
  }

  stop() {
    for (const unsubscribe of this.#unsubscribers.splice(0)) unsubscribe();
    this.#bus.removeEventListener('reconnected', this.#handleReconnected);
  }

  #handleBody = (body) => {
    if (!body || typeof body !== 'object') return;
    if (body.type === EventType.MESSAGE_CREATED && body.message) {
      if (this.#firstTime(`m${body.message.id}`)) {
        // The event names the conversation's student (the roster row to update, with no lookup) and its status.
        const detail = { ...body.message };
        if (body.studentId != null) detail.studentId = body.studentId;
        if (body.conversationStatus != null) detail.conversationStatus = body.conversationStatus;
        this.dispatchEvent(new CustomEvent('message-created', { detail }));
      }
    } else if (body.type === EventType.CONVERSATION_CREATED && body.conversation) {
      if (this.#firstTime(`c${body.conversation.id}`)) {
        this.dispatchEvent(new CustomEvent('conversation-created', { detail: body.conversation }));
      }
    } else if (body.type === EventType.CONVERSATION_READ && body.conversationId != null) {
      const { conversationId, studentId, userId, readSeq } = body;
      this.dispatchEvent(new CustomEvent('conversation-read', { detail: { conversationId, studentId, userId, readSeq } }));
    } else if (body.type === EventType.PRESENCE_CHANGED && body.userId != null) {
      this.dispatchEvent(new CustomEvent('presence-changed', { detail: { userId: body.userId, online: Boolean(body.online) } }));
    } else if (body.type === EventType.TYPING && body.conversationId != null && body.userId != null) {
      const { conversationId, studentId = null, userId, name = '', role = null, expiresInMs = null } = body;
      this.dispatchEvent(new CustomEvent('typing', { detail: { conversationId, studentId, userId, name, role, expiresInMs } }));
    } else if (body.type === EventType.NOTIFICATION_CHANGED && Array.isArray(body.notifications)) {
      this.dispatchEvent(new CustomEvent('notification-changed', { detail: { notifications: body.notifications } }));
    } else if (body.type === EventType.STAFF_ENTRY_CREATED && body.entry) {
      if (this.#firstTime(`s${body.entry.id}`)) {
        const { conversationId, studentId, entry, assignee = null } = body;
        this.dispatchEvent(new CustomEvent('staff-entry-created', { detail: { conversationId, studentId, entry, assignee } }));
      }
    } else if (body.type === EventType.STAFF_VIEWING && body.conversationId != null && body.userId != null) {
      const { conversationId, studentId = null, userId, name = '', expiresInMs = 0 } = body;
      this.dispatchEvent(new CustomEvent('staff-viewing', { detail: { conversationId, studentId, userId, name, expiresInMs } }));
    } else if (body.type === EventType.MESSAGE_ACKNOWLEDGED && body.messageId != null) {
      if (this.#firstTime(`a${body.messageId}`)) {
        const { conversationId, studentId, messageId, seq, announcementId = null, acknowledgedAt } = body;
        this.dispatchEvent(new CustomEvent('message-acknowledged', {
          detail: { conversationId, studentId, messageId, seq, announcementId, acknowledgedAt },
        }));
      }
    } else if (body.type === EventType.ANNOUNCEMENT_CHANGED && body.announcement) {
      this.dispatchEvent(new CustomEvent('announcement-changed', { detail: { announcement: body.announcement } }));
    } else if (body.type === EventType.RECEIPT && body.conversationId != null && body.userId != null) {
      const { conversationId, studentId = null, userId, name = '', role = null, deliveredSeq = 0, readSeq = 0 } = body;
      this.dispatchEvent(
        new CustomEvent('receipt', { detail: { conversationId, studentId, userId, name, role, deliveredSeq, readSeq } }),
      );
    }
  };

  #handleReconnected = () => {
    this.dispatchEvent(new Event('resync'));
  };

  #firstTime(key) {
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    if (this.#seen.size > REMEMBERED_IDS) this.#seen.delete(this.#seen.values().next().value);
    return true;
  }
}
