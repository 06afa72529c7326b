package app.homeroom.chat;

import app.homeroom.search.MessageSearch;

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

import java.time.OffsetDateTime;
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

  private static final String UNIQUE_VIOLATION = "23505";

  /** {@code messages.kind}: something someone wrote; the other kinds are status entries (R6.3). */
  public static final String KIND_MESSAGE = "message";
  public static final String STATUS_ACTIVE = "active";
  public static final String STATUS_CLOSED = "closed";

  private static final String CONVERSATION_COLUMNS = "id, student_id, status, created_at, last_seq, last_message_at";
  static final String MESSAGE_COLUMNS = "m.id, m.conversation_id, m.seq, m.kind, m.sender_id, m.client_msg_id, m.body,"
      + " m.note, m.created_at, u.name as sender_name, u.role as sender_role";

  public static final int MAX_NOTE_CHARS = 500;

  /**
   * What a student has not read (R5.2): the staff messages (status entries are not messages) past their read mark.
   * Reads {@code c} (the conversation: {@code id}, {@code student_id}) and {@code cr} (the student's read mark, or
   * nulls); shared by the notifications query and the send statement, so both count alike.
   */
  private static final String STAFF_MESSAGES_UNREAD = """
      (select count(*) from messages x
        where x.conversation_id = c.id and x.seq > coalesce(cr.read_seq, 0)
          and x.kind = 'message' and x.sender_id <> c.student_id)""";

  /**
   * One statement: take the next sequence from the conversation row (its row lock orders concurrent senders)
   * and insert, unless this sender already stored this client message id. A racing duplicate fails on the
   * unique (sender_id, client_msg_id) index and the whole statement, sequence bump included, rolls back.
   * The sender has read everything up to their own message, so their read mark moves there too (R2.3).
   *
   * <p>Writing to a closed conversation reopens it (R6.3): the row lock taken in {@code old} gives the status as
   * it is now, and a "reopened" entry by the writer takes the sequence just before the message.
   */
  private static final String INSERT_MESSAGE = """
      with old as (
        select id, status from conversations where id = $1 for no key update
      ), c as (
        update conversations
           set last_seq = conversations.last_seq + (case when old.status = 'closed' then 2 else 1 end),
               status = 'active', last_message_at = now(),
               student_msg_count = conversations.student_msg_count + (case when conversations.student_id = $2 then 1 else 0 end)
          from old
         where conversations.id = old.id
           and not exists (select 1 from messages where sender_id = $2 and client_msg_id = $3)
        returning conversations.id, conversations.last_seq, conversations.last_message_at,
                  conversations.student_msg_count, conversations.student_id, old.status as old_status
      ), e as (
        insert into messages (conversation_id, seq, kind, sender_id, client_msg_id, created_at, student_count)
        select c.id, c.last_seq - 1, 'reopened', $2, gen_random_uuid(), c.last_message_at,
               c.student_msg_count - (case when c.student_id = $2 then 1 else 0 end)
          from c where c.old_status = 'closed'
        returning *
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $2, 'conversation.reopened', 'conversation', e.conversation_id,
               jsonb_build_object('studentId', c.student_id, 'seq', e.seq, 'byMessage', true)
          from e join c on c.id = e.conversation_id
      ), m as (
        insert into messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, student_count)
        select c.id, c.last_seq, $2, $3, $4, c.last_message_at, c.student_msg_count from c
        returning *
      ), r as (
        %s
      )
      select %s from m join users u on u.id = m.sender_id
      union all
      select %s from e m join users u on u.id = m.sender_id
      """.formatted(upsertReadMark("select m.conversation_id, m.sender_id, m.seq, m.student_count from m"),
          MESSAGE_COLUMNS, MESSAGE_COLUMNS);

  /**
   * The usual send, to an active conversation: {@link #INSERT_MESSAGE} without its reopening branches, which cost
   * about a tenth of its time in PostgreSQL on every run (issue 9; pgbench, docs/PERFORMANCE.md). It stores nothing
   * and answers no rows when the conversation is closed (or gone), or when the sender already used this client
   * message id; the group commit then runs {@link #INSERT_MESSAGE} for that send, which reopens, or finds nothing to
   * store. The update re-checks the status under the row lock, so a close that commits first is seen.
   *
   * <p>For a staff message it also answers the student's notification as it stands with this message (R5.2), so no
   * query for it follows each staff message (issue 9: one a second for every two messages): {@code student_unread},
   * the staff messages past the student's read mark, this one included, and {@code started_by}. The rest of the
   * notification is this message's: it is the latest staff message, past the read mark and any dismissal.
   *
   * <p>It takes a whole batch of sends at once, as arrays ({@link #SENDS_AS_ARRAYS}), one send per conversation: one
   * statement's start-up (plan, constraint checks, triggers) for the batch instead of one per send: PostgreSQL's time per
   * message falls by a third in a batch of four and by half in one of eight (pgbench, docs/PERFORMANCE.md).
   */
  static final String INSERT_INTO_ACTIVE = """
      with i as (
        -- Each array behind a subquery: the planner then cannot see how long it is, and a batch of one is planned
        -- like any other batch. Seeing it, it finds the plan for one send cheaper than the plan for any batch, and
        -- plans each send again rather than keep one plan (BatchedSendTest).
        select * from unnest((select $1::bigint[]), (select $2::bigint[]), (select $3::uuid[]), (select $4::text[]))
            with ordinality as i (conversation_id, sender_id, client_msg_id, body, ord)
      ), l as (
        -- The batch's conversations locked in the order of their ids, whatever order the plan joins them in: two
        -- batches with conversations in common (on two nodes) then never wait for each other.
        select cv.id from conversations cv where cv.id = any((select $1::bigint[])::bigint[])
         order by cv.id for no key update
      ), c as (
        update conversations cv
           set last_seq = cv.last_seq + 1, last_message_at = now(),
               student_msg_count = cv.student_msg_count + (case when cv.student_id = i.sender_id then 1 else 0 end)
          from i join l on l.id = i.conversation_id
         where cv.id = i.conversation_id and cv.status = 'active'
           -- Said again as a lookup by id: joined only to the arrays, a plan made on a nearly empty table read it
           -- whole for every batch (BatchedSendTest).
           and cv.id = any((select $1::bigint[])::bigint[])
           -- A lookup per send that PostgreSQL cannot turn into a join: as "not exists", a plan made before messages
           -- was first analyzed could hash the whole table for every batch, as it grew (BatchedSendTest).
           and (select x.id from messages x
                 where x.sender_id = i.sender_id and x.client_msg_id = i.client_msg_id limit 1) is null
        returning cv.id, cv.last_seq, cv.last_message_at, cv.student_msg_count, cv.student_id, cv.created_by,
                  i.sender_id, i.client_msg_id, i.body, i.ord
      ), n as materialized (
        -- Materialized: counted once per message, not once per pair of messages in the final join.
        -- The statement's snapshot does not hold the message it inserts: hence 1 +.
        select c.id, cb.name as started_by, 1 + %s as student_unread
          from c join users cb on cb.id = c.created_by
          left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
         where c.student_id <> c.sender_id
      ), m as (
        insert into messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, student_count)
        select c.id, c.last_seq, c.sender_id, c.client_msg_id, c.body, c.last_message_at, c.student_msg_count
          from c order by c.ord
        returning *
      ), r as (
        %s
      )
      select %s, n.student_unread, n.started_by
        from m join users u on u.id = m.sender_id left join n on n.id = m.conversation_id
      """.formatted(STAFF_MESSAGES_UNREAD,
          upsertReadMark("select m.conversation_id, m.sender_id, m.seq, m.student_count from m"), MESSAGE_COLUMNS);

  /**
   * {@link #INSERT_INTO_ACTIVE} runs a batch of sends as one statement (issue 9): their arguments as arrays, and
   * each stored message names its send by its conversation (a batch has one send per conversation).
   */
  static final GroupCommit.Combined SENDS_AS_ARRAYS = new GroupCommit.Combined(sends -> Tuple.tuple()
      .addValue(sends.stream().map(t -> t.getLong(0)).toArray(Long[]::new))
      .addValue(sends.stream().map(t -> t.getLong(1)).toArray(Long[]::new))
      .addValue(sends.stream().map(t -> t.getUUID(2)).toArray(UUID[]::new))
      .addValue(sends.stream().map(t -> t.getString(3)).toArray(String[]::new)),
      row -> row.getLong("conversation_id"));

  /**
   * A status change by staff (R6.3): one statement that flips the status, takes the next sequence and stores the
   * entry, or does nothing when the conversation already has that status (re-checked under the row lock, so two
   * admins closing at once store one entry). The conversation's last activity does not move.
   */
  private static final String CHANGE_STATUS = """
      with c as (
        update conversations set status = $3, last_seq = last_seq + 1
         where id = $1 and status <> $3
        returning id, last_seq, student_msg_count, student_id
      ), m as (
        insert into messages (conversation_id, seq, kind, sender_id, client_msg_id, note, created_at, student_count)
        select c.id, c.last_seq, $4, $2, gen_random_uuid(), $5, now(), c.student_msg_count from c
        returning *
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $2, 'conversation.' || m.kind, 'conversation', m.conversation_id,
               jsonb_build_object('studentId', c.student_id, 'seq', m.seq, 'note', m.note)
          from m join c on c.id = m.conversation_id
      )
      select %s from m join users u on u.id = m.sender_id
      """.formatted(MESSAGE_COLUMNS);

  private static final String LATEST_STATUS_ENTRY = "select " + MESSAGE_COLUMNS
      + " from messages m join users u on u.id = m.sender_id"
      + " where m.conversation_id = $1 and m.kind <> 'message' order by m.seq desc limit 1";

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
        returning conversation_id, user_id, read_seq, read_student_count, delivered_seq""".formatted(source);
  }

  /**
   * The acknowledgements of a batch, as arrays (conversation, user, seq), one per reader and conversation (issue 9).
   * Behind subqueries, as the sends' arrays: the planner cannot see how many there are, and keeps one plan.
   */
  private static final String MARKS_OF_BATCH = """
        select * from unnest((select $1::bigint[]), (select $2::bigint[]), (select $3::bigint[]))
            as a (conversation_id, user_id, seq)""";

  /**
   * The mark of a batch's row {@code a}, looked up by its key. Each lookup of a batch statement is a lateral subquery
   * with a limit, which PostgreSQL cannot turn into a join: it stays an index lookup per row whatever the tables'
   * statistics say. As joins, a plan made on nearly empty tables (the first seconds of a run, before any analyze)
   * hashed whole tables for every batch, and kept doing so as they grew (issue 9: a load run's p99 went to 20 s).
   */
  private static String markOfRow() {
    return """
        select cr.read_seq, cr.delivered_seq, cr.read_student_count from conversation_reads cr
         where cr.conversation_id = a.conversation_id and cr.user_id = a.user_id limit 1""";
  }

  /**
   * Moves delivered marks forward (never back), a batch of them in one statement ({@link #MARKS_AS_ARRAYS}): a row
   * per acknowledgement, {@code moved} 1 when its mark moved. None is written that would not move. Rows are written in
   * the order of their keys, as every batch of marks does, so two batches never wait for each other's row locks.
   */
  static final String MARK_DELIVERED = """
      with a as (%s
      ), d as (
        insert into conversation_reads (conversation_id, user_id, read_seq, read_student_count, delivered_seq)
        select a.conversation_id, a.user_id, 0, 0, a.seq from a order by a.conversation_id, a.user_id
        on conflict (conversation_id, user_id) do update
           set delivered_seq = excluded.delivered_seq, updated_at = now()
         where conversation_reads.delivered_seq < excluded.delivered_seq
        returning conversation_id, user_id, delivered_seq, read_seq
      )
      select a.conversation_id, a.user_id,
             coalesce(d.delivered_seq, cr.delivered_seq, 0) as delivered_seq,
             coalesce(d.read_seq, cr.read_seq, 0) as read_seq,
             (d.user_id is not null)::int as moved
        from a
        left join d on d.conversation_id = a.conversation_id and d.user_id = a.user_id
        left join lateral (%s) cr on true
      """.formatted(MARKS_OF_BATCH, markOfRow());

  /**
   * A student's pending notifications (R5.1-R5.4): the staff messages past the student's read mark (status entries
   * are not messages), counted over that range only, and the latest staff message for the excerpt.
   */
  private static final String NOTIFICATIONS = """
      select c.id, c.last_seq, cb.name as started_by, coalesce(cr.read_seq, 0) as read_seq,
             cr.dismissed_seq, m.seq as latest_seq, m.body as latest_body, m.created_at as latest_at,
             su.name as latest_sender, %s as unread,
             exists (select 1 from messages x where x.conversation_id = c.id and x.kind = 'message') as has_messages
        from conversations c
        join users cb on cb.id = c.created_by
        left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
        left join lateral (select seq, body, created_at, sender_id from messages
                            where conversation_id = c.id and sender_id <> c.student_id and kind = 'message'
                            order by seq desc limit 1) m on true
        left join users su on su.id = m.sender_id
       where c.student_id = $1
      """.formatted(STAFF_MESSAGES_UNREAD);

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

  /**
   * Moves read marks forward (never back), and with them the delivered marks, a batch of them in one statement
   * ({@link #MARKS_AS_ARRAYS}): a row per acknowledgement of an existing conversation, with {@code moved} 1 when
   * its mark moved and the reader's {@code unread} after it. The outer select sees the marks as they were before
   * the upsert (one snapshot): what moved comes from r. Rows are written in the order of their keys.
   */
  static final String MARK_READ = """
      with a as (%s
      ), r as (
        %s
      )
      select a.conversation_id, a.user_id,
             coalesce(r.read_seq, cr.read_seq) as read_seq,
             coalesce(r.delivered_seq, cr.delivered_seq) as delivered_seq,
             (r.user_id is not null)::int as moved,
             c.student_msg_count - coalesce(r.read_student_count, cr.read_student_count, 0) as unread
        from a
        cross join lateral (select c.student_msg_count from conversations c where c.id = a.conversation_id limit 1) c
        left join r on r.conversation_id = a.conversation_id and r.user_id = a.user_id
        left join lateral (%s) cr on true
      """.formatted(MARKS_OF_BATCH, upsertReadMark("""
          select a.conversation_id, a.user_id, m.seq, m.student_count
            from a cross join lateral (select m.seq, m.student_count from messages m
                                        where m.conversation_id = a.conversation_id and m.seq = a.seq limit 1) m
           order by a.conversation_id, a.user_id"""), markOfRow());

  /**
   * Read and delivered marks run a batch as one statement (issue 9): their arguments as arrays, and each row names
   * its acknowledgement by {@link #markKey}. A batch carries one acknowledgement per key.
   */
  static final GroupCommit.Combined MARKS_AS_ARRAYS = new GroupCommit.Combined(marks -> Tuple.tuple()
      .addValue(marks.stream().map(t -> t.getLong(0)).toArray(Long[]::new))
      .addValue(marks.stream().map(t -> t.getLong(1)).toArray(Long[]::new))
      .addValue(marks.stream().map(t -> t.getLong(2)).toArray(Long[]::new)),
      row -> markKey(row.getLong("conversation_id"), row.getLong("user_id")));

  /**
   * A mark's lock key: its conversation, then its reader (exact while user ids fit in 32 bits; two marks that share a
   * key would only wait for each other). Ordering a batch by it orders it as the statements write their rows.
   */
  static long markKey(long conversationId, long userId) {
    return (conversationId << 32) | (userId & 0xffffffffL);
  }

  private static final String SELECT_BY_CLIENT_ID =
      "select " + MESSAGE_COLUMNS + " from messages m join users u on u.id = m.sender_id where m.sender_id = $1 and m.client_msg_id = $2";

  /**
   * Message inserts of one chat-service instance running at once (one instance per node: Node.CHAT_INSTANCES). More
   * sends than that wait and go out as one batch when the insert finishes. One, since a batch is one statement
   * (issue 9, tuning step 4): larger batches cost PostgreSQL less per send, and at 2,000 msg/s the p50 fell from
   * 4.8–6.3 to 3.1–3.2 ms and its CPU from 0.94–1.03 to 0.85–0.86 cores, with the same ceiling
   * (docs/PERFORMANCE.md).
   */
  static final int INSERTS_IN_FLIGHT = 1;
  /** The most messages (or marks) one batch (one round trip, one commit) carries. */
  static final int MAX_INSERT_BATCH = 32;
  /**
   * Read and delivered marks written at once per instance and kind; more go out together in the next batch. They
   * use the node's marks pool (two connections); the inserts hold one connection of the general pool (default 8),
   * and the search index upkeep one more for a few milliseconds every 250 ms.
   */
  static final int MARKS_IN_FLIGHT = 1;
  /**
   * How long a read or delivered mark waits for others to share its batch (issue 9, tuning step 10). Without a wait,
   * marks under load went out 1.2–1.4 to a batch, each a statement and a commit: 10 s a run at 2,000 msg/s, a
   * quarter of PostgreSQL's statement time (3 s with the wait). A reader sees the "Read" tick up to 25 ms later.
   */
  static final long MARK_LINGER_MS = 25;
  /** The most marks one batch carries: a full batch goes out without waiting out the linger. */
  static final int MAX_MARK_BATCH = 256;

  private final Pool pool;
  private final GroupCommit inserts;
  private final GroupCommit readMarks;
  private final GroupCommit deliveredMarks;
  /** Conversation id → its student, as far as this node knows: a conversation never changes student. */
  private final Map<Long, Long> knownStudents;
  /** Conversation id → the highest sequence this node has seen stored in it (sequences only grow). */
  private final Map<Long, Long> knownLastSeqs;
  /** Lookups of a conversation's student still running, on this instance's event loop. */
  private final Map<Long, Future<Long>> studentLookups = new java.util.HashMap<>();

  /** Marks go through {@code pool} too, committed durably like everything else, each batch as soon as it can. */
  public ChatService(Pool pool) {
    this(null, pool, pool, new java.util.concurrent.ConcurrentHashMap<>(),
        new java.util.concurrent.ConcurrentHashMap<>());
  }

  /**
   * @param vertx sets the timers marks wait on to share a batch ({@link #MARK_LINGER_MS}); null: marks do not wait
   * @param marksPool where read and delivered marks are written: the node's marks pool, whose commits do not wait
   *                  for the disk ({@link app.homeroom.db.DbTarget#marksConnectOptions()})
   * @param knownStudents the node's conversation → student map, shared with the other instances
   * @param knownLastSeqs the node's conversation → highest stored sequence it has seen, shared likewise
   */
  public ChatService(Vertx vertx, Pool pool, Pool marksPool, Map<Long, Long> knownStudents,
                     Map<Long, Long> knownLastSeqs) {
    this.pool = pool;
    this.inserts = new GroupCommit(pool, INSERT_INTO_ACTIVE, SENDS_AS_ARRAYS, INSERT_MESSAGE, INSERTS_IN_FLIGHT,
        MAX_INSERT_BATCH);
    // Marks are writes with a commit each too: a batch of them is one statement, and they wait a little to share it.
    this.readMarks = new GroupCommit(marksPool, MARK_READ, MARKS_AS_ARRAYS, null, MARKS_IN_FLIGHT, MAX_MARK_BATCH);
    this.deliveredMarks = new GroupCommit(marksPool, MARK_DELIVERED, MARKS_AS_ARRAYS, null, MARKS_IN_FLIGHT,
        MAX_MARK_BATCH);
    if (vertx != null) {
      readMarks.lingering(vertx, MARK_LINGER_MS);
      deliveredMarks.lingering(vertx, MARK_LINGER_MS);
    }
    this.knownStudents = knownStudents;
    this.knownLastSeqs = knownLastSeqs;
  }

  /** How many batches the sends went out in so far (tests). */
  long insertBatches() {
    return inserts.batches();
  }

  /** How many batches the read marks went out in so far (tests). */
  long readMarkBatches() {
    return readMarks.batches();
  }

  /** How many batches the delivered marks went out in so far (tests). */
  long deliveredMarkBatches() {
    return deliveredMarks.batches();
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
   * the student's notifications as they stand with it (R5.2), when the send statement could tell (else null).
   */
  public record Sent(JsonObject message, boolean duplicate, long studentId, JsonObject reopened,
                     JsonArray studentNotifications) {}

  /** The result of a status change: the conversation as it is now, and the new entry (null when nothing changed). */
  public record StatusChange(JsonObject conversation, JsonObject event) {}

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
    return studentOf(actor, conversationId).compose(studentId -> {
      // Group commit: under load, the sends that arrive while inserts run share the next round trip and commit.
      return inserts.execute(conversationId, Tuple.of(conversationId, actor.userId(), clientMsgId, body))
          .compose(rows -> {
            JsonObject message = null;
            JsonObject reopened = null;
            JsonArray notifications = null;
            for (Row row : rows) {
              JsonObject json = messageJson(row);
              if (KIND_MESSAGE.equals(json.getString("kind"))) {
                message = json;
                notifications = notificationsAfter(row, json);
              } else {
                reopened = json;
              }
            }
            if (message == null) {
              return existing(actor, conversationId, clientMsgId, studentId);
            }
            sawSeq(conversationId, message.getLong("seq"));
            return Future.succeededFuture(new Sent(message, false, studentId, reopened, notifications));
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
    return pool.preparedQuery(SELECT_BY_CLIENT_ID).execute(Tuple.of(actor.userId(), clientMsgId)).map(rows -> {
      if (rows.size() == 0) {
        // The conversation row vanished between the check and the insert: nothing was stored.
        throw ApiError.notFound("No such conversation");
      }
      JsonObject message = messageJson(rows.iterator().next());
      if (message.getLong("conversationId") != conversationId) {
        throw ApiError.conflict("This clientMsgId was already used for another conversation");
      }
      return new Sent(message, true, studentId, null, null);
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
   * Closes ({@code close}) or reopens the conversation (R6.2, R6.3); staff only. Idempotent: a conversation that
   * already has the wanted status is answered as it is, with no entry written. The note (closing only) is trimmed,
   * at most {@value #MAX_NOTE_CHARS} characters; blank means none.
   */
  public Future<StatusChange> changeStatus(Identity actor, long conversationId, boolean close, String note) {
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
    String status = close ? STATUS_CLOSED : STATUS_ACTIVE;
    return conversationFor(actor, conversationId).compose(before -> pool.preparedQuery(CHANGE_STATUS)
        .execute(Tuple.of(conversationId, actor.userId(), status, close ? "closed" : "reopened", cleanNote))
        .compose(rows -> {
          JsonObject event = rows.size() == 1 ? messageJson(rows.iterator().next()) : null;
          return conversationFor(actor, conversationId).map(now -> new StatusChange(now, event));
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
  public Future<JsonObject> latestStatusEntry(long conversationId) {
    return pool.preparedQuery(LATEST_STATUS_ENTRY).execute(Tuple.of(conversationId))
        .map(rows -> rows.size() == 0 ? null : messageJson(rows.iterator().next()));
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
    return conversationFor(actor, conversationId).compose(conversation -> pool.preparedQuery("""
            (select %1$s from messages m join users u on u.id = m.sender_id
              where m.conversation_id = $1 and m.seq <= $2 order by m.seq desc limit $3)
            union all
            (select %1$s from messages m join users u on u.id = m.sender_id
              where m.conversation_id = $1 and m.seq > $2 order by m.seq asc limit $4)""".formatted(MESSAGE_COLUMNS))
        .execute(Tuple.of(conversationId, seq, older + 1, newer + 1))
        .map(rows -> {
          List<JsonObject> before = new ArrayList<>();
          List<JsonObject> after = new ArrayList<>();
          for (Row row : rows) {
            JsonObject m = messageJson(row);
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

  /**
   * Moves the reader's read mark (and so their delivered mark) forward to {@code seq} (R2.3, R4.4): one
   * statement, no write when it would not move. Reply: {@code {conversationId, readSeq, deliveredSeq, unread,
   * moved}}. Callers check the acknowledgement first ({@link #checkAck}).
   */
  Future<JsonObject> writeRead(long userId, long conversationId, long seq) {
    return readMarks.execute(markKey(conversationId, userId), Tuple.of(conversationId, userId, seq)).map(rows -> {
      Row row = rows.iterator().next();
      return new JsonObject().put("conversationId", conversationId).put("readSeq", row.getLong("read_seq"))
          .put("deliveredSeq", row.getLong("delivered_seq")).put("unread", row.getLong("unread"))
          .put("moved", row.getLong("moved") > 0);
    });
  }

  /** Moves the delivered mark forward to {@code seq} (R4.3); callers check the acknowledgement first. */
  Future<JsonObject> writeDelivered(long userId, long conversationId, long seq) {
    return deliveredMarks.execute(markKey(conversationId, userId), Tuple.of(conversationId, userId, seq)).map(rows -> {
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
   * ({@link #INSERT_INTO_ACTIVE}); null when it did not answer them (a student's message, or the full statement).
   * A student has one conversation, and this message is its latest staff message, past the read mark and any
   * dismissal: the one notification is pending, with this message as the latest.
   */
  private static JsonArray notificationsAfter(Row row, JsonObject message) {
    int unread = row.getColumnIndex("student_unread");
    if (unread < 0 || row.getValue(unread) == null) {
      return null;
    }
    return new JsonArray().add(notification(message.getLong("conversationId"), row.getLong(unread),
        message.getString("body"), message.getString("senderName"), message.getString("createdAt"),
        message.getLong("seq"), row.getString("started_by"), false));
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
    return pool.preparedQuery("select " + CONVERSATION_COLUMNS + " from conversations where id = $1")
        .execute(Tuple.of(conversationId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("No such conversation");
          }
          JsonObject conversation = conversationJson(rows.iterator().next());
          knownStudents.put(conversationId, conversation.getLong("studentId"));
          sawSeq(conversationId, conversation.getLong("lastSeq"));
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
    Text.rejectControlCharacters(body, "A message");
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
        .put("createdAt", Text.iso(row.getOffsetDateTime("created_at")))
        .put("lastSeq", row.getLong("last_seq"))
        .put("lastMessageAt", Text.iso(row.getOffsetDateTime("last_message_at")));
  }

  public static JsonObject messageJson(Row row) {
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
        .put("createdAt", Text.iso(row.getOffsetDateTime("created_at")));
  }
}
