package app.homeroom.bus;

/** The {@code type} of an event body delivered on an inbox address ({@link Address#USER_INBOX}, {@link Address#ADMIN_INBOX}). */
public enum EventType {
  /**
   * {@code {type, studentId, message, conversationStatus}}: a message or a status entry was stored (R3.1, R3.2,
   * R6.3); studentId names the roster row, conversationStatus is the status after it.
   */
  MESSAGE_CREATED("chat.message.created"),
  /** {@code {type, conversation}}: a conversation was created (R1.1). */
  CONVERSATION_CREATED("chat.conversation.created"),
  /** {@code {type, conversationId, studentId, userId, readSeq}} on the reader's own inbox: their other tabs follow (R2.3). */
  CONVERSATION_READ("chat.conversation.read"),
  /** {@code {type, conversationId, studentId, userId, name, role, expiresInMs}}: someone is typing (R4.1, R4.2). */
  TYPING("chat.typing"),
  /** {@code {type, conversationId, studentId, userId, name, role, deliveredSeq, readSeq}}: a participant's marks moved (R4.3, R4.4). */
  RECEIPT("chat.receipt"),
  /** {@code {type, notifications}} on a student's own inbox: their pending notifications changed (R5.1-R5.4). */
  NOTIFICATION_CHANGED("notification.changed"),
  /** {@code {type, userId, online}} on the admin inbox: a student came online or went offline anywhere (R2.2). */
  PRESENCE_CHANGED("presence.changed");

  private final String type;

  EventType(String type) {
    this.type = type;
  }

  public String type() {
    return type;
  }
}
