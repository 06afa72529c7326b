package app.homeroom.transcript;

import app.homeroom.chat.ChatSql;

/** The statements of transcript exports (issue 28, point 4): read-only, but the audit entry each export leaves. */
final class TranscriptSql {

  private TranscriptSql() {}

  /** The conversation and its student: the transcript's heading. */
  static final String HEAD = """
      select c.id, c.student_id, c.status, c.created_at, c.last_seq, u.name, u.email, u.roll_id, u.class_name,
             cb.name as started_by
        from conversations c join users u on u.id = c.student_id join users cb on cb.id = c.created_by
       where c.id = $1
      """;

  /** The student's conversation (their own download). */
  static final String OF_STUDENT = "select id from conversations where student_id = $1";

  /** Every entry, oldest first, as the chat shows them (with each acknowledgement); $2 is the cap plus one. */
  static final String ENTRIES = "select " + ChatSql.MESSAGE_COLUMNS
      + " from messages m join users u on u.id = m.sender_id where m.conversation_id = $1 order by m.seq limit $2";

  /** Each participant's marks (delivered and read up to a sequence), and when they last moved. */
  static final String RECEIPTS = """
      select cr.user_id, u.name, u.role, cr.delivered_seq, cr.read_seq, cr.updated_at
        from conversation_reads cr join users u on u.id = cr.user_id
       where cr.conversation_id = $1
       order by u.role desc, lower(u.name), cr.user_id
      """;

  /** The conversations of a class's students (enabled or not: a record is a record), by name. */
  static final String OF_CLASS = """
      select c.id from conversations c join users u on u.id = c.student_id
       where u.role = 'student' and u.class_name = $1
       order by lower(u.name), u.id
      """;

  static final String CLASS_EXISTS = "select 1 from users where role = 'student' and class_name = $1 limit 1";

  static final String AUDIT_ONE = """
      insert into audit_events (actor_id, action, target_type, target_id, details)
      values ($1, 'transcript.exported', 'conversation', $2, $3)
      """;

  static final String AUDIT_CLASS = """
      insert into audit_events (actor_id, action, target_type, target_id, details)
      values ($1, 'transcript.exported', 'school', 1, $2)
      """;
}
