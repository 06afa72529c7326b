package app.homeroom.chat.notifications;

import app.homeroom.bus.Identity;
import app.homeroom.chat.ChatService;
import app.homeroom.common.ApiError;
import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * A student's pending notifications (R5.1-R5.4): who wrote, how many, the latest excerpt; and dismissing them.
 * {@code chat.ChatVerticle} answers {@code chat.notifications.list} and {@code chat.notifications.dismiss} with it
 * and publishes {@code notification-changed} after every change that moves them.
 */
public final class Notifications {

  public static final int EXCERPT_CHARS = 140;

  private final Pool pool;
  private final ChatService chat;

  /** @param chat checks that a dismissed conversation is the student's own */
  public Notifications(Pool pool, ChatService chat) {
    this.pool = pool;
    this.chat = chat;
  }

  /** The student's pending notifications: {@code [Notification]} as docs/API.md describes. */
  public Future<JsonArray> notificationsFor(long studentId) {
    return pool.preparedQuery(NotificationsSql.NOTIFICATIONS).execute(Tuple.of(studentId)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        long unread = r.getLong("unread");
        Long dismissed = r.getLong("dismissed_seq");
        Long latestSeq = r.getLong("latest_seq");
        boolean started = !r.getBoolean("has_messages") && dismissed == null;
        boolean pending = started || (unread > 0 && latestSeq != null && latestSeq > r.getLong("read_seq")
            && latestSeq > (dismissed == null ? 0 : dismissed));
        if (!pending) {
          continue;
        }
        out.add(notification(r.getLong("id"), unread, r.getString("latest_body"), r.getString("latest_sender"),
            Text.iso(r.getOffsetDateTime("latest_at")), latestSeq == null ? 0 : latestSeq, r.getString("started_by"), started));
      }
      return out;
    });
  }

  /** One pending notification, as docs/API.md describes it. */
  private static JsonObject notification(long conversationId, long count, String latestBody, String latestSender,
                                         String latestAt, long latestSeq, String startedBy, boolean started) {
    return new JsonObject().put("conversationId", conversationId).put("count", count)
        .put("latestExcerpt", excerpt(latestBody)).put("latestSender", latestSender).put("latestAt", latestAt)
        .put("latestSeq", latestSeq).put("startedBy", startedBy).put("started", started);
  }

  /**
   * The student's notifications just after a staff message, from what the fast send statement answered with it
   * ({@link ChatSql#INSERT_INTO_ACTIVE}: {@code unread}, the staff messages the student has not read, and who
   * started the conversation). A student has one conversation, and this message is its latest staff message, past
   * the read mark and any dismissal: the one notification is pending, with this message as the latest.
   */
  public static JsonArray afterStaffMessage(JsonObject message, long unread, String startedBy) {
    return new JsonArray().add(notification(message.getLong("conversationId"), unread,
        message.getString("body"), message.getString("senderName"), message.getString("createdAt"),
        message.getLong("seq"), startedBy, false));
  }

  /**
   * The student hides their notification up to {@code seq} (0 for a conversation with no message yet) until a
   * newer staff message. Only their own conversation (else 404); {@code seq} within the conversation (else 400).
   */
  public Future<JsonObject> dismiss(Identity actor, long conversationId, long seq) {
    if (actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Staff have no student notifications"));
    }
    if (seq < 0) {
      return Future.failedFuture(ApiError.badRequest("'seq' must not be negative"));
    }
    return chat.conversationFor(actor, conversationId).compose(conversation -> {
      if (seq > conversation.getLong("lastSeq")) {
        return Future.failedFuture(ApiError.badRequest("'seq' is beyond the last message of this conversation"));
      }
      return pool.preparedQuery(NotificationsSql.DISMISS).execute(Tuple.of(conversationId, actor.userId(), seq)).map(v -> conversation);
    });
  }

  /** A message as one line of at most {@value #EXCERPT_CHARS} characters, for a notification. */
  static String excerpt(String body) {
    return app.homeroom.common.Text.oneLine(body, EXCERPT_CHARS);
  }
}
