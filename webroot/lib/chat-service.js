/**
 * Chat commands over the live channel when it is up, over HTTP when it is not (R1.4).
 *
 * Each command has the same meaning on both transports (docs/API.md). A command that fails because
 * of the transport (not live, socket lost, no reply in time) is retried once over HTTP; a command
 * the server refused (forbidden, bad request…) is not. Sending is idempotent on `clientMsgId`, so a
 * retry after a lost reply never stores a second copy.
 */
import * as api from './api.js';
import { BusError } from './bus-client.js';
import { Address } from './contract.js';

export class ChatService {
  #bus;

  /** @param {import('./bus-client.js').BusClient} bus */
  constructor(bus) {
    this.#bus = bus;
  }

  /** @returns {Promise<{conversation: object, created: boolean}>} */
  openConversation(studentId) {
    return this.#either(
      () => this.#bus.request(Address.CONVERSATION_OPEN, { studentId: Number(studentId) }),
      () => api.openConversation(studentId),
    );
  }

  /**
   * A page of messages. `around` (R6.4: the entry at that seq with its neighbours, `{messages, hasOlder,
   * hasNewer}`) has no bus command: it always goes over HTTP.
   * @returns {Promise<{messages: object[], hasMore?: boolean, hasOlder?: boolean, hasNewer?: boolean}>}
   */
  fetchMessages(conversationId, { before, after, around, limit } = {}) {
    if (around != null) return api.listMessages(conversationId, { around, limit });
    const body = { conversationId };
    if (before != null) body.before = before;
    if (after != null) body.after = after;
    if (limit != null) body.limit = limit;
    return this.#either(
      () => this.#bus.request(Address.MESSAGES_FETCH, body),
      () => api.listMessages(conversationId, { before, after, limit }),
    );
  }

  /**
   * @returns {Promise<{message: object, reopened: object|null}>} the stored message, and the "reopened" entry
   *   stored just before it when it reopened a closed conversation (R6.3)
   */
  sendMessage(conversationId, { clientMsgId, body, needsAck = false, attachmentId = null }) {
    // needsAck and attachmentId (issue 28) only when given: every other send's frame stays as it was.
    const command = { conversationId, clientMsgId, body };
    if (needsAck) command.needsAck = true;
    if (attachmentId != null) command.attachmentId = attachmentId;
    return this.#either(
      () => this.#bus.request(Address.MESSAGE_SEND, command),
      () => api.sendMessage(conversationId, { clientMsgId, body, needsAck, attachmentId }),
    );
  }

  /** Closes a conversation (admins), with an optional note (R6.3). @returns {Promise<{conversation, event}>} */
  closeConversation(conversationId, note) {
    const body = { conversationId };
    if (note) body.note = note;
    return this.#either(
      () => this.#bus.request(Address.CONVERSATION_CLOSE, body),
      () => api.closeConversation(conversationId, note),
    );
  }

  /** Reopens a closed conversation (admins, R6.3). @returns {Promise<{conversation, event}>} */
  reopenConversation(conversationId) {
    return this.#either(
      () => this.#bus.request(Address.CONVERSATION_REOPEN, { conversationId }),
      () => api.reopenConversation(conversationId),
    );
  }

  /**
   * Marks the conversation read up to `seq` for the signed-in user (the mark only moves forward).
   * Read implies delivered.
   * @returns {Promise<{conversationId: number, readSeq: number, deliveredSeq?: number, unread: number}>}
   */
  markRead(conversationId, seq) {
    return this.#either(
      () => this.#bus.request(Address.CONVERSATION_READ, { conversationId, seq }),
      () => api.markRead(conversationId, seq),
    );
  }

  /**
   * Acknowledges that this user's clients have the conversation's messages up to `seq` (R4.3; forward only).
   * @returns {Promise<{conversationId: number, deliveredSeq: number, readSeq: number}>}
   */
  markDelivered(conversationId, seq) {
    return this.#either(
      () => this.#bus.request(Address.CONVERSATION_DELIVERED, { conversationId, seq }),
      () => api.markDelivered(conversationId, seq),
    );
  }

  /**
   * Tells the conversation's other participants that this user is typing (R4.1, R4.2). Live channel
   * only, never over HTTP: typing is ephemeral, and a late one would be wrong. Resolves to null when
   * not live.
   */
  typing(conversationId) {
    if (!this.#bus.isLive) return Promise.resolve(null);
    return this.#bus.request(Address.TYPING, { conversationId });
  }

  /**
   * Staff only (issue 27, point 2): "I have this conversation open" (`state` "viewing"), or "I left it" ("left"), to
   * the other staff. Live channel only, like typing; resolves to null when not live.
   */
  viewing(conversationId, state = 'viewing') {
    if (!this.#bus.isLive) return Promise.resolve(null);
    return this.#bus.request(Address.STAFF_VIEWING, { conversationId, state });
  }

  async #either(overBus, overHttp) {
    if (!this.#bus.isLive) return overHttp();
    try {
      return await overBus();
    } catch (error) {
      if (error instanceof BusError && error.isTransportFailure) return overHttp();
      throw error;
    }
  }
}
