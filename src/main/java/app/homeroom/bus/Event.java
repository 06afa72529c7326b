package app.homeroom.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The events browsers receive on their inboxes, one record per {@link EventType}. {@link BusCodec#encode} writes
 * one as {@code {type, <components in order>}}, what docs/API.md describes and {@code webroot/lib/chat-events.js}
 * reads; {@link Events} publishes it frozen.
 */
public sealed interface Event {

  EventType type();

  /** A message or a status entry was stored (R3.1, R3.2, R6.3); the conversation's status after it. */
  record MessageCreated(long studentId, JsonObject message, String conversationStatus) implements Event {
    public EventType type() {
      return EventType.MESSAGE_CREATED;
    }
  }

  /** A conversation was created (R1.1). */
  record ConversationCreated(JsonObject conversation) implements Event {
    public EventType type() {
      return EventType.CONVERSATION_CREATED;
    }
  }

  /** On the reader's own inbox: their read mark moved, so their other tabs follow (R2.3). */
  record ConversationRead(long conversationId, long studentId, long userId, Long readSeq) implements Event {
    public EventType type() {
      return EventType.CONVERSATION_READ;
    }
  }

  /** Someone is typing (R4.1, R4.2); the indicator lasts {@code expiresInMs} without a new event. */
  record Typing(long conversationId, long studentId, long userId, String name, String role, long expiresInMs)
      implements Event {
    public EventType type() {
      return EventType.TYPING;
    }
  }

  /** A participant's delivered and read marks moved (R4.3, R4.4). */
  record Receipt(long conversationId, long studentId, long userId, String name, String role, Long deliveredSeq,
                 Long readSeq) implements Event {
    public EventType type() {
      return EventType.RECEIPT;
    }
  }

  /** On a student's own inbox: their pending notifications now (R5.1-R5.4). */
  record NotificationChanged(JsonArray notifications) implements Event {
    public EventType type() {
      return EventType.NOTIFICATION_CHANGED;
    }
  }

  /** On the admin inbox: a student came online or went offline anywhere (R2.2). */
  record PresenceChanged(long userId, boolean online) implements Event {
    public EventType type() {
      return EventType.PRESENCE_CHANGED;
    }
  }

  /**
   * On the admin inbox only: a staff-only timeline entry was stored (issue 27); {@code assignee} ({@code {id, name}}
   * or null) is who the conversation is assigned to after it.
   */
  record StaffEntryCreated(long conversationId, long studentId, JsonObject entry, JsonObject assignee)
      implements Event {
    public EventType type() {
      return EventType.STAFF_ENTRY_CREATED;
    }
  }

  /** On the admin inbox only: a colleague is viewing a conversation for {@code expiresInMs} more (0: they left it). */
  record StaffViewing(long conversationId, long studentId, long userId, String name, long expiresInMs)
      implements Event {
    public EventType type() {
      return EventType.STAFF_VIEWING;
    }
  }

  /**
   * A student acknowledged a message that asked for it (issue 28, point 2), on their inbox and the admin inbox;
   * {@code announcementId} when the message is a copy of an announcement.
   */
  record MessageAcknowledged(long conversationId, long studentId, long messageId, long seq, Long announcementId,
                             String acknowledgedAt) implements Event {
    public EventType type() {
      return EventType.MESSAGE_ACKNOWLEDGED;
    }
  }

  /** On the admin inbox only: an announcement was sent or nudged (issue 28, point 1), as the list shows it now. */
  record AnnouncementChanged(JsonObject announcement) implements Event {
    public EventType type() {
      return EventType.ANNOUNCEMENT_CHANGED;
    }
  }
}
