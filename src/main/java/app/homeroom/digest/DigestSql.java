package app.homeroom.digest;

/**
 * Every statement of the email digests (issue 31, point 1), where SQL is read: named constants (V19). A digest covers
 * the staff messages of a student's conversation past both their read mark and what the previous digest covered.
 */
final class DigestSql {

  private DigestSql() {}

  /**
   * Finds students due a digest (digests on for them, a staff message unread and not yet in a digest for longer than
   * the school's delay, not claimed, not waiting for a retry, and not in the school's quiet hours) and claims them for node $1, at most $2, in one
   * statement: a row another node claimed first (or has just sent) is re-checked under its row lock and skipped, so
   * two nodes never claim the same student. Answers the claimed students. Only conversations active in the last two
   * weeks are looked at.
   */
  static final String CLAIM = """
      with s as (
        select digests_enabled, digest_delay_minutes from school_settings where id = 1
      ), due as (
        select c.student_id
          from conversations c
          cross join s
          join users u on u.id = c.student_id and u.disabled_at is null
          left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
          left join email_digests d on d.student_id = c.student_id
         where coalesce(u.email_digests, s.digests_enabled)
           and not school_quiet_at(now())
           and c.last_message_at > now() - interval '14 days'
           and (d.claimed_until is null or d.claimed_until < now())
           and (d.next_attempt_at is null or d.next_attempt_at <= now())
           and exists (select 1 from messages m
                        where m.conversation_id = c.id and m.kind = 'message' and m.sender_id <> c.student_id
                          and m.seq > greatest(coalesce(cr.read_seq, 0), coalesce(d.sent_up_to_seq, 0))
                          and m.created_at <= now() - make_interval(mins => s.digest_delay_minutes))
         order by c.student_id
         limit $2
      )
      insert into email_digests (student_id, claimed_until, claimed_by)
      select student_id, now() + interval '2 minutes', $1 from due
      on conflict (student_id) do update set claimed_until = excluded.claimed_until, claimed_by = excluded.claimed_by
       where (email_digests.claimed_until is null or email_digests.claimed_until < now())
         and (email_digests.next_attempt_at is null or email_digests.next_attempt_at <= now())
      returning student_id""";

  /**
   * What a digest for student $1 says, as it stands now: the staff messages past their read mark and the last
   * digest, how many, who wrote them, the latest, and the highest seq (what the digest covers).
   */
  static final String CONTENT = """
      with c as (
        select id, student_id from conversations where student_id = $1
      ), f as (
        select greatest(coalesce(cr.read_seq, 0), coalesce(d.sent_up_to_seq, 0)) as after
          from c
          left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
          left join email_digests d on d.student_id = c.student_id
      ), m as (
        select m.seq, m.body, w.name
          from c cross join f
          join messages m on m.conversation_id = c.id
          join users w on w.id = m.sender_id
         where m.kind = 'message' and m.sender_id <> c.student_id and m.seq > f.after
      )
      select st.name as student_name, st.email,
             (select count(*) from m) as messages,
             (select max(seq) from m) as up_to_seq,
             (select string_agg(distinct name, ', ' order by name) from m) as senders,
             (select name from m order by seq desc limit 1) as latest_sender,
             (select body from m order by seq desc limit 1) as latest_body
        from users st where st.id = $1""";

  /** Student $1's digest went, covering up to seq $2: the claim ends, the retries are forgotten. */
  static final String SENT = """
      update email_digests
         set sent_up_to_seq = greatest(sent_up_to_seq, $2), last_sent_at = now(), claimed_until = null,
             claimed_by = null, attempts = 0, next_attempt_at = null, last_error = null
       where student_id = $1""";

  /** Student $1's digest failed ($2 why): tried again after $3 seconds, doubled with each failure (up to 64 times). */
  static final String FAILED = """
      update email_digests
         set attempts = attempts + 1, claimed_until = null, claimed_by = null, last_error = left($2, 500),
             next_attempt_at = now() + make_interval(secs => $3 * power(2, least(attempts, 6)))
       where student_id = $1""";

  /** Nothing to send to student $1 now (they came back, or read it meanwhile): node $2's claim ends. */
  static final String RELEASE = "update email_digests set claimed_until = null, claimed_by = null"
      + " where student_id = $1 and claimed_by = $2";

  // ---- settings --------------------------------------------------------------------------------------------------------

  private static final String QUIET_COLUMNS = """
      s.quiet_hours_enabled, to_char(s.quiet_start, 'HH24:MI') as quiet_start, to_char(s.quiet_end, 'HH24:MI') as quiet_end,
      s.quiet_weekends, s.time_zone""";

  static final String SETTINGS = "select s.digests_enabled, s.digest_delay_minutes, s.push_enabled, s.updated_at,"
      + " u.name as updated_by_name, "
      + QUIET_COLUMNS + " from school_settings s left join users u on u.id = s.updated_by where s.id = 1";

  /**
   * The school's notification settings ($1 digests on, $2 minutes, $4–$8 quiet hours, $9 pushes on) changed by $3, with
   * its audit entry (what changed from what).
   */
  static final String UPDATE_SETTINGS = """
      with s as (
        update school_settings n
           set digests_enabled = $1, digest_delay_minutes = $2, updated_by = $3, updated_at = now(),
               quiet_hours_enabled = $4, quiet_start = $5, quiet_end = $6, quiet_weekends = $7, time_zone = $8,
               push_enabled = $9
          from (select * from school_settings where id = 1) o
         where n.id = 1
        returning n.*, to_jsonb(o) - 'updated_at' - 'updated_by' - 'id' as before
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $3, 'settings.notifications_changed', 'school', 1,
               jsonb_build_object('digestsEnabled', s.digests_enabled, 'digestDelayMinutes', s.digest_delay_minutes,
                                  'quietHoursEnabled', s.quiet_hours_enabled, 'quietStart', s.quiet_start,
                                  'quietEnd', s.quiet_end, 'quietWeekends', s.quiet_weekends, 'timeZone', s.time_zone,
                                  'pushEnabled', s.push_enabled, 'before', s.before)
          from s
      )
      select s.digests_enabled, s.digest_delay_minutes, s.push_enabled, s.updated_at, u.name as updated_by_name,\s""" + QUIET_COLUMNS
      + " from s, users u where u.id = $3";

  /** User $1's own choice (null: the school's) and the school's default. */
  static final String PREFERENCES = "select u.email_digests, s.digests_enabled, s.digest_delay_minutes, " + QUIET_COLUMNS
      + " from users u cross join school_settings s where u.id = $1 and s.id = 1";

  /** User $1 chooses $2 (null: the school's default), with its audit entry. */
  static final String SET_PREFERENCES = """
      with u as (
        update users set email_digests = $2 where id = $1 returning id, email_digests
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select u.id, 'user.digests_changed', 'user', u.id, jsonb_build_object('emailDigests', u.email_digests) from u
      )
      select u.email_digests, s.digests_enabled, s.digest_delay_minutes,\s""" + QUIET_COLUMNS
      + " from u cross join school_settings s where s.id = 1";
}
