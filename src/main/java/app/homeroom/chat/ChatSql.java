package app.homeroom.chat;

/**
 * Every statement of the chat, where SQL is read: named constants, composed only of other named constants (no
 * formatting at run time). The send statements ({@link #INSERT_INTO_ACTIVE}, {@link #INSERT_MESSAGE}) and the marks
 * ({@link #MARK_READ}, {@link #MARK_DELIVERED}) run in batches through {@code batch.GroupCommit}; docs/ARCHITECTURE.md
 * says why each is shaped as it is, and BatchedSendTest checks their plans.
 */
public final class ChatSql {

  private ChatSql() {}

  public static final String CONVERSATION_COLUMNS = "id, student_id, status, created_at, last_seq, last_message_at";
  /**
   * A message as {@link ChatJson#message} reads it, from {@code m} (messages) and {@code u} (its sender). Whether it was
   * acknowledged is looked up only for the few that ask for it (issue 28, point 2).
   */
  public static final String MESSAGE_COLUMNS = "m.id, m.conversation_id, m.seq, m.kind, m.sender_id, m.client_msg_id, m.body,"
      + " m.note, m.created_at, u.name as sender_name, u.role as sender_role, m.announcement_id, m.needs_ack,"
      + " case when m.needs_ack then (select ak.acknowledged_at from acknowledgements ak where ak.message_id = m.id)"
      + " end as acknowledged_at, m.attachment_id, case when m.attachment_id is not null then (select json_build_object("
      + "'id', a.id, 'name', a.file_name, 'contentType', a.content_type, 'kind', a.kind, 'size', a.size_bytes)"
      + " from attachments a where a.id = m.attachment_id) end as attachment";


  /**
   * What a student has not read (R5.2): the staff messages (status entries are not messages) past their read mark.
   * Reads {@code c} (the conversation as it stands: {@code id}, {@code last_seq}, {@code student_msg_count}) and
   * {@code cr} (the student's read mark, or nulls); shared by the notifications query and the send statement, so both
   * count alike. Counted without reading the messages past the mark (issue 30): sequences have no gaps, so of the
   * {@code last_seq - read_seq} entries past it, {@code student_msg_count - read_student_count} are the student's, and
   * the few status entries are found through their partial index; the rest are staff messages. (Counting those rows
   * made each staff message dearer the longer a student left them unread: 300 unread, 300 rows read for every send.)
   */
  public static final String STAFF_MESSAGES_UNREAD = """
      ((c.last_seq - coalesce(cr.read_seq, 0)) - (c.student_msg_count - coalesce(cr.read_student_count, 0))
        - (select count(*) from messages x
            where x.conversation_id = c.id and x.seq > coalesce(cr.read_seq, 0) and x.kind <> 'message'))""";

  /**
   * One statement: take the next sequence from the conversation row (its row lock orders concurrent senders)
   * and insert, unless this sender already stored this client message id. A racing duplicate fails on the
   * unique (sender_id, client_msg_id) index and the whole statement, sequence bump included, rolls back.
   * The sender has read everything up to their own message, so their read mark moves there too (R2.3).
   *
   * <p>Writing to a closed conversation reopens it (R6.3): the row lock taken in {@code old} gives the status as
   * it is now, and a "reopened" entry by the writer takes the sequence just before the message.
   */
  static final String INSERT_MESSAGE = """
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
        insert into messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, student_count, needs_ack,
                              attachment_id)
        select c.id, c.last_seq, $2, $3, $4, c.last_message_at, c.student_msg_count, $5, $6 from c
        returning *
      ), r as (
        """ + upsertReadMark("select m.conversation_id, m.sender_id, m.seq, m.student_count from m") + """
      )
      select\s""" + MESSAGE_COLUMNS + """
      \sfrom m join users u on u.id = m.sender_id
      union all
      select\s""" + MESSAGE_COLUMNS + """
      \sfrom e m join users u on u.id = m.sender_id
      """;

