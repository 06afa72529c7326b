package app.homeroom.bus;

/** The {@code type} of an event body (an {@link Event} record) delivered on an inbox address ({@link Address#USER_INBOX}, {@link Address#ADMIN_INBOX}). */
public enum EventType {
  /**
   * {@code {type, studentId, message, conversationStatus}}: a message or a status entry was stored (R3.1, R3.2,
   * R6.3); studentId names the roster row, conversationStatus is the status after it.
   */
  MESSAGE_CREATED("chat.message.created", Event.MessageCreated.class),
  /** {@code {type, conversation}}: a conversation was created (R1.1). */
  CONVERSATION_CREATED("chat.conversation.created", Event.ConversationCreated.class),
  /** {@code {type, conversationId, studentId, userId, readSeq}} on the reader's own inbox: their other tabs follow (R2.3). */
  CONVERSATION_READ("chat.conversation.read", Event.ConversationRead.class),
  /** {@code {type, conversationId, studentId, userId, name, role, expiresInMs}}: someone is typing (R4.1, R4.2). */
  TYPING("chat.typing", Event.Typing.class),
  /** {@code {type, conversationId, studentId, userId, name, role, deliveredSeq, readSeq}}: a participant's marks moved (R4.3, R4.4). */
  RECEIPT("chat.receipt", Event.Receipt.class),
  /** {@code {type, notifications}} on a student's own inbox: their pending notifications changed (R5.1-R5.4). */
  NOTIFICATION_CHANGED("notification.changed", Event.NotificationChanged.class),
  /** {@code {type, userId, online}} on the admin inbox: a student came online or went offline anywhere (R2.2). */
  PRESENCE_CHANGED("presence.changed", Event.PresenceChanged.class),
  /**
   * {@code {type, conversationId, studentId, entry, assignee}} on the admin inbox only: a staff-only timeline entry
   * (a private note, an assignment change) was stored; assignee is the conversation's assignee after it (issue 27).
   */
  STAFF_ENTRY_CREATED("team.entry.created", Event.StaffEntryCreated.class),
  /**
   * {@code {type, conversationId, studentId, userId, name, expiresInMs}} on the admin inbox only: a colleague has the
   * conversation open (issue 27, point 2); 0 ms: they left it.
   */
  STAFF_VIEWING("team.viewing", Event.StaffViewing.class),
  /**
   * {@code {type, conversationId, studentId, messageId, seq, announcementId, acknowledgedAt}} on the student's inbox
   * and the admin inbox: the student acknowledged a message that asked for it (issue 28, point 2).
   */
  MESSAGE_ACKNOWLEDGED("chat.message.acknowledged", Event.MessageAcknowledged.class),
  /** {@code {type, announcement}} on the admin inbox only: an announcement was sent or nudged (issue 28, point 1). */
  ANNOUNCEMENT_CHANGED("announcement.changed", Event.AnnouncementChanged.class);

  private final String type;
  private final Class<? extends Event> record;

  EventType(String type, Class<? extends Event> record) {
    this.type = type;
    this.record = record;
  }

  /** The record of this event ({@link BusCodec#encode} writes it). */
  public Class<? extends Event> record() {
    return record;
  }

  public String type() {
    return type;
  }
}
