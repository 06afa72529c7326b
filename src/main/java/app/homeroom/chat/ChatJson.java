package app.homeroom.chat;

import app.homeroom.common.Text;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** How conversations and messages look in JSON (docs/API.md), from the columns {@link ChatSql} selects. */
public final class ChatJson {

  private ChatJson() {}

  public static JsonObject conversation(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("studentId", row.getLong("student_id"))
        .put("status", row.getString("status"))
        .put("createdAt", Text.iso(row.getOffsetDateTime("created_at")))
        .put("lastSeq", row.getLong("last_seq"))
        .put("lastMessageAt", Text.iso(row.getOffsetDateTime("last_message_at")));
  }

  public static JsonObject message(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("conversationId", row.getLong("conversation_id"))
        .put("seq", row.getLong("seq"))
        .put("kind", row.getString("kind"))
        .put("senderId", row.getLong("sender_id"))
        .put("senderRole", row.getString("sender_role"))
        .put("senderName", row.getString("sender_name"))
        .put("clientMsgId", row.getUUID("client_msg_id").toString())
        .put("body", row.getString("body"))
        .put("note", row.getString("note"))
        .put("createdAt", Text.iso(row.getOffsetDateTime("created_at")))
        .put("announcementId", row.getColumnIndex("announcement_id") < 0 ? null : row.getLong("announcement_id"))
        .put("needsAck", row.getColumnIndex("needs_ack") >= 0 && Boolean.TRUE.equals(row.getBoolean("needs_ack")))
        .put("acknowledgedAt", row.getColumnIndex("acknowledged_at") < 0 ? null
            : Text.iso(row.getOffsetDateTime("acknowledged_at")))
        .put("attachment", row.getColumnIndex("attachment") < 0 ? null : attachment(row.getValue("attachment")));
  }

  /** The attachment's {@code json_build_object}, as the pg client gives it (an object, or its text). */
  private static JsonObject attachment(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof JsonObject json ? json : new JsonObject(value.toString());
  }
}
