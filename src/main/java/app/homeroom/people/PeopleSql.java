package app.homeroom.people;

/**
 * Every statement of the People feature (issue 25), where SQL is read: named constants composed only of other named
 * constants. Each change carries its audit entry as one more data-modifying CTE, so the change and its entry commit
 * together (V9, V11).
 */
public final class PeopleSql {

  private PeopleSql() {}

  /**
   * An audit entry names its action by the kind of person ({@code student.…} or {@code staff.…}) and its target as a
   * student (the audit's student filter finds it) or a user (staff); the statement calls the person {@code p}.
   */
  private static final String STUDENT_OR_STAFF = "case when p.role = 'student' then 'student' else 'staff' end";
  private static final String TARGET_TYPE = "case when p.role = 'student' then 'student' else 'user' end";

  /** A person as the People table shows them; status: disabled, else invited (no password yet), else active. */
  static final String PERSON_COLUMNS = "id, role, name, email, roll_id, class_name, created_at, last_sign_in_at,"
      + " disabled_at, case when disabled_at is not null then 'disabled' when password_hash is null then 'invited'"
      + " else 'active' end as status";

  /**
   * The filters of the People table: $1 a LIKE pattern on name, email or roll ID; $2 role; $3 status; $4 class. An
   * absent filter ($n null) matches everyone.
   */
  private static final String FILTER = """
      where ($1::text is null or name_key like $1 or lower(email) like $1 or lower(roll_id) like $1)
        and ($2::text is null or role = $2)
        and ($3::text is null or $3 = case when disabled_at is not null then 'disabled'
                                           when password_hash is null then 'invited' else 'active' end)
        and ($4::text is null or class_name = $4)""";

  /** A page of the People table by name ($5 limit, $6 offset). */
  static final String PAGE = "select " + PERSON_COLUMNS + " from users\n" + FILTER
      + "\n order by name_key, id limit $5 offset $6";

  /** How many people the same filters match. */
  static final String COUNT = "select count(*) from users\n" + FILTER;

  static final String BY_ID = "select " + PERSON_COLUMNS + " from users where id = $1";

  /**
   * A new person ($1 role, $2 name, $3 email, $4 roll ID, $5 class) by admin $6 and the audit entry, in one statement.
   * With no password hash ($9 null) the person is invited: a sign-up link ($7 the token's hash, valid $8 seconds) is
   * stored with them.
   */
  static final String CREATE = """
      with p as (
        insert into users (role, name, email, roll_id, class_name, password_hash)
        values ($1, $2, $3, $4, $5, $9) returning\s""" + PERSON_COLUMNS + """
      ), l as (
        insert into signup_links (token_hash, user_id, purpose, created_by, expires_at)
        select $7, p.id, 'signup', $6, now() + make_interval(secs => $8) from p where $9::text is null
        returning expires_at
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $6,\s""" + STUDENT_OR_STAFF + " || '.created', " + TARGET_TYPE + """
      , p.id,
               jsonb_build_object('role', p.role, 'name', p.name, 'email', p.email, 'rollId', p.roll_id,
                                  'className', p.class_name)
          from p
      )
      select p.*, l.expires_at as link_expires_at from p left join l on true""";

  /**
   * What an edit changed, as an audit entry's details: from {@code p}, the edited rows with {@code old_…} beside each
   * field, the CTE {@code changes (id, details)} holds {@code {field: {from, to}}} for each field that changed, and no
   * row for a person nothing changed for. The People table's edit and the roster import share it.
   */
  static final String FIELD_CHANGES = """
      changes as (
        select p.id, jsonb_object_agg(f.field, jsonb_build_object('from', f.before, 'to', f.after)) as details
          from p, lateral (values ('name', p.old_name, p.name), ('email', p.old_email, p.email),
                                  ('rollId', p.old_roll_id, p.roll_id), ('className', p.old_class_name, p.class_name))
                          as f(field, before, after)
         where f.before is distinct from f.after
         group by p.id
      )""";

  /**
   * Edits person $1 by admin $2: $3 name, $4 email, $5 roll ID, $6 class, each null to keep it (a roll ID and class
   * only for a student). The audit entry holds what changed, before and after; nothing changed, no entry.
   */
  static final String UPDATE = """
      with old as (
        select id, name, email, roll_id, class_name from users where id = $1 for update
      ), p as (
        update users set name = coalesce($3, users.name), email = coalesce($4, users.email),
                         roll_id = case when users.role = 'student' then coalesce($5, users.roll_id) end,
                         class_name = case when users.role = 'student' then coalesce($6, users.class_name) end
          from old where users.id = old.id
        returning\s""" + "users.id, users.role, users.name, users.email, users.roll_id, users.class_name,"
      + " users.created_at, users.last_sign_in_at, users.disabled_at, case when users.disabled_at is not null then"
      + " 'disabled' when users.password_hash is null then 'invited' else 'active' end as status,"
      + " old.name as old_name, old.email as old_email, old.roll_id as old_roll_id, old.class_name as old_class_name"
      + """

      ),\s""" + FIELD_CHANGES + """
      , a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $2,\s""" + STUDENT_OR_STAFF + " || '.updated', " + TARGET_TYPE + """
      , changes.id, changes.details from changes, p
      )
      select p.*, (select count(*) from changes) > 0 as changed from p""";