  /**
   * The usual send, to an active conversation: {@link #INSERT_MESSAGE} without its reopening branches, which cost
   * about a tenth of its time in PostgreSQL on every run (issue 9; pgbench, docs/PERFORMANCE-LOG.md). It stores nothing
   * and answers no rows when the conversation is closed (or gone), or when the sender already used this client
   * message id; the group commit then runs {@link #INSERT_MESSAGE} for that send, which reopens, or finds nothing to
   * store. The update re-checks the status under the row lock, so a close that commits first is seen.
   *
   * <p>For a staff message it also answers the student's notification as it stands with this message (R5.2), so no
   * query for it follows each staff message (issue 9: one a second for every two messages): {@code student_unread},
   * the staff messages past the student's read mark, this one included, and {@code started_by}. The rest of the
   * notification is this message's: it is the latest staff message, past the read mark and any dismissal.
   *
   * <p>A send whose conversation another transaction holds is not waited for: it answers one row with {@code skipped}
   * true (and no message), and runs again on its own with {@link #INSERT_MESSAGE}, which waits (GroupCommit). Every row
   * names its send by {@code send_conversation_id}.
   *
   * <p>It takes a whole batch of sends at once, as arrays ({@link ChatService#SENDS_AS_ARRAYS}), one send per conversation: one
   * statement's start-up (plan, constraint checks, triggers) for the batch instead of one per send: PostgreSQL's time per
   * message falls by a third in a batch of four and by half in one of eight (pgbench, docs/PERFORMANCE-LOG.md).
   */
  static final String INSERT_INTO_ACTIVE = """
      with i as (
        -- Each array behind a subquery: the planner then cannot see how long it is, and a batch of one is planned
        -- like any other batch. Seeing it, it finds the plan for one send cheaper than the plan for any batch, and
        -- plans each send again rather than keep one plan (BatchedSendTest).
        select * from unnest((select $1::bigint[]), (select $2::bigint[]), (select $3::uuid[]), (select $4::text[]),
                             (select $5::boolean[]), (select $6::bigint[]))
            with ordinality as i (conversation_id, sender_id, client_msg_id, body, needs_ack, attachment_id, ord)
      ), l as (
        -- The batch's conversations locked in the order of their ids, whatever order the plan joins them in. One that
        -- another transaction holds (an announcement storing a copy in it, another node's batch) is skipped, not
        -- waited for: its send is answered "skipped" below and runs on its own (GroupCommit), so the batch and the
        -- sends behind it never wait on a lock (issue 28: an announcement locks a thousand conversations until it
        -- commits).
        select cv.id from conversations cv where cv.id = any((select $1::bigint[])::bigint[])
         order by cv.id for no key update skip locked
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
                  i.sender_id, i.client_msg_id, i.body, i.needs_ack, i.attachment_id, i.ord
      ), n as materialized (
        -- Materialized: counted once per message, not once per pair of messages in the final join. From c, the
        -- conversation as this statement leaves it: its message included.
        select c.id, cb.name as started_by, """ + STAFF_MESSAGES_UNREAD + """
        \sas student_unread
          from c join users cb on cb.id = c.created_by
          left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
         where c.student_id <> c.sender_id
      ), m as (
        insert into messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, student_count, needs_ack,
                              attachment_id)
        select c.id, c.last_seq, c.sender_id, c.client_msg_id, c.body, c.last_message_at, c.student_msg_count, c.needs_ack,
               c.attachment_id
          from c order by c.ord
        returning *
      ), r as (
        """ + upsertReadMark("select m.conversation_id, m.sender_id, m.seq, m.student_count from m") + """
      )
      select\s""" + MESSAGE_COLUMNS + """
      , n.student_unread, n.started_by, i.conversation_id as send_conversation_id, (lk.id is null) as skipped
        from i
        left join l lk on lk.id = i.conversation_id
        left join m on m.conversation_id = i.conversation_id
        left join users u on u.id = m.sender_id
        left join n on n.id = m.conversation_id
       where m.id is not null or lk.id is null
      """;


  /**
   * A status change by staff (R6.3): one statement that flips the status, takes the next sequence and stores the
   * entry, or does nothing when the conversation already has that status (re-checked under the row lock, so two
   * admins closing at once store one entry). The conversation's last activity does not move.
   */
  static final String CHANGE_STATUS = """
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
      select\s""" + MESSAGE_COLUMNS + """
      \sfrom m join users u on u.id = m.sender_id
      """;

  static final String LATEST_STATUS_ENTRY = "select " + MESSAGE_COLUMNS
      + " from messages m join users u on u.id = m.sender_id"
      + " where m.conversation_id = $1 and m.kind <> 'message' order by m.seq desc limit 1";

  /**
   * Moves a reader's read mark forward (never back) to the rows of {@code source}: (conversation, user, seq,
   * count). Read implies delivered, so the delivered mark follows.
   */
  public static String upsertReadMark(String source) {
    return """
        insert into conversation_reads (conversation_id, user_id, read_seq, read_student_count, delivered_seq)
        select s.*, s.seq from (""" + source + """
        ) as s (conversation_id, user_id, seq, student_count)
        on conflict (conversation_id, user_id) do update
           set read_seq = excluded.read_seq, read_student_count = excluded.read_student_count,
               delivered_seq = greatest(conversation_reads.delivered_seq, excluded.read_seq), updated_at = now()
         where conversation_reads.read_seq < excluded.read_seq
        returning conversation_id, user_id, read_seq, read_student_count, delivered_seq""";
  }

  /**
   * The acknowledgements of a batch, as arrays (conversation, user, seq), one per reader and conversation (issue 9).
   * Behind subqueries, as the sends' arrays: the planner cannot see how many there are, and keeps one plan.
   */
  static final String MARKS_OF_BATCH = """
        select * from unnest((select $1::bigint[]), (select $2::bigint[]), (select $3::bigint[]))
            as a (conversation_id, user_id, seq)""";

  /**
   * The mark of a batch's row {@code a}, looked up by its key. Each lookup of a batch statement is a lateral subquery
   * with a limit, which PostgreSQL cannot turn into a join: it stays an index lookup per row whatever the tables'
   * statistics say. As joins, a plan made on nearly empty tables (the first seconds of a run, before any analyze)
   * hashed whole tables for every batch, and kept doing so as they grew (issue 9: a load run's p99 went to 20 s).
   */
  static final String MARK_OF_ROW = """
        (select cr.read_seq, cr.delivered_seq, cr.read_student_count from conversation_reads cr
          where cr.conversation_id = a.conversation_id and cr.user_id = a.user_id limit 1)""";

