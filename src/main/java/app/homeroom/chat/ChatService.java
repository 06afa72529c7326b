package app.homeroom.chat;

import app.homeroom.batch.GroupCommit;

import app.homeroom.common.ApiError;
import app.homeroom.common.Text;
import app.homeroom.bus.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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

  /**
   * What a page of history costs from the user's read budget ({@code UserLimits.Kind.READ}; issue 24, point 2): one
   * token per {@link #DEFAULT_PAGE} messages asked for, so a page of 200 costs 4 and the budget bounds the messages
   * read, not the requests: the web client's pages of 50 cost 1, as before, and a script asking for pages of 200 gets
   * a quarter as many. {@code limit} as the request gave it (null, a number or text); one that is not a number costs 1
   * here and is refused by the command itself.
   */
  public static int pageCost(Object limit) {
    long asked;
    if (limit instanceof Number n) {
      asked = n.longValue();
    } else if (limit instanceof String text && text.matches("\\d{1,9}")) {
      asked = Long.parseLong(text);
    } else {
      return 1;
    }
    long clamped = Math.max(1, Math.min(asked, MAX_PAGE));
    return (int) ((clamped + DEFAULT_PAGE - 1) / DEFAULT_PAGE);
  }

  private static final String UNIQUE_VIOLATION = "23505";

  /** {@code messages.kind}: something someone wrote; the other kinds are status entries (R6.3). */
  public static final String KIND_MESSAGE = "message";
  public static final String STATUS_ACTIVE = "active";
  public static final String STATUS_CLOSED = "closed";

  /**
   * Message inserts of one chat-service instance running at once (one instance per node: Node.CHAT_INSTANCES). More
   * sends than that wait and go out as one batch when the insert finishes. One, since a batch is one statement
   * (issue 9, tuning step 4): larger batches cost PostgreSQL less per send, and at 2,000 msg/s the p50 fell from
   * 4.8–6.3 to 3.1–3.2 ms and its CPU from 0.94–1.03 to 0.85–0.86 cores, with the same ceiling
   * (docs/PERFORMANCE-LOG.md, step 4).
   */
  static final int INSERTS_IN_FLIGHT = 1;
  /** The most messages (or marks) one batch (one round trip, one commit) carries. */
  static final int MAX_INSERT_BATCH = 32;

  /**
   * {@link ChatSql#INSERT_INTO_ACTIVE} runs a batch of sends as one statement (issue 9): their arguments as arrays, and
   * each stored message names its send by its conversation (a batch has one send per conversation).
   */
  static final GroupCommit.Combined SENDS_AS_ARRAYS = new GroupCommit.Combined(sends -> Tuple.tuple()
      .addValue(sends.stream().map(t -> t.getLong(0)).toArray(Long[]::new))
      .addValue(sends.stream().map(t -> t.getLong(1)).toArray(Long[]::new))
      .addValue(sends.stream().map(t -> t.getUUID(2)).toArray(UUID[]::new))
      .addValue(sends.stream().map(t -> t.getString(3)).toArray(String[]::new))
      .addValue(sends.stream().map(t -> t.getBoolean(4)).toArray(Boolean[]::new))
      .addValue(sends.stream().map(t -> t.getLong(5)).toArray(Long[]::new)),
      row -> row.getLong("send_conversation_id"), row -> row.getBoolean("skipped"));

  private final Pool pool;
  /** Pages of history: the node's reads pool, so a flood of them never waits in line with a send (issue 24, point 2). */
  private final Pool reads;
  private final GroupCommit inserts;
  private final ReadMarks marks;
  private final ConversationStatus status;
  /** Conversation id → its student, as far as this node knows: a conversation never changes student. */
  private final Map<Long, Long> knownStudents;
  /** Conversation id → the highest sequence this node has seen stored in it (sequences only grow). */
  private final Map<Long, Long> knownLastSeqs;
  /** Lookups of a conversation's student still running, on this instance's event loop. */
  private final Map<Long, Future<Long>> studentLookups = new java.util.HashMap<>();

  /** Marks go through {@code pool} too, committed durably like everything else, each batch as soon as it can. */
  public ChatService(Pool pool) {
    this(null, pool, pool, pool, new java.util.concurrent.ConcurrentHashMap<>(),
        new java.util.concurrent.ConcurrentHashMap<>());
  }

  /**
   * @param vertx sets the timers marks wait on to share a batch ({@link ReadMarks#MARK_LINGER_MS}); null: marks do not wait
   * @param readsPool where pages of history are read: the node's reads pool
   * @param marksPool where read and delivered marks are written: the node's marks pool, whose commits do not wait
   *                  for the disk ({@link app.homeroom.db.DbTarget#marksConnectOptions()})
   * @param knownStudents the node's conversation → student map, shared with the other instances
   * @param knownLastSeqs the node's conversation → highest stored sequence it has seen, shared likewise
   */
  public ChatService(Vertx vertx, Pool pool, Pool readsPool, Pool marksPool, Map<Long, Long> knownStudents,
                     Map<Long, Long> knownLastSeqs) {
    this.pool = pool;
    this.reads = readsPool;
    this.inserts = new GroupCommit(pool, ChatSql.INSERT_INTO_ACTIVE, SENDS_AS_ARRAYS, ChatSql.INSERT_MESSAGE, INSERTS_IN_FLIGHT,
        MAX_INSERT_BATCH);
    this.marks = new ReadMarks(vertx, pool, marksPool);
    this.status = new ConversationStatus(pool, this);
    this.knownStudents = knownStudents;
    this.knownLastSeqs = knownLastSeqs;
  }

  /** {@code observer} is told the size of each batch of sends stored together (issue 29: the metrics). */
  public void observeSendBatches(java.util.function.IntConsumer observer) {
    inserts.observingBatches(observer);
  }

  /** Read and delivered marks and the receipts they make (R4.3, R4.4). */
  public ReadMarks marks() {
    return marks;
  }

  /** Closing and reopening conversations (R6.2, R6.3). */
  public ConversationStatus status() {
    return status;
  }

  /** How many batches the sends went out in so far (tests). */
  long insertBatches() {
    return inserts.batches();
  }

  /** How many batches of sends failed and were rerun one send at a time (tests). */
  long insertFallbacks() {
    return inserts.fallbacks();
  }

  /** How many sends the fast statement left to the full one: closed conversations and repeats (tests). */
  long insertReruns() {
    return inserts.reruns();
  }

  /**
   * The result of a send: the stored message, whether it was already stored, whose conversation it is, the
   * "reopened" entry stored just before it when the conversation was closed (else null), and for a staff message
   * what the student's notification is as it stands with it (R5.2), when the send statement could tell (else null):
   * the staff messages the student has not read, this one included, and who started the conversation.
   */
  public record Sent(JsonObject message, boolean duplicate, long studentId, JsonObject reopened, Long studentUnread,
                     String startedBy) {}

  /** The result of opening a conversation. */
  public record Opened(JsonObject conversation, boolean created) {}

  /** Opens the student's conversation, creating it when there is none (R1.1). Admins only; idempotent. */
  public Future<Opened> openConversation(Identity actor, long studentId) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff can start conversations"));
    }
    return pool.preparedQuery(ChatSql.OPEN_CONVERSATION)
        .execute(Tuple.of(studentId, actor.userId()))
        .compose(rows -> {
          if (rows.size() == 1) {
            return Future.succeededFuture(new Opened(ChatJson.conversation(rows.iterator().next()), true));
          }
          return pool.preparedQuery(ChatSql.CONVERSATION_OF_STUDENT)
              .execute(Tuple.of(studentId))
              .map(existing -> {
                if (existing.size() == 0) {
                  throw ApiError.notFound("No such student");
                }
                return new Opened(ChatJson.conversation(existing.iterator().next()), false);
              });
        });
  }

  /** Stores a message (R3.3) once per (sender, clientMsgId); a retry answers with the stored row. */
  /** Stores a message once per (sender, clientMsgId), asking for no acknowledgement. */
  public Future<Sent> sendMessage(Identity actor, long conversationId, UUID clientMsgId, String body) {
    return sendMessage(actor, conversationId, clientMsgId, body, false, null);
  }

  /**
   * Stores a message once per (sender, clientMsgId); {@code needsAck}: staff ask the student to acknowledge it
   * (issue 28, point 2), which a student may not ask of anyone (400).
   */
  public Future<Sent> sendMessage(Identity actor, long conversationId, UUID clientMsgId, String body, boolean needsAck,
                                  Long attachmentId) {
    try {
      validateBody(body);
      if (needsAck && !actor.isAdmin()) {
        throw ApiError.badRequest("Only staff ask for an acknowledgement");
      }
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    Future<Void> attachable = attachmentId == null ? Future.succeededFuture()
        : pool.preparedQuery(ChatSql.ATTACHABLE).execute(Tuple.of(attachmentId, actor.userId(), clientMsgId)).map(rows -> {
          Row a = rows.size() == 0 ? null : rows.iterator().next();
          if (a == null || a.getLong("uploader_id") != actor.userId() || a.getLong("conversation_id") != conversationId) {
            throw ApiError.badRequest("'attachmentId' must be a file you uploaded to this conversation");
          }
          if (a.getBoolean("sent_elsewhere")) {
            throw ApiError.conflict("This file was already sent in another message");
          }
          return null;
        });
    return attachable.compose(ok -> studentOf(actor, conversationId)).compose(studentId -> {
      // Group commit: under load, the sends that arrive while inserts run share the next round trip and commit.
      return inserts.execute(conversationId, Tuple.of(conversationId, actor.userId(), clientMsgId, body, needsAck,
              attachmentId))
          .compose(rows -> {
            JsonObject message = null;
            JsonObject reopened = null;
            Long studentUnread = null;
            String startedBy = null;
            for (Row row : rows) {
              JsonObject json = ChatJson.message(row);
              if (KIND_MESSAGE.equals(json.getString("kind"))) {
                message = json;
                int unread = row.getColumnIndex("student_unread");
                if (unread >= 0 && row.getValue(unread) != null) {
                  studentUnread = row.getLong(unread);
                  startedBy = row.getString("started_by");
                }
              } else {
                reopened = json;
              }
            }
            if (message == null) {
              return existing(actor, conversationId, clientMsgId, studentId);
            }
            sawSeq(conversationId, message.getLong("seq"));
            return Future.succeededFuture(new Sent(message, false, studentId, reopened, studentUnread, startedBy));
          })
          .recover(err -> err instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
              ? existing(actor, conversationId, clientMsgId, studentId)
              : Future.failedFuture(err));
    });
  }

  /**
   * The student of a conversation the actor may write to: from memory when this node has seen it (no query per
   * message), else from the database (404 unless staff, or the student's own). Sends to one conversation that arrive
   * while its lookup runs wait for that one lookup, and go on in the order they arrived: separate lookups could
   * finish in any order and hand the group commit a sender's messages out of order.
   */
  private Future<Long> studentOf(Identity actor, long conversationId) {
    Long known = knownStudents.get(conversationId);
    Future<Long> student;
    if (known != null) {
      student = Future.succeededFuture(known);
    } else {
      student = studentLookups.get(conversationId);
      if (student == null) {
        student = conversation(conversationId).map(conversation -> conversation.getLong("studentId"));
        studentLookups.put(conversationId, student);
        student.onComplete(ar -> studentLookups.remove(conversationId));
      }
    }
    return student.map(studentId -> {
      if (!actor.isAdmin() && studentId != actor.userId()) {
        throw ApiError.notFound("No such conversation");
      }
      return studentId;
    });
  }

  private Future<Sent> existing(Identity actor, long conversationId, UUID clientMsgId, long studentId) {
    return pool.preparedQuery(ChatSql.SELECT_BY_CLIENT_ID).execute(Tuple.of(actor.userId(), clientMsgId)).map(rows -> {
      if (rows.size() == 0) {
        // The conversation row vanished between the check and the insert: nothing was stored.
        throw ApiError.notFound("No such conversation");
      }
      JsonObject message = ChatJson.message(rows.iterator().next());
      if (message.getLong("conversationId") != conversationId) {
        throw ApiError.conflict("This clientMsgId was already used for another conversation");
      }
      return new Sent(message, true, studentId, null, null, null);
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
        sql = ChatSql.MESSAGES_AFTER;
        args = Tuple.of(conversationId, after, limit + 1);
      } else {
        sql = ChatSql.MESSAGES_BEFORE;
        args = Tuple.of(conversationId, before == null ? Long.MAX_VALUE : before, limit + 1);
      }
      return reads.preparedQuery(sql).execute(args)
          .map(rows -> page(rows, limit, after == null).put("studentId", conversation.getLong("studentId")));
    });
  }

  /**
   * The entry at {@code seq} with about {@code limit / 2} on each side, ascending (opening a search hit, R6.4):
   * {@code {messages, hasOlder, hasNewer, studentId}}. A {@code seq} beyond the conversation's end gives its end.
   */
  public Future<JsonObject> fetchAround(Identity actor, long conversationId, long seq, int limit) {
    if (seq < 1) {
      return Future.failedFuture(ApiError.badRequest("'around' must be at least 1"));
    }
    int newer = Math.max(1, limit / 2);
    int older = Math.max(1, limit - newer);
    return conversationFor(actor, conversationId).compose(conversation -> reads.preparedQuery(ChatSql.MESSAGES_AROUND)
        .execute(Tuple.of(conversationId, seq, older + 1, newer + 1))
        .map(rows -> {
          List<JsonObject> before = new ArrayList<>();
          List<JsonObject> after = new ArrayList<>();
          for (Row row : rows) {
            JsonObject m = ChatJson.message(row);
            (m.getLong("seq") <= seq ? before : after).add(m);
          }
          boolean hasOlder = before.size() > older;
          boolean hasNewer = after.size() > newer;
          List<JsonObject> list = new ArrayList<>(before.subList(0, Math.min(before.size(), older)));
          Collections.reverse(list);
          list.addAll(after.subList(0, Math.min(after.size(), newer)));
          return new JsonObject().put("messages", new JsonArray(new ArrayList<>(list))).put("hasOlder", hasOlder)
              .put("hasNewer", hasNewer).put("studentId", conversation.getLong("studentId"));
        }));
  }

  /**
   * Checks an acknowledgement (delivered or read, R4.3, R4.4): the actor's own conversation (else 404) and
   * 1 <= {@code seq} <= its last sequence (else 400). Answers the conversation, at least {@code {id, studentId}}.
   */
  public Future<JsonObject> checkAck(Identity actor, long conversationId, long seq) {
    if (seq < 1) {
      return Future.failedFuture(ApiError.badRequest("'seq' must be at least 1"));
    }
    Long known = knownLastSeqs.get(conversationId);
    if (known != null && seq <= known) {
      // Up to a sequence this node saw stored: valid without a query (one per acknowledgement, issue 9).
      return studentOf(actor, conversationId)
          .map(studentId -> new JsonObject().put("id", conversationId).put("studentId", studentId));
    }
    return conversationFor(actor, conversationId).map(conversation -> {
      if (seq > conversation.getLong("lastSeq")) {
        throw ApiError.badRequest("'seq' is beyond the last message of this conversation");
      }
      return conversation;
    });
  }

  /** Remembers that {@code seq} is stored in the conversation. */
  private void sawSeq(long conversationId, long seq) {
    knownLastSeqs.merge(conversationId, seq, Math::max);
  }

  /** The conversation, if the actor may see it: any admin, or its own student. Others get 404 (no probing). */
  public Future<JsonObject> conversationFor(Identity actor, long conversationId) {
    return conversation(conversationId).map(conversation -> {
      if (!actor.isAdmin() && conversation.getLong("studentId") != actor.userId()) {
        throw ApiError.notFound("No such conversation");
      }
      return conversation;
    });
  }

  /**
   * The conversation as stored now (404 when there is none), whoever asks. What it shows is remembered for the
   * node: its student (which never changes) and its last sequence (which only grows).
   */
  private Future<JsonObject> conversation(long conversationId) {
    return pool.preparedQuery(ChatSql.CONVERSATION_BY_ID)
        .execute(Tuple.of(conversationId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("No such conversation");
          }
          JsonObject conversation = ChatJson.conversation(rows.iterator().next());
          knownStudents.put(conversationId, conversation.getLong("studentId"));
          sawSeq(conversationId, conversation.getLong("lastSeq"));
          return conversation;
        });
  }

  /** The student's own conversation, or null when staff have not started one yet. */
  public Future<JsonObject> conversationOfStudent(long studentId) {
    return pool.preparedQuery(ChatSql.CONVERSATION_OF_STUDENT)
        .execute(Tuple.of(studentId))
        .map(rows -> rows.size() == 0 ? null : ChatJson.conversation(rows.iterator().next()));
  }

  static void validateBody(String body) {
    Text.requireWritten(body, "A message", MAX_BODY_CHARS);
  }

  private static JsonObject page(RowSet<Row> rows, int limit, boolean descending) {
    List<JsonObject> list = new ArrayList<>();
    for (Row row : rows) {
      list.add(ChatJson.message(row));
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
}
