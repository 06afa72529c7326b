package app.homeroom.account;

/**
 * Every statement of the account feature, where SQL is read: named constants, composed only of other named constants
 * (no formatting at run time). Each write that an audit entry records carries that entry as one more data-modifying
 * CTE, so the change and its entry commit together (V9).
 */
public final class AccountSql {

  private AccountSql() {}

  static final String USER_COLUMNS = "id, role, name, email, roll_id, class_name";

  static final String USER_BY_ID = "select " + USER_COLUMNS + " from users where id = $1";

  static final String STUDENT_BY_ID = "select " + USER_COLUMNS + " from users where id = $1 and role = 'student'";

  /** $1 the lower-cased email. */
  static final String USER_BY_EMAIL =
      "select " + USER_COLUMNS + ", password_hash, disabled_at, session_epoch from users where lower(email) = $1";

  static final String CLASSES = "select distinct class_name from users where role = 'student' order by class_name";

  // ---- failed sign-ins: counted per account and per client address ($2: the window in seconds) -----------------

  static final String ACCOUNT_FAILURES = "select failures, last_failed_at from login_failures where account_key = $1";

  static final String ADDRESS_FAILURES =
      "select failures, last_failed_at from login_address_failures where address = $1";

  /** A failure counts from 1 again once the last one is older than the window. */
  static final String ACCOUNT_FAILED = """
      insert into login_failures (account_key, failures, last_failed_at) values ($1, 1, now())
      on conflict (account_key) do update set
        failures = case when login_failures.last_failed_at < now() - make_interval(secs => $2)
                        then 1 else login_failures.failures + 1 end,
        last_failed_at = now()""";

  static final String ADDRESS_FAILED = """
      insert into login_address_failures (address, failures, last_failed_at) values ($1, 1, now())
      on conflict (address) do update set
        failures = case when login_address_failures.last_failed_at < now() - make_interval(secs => $2)
                        then 1 else login_address_failures.failures + 1 end,
        last_failed_at = now()""";

  static final String CLEAR_ACCOUNT_FAILURES = "delete from login_failures where account_key = $1";

  /** Whether account $1 signed in from address $2 within 30 days (its known address: issue 24, point 4). */
  static final String KNOWN_ADDRESS = """
      select 1 from login_known_addresses
       where account_key = $1 and address = $2 and last_success_at > now() - interval '30 days'""";

  /** Account $1 signed in from address $2 (and known addresses unused for 30 days are forgotten, a few at a time). */
  static final String SIGNED_IN_FROM = """
      with gone as (
        delete from login_known_addresses
         where ctid in (select ctid from login_known_addresses where last_success_at < now() - interval '30 days' limit 100)
      )
      insert into login_known_addresses (account_key, address) values ($1, $2)
      on conflict (account_key, address) do update set last_success_at = now()""";

  /** A successful sign-in of user $1: the People table shows when each person last signed in. */
  static final String SIGNED_IN = "update users set last_sign_in_at = now() where id = $1";

  // ---- passwords: sign-up and reset links, changes (issue 25, points 3 and 4) --------------------------------------

  /** What a link ($1, the token's SHA-256) is for, and whose it is; the page shows the name before a password is set. */
  static final String LINK_BY_TOKEN = """
      select l.user_id, l.purpose, l.expires_at, l.used_at, l.expires_at <= now() as expired,
             u.name, u.email, u.role, u.disabled_at
        from signup_links l join users u on u.id = l.user_id
       where l.token_hash = $1""";

  /**
   * Uses link $1 to set the password hash $2: only a link not used, not expired, of an account not disabled; the
   * link is spent, every session of the account issued before now ends, and the audit records it, all in one
   * statement. No row: the link was spent meanwhile (or expired, or the account was disabled).
   */
  static final String USE_LINK = """
      with l as (
        update signup_links set used_at = now()
         where token_hash = $1 and used_at is null and expires_at > now()
           and exists (select 1 from users where users.id = signup_links.user_id and users.disabled_at is null)
        returning user_id, purpose
      ), u as (
        update users set password_hash = $2, sessions_valid_after = now(), session_epoch = session_epoch + 1
          from l where users.id = l.user_id
        returning users.session_epoch,\s""" + USER_COLUMNS + """
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select u.id, 'user.password_set', 'user', u.id, jsonb_build_object('purpose', l.purpose) from u, l
      )
      select * from u""";

  /** The password hash and who user $1 is: a change of password checks the current one and the policy's context. */
  static final String PASSWORD_OF = "select " + USER_COLUMNS + ", password_hash, disabled_at from users where id = $1";

  /**
   * User $1 changes their password to hash $2, if the hash is still $3 (a concurrent change wins, this one is a 409):
   * every session issued before now ends (the caller gets a new one), and the audit records it.
   */
  static final String CHANGE_PASSWORD = """
      with u as (
        update users set password_hash = $2, sessions_valid_after = now(), session_epoch = session_epoch + 1
         where id = $1 and password_hash = $3 and disabled_at is null
        returning id, session_epoch
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id)
        select u.id, 'user.password_changed', 'user', u.id from u
      )
      select id, session_epoch from u""";

