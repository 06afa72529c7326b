package app.homeroom.chat;

import app.homeroom.ApiError;
import app.homeroom.bus.Identity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Conversations and messages in PostgreSQL: the rules (who may read or write which conversation, what a valid
 * message is) and the statements. Every method answers with a {@link Future} and fails with an {@link ApiError}
 * for anything the caller did wrong; nothing is half-written because each write is one statement.
 *
 * <p>Only {@link ChatVerticle} calls the writing methods, so there is one writer of chat data per node.
 */
public final class ChatService {

  public static final int MAX_BODY_CHARS = 4000;
  public static final int DEFAULT_PAGE = 50;
  public static final int MAX_PAGE = 200;

  private static final String UNIQUE_VIOLATION = "23505";

  private static final String CONVERSATION_COLUMNS = "id, student_id, status, created_at, last_seq, last_message_at";
  private static final String MESSAGE_COLUMNS =
      "m.id, m.conversation_id, m.seq, m.sender_id, m.client_msg_id, m.body, m.created_at, u.name as sender_name, u.role as sender_role";

  /**
   * One statement: take the next sequence from the conversation row (its row lock orders concurrent senders)
   * and insert, unless this sender already stored this client message id. A racing duplicate fails on the
   * unique (sender_id, client_msg_id) index and the whole statement, sequence bump included, rolls back.
   * The sender has read everything up to their own message, so their read mark moves there too (R2.3).
   */
  private static final String INSERT_MESSAGE = """
      with c as (
        update conversations set last_seq = last_seq + 1, last_message_at = now(),
               student_msg_count = student_msg_count + (case when student_id = $2 then 1 else 0 end)
         where id = $1 and not exists (select 1 from messages where sender_id = $2 and client_msg_id = $3)
        returning id, last_seq, last_message_at, student_msg_count
      ), m as (
        insert into messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, student_count)
        select c.id, c.last_seq, $2, $3, $4, c.last_message_at, c.student_msg_count from c
        returning *
      ), r as (
        %s
      )
      select %s from m join users u on u.id = m.sender_id
      """.formatted(upsertReadMark("select m.conversation_id, m.sender_id, m.seq, m.student_count from m"), MESSAGE_COLUMNS);

  /**
   * Moves a reader's read mark forward (never back) to the rows of {@code source}: (conversation, user, seq,
   * count). Read implies delivered, so the delivered mark follows.
   */
  private static String upsertReadMark(String source) {
    return """
        insert into conversation_reads (conversation_id, user_id, read_seq, read_student_count, delivered_seq)
        select s.*, s.seq from (%s) as s (conversation_id, user_id, seq, student_count)
        on conflict (conversation_id, user_id) do update
           set read_seq = excluded.read_seq, read_student_count = excluded.read_student_count,
               delivered_seq = greatest(conversation_reads.delivered_seq, excluded.read_seq), updated_at = now()
         where conversation_reads.read_seq < excluded.read_seq
        returning read_seq, read_student_count, delivered_seq""".formatted(source);
  }

  /** Moves the delivered mark forward (never back); one small write, and none when it would not move. */
  private static final String MARK_DELIVERED = """
      with d as (
        insert into conversation_reads (conversation_id, user_id, read_seq, read_student_count, delivered_seq)
        values ($1, $2, 0, 0, $3)
        on conflict (conversation_id, user_id) do update
           set delivered_seq = excluded.delivered_seq, updated_at = now()
         where conversation_reads.delivered_seq < excluded.delivered_seq
        returning delivered_seq, read_seq
      )
      select coalesce((select delivered_seq from d), cr.delivered_seq, 0) as delivered_seq,
             coalesce((select read_seq from d), cr.read_seq, 0) as read_seq,
             (select count(*) from d) as moved
        from (select 1) one
        left join conversation_reads cr on cr.conversation_id = $1 and cr.user_id = $2
      """;

  /**
   * A student's pending notifications (R5.1-R5.4), from counters already kept: staff messages = last_seq -
   * student_msg_count, of which the student has read read_seq - read_student_count.
   */
  private static final String NOTIFICATIONS = """
      select c.id, c.last_seq, c.student_msg_count, cb.name as started_by,
             coalesce(cr.read_seq, 0) as read_seq, coalesce(cr.read_student_count, 0) as read_student_count,
             cr.dismissed_seq, m.seq as latest_seq, m.body as latest_body, m.created_at as latest_at,
             su.name as latest_sender
        from conversations c
        join users cb on cb.id = c.created_by
        left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
        left join lateral (select seq, body, created_at, sender_id from messages
                            where conversation_id = c.id and sender_id <> c.student_id
                            order by seq desc limit 1) m on true
        left join users su on su.id = m.sender_id
       where c.student_id = $1
      """;

