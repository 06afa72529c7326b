package app.homeroom.chat;

import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Closing and reopening a conversation (R6.2, R6.3), and its latest such entry: staff only, each change one
 * statement that writes the status and its entry in the conversation's history together ({@link ChatSql#CHANGE_STATUS}).
 * One per {@link ChatService}, which it asks for the conversation as the actor may see it.
 */
public final class ConversationStatus {

  /** The longest note a close may carry, in characters (code points). */
  public static final int MAX_NOTE_CHARS = 500;

  /** The result of a status change: the conversation as it is now, and the new entry (null when nothing changed). */
  public record StatusChange(JsonObject conversation, JsonObject event) {}

  private final Pool pool;
  private final ChatService chat;

  ConversationStatus(Pool pool, ChatService chat) {
    this.pool = pool;
    this.chat = chat;
  }

  /**
   * Closes ({@code close}) or reopens the conversation (R6.2, R6.3); staff only. Idempotent: a conversation that
   * already has the wanted status is answered as it is, with no entry written. The note (closing only) is trimmed,
   * at most {@value #MAX_NOTE_CHARS} characters; blank means none.
   */
  public Future<StatusChange> change(Identity actor, long conversationId, boolean close, String note) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff can close or reopen conversations"));
    }
    String cleanNote;
    try {
      cleanNote = close ? cleanNote(note) : null;
      if (!close && note != null) {
        throw ApiError.badRequest("A note is given when closing, not when reopening");
      }
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    String status = close ? ChatService.STATUS_CLOSED : ChatService.STATUS_ACTIVE;
    return chat.conversationFor(actor, conversationId).compose(before -> pool.preparedQuery(ChatSql.CHANGE_STATUS)
        .execute(Tuple.of(conversationId, actor.userId(), status, close ? "closed" : "reopened", cleanNote))
        .compose(rows -> {
          JsonObject event = rows.size() == 1 ? ChatJson.message(rows.iterator().next()) : null;
          return chat.conversationFor(actor, conversationId).map(now -> new StatusChange(now, event));
        }));
  }

  static String cleanNote(String note) {
    if (note == null || note.isBlank()) {
      return null;
    }
    String trimmed = note.strip();
    if (trimmed.codePointCount(0, trimmed.length()) > MAX_NOTE_CHARS) {
      throw ApiError.badRequest("A note can be at most " + MAX_NOTE_CHARS + " characters");
    }
    Text.rejectControlCharacters(trimmed, "A note");
    return trimmed;
  }

  /** The conversation's latest "closed"/"reopened" entry, or null when its status never changed. */
  public Future<JsonObject> latestEntry(long conversationId) {
    return pool.preparedQuery(ChatSql.LATEST_STATUS_ENTRY).execute(Tuple.of(conversationId))
        .map(rows -> rows.size() == 0 ? null : ChatJson.message(rows.iterator().next()));
  }
}