  // ---- sessions ----------------------------------------------------------------------------------------------------

  /** One session signed out by its token id ($1) until it would have expired ($3, epoch seconds); old rows pruned. */
  static final String REVOKE_SESSION = """
      with pruned as (delete from revoked_sessions where expires_at < now() - interval '1 minute')
      insert into revoked_sessions (jti, user_id, expires_at) values ($1, $2, to_timestamp($3))
      on conflict (jti) do nothing""";

  /** "Sign out everywhere" for user $1, and its audit entry. */
  static final String END_ALL_SESSIONS = """
      with u as (
        update users set sessions_valid_after = date_trunc('second', now()) + interval '1 second',
                         session_epoch = session_epoch + 1
         where id = $1 returning id
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id)
        select u.id, 'user.signed_out_everywhere', 'user', u.id from u
      )
      select id from u""";

  // ---- the roster (R2.1-R2.4) ---------------------------------------------------------------------------------------

  /*
   * The roster as one admin ($1) sees it: each student with their conversation, the student's messages this admin
   * has not read, students with unread messages first, then latest activity, then name. Unread is a subtraction of
   * two counters (see V2__read_marks.sql): the query never scans messages. Ranking on narrow columns first and
   * joining the wide ones for the page only keeps a 10,000-row sort cheap.
   */
  private static final String ROSTER_RANKED = """
      with ranked as (
        select u.id as student_id, c.id as conversation_id, c.status, c.last_message_at,
               coalesce(c.last_seq, 0) as last_seq,
               coalesce(c.student_msg_count - r.read_student_count, c.student_msg_count, 0) as unread, u.name_key,
               ca.assignee_id
          from users u
          left join conversations c on c.student_id = u.id
          left join conversation_reads r on r.conversation_id = c.id and r.user_id = $1
          left join conversation_assignments ca on ca.conversation_id = c.id
         where u.role = 'student'""";
  private static final String ROSTER_ORDER = """

         order by (coalesce(c.student_msg_count - r.read_student_count, c.student_msg_count, 0) > 0) desc,
                  c.last_message_at desc nulls last, u.name_key, u.id""";
  private static final String ROSTER_ROWS = """
      )
      select u.id, u.name, u.email, u.roll_id, u.class_name, k.conversation_id, k.status, k.last_message_at,
             k.last_seq, k.unread, u.disabled_at, k.assignee_id, w.name as assignee_name
        from ranked k join users u on u.id = k.student_id left join users w on w.id = k.assignee_id
       order by (k.unread > 0) desc, k.last_message_at desc nulls last, k.name_key, k.student_id
      """;
  /**
   * The filters of a roster page: $2 class, $3 a LIKE pattern on name, email or roll ID, $6 the status, $7 the
   * assignment ({@code mine}: assigned to admin $1, {@code none}: unassigned; issue 27, point 1).
   */
  private static final String ROSTER_FILTER =
      " and ($2::text is null or u.class_name = $2)"
      + " and ($3::text is null or u.name_key like $3 or lower(u.email) like $3 or lower(u.roll_id) like $3)"
      + " and ($6::text is null or (case when $6 = 'none' then c.id is null else c.status = $6 end))"
      + " and ($7::text is null or (case when $7 = 'none' then ca.assignee_id is null else ca.assignee_id = $1 end))";

  /**
   * The page query as it runs ($1 admin, $2 class, $3 pattern, $4 limit, $5 offset, $6 status, $7 assignment): the
   * benchmark explains it.
   */
  public static final String ROSTER_PAGE = ROSTER_RANKED + ROSTER_FILTER + ROSTER_ORDER + "\n limit $4 offset $5"
      + ROSTER_ROWS;

  /** One row of admin $1's roster: student $2. */
  static final String ROSTER_ROW = ROSTER_RANKED + " and u.id = $2" + ROSTER_ORDER + ROSTER_ROWS;

  /**
   * How many students the filters match, and how many of them have messages admin $1 has not read (the exact count the
   * unread summary says: issue 27, point 6): $1 admin, $2 class, $3 pattern, $4 status, $5 assignment (the page's $1,
   * $2, $3, $6, $7).
   */
  static final String ROSTER_COUNT = """
      select count(*) as total,
             count(*) filter (where coalesce(c.student_msg_count - r.read_student_count, c.student_msg_count, 0) > 0)
               as with_unread
        from users u
        left join conversations c on c.student_id = u.id
        left join conversation_reads r on r.conversation_id = c.id and r.user_id = $1
        left join conversation_assignments ca on ca.conversation_id = c.id
       where u.role = 'student'""" + ROSTER_FILTER.replace("$6", "$4").replace("$7", "$5") + """

      """;
}