  private static final String DISMISS = """
      insert into conversation_reads (conversation_id, user_id, read_seq, read_student_count, delivered_seq, dismissed_seq)
      values ($1, $2, 0, 0, 0, $3)
      on conflict (conversation_id, user_id) do update
         set dismissed_seq = greatest(coalesce(conversation_reads.dismissed_seq, 0), excluded.dismissed_seq),
             updated_at = now()
      """;

  public static final int EXCERPT_CHARS = 140;

  private static final String RECEIPTS = """
      select cr.user_id, u.name, u.role, cr.delivered_seq, cr.read_seq
        from conversation_reads cr join users u on u.id = cr.user_id
       where cr.conversation_id = $1
       order by u.role desc, cr.user_id
      """;

  /** The outer select sees the mark as it was before the upsert (one snapshot): what moved comes from r. */
  private static final String MARK_READ = """
      with r as (
        %s
      )
      select coalesce((select read_seq from r), cr.read_seq) as read_seq,
             coalesce((select delivered_seq from r), cr.delivered_seq) as delivered_seq,
             (select count(*) from r) as moved,
             c.student_msg_count - coalesce((select read_student_count from r), cr.read_student_count, 0) as unread
        from conversations c
        left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = $2
       where c.id = $1
      """.formatted(upsertReadMark("select m.conversation_id, $2, m.seq, m.student_count from messages m where m.conversation_id = $1 and m.seq = $3"));

  private static final String SELECT_BY_CLIENT_ID =
      "select " + MESSAGE_COLUMNS + " from messages m join users u on u.id = m.sender_id where m.sender_id = $1 and m.client_msg_id = $2";

  private final Pool pool;

  public ChatService(Pool pool) {
    this.pool = pool;
  }

  /** The result of a send: the stored message, whether it was already stored, and whose conversation it is. */
  public record Sent(JsonObject message, boolean duplicate, long studentId) {}

  /** The result of opening a conversation. */
  public record Opened(JsonObject conversation, boolean created) {}

