package app.homeroom.announce;

import app.homeroom.chat.ChatSql;

/**
 * The statements of announcements and acknowledgements (issue 28, points 1 and 2). An announcement is stored by
 * {@link #CREATE}, {@link #OPEN_MISSING_CONVERSATIONS} and {@link #DELIVER} in one transaction: all of it or nothing.
 */
final class AnnouncementSql {

  private AnnouncementSql() {}

  /** The classes of $1 that no student is in (a typo, a class of last year): refused before anything is written. */
  static final String UNKNOWN_CLASSES = """
      select c from unnest($1::text[]) as c
       where not exists (select 1 from users u where u.role = 'student' and u.class_name = c and u.disabled_at is null)
      """;

  /**
   * The recipients, in id order: the enabled students of the classes $1, or the students $2, or (both given) the
   * students $2 that are in one of the classes $1. With {@code in_scope} false for a student of $2 who is not one
   * (unknown, staff, disabled, or outside the classes), which the service refuses by name.
   */
  static final String RECIPIENTS = """
      with picked as (select unnest($2::bigint[]) as id)
      select u.id, u.name, true as in_scope from users u
       where u.role = 'student' and u.disabled_at is null and cardinality($2::bigint[]) = 0 and u.class_name = any($1::text[])
      union all
      select p.id, u.name,
             (u.id is not null and u.role = 'student' and u.disabled_at is null
              and (cardinality($1::text[]) = 0 or u.class_name = any($1::text[]))) as in_scope
        from picked p left join users u on u.id = p.id
      order by 1
      """;

  /** The announcement itself, unless this sender used this client id already (then no row: a retry). */
  static final String CREATE = """
      insert into announcements (sender_id, client_id, body, needs_ack, audience, recipients)
      values ($1, $2, $3, $4, $5, $6)
      on conflict (sender_id, client_id) do nothing
      returning id, created_at
      """;

  static final String AUDIT_SENT = """
      insert into audit_events (actor_id, action, target_type, target_id, details)
      values ($1, 'announcement.sent', 'announcement', $2, $3)
      """;

  /** A conversation for each recipient who has none yet (R1.1's rule: one per student), created by the sender. */
  static final String OPEN_MISSING_CONVERSATIONS = """
      insert into conversations (student_id, created_by)
      select s, $2 from unnest($1::bigint[]) as s order by s
      on conflict (student_id) do nothing
      returning\s""" + ChatSql.CONVERSATION_COLUMNS;

  /**
   * The announcement as one message in each recipient's conversation ($1 the students, $2 the sender, $3 the body,
   * $4 the announcement the messages are copies of (null for a reminder), $5 whether they need acknowledging, $6 the
   * announcement this is for, which the audit of a reopening names). The conversations are locked in the order of their ids, as
   * every batch of sends locks them, so an announcement and a batch of sends never wait for each other in a cycle. A
   * closed conversation is reopened by it as a message reopens one (R6.3): a "reopened" entry by the sender takes the
   * sequence just before it, and is audited.
   *
   * <p>Answers a row per stored entry (the reopened ones, then the messages), with the student, and for each message
   * the student's unread staff messages as {@link ChatSql#STAFF_MESSAGES_UNREAD} counts them (the reopened entry this
   * statement writes is not visible to its count, so it is taken off here), for their notification.
   */
  static final String DELIVER = """
      with l as (
        select cv.id, cv.status from conversations cv where cv.student_id = any($1::bigint[])
         order by cv.id for no key update
      ), c as (
        update conversations cv
           set last_seq = cv.last_seq + (case when l.status = 'closed' then 2 else 1 end),
               status = 'active', last_message_at = now()
          from l
         where cv.id = l.id
        returning cv.id, cv.last_seq, cv.last_message_at, cv.student_msg_count, cv.student_id, cv.created_by,
                  l.status as old_status
      ), e as (
        insert into messages (conversation_id, seq, kind, sender_id, client_msg_id, created_at, student_count)
        select c.id, c.last_seq - 1, 'reopened', $2, gen_random_uuid(), c.last_message_at, c.student_msg_count
          from c where c.old_status = 'closed' order by c.id
        returning *
      ), ea as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $2, 'conversation.reopened', 'conversation', e.conversation_id,
               jsonb_build_object('studentId', c.student_id, 'seq', e.seq, 'byAnnouncement', $6::bigint)
          from e join c on c.id = e.conversation_id
      ), m as (
        insert into messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, student_count,
                              announcement_id, needs_ack)
        select c.id, c.last_seq, $2, gen_random_uuid(), $3, c.last_message_at, c.student_msg_count, $4::bigint, $5
          from c order by c.id
        returning *
      ), r as (
        """ + ChatSql.upsertReadMark("select m.conversation_id, m.sender_id, m.seq, m.student_count from m"
          + " order by m.conversation_id") + """
      ), n as materialized (
        select c.id, cb.name as started_by, """ + ChatSql.STAFF_MESSAGES_UNREAD + """
         - (case when c.old_status = 'closed' then 1 else 0 end) as student_unread
          from c join users cb on cb.id = c.created_by
          left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
      )
      select\s""" + ChatSql.MESSAGE_COLUMNS + """
      , c.student_id, null::bigint as student_unread, null::text as started_by
        from e m join users u on u.id = m.sender_id join c on c.id = m.conversation_id
      union all
      select\s""" + ChatSql.MESSAGE_COLUMNS + """
      , c.student_id, n.student_unread, n.started_by
        from m join users u on u.id = m.sender_id join c on c.id = m.conversation_id join n on n.id = m.conversation_id
      """;

