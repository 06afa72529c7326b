package app.homeroom.chat;

import app.homeroom.bus.Address;
import app.homeroom.bus.BusCodec;
import app.homeroom.bus.Event;
import app.homeroom.bus.Events;
import app.homeroom.chat.notifications.Notifications;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What is told after a message is stored, by either writer of messages ({@link ChatVerticle}, and the announcements'
 * {@code AnnouncementService}): the same events, in the same way, best effort after commit.
 */
public final class MessageEvents {

  private static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);

  private MessageEvents() {}

  /** An event for a conversation's participants: its student's inbox and the admin inbox, frozen and encoded once. */
  public static void toParticipants(EventBus eb, long studentId, Event event) {
    Events.publish(eb, BusCodec.encode(event), Address.userInbox(studentId), Address.ADMIN_INBOX.address());
  }

  /** The student's pending notifications, the whole list, to their own inbox (R5.1-R5.4). */
  public static void notificationList(EventBus eb, long studentId, JsonArray list) {
    Events.publish(eb, BusCodec.encode(new Event.NotificationChanged(list)), Address.userInbox(studentId));
  }

  /**
   * After a staff message the send statement answered the student's unread count for: their notification, and, when
   * this node pushes, a Web Push for them if they are away (node-local: the push verticle of the node that stored it).
   */
  public static void afterStaffMessage(EventBus eb, long studentId, JsonObject message, long studentUnread,
                                       String startedBy, boolean pushes) {
    notificationList(eb, studentId, Notifications.afterStaffMessage(message, studentUnread, startedBy));
    if (pushes) {
      push(eb, studentId, message);
    }
  }

  /** Tells this node's Web Push of a staff message to {@code studentId} (issue 31, point 3). */
  public static void push(EventBus eb, long studentId, JsonObject message) {
    eb.send(Address.PUSH_STAFF_MESSAGE.address(), new JsonObject().put("studentId", studentId)
        .put("seq", message.getLong("seq")), LOCAL_ONLY);
  }
}