  /** Opens the student's conversation, creating it when there is none (R1.1). Admins only; idempotent. */
  public Future<Opened> openConversation(Identity actor, long studentId) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff can start conversations"));
    }
    return pool.preparedQuery("""
            insert into conversations (student_id, created_by)
            select id, $2 from users where id = $1 and role = 'student'
            on conflict (student_id) do nothing
            returning %s""".formatted(CONVERSATION_COLUMNS))
        .execute(Tuple.of(studentId, actor.userId()))
        .compose(rows -> {
          if (rows.size() == 1) {
            return Future.succeededFuture(new Opened(conversationJson(rows.iterator().next()), true));
          }
          return pool.preparedQuery("select " + CONVERSATION_COLUMNS + " from conversations where student_id = $1")
              .execute(Tuple.of(studentId))
              .map(existing -> {
                if (existing.size() == 0) {
                  throw ApiError.notFound("No such student");
                }
                return new Opened(conversationJson(existing.iterator().next()), false);
              });
        });
  }

  /** Stores a message (R3.3) once per (sender, clientMsgId); a retry answers with the stored row. */
  public Future<Sent> sendMessage(Identity actor, long conversationId, UUID clientMsgId, String body) {
    try {
      validateBody(body);
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    return conversationFor(actor, conversationId).compose(conversation -> {
      long studentId = conversation.getLong("studentId");
      return pool.preparedQuery(INSERT_MESSAGE)
          .execute(Tuple.of(conversationId, actor.userId(), clientMsgId, body))
          .compose(rows -> rows.size() == 1
              ? Future.succeededFuture(new Sent(messageJson(rows.iterator().next()), false, studentId))
              : existing(actor, conversationId, clientMsgId, studentId))
          .recover(err -> err instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
              ? existing(actor, conversationId, clientMsgId, studentId)
              : Future.failedFuture(err));
    });
  }

  private Future<Sent> existing(Identity actor, long conversationId, UUID clientMsgId, long studentId) {
    return pool.preparedQuery(SELECT_BY_CLIENT_ID).execute(Tuple.of(actor.userId(), clientMsgId)).map(rows -> {
      if (rows.size() == 0) {
        // The conversation row vanished between the check and the insert: nothing was stored.
        throw ApiError.notFound("No such conversation");
      }
      JsonObject message = messageJson(rows.iterator().next());
      if (message.getLong("conversationId") != conversationId) {
        throw ApiError.conflict("This clientMsgId was already used for another conversation");
      }
      return new Sent(message, true, studentId);
    });
  }

  /**
   * A page of history (R3.4): with {@code after}, the messages after that sequence (catch-up); otherwise the
   * page just before {@code before} (the newest page when null). Always in ascending sequence.
   */
  public Future<JsonObject> fetchMessages(Identity actor, long conversationId, Long before, Long after, int limit) {
    if (before != null && after != null) {
      return Future.failedFuture(ApiError.badRequest("Give 'before' or 'after', not both"));
    }
    if ((before != null && before < 0) || (after != null && after < 0)) {
      return Future.failedFuture(ApiError.badRequest("'before' and 'after' must not be negative"));
    }
    return conversationFor(actor, conversationId).compose(conversation -> {
      String sql;
      Tuple args;
      if (after != null) {
        sql = "select " + MESSAGE_COLUMNS + " from messages m join users u on u.id = m.sender_id"
            + " where m.conversation_id = $1 and m.seq > $2 order by m.seq asc limit $3";
        args = Tuple.of(conversationId, after, limit + 1);
      } else {
        sql = "select " + MESSAGE_COLUMNS + " from messages m join users u on u.id = m.sender_id"
            + " where m.conversation_id = $1 and m.seq < $2 order by m.seq desc limit $3";
        args = Tuple.of(conversationId, before == null ? Long.MAX_VALUE : before, limit + 1);
      }
      return pool.preparedQuery(sql).execute(args)
          .map(rows -> page(rows, limit, after == null).put("studentId", conversation.getLong("studentId")));
    });
  }

  /**
   * Checks an acknowledgement (delivered or read, R4.3, R4.4): the actor's own conversation (else 404) and
   * 1 <= {@code seq} <= its last sequence (else 400). Answers the conversation.
   */
  public Future<JsonObject> checkAck(Identity actor, long conversationId, long seq) {
    if (seq < 1) {
      return Future.failedFuture(ApiError.badRequest("'seq' must be at least 1"));
    }
    return conversationFor(actor, conversationId).map(conversation -> {
      if (seq > conversation.getLong("lastSeq")) {
        throw ApiError.badRequest("'seq' is beyond the last message of this conversation");
      }
      return conversation;
    });
  }

  /**
   * Moves the reader's read mark (and so their delivered mark) forward to {@code seq} (R2.3, R4.4): one
   * statement, no write when it would not move. Reply: {@code {conversationId, readSeq, deliveredSeq, unread,
   * moved}}. Callers check the acknowledgement first ({@link #checkAck}).
   */
  Future<JsonObject> writeRead(long userId, long conversationId, long seq) {
    return pool.preparedQuery(MARK_READ).execute(Tuple.of(conversationId, userId, seq)).map(rows -> {
      Row row = rows.iterator().next();
      return new JsonObject().put("conversationId", conversationId).put("readSeq", row.getLong("read_seq"))
          .put("deliveredSeq", row.getLong("delivered_seq")).put("unread", row.getLong("unread"))
          .put("moved", row.getLong("moved") > 0);
    });
  }

  /** Moves the delivered mark forward to {@code seq} (R4.3); callers check the acknowledgement first. */
  Future<JsonObject> writeDelivered(long userId, long conversationId, long seq) {
    return pool.preparedQuery(MARK_DELIVERED).execute(Tuple.of(conversationId, userId, seq)).map(rows -> {
      Row row = rows.iterator().next();
      return new JsonObject().put("conversationId", conversationId).put("deliveredSeq", row.getLong("delivered_seq"))
          .put("readSeq", row.getLong("read_seq")).put("moved", row.getLong("moved") > 0);
    });
  }

  /** The student's pending notifications: {@code [Notification]} as docs/API.md describes. */
  public Future<JsonArray> notificationsFor(long studentId) {
    return pool.preparedQuery(NOTIFICATIONS).execute(Tuple.of(studentId)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        long staffMessages = r.getLong("last_seq") - r.getLong("student_msg_count");
        long staffRead = r.getLong("read_seq") - r.getLong("read_student_count");
        long unread = Math.max(0, staffMessages - staffRead);
        Long dismissed = r.getLong("dismissed_seq");
        Long latestSeq = r.getLong("latest_seq");
        boolean started = r.getLong("last_seq") == 0 && dismissed == null;
        boolean pending = started || (unread > 0 && latestSeq != null && latestSeq > r.getLong("read_seq")
            && latestSeq > (dismissed == null ? 0 : dismissed));
        if (!pending) {
          continue;
        }
        out.add(new JsonObject().put("conversationId", r.getLong("id")).put("count", unread)
            .put("latestExcerpt", excerpt(r.getString("latest_body"))).put("latestSender", r.getString("latest_sender"))
            .put("latestAt", iso(r.getOffsetDateTime("latest_at"))).put("latestSeq", latestSeq == null ? 0 : latestSeq)
            .put("startedBy", r.getString("started_by")).put("started", started));
      }
      return out;
    });
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
    return conversationFor(actor, conversationId).compose(conversation -> {
      if (seq > conversation.getLong("lastSeq")) {
        return Future.failedFuture(ApiError.badRequest("'seq' is beyond the last message of this conversation"));
      }
      return pool.preparedQuery(DISMISS).execute(Tuple.of(conversationId, actor.userId(), seq)).map(v -> conversation);
    });
  }

  static String excerpt(String body) {
    if (body == null) {
      return null;
    }
    String flat = body.replaceAll("\\s+", " ").strip();
    if (flat.codePointCount(0, flat.length()) <= EXCERPT_CHARS) {
      return flat;
    }
    return flat.substring(0, flat.offsetByCodePoints(0, EXCERPT_CHARS - 1)) + "…";
  }

  /** Every participant's marks in the conversation (R4.3, R4.4), for a reload to show the right ticks. */
  public Future<JsonArray> receipts(long conversationId) {
    return pool.preparedQuery(RECEIPTS).execute(Tuple.of(conversationId)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("userId", r.getLong("user_id")).put("name", r.getString("name"))
            .put("role", r.getString("role")).put("deliveredSeq", r.getLong("delivered_seq"))
            .put("readSeq", r.getLong("read_seq")));
      }
      return out;
    });
  }

  /** The conversation, if the actor may see it: any admin, or its own student. Others get 404 (no probing). */
  public Future<JsonObject> conversationFor(Identity actor, long conversationId) {
    return pool.preparedQuery("select " + CONVERSATION_COLUMNS + " from conversations where id = $1")
        .execute(Tuple.of(conversationId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("No such conversation");
          }
          JsonObject conversation = conversationJson(rows.iterator().next());
          if (!actor.isAdmin() && conversation.getLong("studentId") != actor.userId()) {
            throw ApiError.notFound("No such conversation");
          }
          return conversation;
        });
  }

  /** The student's own conversation, or null when staff have not started one yet. */
  public Future<JsonObject> conversationOfStudent(long studentId) {
    return pool.preparedQuery("select " + CONVERSATION_COLUMNS + " from conversations where student_id = $1")
        .execute(Tuple.of(studentId))
        .map(rows -> rows.size() == 0 ? null : conversationJson(rows.iterator().next()));
  }

  static void validateBody(String body) {
    if (body == null || body.isBlank()) {
      throw ApiError.badRequest("A message cannot be empty");
    }
    if (body.codePointCount(0, body.length()) > MAX_BODY_CHARS) {
      throw ApiError.badRequest("A message can be at most " + MAX_BODY_CHARS + " characters");
    }
    if (body.indexOf('\u0000') >= 0) {
      throw ApiError.badRequest("A message cannot contain NUL characters");
    }
  }

  private static JsonObject page(RowSet<Row> rows, int limit, boolean descending) {
    List<JsonObject> list = new ArrayList<>();
    for (Row row : rows) {
      list.add(messageJson(row));
    }
    boolean hasMore = list.size() > limit;
    if (hasMore) {
      list = list.subList(0, limit);
    }
    if (descending) {
      list = new ArrayList<>(list);
      Collections.reverse(list);
    }
    return new JsonObject().put("messages", new JsonArray(new ArrayList<>(list))).put("hasMore", hasMore);
  }

  public static JsonObject conversationJson(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("studentId", row.getLong("student_id"))
        .put("status", row.getString("status"))
        .put("createdAt", iso(row.getOffsetDateTime("created_at")))
        .put("lastSeq", row.getLong("last_seq"))
        .put("lastMessageAt", iso(row.getOffsetDateTime("last_message_at")));
  }

  public static JsonObject messageJson(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("conversationId", row.getLong("conversation_id"))
        .put("seq", row.getLong("seq"))
        .put("senderId", row.getLong("sender_id"))
        .put("senderRole", row.getString("sender_role"))
        .put("senderName", row.getString("sender_name"))
        .put("clientMsgId", row.getUUID("client_msg_id").toString())
        .put("body", row.getString("body"))
        .put("createdAt", iso(row.getOffsetDateTime("created_at")));
  }

  public static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