  /**
   * Moves delivered marks forward (never back), a batch of them in one statement ({@link ReadMarks#MARKS_AS_ARRAYS}): a row
   * per acknowledgement, {@code moved} 1 when its mark moved. None is written that would not move. Rows are written in
   * the order of their keys, as every batch of marks does, so two batches never wait for each other's row locks.
   */
  static final String MARK_DELIVERED = """
      with a as (""" + MARKS_OF_BATCH + """
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
        left join lateral\s""" + MARK_OF_ROW + """
        \scr on true
      """;

  static final String RECEIPTS = """
      select cr.user_id, u.name, u.role, cr.delivered_seq, cr.read_seq
        from conversation_reads cr join users u on u.id = cr.user_id
       where cr.conversation_id = $1
       order by u.role desc, cr.user_id
      """;

  /**
   * Moves read marks forward (never back), and with them the delivered marks, a batch of them in one statement
   * ({@link ReadMarks#MARKS_AS_ARRAYS}): a row per acknowledgement of an existing conversation, with {@code moved} 1 when
   * its mark moved and the reader's {@code unread} after it. The outer select sees the marks as they were before
   * the upsert (one snapshot): what moved comes from r. Rows are written in the order of their keys.
   */
  static final String MARK_READ = """
      with a as (""" + MARKS_OF_BATCH + """
      ), r as (
        """ + upsertReadMark("""
          select a.conversation_id, a.user_id, m.seq, m.student_count
            from a cross join lateral (select m.seq, m.student_count from messages m
                                        where m.conversation_id = a.conversation_id and m.seq = a.seq limit 1) m
           order by a.conversation_id, a.user_id""") + """
      )
      select a.conversation_id, a.user_id,
             coalesce(r.read_seq, cr.read_seq) as read_seq,
             coalesce(r.delivered_seq, cr.delivered_seq) as delivered_seq,
             (r.user_id is not null)::int as moved,
             c.student_msg_count - coalesce(r.read_student_count, cr.read_student_count, 0) as unread
        from a
        cross join lateral (select c.student_msg_count from conversations c where c.id = a.conversation_id limit 1) c
        left join r on r.conversation_id = a.conversation_id and r.user_id = a.user_id
        left join lateral\s""" + MARK_OF_ROW + """
        \scr on true
      """;



  /**
   * Attachment $1 as a send of sender $2 with client message id $3 would use it: who uploaded it to which conversation,
   * and whether another message already carries it (its own retry does not count).
   */
  static final String ATTACHABLE = """
      select a.conversation_id, a.uploader_id,
             exists (select 1 from messages x where x.attachment_id = a.id
                      and not (x.sender_id = $2 and x.client_msg_id = $3)) as sent_elsewhere
        from attachments a where a.id = $1
      """;

  static final String SELECT_BY_CLIENT_ID =
      "select " + MESSAGE_COLUMNS + " from messages m join users u on u.id = m.sender_id where m.sender_id = $1 and m.client_msg_id = $2";

  /** Opens the student's conversation: created by this admin when there is none, else nothing (R1.1). */
  static final String OPEN_CONVERSATION = """
      insert into conversations (student_id, created_by)
      select id, $2 from users where id = $1 and role = 'student'
      on conflict (student_id) do nothing
      returning\s""" + CONVERSATION_COLUMNS;

  static final String CONVERSATION_BY_ID = "select " + CONVERSATION_COLUMNS + " from conversations where id = $1";

  static final String CONVERSATION_OF_STUDENT =
      "select " + CONVERSATION_COLUMNS + " from conversations where student_id = $1";

  /** The entries after a sequence, oldest first (catch-up, R3.4): $3 is the page size plus one. */
  static final String MESSAGES_AFTER = "select " + MESSAGE_COLUMNS + " from messages m join users u on u.id = m.sender_id"
      + " where m.conversation_id = $1 and m.seq > $2 order by m.seq asc limit $3";

  /** The entries before a sequence, newest first (a page of history, R3.4): $3 is the page size plus one. */
  static final String MESSAGES_BEFORE = "select " + MESSAGE_COLUMNS + " from messages m join users u on u.id = m.sender_id"
      + " where m.conversation_id = $1 and m.seq < $2 order by m.seq desc limit $3";

  /** The entries up to a sequence ($3 of them, newest first) and after it ($4, oldest first): opening a search hit. */
  static final String MESSAGES_AROUND = "(select " + MESSAGE_COLUMNS + " from messages m join users u on u.id = m.sender_id"
      + " where m.conversation_id = $1 and m.seq <= $2 order by m.seq desc limit $3)"
      + " union all"
      + " (select " + MESSAGE_COLUMNS + " from messages m join users u on u.id = m.sender_id"
      + " where m.conversation_id = $1 and m.seq > $2 order by m.seq asc limit $4)";
}
