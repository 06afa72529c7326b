package app.homeroom.sso;

/** The statements of sign-in with an OpenID Connect provider (issue 26). */
final class SsoSql {

  private SsoSql() {}

  /**
   * A sign-in started: $1 the state's hash, $2 provider, $3 nonce, $4 PKCE verifier, $5 where to go after; rows older
   * than a day go in the same statement.
   */
  static final String START = """
      with gone as (delete from sso_logins where created_at < now() - interval '1 day')
      insert into sso_logins (state_hash, provider, nonce, code_verifier, return_to) values ($1, $2, $3, $4, $5)""";

  /** Uses the sign-in with state hash $1 for provider $2, once, within ten minutes: its nonce, verifier and return. */
  static final String USE = """
      update sso_logins set used_at = now()
       where state_hash = $1 and provider = $2 and used_at is null and created_at > now() - interval '10 minutes'
      returning nonce, code_verifier, return_to""";

  static final String PERSON_BY_EMAIL = """
      select id, role, name, email, roll_id, class_name, disabled_at, session_epoch from users
       where lower(email) = lower($1)""";

  /** Signed in through provider $2 as subject $3. */
  static final String SIGNED_IN = """
      update users set last_sign_in_at = now(), sso_provider = $2, sso_subject = $3 where id = $1""";

  /**
   * A student made at their first sign-in (auto-creation for an allowed domain): $1 name, $2 email, $3 roll ID, $4
   * class, $5 provider, $6 subject; the audit entry names the student as their own creator, with the provider.
   */
  static final String AUTO_CREATE = """
      with p as (
        insert into users (role, name, email, roll_id, class_name, sso_provider, sso_subject, last_sign_in_at)
        values ('student', $1, $2, $3, $4, $5, $6, now())
        returning id, role, name, email, roll_id, class_name, disabled_at, session_epoch
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select p.id, 'student.created', 'student', p.id,
               jsonb_build_object('role', p.role, 'name', p.name, 'email', p.email, 'rollId', p.roll_id,
                                  'className', p.class_name, 'sso', $5::text)
          from p
      )
      select * from p""";
}
