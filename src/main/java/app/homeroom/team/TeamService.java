package app.homeroom.team;

import app.homeroom.bus.Address;
import app.homeroom.bus.BusCodec;
import app.homeroom.bus.Event;
import app.homeroom.bus.Events;
import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * The team inbox (issue 27): who a conversation is assigned to, the private notes staff leave in it, and the saved
 * replies they share. Staff only, every method: a student is refused before any query, and nothing here is ever
 * published anywhere but the admin inbox, so no student path can see a note or an assignment (the student's history,
 * catch-up, search and notifications read {@code messages}; staff entries live in a table of their own).
 *
 * <p>The writer of {@code staff_entries}, {@code conversation_assignments} and {@code saved_replies}. Each change is one
 * statement with its timeline and audit entries, so nothing is half-written.
 */
public final class TeamService {

  public static final int MAX_NOTE_CHARS = 4000;
  public static final int MAX_TITLE_CHARS = 100;
  public static final int MAX_REPLY_CHARS = 4000;
  static final int ENTRIES_PAGE = 200;

  private static final String UNIQUE_VIOLATION = "23505";

  private final Vertx vertx;
  private final Pool pool;

  public TeamService(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /**
   * What staff see of a conversation beyond its messages: who it is assigned to, and its staff entries, newest first,
   * a page of them before entry {@code before} (null: the newest).
   */
  public Future<JsonObject> team(Identity actor, long conversationId, Long before) {
    staffOnly(actor);
    Future<JsonObject> assignment = assignment(conversationId);
    Future<JsonObject> entries = assignment.compose(a -> pool.preparedQuery(TeamSql.ENTRIES)
        .execute(Tuple.of(conversationId, before, ENTRIES_PAGE + 1))
        .map(rows -> {
          JsonArray list = new JsonArray();
          for (Row row : rows) {
            if (list.size() < ENTRIES_PAGE) {
              list.add(entry(row));
            }
          }
          return new JsonObject().put("entries", list).put("hasMore", rows.size() > ENTRIES_PAGE);
        }));
    return entries.map(page -> new JsonObject().put("conversationId", conversationId)
        .put("studentId", assignment.result().getLong("studentId"))
        .put("assignee", assignment.result().getJsonObject("assignee"))
        .mergeIn(page));
  }

  /** A private note (issue 27, point 3), once per (author, clientId): a retry answers the stored note. */
  public Future<JsonObject> addNote(Identity actor, long conversationId, UUID clientId, String body) {
    staffOnly(actor);
    Text.requireWritten(body, "A note", MAX_NOTE_CHARS);
    return pool.preparedQuery(TeamSql.ADD_NOTE).execute(Tuple.of(conversationId, actor.userId(), clientId, body))
        .compose(rows -> {
          if (rows.size() == 1) {
            Row row = rows.iterator().next();
            JsonObject entry = entry(row);
            publish(conversationId, row.getLong("student_id"), entry, null);
            return Future.succeededFuture(new JsonObject().put("entry", entry).put("duplicate", false));
          }
          return pool.preparedQuery(TeamSql.ENTRY_BY_CLIENT_ID).execute(Tuple.of(actor.userId(), clientId))
              .map(existing -> {
                if (existing.size() == 0) {
                  throw ApiError.notFound("No such conversation");
                }
                Row row = existing.iterator().next();
                if (row.getLong("conversation_id") != conversationId) {
                  throw ApiError.conflict("This clientId was already used for a note in another conversation");
                }
                return new JsonObject().put("entry", entry(row)).put("duplicate", true);
              });
        });
  }

  /**
   * Assigns the conversation to admin {@code assigneeId}, or unassigns it (null). Answers the assignment as it is now
   * and the entry the change wrote (null when nothing changed: it already was so).
   */
  public Future<JsonObject> assign(Identity actor, long conversationId, Long assigneeId) {
    staffOnly(actor);
    Future<Void> assignable = assigneeId == null ? Future.succeededFuture()
        : pool.preparedQuery(TeamSql.ASSIGNABLE_ADMIN).execute(Tuple.of(assigneeId)).map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.badRequest("'assigneeId' must be an enabled staff account");
          }
          return null;
        });
    return assignable
        .compose(v -> pool.preparedQuery(assigneeId == null ? TeamSql.UNASSIGN : TeamSql.ASSIGN)
            .execute(assigneeId == null ? Tuple.of(conversationId, actor.userId())
                : Tuple.of(conversationId, actor.userId(), assigneeId)))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "23503".equals(pg.getSqlState())
            ? ApiError.badRequest("'assigneeId' must be an enabled staff account") : err))
        .compose(rows -> assignment(conversationId).map(now -> {
          JsonObject entry = null;
          if (rows.size() == 1) {
            Row row = rows.iterator().next();
            entry = entry(row);
            publish(conversationId, row.getLong("student_id"), entry, now.getJsonObject("assignee"));
          }
          return now.put("entry", entry);
        }));
  }

  /**
   * "I have this conversation open" (issue 27, point 2), to the other staff only; nothing is stored. Clients say it
   * again every 4 s (webroot/lib/team-inbox.js) and drop a viewer not renewed within {@link #VIEWING_EXPIRES_MS}, so a
   * tab that dies (or a node that does) stops showing within seconds.
   */
  public void viewing(Identity actor, long conversationId, long studentId, String state) {
    staffOnly(actor);
    boolean left = "left".equals(state);
    if (state != null && !left && !"viewing".equals(state)) {
      throw ApiError.badRequest("'state' must be viewing or left");
    }
    Events.publish(vertx.eventBus(), BusCodec.encode(new Event.StaffViewing(conversationId, studentId,
        actor.userId(), actor.name(), left ? 0 : VIEWING_EXPIRES_MS)), Address.ADMIN_INBOX.address());
  }

  /** How long a viewer shows without being said again. */
  public static final long VIEWING_EXPIRES_MS = 10_000;

  // ---- saved replies (issue 27, point 4) -----------------------------------------------------------------------------

  public Future<JsonObject> savedReplies(Identity actor) {
    staffOnly(actor);
    return pool.query(TeamSql.SAVED_REPLIES).execute().map(rows -> {
      JsonArray list = new JsonArray();
      rows.forEach(r -> list.add(savedReply(r)));
      return new JsonObject().put("savedReplies", list);
    });
  }

  public Future<JsonObject> createSavedReply(Identity actor, JsonObject body) {
    staffOnly(actor);
    String title = title(body);
    String text = replyText(body);
    return pool.preparedQuery(TeamSql.CREATE_SAVED_REPLY).execute(Tuple.of(title, text, actor.userId()))
        .recover(TeamService::titleTaken)
        .map(rows -> savedReply(rows.iterator().next()));
  }

  public Future<JsonObject> updateSavedReply(Identity actor, long id, JsonObject body) {
    staffOnly(actor);
    String title = title(body);
    String text = replyText(body);
    return pool.preparedQuery(TeamSql.UPDATE_SAVED_REPLY).execute(Tuple.of(id, title, text, actor.userId()))
        .recover(TeamService::titleTaken)
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("No such saved reply");
          }
          return savedReply(rows.iterator().next());
        });
  }

  public Future<JsonObject> deleteSavedReply(Identity actor, long id) {
    staffOnly(actor);
    return pool.preparedQuery(TeamSql.DELETE_SAVED_REPLY).execute(Tuple.of(id, actor.userId())).map(rows -> {
      if (rows.size() == 0) {
        throw ApiError.notFound("No such saved reply");
      }
      return new JsonObject().put("deleted", id);
    });
  }

  private static String title(JsonObject body) {
    String title = Params.requireString(body, "title").strip();
    Text.requireWritten(title, "A title", MAX_TITLE_CHARS);
    if (title.contains("\n") || title.contains("\r") || title.contains("\t")) {
      throw ApiError.badRequest("A title is one line");
    }
    return title;
  }

  private static String replyText(JsonObject body) {
    String text = Params.requireString(body, "body");
    Text.requireWritten(text, "A saved reply", MAX_REPLY_CHARS);
    return text;
  }

  private static Future<RowSet<Row>> titleTaken(Throwable err) {
    if (err instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
      return Future.failedFuture(ApiError.conflict("A saved reply with this title exists already"));
    }
    return Future.failedFuture(err);
  }

  // ---- shared --------------------------------------------------------------------------------------------------------

  private Future<JsonObject> assignment(long conversationId) {
    return pool.preparedQuery(TeamSql.ASSIGNMENT).execute(Tuple.of(conversationId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiError.notFound("No such conversation");
      }
      Row row = rows.iterator().next();
      return new JsonObject().put("conversationId", conversationId).put("studentId", row.getLong("student_id"))
          .put("assignee", person(row.getLong("assignee_id"), row.getString("assignee_name")));
    });
  }

  /**
   * After commit, to the admin inbox only: never to the student's (issue 27, point 3). {@code assignee} is who the
   * conversation is assigned to after an assignment entry (null: nobody, and always null after a note).
   */
  private void publish(long conversationId, long studentId, JsonObject entry, JsonObject assignee) {
    Events.publish(vertx.eventBus(),
        BusCodec.encode(new Event.StaffEntryCreated(conversationId, studentId, entry, assignee)),
        Address.ADMIN_INBOX.address());
  }

  private static void staffOnly(Identity actor) {
    if (!actor.isAdmin()) {
      throw ApiError.forbidden("Only staff can see or change this");
    }
  }

  private static JsonObject person(Long id, String name) {
    return id == null ? null : new JsonObject().put("id", id).put("name", name);
  }

  static JsonObject entry(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("conversationId", row.getLong("conversation_id"))
        .put("afterSeq", row.getLong("after_seq"))
        .put("kind", row.getString("kind"))
        .put("author", person(row.getLong("author_id"), row.getString("author_name")))
        .put("assignee", person(row.getLong("assignee_id"), row.getString("assignee_name")))
        .put("clientId", row.getUUID("client_id").toString())
        .put("body", row.getString("body"))
        .put("createdAt", Text.iso(row.getOffsetDateTime("created_at")));
  }

  private static JsonObject savedReply(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("title", row.getString("title"))
        .put("body", row.getString("body"))
        .put("updatedAt", Text.iso(row.getOffsetDateTime("updated_at")))
        .put("updatedBy", person(row.getLong("updated_by"), row.getString("updated_by_name")));
  }
}
