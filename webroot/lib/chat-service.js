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

export class ChatService {
  #bus;

  /** @param {import('./bus-client.js').BusClient} bus */
  constructor(bus) {
    this.#bus = bus;
  }

  /** @returns {Promise<{conversation: object, created: boolean}>} */
  openConversation(studentId) {
    return this.#either(
      () => this.#bus.request('chat.conversation.open', { studentId: Number(studentId) }),
      () => api.openConversation(studentId),
    );
  }

  /** @returns {Promise<{messages: object[], hasMore: boolean}>} */
  fetchMessages(conversationId, { before, after, limit } = {}) {
    const body = { conversationId };
    if (before != null) body.before = before;
    if (after != null) body.after = after;
    if (limit != null) body.limit = limit;
    return this.#either(
      () => this.#bus.request('chat.messages.fetch', body),
      () => api.listMessages(conversationId, { before, after, limit }),
    );
  }

  /** @returns {Promise<{message: object}>} the stored message */
  sendMessage(conversationId, { clientMsgId, body }) {
    return this.#either(
      () => this.#bus.request('chat.message.send', { conversationId, clientMsgId, body }),
      () => api.sendMessage(conversationId, { clientMsgId, body }),
    );
  }

  /**
   * Marks the conversation read up to `seq` for the signed-in user (the mark only moves forward).
   * @returns {Promise<{conversationId: number, readSeq: number, unread: number}>}
   */
  markRead(conversationId, seq) {
    return this.#either(
      () => this.#bus.request('chat.conversation.read', { conversationId, seq }),
      () => api.markRead(conversationId, seq),
    );
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
