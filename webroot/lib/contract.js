/**
 * The event-bus contract as the browser sees it: the addresses it may send commands to or listen on, and the `type`
 * of each event on its inboxes. The server's side is `app.homeroom.bus.Address` and `app.homeroom.bus.EventType`;
 * `BusContractTest` fails when this file and those enums disagree in either direction, or when any other web file
 * names an address or event type in a string of its own instead of taking it from here.
 */

/** Commands (request/reply) and inboxes a browser may use; see docs/API.md for each body. */
export const Address = Object.freeze({
  CONVERSATION_OPEN: 'chat.conversation.open',
  MESSAGE_SEND: 'chat.message.send',
  MESSAGES_FETCH: 'chat.messages.fetch',
  CONVERSATION_READ: 'chat.conversation.read',
  CONVERSATION_DELIVERED: 'chat.conversation.delivered',
  CONVERSATION_CLOSE: 'chat.conversation.close',
  CONVERSATION_REOPEN: 'chat.conversation.reopen',
  TYPING: 'chat.typing',
  NOTIFICATIONS_LIST: 'chat.notifications.list',
  NOTIFICATIONS_DISMISS: 'chat.notifications.dismiss',
  /** Staff only: "I have this conversation open" (issue 27, point 2). */
  STAFF_VIEWING: 'team.viewing',
  /** A prefix: `user.<id>` is one user's own inbox. */
  USER_INBOX: 'user.',
  ADMIN_INBOX: 'role.admin',
});

/** The `type` of an event body on an inbox. */
export const EventType = Object.freeze({
  MESSAGE_CREATED: 'chat.message.created',
  CONVERSATION_CREATED: 'chat.conversation.created',
  CONVERSATION_READ: 'chat.conversation.read',
  TYPING: 'chat.typing',
  RECEIPT: 'chat.receipt',
  NOTIFICATION_CHANGED: 'notification.changed',
  PRESENCE_CHANGED: 'presence.changed',
  /** Admin inbox only: a private note or an assignment change (issue 27). */
  STAFF_ENTRY_CREATED: 'team.entry.created',
  /** Admin inbox only: a colleague is viewing a conversation, or left it (issue 27, point 2). */
  STAFF_VIEWING: 'team.viewing',
  /** The student acknowledged a message that asked for it (issue 28, point 2). */
  MESSAGE_ACKNOWLEDGED: 'chat.message.acknowledged',
  /** Admin inbox only: an announcement was sent or nudged (issue 28, point 1). */
  ANNOUNCEMENT_CHANGED: 'announcement.changed',
});

/** One user's own inbox address. */
export function userInbox(userId) {
  return `${Address.USER_INBOX}${userId}`;
}
