package app.homeroom.attachment;

/** The statements of attachments (issue 28, point 3). */
final class AttachmentSql {

  private AttachmentSql() {}

  /** The conversation's student, to check who may upload to it or read from it. */
  static final String CONVERSATION = "select student_id from conversations where id = $1";

  /** What one user uploaded lately: how many files in the last hour, and how many bytes in the last day. */
  static final String RECENT_UPLOADS = """
      select count(*) filter (where created_at > now() - interval '1 hour') as last_hour,
             coalesce(sum(size_bytes), 0) as last_day_bytes
        from attachments where uploader_id = $1 and created_at > now() - interval '1 day'
      """;

  static final String INSERT = """
      insert into attachments (conversation_id, uploader_id, file_name, content_type, kind, size_bytes, sha256, content)
      values ($1, $2, $3, $4, $5, $6, $7, $8)
      returning id, file_name, content_type, kind, size_bytes, created_at
      """;

  /** The file and who may read it (the conversation's student, or staff). */
  static final String CONTENT = """
      select a.file_name, a.content_type, a.kind, a.size_bytes, a.content, c.student_id
        from attachments a join conversations c on c.id = a.conversation_id
       where a.id = $1
      """;
}
