package app.homeroom.integration;

/** The statements of the integration API's tokens (issue 25, point 5), each change with its audit entry. */
final class ApiTokenSql {

  private ApiTokenSql() {}

  /** Every token, newest first, with who made it; never the hash. */
  static final String LIST = """
      select t.id, t.name, t.scopes, t.created_at, t.last_used_at, t.revoked_at, t.created_by, u.name as created_by_name
        from api_tokens t join users u on u.id = t.created_by
       order by t.created_at desc, t.id desc""";

  /** A new token ($1 name, $2 hash, $3 scopes) made by admin $4, with its audit entry. */
  static final String CREATE = """
      with t as (
        insert into api_tokens (name, token_hash, scopes, created_by) values ($1, $2, $3, $4)
        returning id, name, scopes, created_at, last_used_at, revoked_at, created_by
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $4, 'apitoken.created', 'api_token', t.id, jsonb_build_object('name', t.name, 'scopes', to_jsonb(t.scopes))
          from t
      )
      select t.*, u.name as created_by_name from t join users u on u.id = t.created_by""";

  /**
   * Revokes token $1 by admin $2 (once: revoking again changes nothing and writes no entry). The answer's revocation
   * time comes from the update: the statement's own reads of the table see it as it was before.
   */
  static final String REVOKE = """
      with t as (
        update api_tokens set revoked_at = now() where id = $1 and revoked_at is null
        returning id, name, revoked_at
      ), a as (
        insert into audit_events (actor_id, action, target_type, target_id, details)
        select $2, 'apitoken.revoked', 'api_token', t.id, jsonb_build_object('name', t.name) from t
      )
      select x.id, x.name, x.scopes, x.created_at, x.last_used_at, coalesce(t.revoked_at, x.revoked_at) as revoked_at,
             x.created_by, u.name as created_by_name
        from api_tokens x join users u on u.id = x.created_by left join t on t.id = x.id
       where x.id = $1""";

  /**
   * The token with hash $1, when it is not revoked and the admin who made it still is one and is enabled: it acts for
   * them, and stops working the moment they are disabled.
   */
  static final String VERIFY = """
      select t.id, t.scopes, t.last_used_at, u.id as user_id, u.name
        from api_tokens t join users u on u.id = t.created_by
       where t.token_hash = $1 and t.revoked_at is null and u.role = 'admin' and u.disabled_at is null""";

  /** Marks token $1 used now (at most once a minute, so a busy integration does not write on every call). */
  static final String TOUCH = """
      update api_tokens set last_used_at = now()
       where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')""";
}
