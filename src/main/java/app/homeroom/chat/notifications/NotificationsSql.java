package app.homeroom.chat.notifications;

import app.homeroom.chat.ChatSql;

/** The statements of notifications; the unread count is the send statement's ({@link ChatSql#STAFF_MESSAGES_UNREAD}). */
final class NotificationsSql {

  private NotificationsSql() {}

  /**
   * A student's pending notifications (R5.1-R5.4): the staff messages past the student's read mark (status entries
   * are not messages), counted over that range only, and the latest staff message for the excerpt.
   */
  static final String NOTIFICATIONS = """
      select c.id, c.last_seq, cb.name as started_by, coalesce(cr.read_seq, 0) as read_seq,
             cr.dismissed_seq, m.seq as latest_seq, m.body as latest_body, m.created_at as latest_at,
             su.name as latest_sender, """ + ChatSql.STAFF_MESSAGES_UNREAD + """
             \sas unread,
             exists (select 1 from messages x where x.conversation_id = c.id and x.kind = 'message') as has_messages
        from conversations c
        join users cb on cb.id = c.created_by
        left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
        left join lateral (select seq, body, created_at, sender_id from messages
                            where conversation_id = c.id and sender_id <> c.student_id and kind = 'message'
                            order by seq desc limit 1) m on true
        left join users su on su.id = m.sender_id
       where c.student_id = $1
      """;

  static final String DISMISS = """
      insert into conversation_reads (conversation_id, user_id, read_seq, read_student_count, delivered_seq, dismissed_seq)
      values ($1, $2, 0, 0, 0, $3)
      on conflict (conversation_id, user_id) do update
         set dismissed_seq = greatest(coalesce(conversation_reads.dismissed_seq, 0), excluded.dismissed_seq),
             updated_at = now()
      """;
}
