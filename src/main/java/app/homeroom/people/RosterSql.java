package app.homeroom.people;

/**
 * The statements of a roster import (issue 25, point 2), each applying one kind of change to every row at once
 * ({@code unnest} of arrays: one round trip for 10,000 students) with its audit entries in the same statement.
 * The rows an update changes are locked {@code for no key update}, the lock the update takes anyway, which does not
 * stop a message from referencing the student meanwhile: sends go on during an import (point 6).
 */
final class RosterSql {

  private RosterSql() {}

  /** One import at a time, across every node: each plans against what the one before it wrote. */
  static final String LOCK = "select pg_advisory_xact_lock(hashtext('homeroom.roster_import'))";

  /** Everyone the plan compares rows with (staff too: their emails are taken). */
  static final String PEOPLE = """
      select id, role, name, email, roll_id, class_name, disabled_at is not null as disabled from users""";

  /** The people a single row could match or collide with: by roll ID $1 or email $2 (the upsert of one student). */
  static final String PEOPLE_MATCHING = PEOPLE + """

       where lower(roll_id) = lower($1) or lower(email) = lower($2)""";

  /** A student as the People table shows them, by roll ID. */
  static final String BY_ROLL_ID = "select " + PeopleSql.PERSON_COLUMNS + " from users where lower(roll_id) = lower($1)";

  /**
   * New students ($2 names, $3 emails, $4 roll IDs, $5 classes) by admin $1, invited (no password yet; a sign-up link
   * is issued when a slip is printed or a link copied or emailed), each with its audit entry; $6 the details every
   * entry shares ({@code {import: true}}, the API token when one was used).
   */
  static final String CREATE = """
      with p as (
        insert into users (role, name, email, roll_id, class_name)
        select 'student', t.name, t.email, t.roll_id, t.class_name
          from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as t(name, email, roll_id, class_name)
        returning id, role, name, email, roll_id, class_name
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $1, 'student.created', 'student', p.id,
               $6::jsonb || jsonb_build_object('role', p.role, 'name', p.name, 'email', p.email, 'rollId', p.roll_id,
                                               'className', p.class_name)
          from p
      )
      select count(*) from p""";

  /**
   * Students $2 get $3 names, $4 emails, $5 roll IDs, $6 classes (by admin $1; $7 the shared audit details), each
   * audit entry holding what changed, before and after.
   */
  static final String UPDATE = """
      with t as (
        select * from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
                         as t(id, name, email, roll_id, class_name)
      ), old as (
        select u.id, u.name, u.email, u.roll_id, u.class_name from users u join t on t.id = u.id
         where u.role = 'student' order by u.id for no key update of u
      ), p as (
        update users set name = t.name, email = t.email, roll_id = t.roll_id, class_name = t.class_name
          from t join old on old.id = t.id
         where users.id = t.id
        returning users.id, old.name as old_name, old.email as old_email, old.roll_id as old_roll_id,
                  old.class_name as old_class_name, users.name, users.email, users.roll_id, users.class_name
      ),\s""" + PeopleSql.FIELD_CHANGES + """
      , a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $1, 'student.updated', 'student', changes.id, $7::jsonb || changes.details from changes
      )
      select count(*) from p""";

  /**
   * Disables students $2 not in the file (by admin $1; $3 the shared audit details), ending their sessions as the
   * People table does; the ids disabled come back.
   */
  static final String DISABLE = """
      with u as (
        update users
           set disabled_at = now(), disabled_by = $1, sessions_valid_after = now(), session_epoch = session_epoch + 1
         where id = any($2::bigint[]) and role = 'student' and disabled_at is null
        returning id
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $1, 'student.disabled', 'student', u.id, $3::jsonb || jsonb_build_object('wasDisabled', false) from u
      )
      select id from u""";

  /** The import's summary entry (admin $1, details $2). */
  static final String SUMMARY = """
      insert into audit_events (actor_id, action, target_type, target_id, details)
      values ($1, 'roster.imported', 'user', $1, $2::jsonb)""";
}