  /**
   * Disables ($3 true) or re-enables ($3 false) person $1 by admin $2, with the audit entry in the same statement;
   * $4, when not null, is the role the person must have (the older /api/students routes). The person and
   * every active admin are locked first, in id order (two admins disabling each other at once cannot both succeed,
   * nor deadlock), so "never the last active admin" holds. Disabling keeps the first disabling's time and admin and
   * ends every session issued before now; re-enabling clears them (old sessions stay ended).
   *
   * <p>One row when the person exists: {@code changed} is null when refused (the admin themself, or the last active
   * admin).
   */
  static final String SET_DISABLED = """
      with locked as (
        select id, role, disabled_at from users
         where id = $1 or (role = 'admin' and disabled_at is null)
         order by id
           for update
      ), target as (
        select * from locked where id = $1 and ($4::text is null or role = $4)
      ), u as (
        update users
           set disabled_at = case when $3 then coalesce(users.disabled_at, now()) end,
               disabled_by = case when $3 then coalesce(users.disabled_by, $2) end,
               sessions_valid_after = case when $3 then now() else users.sessions_valid_after end,
               session_epoch = users.session_epoch + case when $3 then 1 else 0 end
          from target
         where users.id = target.id and (not $3 or users.id <> $2)
           and (not $3 or target.role <> 'admin'
                or exists (select 1 from locked where role = 'admin' and disabled_at is null and id <> $1))
        returning users.id, users.disabled_at, target.disabled_at as was_disabled_at
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $2,\s""" + STUDENT_OR_STAFF + " || case when $3 then '.disabled' else '.enabled' end, " + TARGET_TYPE
      + """
      , u.id, jsonb_build_object('wasDisabled', u.was_disabled_at is not null)
          from u, target p
      )
      select target.id, target.role, u.id as changed, u.disabled_at from target left join u on true""";

  /**
   * A new link for person $2 by admin $3 ($1 the token's hash, valid $4 seconds): a sign-up link while they have no
   * password, a reset link once they have; the person's earlier unused links are retired. No link for a disabled
   * account. One row when the person exists.
   */
  static final String ISSUE_LINK = """
      with target as (
        select id, role, disabled_at, case when password_hash is null then 'signup' else 'reset' end as purpose
          from users where id = $2 for update
      ), retired as (
        update signup_links set expires_at = least(signup_links.expires_at, now())
          from target
         where signup_links.user_id = target.id and signup_links.used_at is null and target.disabled_at is null
      ), l as (
        insert into signup_links (token_hash, user_id, purpose, created_by, expires_at)
        select $1, target.id, target.purpose, $3, now() + make_interval(secs => $4) from target
         where target.disabled_at is null
        returning user_id, purpose, expires_at
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $3,\s""" + STUDENT_OR_STAFF + " || '.link_issued', " + TARGET_TYPE + """
      , l.user_id, jsonb_build_object('purpose', l.purpose) from l, target p
      )
      select target.id, target.disabled_at, l.purpose, l.expires_at from target left join l on true""";

  /**
   * The students of class $1 who get a sign-in slip (issue 25, point 3b): enabled ones without a password, and with
   * $2 those who have one too (their slip carries a reset link); by name, at most $3, locked until their links exist.
   */
  static final String SLIP_STUDENTS = """
      select id, name, roll_id, class_name, case when password_hash is null then 'signup' else 'reset' end as purpose
        from users
       where role = 'student' and class_name = $1 and disabled_at is null and ($2 or password_hash is null)
       order by name_key, id
       limit $3
         for no key update""";

  /**
   * New links for many people at once ($1 user ids, $2 token hashes, $3 purposes) by admin $4, valid $5 seconds, each
   * person's earlier unused links retired and an audit entry each ({@code slip: true}).
   */
  static final String ISSUE_LINKS = """
      with t as (
        select * from unnest($1::bigint[], $2::bytea[], $3::text[]) as t(user_id, token_hash, purpose)
      ), retired as (
        update signup_links set expires_at = least(signup_links.expires_at, now())
         where signup_links.user_id in (select user_id from t) and signup_links.used_at is null
      ), l as (
        insert into signup_links (token_hash, user_id, purpose, created_by, expires_at)
        select t.token_hash, t.user_id, t.purpose, $4, now() + make_interval(secs => $5) from t
        returning user_id, purpose, expires_at
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $4, 'student.link_issued', 'student', l.user_id, jsonb_build_object('purpose', l.purpose, 'slip', true)
          from l
      )
      select user_id, expires_at from l""";
}
