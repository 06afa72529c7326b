/**
 * The signed-in user's live events, from the event bus, as DOM-free typed events.
 *
 * Subscribes to `user.<myId>` and, for admins, `role.admin` (docs/API.md), and re-emits the bodies
 * `{type: "chat.message.created", message}` and `{type: "chat.conversation.created", conversation}`
 * as `message-created` / `conversation-created` events whose `detail` is the message or
 * conversation. A message delivered on both addresses is emitted once.
 *
 * @fires message-created - `detail`: Message
 * @fires conversation-created - `detail`: Conversation
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
    this.#unsubscribers.push(this.#bus.subscribe(`user.${this.#user.id}`, this.#handleBody));
    if (this.#user.role === 'admin') {
      this.#unsubscribers.push(this.#bus.subscribe('role.admin', this.#handleBody));
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
    if (body.type === 'chat.message.created' && body.message) {
      if (this.#firstTime(`m${body.message.id}`)) {
        this.dispatchEvent(new CustomEvent('message-created', { detail: body.message }));
      }
    } else if (body.type === 'chat.conversation.created' && body.conversation) {
      if (this.#firstTime(`c${body.conversation.id}`)) {
        this.dispatchEvent(new CustomEvent('conversation-created', { detail: body.conversation }));
      }
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