  static final String ANNOUNCEMENT_COLUMNS = """
      a.id, a.sender_id, s.name as sender_name, a.client_id, a.body, a.needs_ack, a.audience, a.recipients,
      a.created_at, a.nudged_at, a.nudges""";

  /**
   * Progress as counts, from the recipients' marks: delivered (their delivered mark reached the message), read (their
   * read mark did) and acknowledged. Reads {@code a}, an announcement row.
   */
  static final String PROGRESS = """
      (select count(*) filter (where cr.delivered_seq >= m.seq) as delivered,
              count(*) filter (where cr.read_seq >= m.seq) as read,
              count(ak.message_id) as acknowledged
         from messages m
         join conversations cv on cv.id = m.conversation_id
         left join conversation_reads cr on cr.conversation_id = m.conversation_id and cr.user_id = cv.student_id
         left join acknowledgements ak on ak.message_id = m.id
        where m.announcement_id = a.id) p""";

  /** The newest announcements before id $1 (null: the newest), $2 of them, with their progress. */
  static final String LIST = "select " + ANNOUNCEMENT_COLUMNS + ", p.delivered, p.read, p.acknowledged"
      + " from announcements a join users s on s.id = a.sender_id cross join lateral " + PROGRESS
      + " where ($1::bigint is null or a.id < $1) order by a.id desc limit $2";

  static final String ONE = "select " + ANNOUNCEMENT_COLUMNS + ", p.delivered, p.read, p.acknowledged"
      + " from announcements a join users s on s.id = a.sender_id cross join lateral " + PROGRESS
      + " where a.id = $1";

  static final String BY_CLIENT_ID = "select a.id from announcements a where a.sender_id = $1 and a.client_id = $2";

  /** Each recipient of announcement $1, by name: where their copy stands. */
  static final String RECIPIENT_STATUS = """
      select cv.student_id, u.name, u.class_name, m.id as message_id, m.conversation_id, m.seq,
             coalesce(cr.delivered_seq, 0) >= m.seq as delivered, coalesce(cr.read_seq, 0) >= m.seq as read,
             ak.acknowledged_at
        from messages m
        join conversations cv on cv.id = m.conversation_id
        join users u on u.id = cv.student_id
        left join conversation_reads cr on cr.conversation_id = m.conversation_id and cr.user_id = cv.student_id
        left join acknowledgements ak on ak.message_id = m.id
       where m.announcement_id = $1
       order by u.class_name, lower(u.name), u.id
      """;

  /**
   * Records a nudge of announcement $1 by $2 unless one was made in the last {@code $3} seconds; answers the row when
   * it may go ahead.
   */
  static final String CLAIM_NUDGE = """
      update announcements set nudged_at = now(), nudges = nudges + 1
       where id = $1 and (nudged_at is null or nudged_at < now() - make_interval(secs => $2))
      returning id, nudges
      """;

  static final String AUDIT_NUDGED = """
      insert into audit_events (actor_id, action, target_type, target_id, details)
      values ($1, 'announcement.nudged', 'announcement', $2, $3)
      """;

  /**
   * The student's acknowledgement of message $1 (by $2, who must be the conversation's student, and only of a
   * message that asks for one): stored once; a second press answers the first. Answers the message's row with
   * {@code acknowledged_at}, or no row when there is no such message for this student.
   */
  static final String ACKNOWLEDGE = """
      with m as (
        select m.id, m.conversation_id, m.seq, m.announcement_id, m.needs_ack, cv.student_id
          from messages m join conversations cv on cv.id = m.conversation_id
         where m.id = $1 and cv.student_id = $2
      ), ins as (
        insert into acknowledgements (message_id, user_id)
        select m.id, $2 from m where m.needs_ack
        on conflict (message_id) do nothing
        returning message_id, acknowledged_at
      )
      select m.id, m.conversation_id, m.seq, m.announcement_id, m.needs_ack, m.student_id,
             coalesce(ins.acknowledged_at, (select ak.acknowledged_at from acknowledgements ak where ak.message_id = m.id))
               as acknowledged_at,
             (ins.message_id is not null) as stored
        from m left join ins on ins.message_id = m.id
      """;
}
