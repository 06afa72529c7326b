package app.homeroom.team;

/**
 * Every statement of the team inbox (issue 27), where SQL is read: named constants, composed only of other named
 * constants. Each change that an audit entry records carries that entry as one more data-modifying CTE, so the
 * change, its timeline entry and its audit entry commit together (V9, V17).
 */
final class TeamSql {

  private TeamSql() {}

  private static final String ENTRY_COLUMNS = """
      e.id, e.conversation_id, e.after_seq, e.kind, e.author_id, au.name as author_name, e.assignee_id,
      w.name as assignee_name, e.client_id, e.body, e.created_at""";

  private static final String ENTRY_NAMES =
      " join users au on au.id = e.author_id left join users w on w.id = e.assignee_id";

  /** The conversation $1 as a staff entry needs it: its student and its last sequence (where an entry is placed). */
  private static final String CONVERSATION = "c as (select id, student_id, last_seq from conversations where id = $1)";

  /**
   * A private note ($1 conversation, $2 author, $3 client id, $4 text), placed after the conversation's last entry;
   * nothing when the conversation does not exist or this author already used this client id (a retry).
   */
  static final String ADD_NOTE = "with " + CONVERSATION + """
      , e as (
        insert into staff_entries (conversation_id, after_seq, kind, author_id, client_id, body)
        select c.id, c.last_seq, 'note', $2, $3, $4 from c
        on conflict (author_id, client_id) do nothing
        returning *
      )
      select c.student_id,\s""" + ENTRY_COLUMNS + " from e join c on c.id = e.conversation_id" + ENTRY_NAMES;

  /** The entry author $1 stored with client id $2 (a retried note). */
  static final String ENTRY_BY_CLIENT_ID = "select c.student_id, " + ENTRY_COLUMNS
      + " from staff_entries e join conversations c on c.id = e.conversation_id" + ENTRY_NAMES
      + " where e.author_id = $1 and e.client_id = $2";

  /** Staff entries of conversation $1 older than entry $2 (null: the newest), newest first, $3 of them. */
  static final String ENTRIES = "select " + ENTRY_COLUMNS + " from staff_entries e" + ENTRY_NAMES
      + " where e.conversation_id = $1 and ($2::bigint is null or e.id < $2) order by e.id desc limit $3";

  /** A conversation ($1) and who it is assigned to: id and name, or nulls. */
  static final String ASSIGNMENT = """
      select c.id, c.student_id, a.assignee_id, w.name as assignee_name, a.assigned_at
        from conversations c
        left join conversation_assignments a on a.conversation_id = c.id
        left join users w on w.id = a.assignee_id
       where c.id = $1""";

  /** An admin who can be given conversations: $1, enabled. */
  static final String ASSIGNABLE_ADMIN = "select id, name from users where id = $1 and role = 'admin' and disabled_at is null";

  /**
   * Conversation $1 assigned by $2 to admin $3: the assignment, an "assigned" entry and an audit entry, or nothing at
   * all when it is already theirs (re-checked under the row's lock, so two admins assigning the same colleague at once
   * write one entry).
   */
  static final String ASSIGN = "with " + CONVERSATION + """
      , a as (
        insert into conversation_assignments (conversation_id, assignee_id, assigned_by)
        select c.id, $3, $2 from c
        on conflict (conversation_id) do update
           set assignee_id = excluded.assignee_id, assigned_by = excluded.assigned_by, assigned_at = now()
         where conversation_assignments.assignee_id <> excluded.assignee_id
        returning conversation_id, assignee_id
      ), e as (
        insert into staff_entries (conversation_id, after_seq, kind, author_id, assignee_id)
        select c.id, c.last_seq, 'assigned', $2, a.assignee_id from a join c on c.id = a.conversation_id
        returning *
      ), x as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $2, 'conversation.assigned', 'conversation', e.conversation_id,
               jsonb_build_object('studentId', c.student_id, 'assigneeId', e.assignee_id)
          from e join c on c.id = e.conversation_id
      )
      select c.student_id,\s""" + ENTRY_COLUMNS + " from e join c on c.id = e.conversation_id" + ENTRY_NAMES;

  /** Conversation $1 unassigned by $2: as {@link #ASSIGN}, nothing when it had no assignee. */
  static final String UNASSIGN = "with " + CONVERSATION + """
      , a as (
        delete from conversation_assignments where conversation_id = (select id from c)
        returning conversation_id, assignee_id
      ), e as (
        insert into staff_entries (conversation_id, after_seq, kind, author_id)
        select c.id, c.last_seq, 'unassigned', $2 from a join c on c.id = a.conversation_id
        returning *
      ), x as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $2, 'conversation.unassigned', 'conversation', e.conversation_id,
               jsonb_build_object('studentId', c.student_id, 'previousAssigneeId', a.assignee_id)
          from e join c on c.id = e.conversation_id join a on a.conversation_id = e.conversation_id
      )
      select c.student_id,\s""" + ENTRY_COLUMNS + " from e join c on c.id = e.conversation_id" + ENTRY_NAMES;

  // ---- saved replies ------------------------------------------------------------------------------------------------

  private static final String REPLY_COLUMNS = """
      r.id, r.title, r.body, r.updated_at, r.created_by, r.updated_by, ub.name as updated_by_name""";

  static final String SAVED_REPLIES = "select " + REPLY_COLUMNS
      + " from saved_replies r join users ub on ub.id = r.updated_by order by lower(r.title), r.id";

  static final String CREATE_SAVED_REPLY = """
      with r as (
        insert into saved_replies (title, body, created_by, updated_by) values ($1, $2, $3, $3) returning *
      ), x as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $3, 'saved_reply.created', 'saved_reply', r.id, jsonb_build_object('title', r.title) from r
      )
      select\s""" + REPLY_COLUMNS + " from r join users ub on ub.id = r.updated_by";

  static final String UPDATE_SAVED_REPLY = """
      with r as (
        update saved_replies set title = $2, body = $3, updated_by = $4, updated_at = now() where id = $1 returning *
      ), x as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $4, 'saved_reply.updated', 'saved_reply', r.id, jsonb_build_object('title', r.title) from r
      )
      select\s""" + REPLY_COLUMNS + " from r join users ub on ub.id = r.updated_by";

  static final String DELETE_SAVED_REPLY = """
      with r as (
        delete from saved_replies where id = $1 returning id, title
      ), x as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $2, 'saved_reply.deleted', 'saved_reply', r.id, jsonb_build_object('title', r.title) from r
      )
      select id from r""";
}
