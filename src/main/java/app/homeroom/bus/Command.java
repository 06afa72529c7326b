package app.homeroom.bus;

import java.util.UUID;

/**
 * The body of each client command (issue 23: a typed bus contract). {@link Address} names each command's type;
 * {@link BusCodec#decode} checks a body against it (a missing, mistyped or non-positive id field is a 400 naming
 * the field) and the command's handler receives the record. Fields are checked in the order they are declared.
 */
public sealed interface Command {

  /** {@link Address#CONVERSATION_OPEN}: start (or find) a student's conversation. Admins only (R1.1). */
  record OpenConversation(@BusCodec.Id long studentId) implements Command {}

  /**
   * {@link Address#MESSAGE_SEND}: store a message once per (sender, clientMsgId) (R3.3); {@code needsAck} (staff only,
   * optional): the student is asked to acknowledge it (issue 28, point 2); {@code attachmentId} (optional): a file the
   * sender uploaded to this conversation goes with it (issue 28, point 3).
   */
  record SendMessage(@BusCodec.Id long conversationId, UUID clientMsgId, String body, Boolean needsAck,
                     Long attachmentId) implements Command {}

  /**
   * {@link Address#MESSAGES_FETCH}: a page of history (R3.4): before a sequence, after one (catch-up), or around one
   * (a search hit, R6.4); the newest page when none is given.
   */
  record FetchMessages(@BusCodec.Id long conversationId, Long limit, Long before, Long after, Long around)
      implements Command {}

  /** {@link Address#CONVERSATION_READ} and {@link Address#CONVERSATION_DELIVERED}: a mark moves up to {@code seq}. */
  record Acknowledge(@BusCodec.Id long conversationId, long seq) implements Command {}

  /** {@link Address#CONVERSATION_CLOSE} (with an optional note) and {@link Address#CONVERSATION_REOPEN} (R6.3). */
  record ChangeStatus(@BusCodec.Id long conversationId, @BusCodec.Optional String note) implements Command {}

  /** {@link Address#TYPING}: "I am typing" (R4.1, R4.2). */
  record Typing(@BusCodec.Id long conversationId) implements Command {}

  /** {@link Address#NOTIFICATIONS_LIST}: the student's pending notifications (R5.4). */
  record ListNotifications() implements Command {}

  /** {@link Address#NOTIFICATIONS_DISMISS}: hide the notification up to {@code seq} (R5.4). */
  record DismissNotification(@BusCodec.Id long conversationId, long seq) implements Command {}

  /**
   * {@link Address#STAFF_VIEWING}: "I have this conversation open" (issue 27, point 2), again every few seconds
   * while it stays open; {@code state} {@code left} when it closes. Staff only.
   */
  record StaffViewing(@BusCodec.Id long conversationId, @BusCodec.Optional String state) implements Command {}
}
