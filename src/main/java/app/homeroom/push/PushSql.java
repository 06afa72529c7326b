package app.homeroom.push;

/**
 * Every statement of Web Push (issue 31, point 3; V21), where SQL is read. A push covers a student's staff messages
 * past {@code push_deliveries.pushed_up_to_seq}; moving that mark is the claim, so each message is pushed once in the
 * school whichever node (or round) gets there first.
 */
final class PushSql {

  private PushSql() {}

  /** Browsers subscribed per user at most. */
  static final int PER_USER = 10;

  /**
   * Student $1's staff message $2 was stored while they are away. Nothing when the school has pushes off or the student
   * has no subscription. In quiet hours it is held (the round after them pushes it); else this caller claims the push:
   * a row with {@code push_now} true.
   */
  static final String CLAIM_ONE = """
      with s as (
        select school_quiet_at(now()) as quiet from school_settings
         where id = 1 and push_enabled and exists (select 1 from push_subscriptions where user_id = $1)
      )
      insert into push_deliveries as d (student_id, pushed_up_to_seq, held_up_to_seq, pushed_at)
      select $1::bigint, case when quiet then 0 else $2::bigint end, case when quiet then $2::bigint else 0 end,
             case when quiet then null else now() end
        from s
      on conflict (student_id) do update
         set pushed_up_to_seq = case when excluded.held_up_to_seq > 0 then d.pushed_up_to_seq else $2 end,
             held_up_to_seq = greatest(d.held_up_to_seq, excluded.held_up_to_seq),
             pushed_at = coalesce(excluded.pushed_at, d.pushed_at)
       where (case when excluded.held_up_to_seq > 0 then d.held_up_to_seq else d.pushed_up_to_seq end) < $2
      returning d.pushed_up_to_seq = $2 as push_now""";

  /**
   * Once quiet hours are over (and the school has pushes on): claims what they held for at most $1 students. Two nodes
   * never claim the same: the second one's update re-checks the row after the first one's and finds nothing held.
   */
  static final String CLAIM_HELD = """
      update push_deliveries d set pushed_up_to_seq = d.held_up_to_seq, pushed_at = now()
       where d.student_id in (select student_id from push_deliveries
                               where held_up_to_seq > pushed_up_to_seq order by student_id limit $1)
         and d.held_up_to_seq > d.pushed_up_to_seq
         and exists (select 1 from school_settings s where s.id = 1 and s.push_enabled and not school_quiet_at(now()))
      returning d.student_id""";

  /**
   * What a push to student $1 says: their unread staff messages (how many, the latest and who wrote it) and every
   * subscription of theirs, as {@code subscriptions} [{id, endpoint, p256dh, auth}]. No row without a conversation.
   */
  static final String CONTENT = """
      with c as (
        select c.id, coalesce(cr.read_seq, 0) as read_seq
          from conversations c
          left join conversation_reads cr on cr.conversation_id = c.id and cr.user_id = c.student_id
         where c.student_id = $1
      ), m as (
        select m.seq, m.body, w.name
          from c
          join messages m on m.conversation_id = c.id and m.seq > c.read_seq
          join users w on w.id = m.sender_id
         where m.kind = 'message' and m.sender_id <> $1
      )
      select c.id as conversation_id,
             (select count(*) from m) as messages,
             (select max(seq) from m) as latest_seq,
             (select name from m order by seq desc limit 1) as latest_sender,
             (select body from m order by seq desc limit 1) as latest_body,
             (select coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'endpoint', s.endpoint, 'p256dh', s.p256dh,
                                                           'auth', s.auth) order by s.id), '[]'::jsonb)
                from push_subscriptions s where s.user_id = $1) as subscriptions
        from c""";

  /**
   * User $1's browser subscribes ($2 endpoint, $3 p256dh, $4 auth) in session $5; a browser's endpoint moves with it.
   * A user keeps their $6 + 1 newest browsers ({@link #PER_USER}): an older one goes.
   */
  static final String SUBSCRIBE = """
      with old as (
        delete from push_subscriptions
         where user_id = $1 and endpoint <> $2 and id not in (
           select id from push_subscriptions where user_id = $1 and endpoint <> $2
            order by created_at desc, id desc limit $6)
      )
      insert into push_subscriptions (user_id, endpoint, p256dh, auth, session_jti)
      values ($1, $2, $3, $4, $5)
      on conflict (endpoint) do update
         set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
             session_jti = excluded.session_jti, created_at = now(), failures = 0
      returning id""";

  /** User $1's browser with endpoint $2 no longer wants pushes. */
  static final String UNSUBSCRIBE = "delete from push_subscriptions where user_id = $1 and endpoint = $2";

  /** Whether the school has pushes on, and how many browsers of user $1 are subscribed. */
  static final String STATUS = "select s.push_enabled, (select count(*) from push_subscriptions p where p.user_id = $1)"
      + " as subscriptions from school_settings s where s.id = 1";

  /** The push service took a push for subscription $1. */
  static final String PUSHED = "update push_subscriptions set last_push_at = now(), failures = 0 where id = $1";

  /** The push service refused a push for subscription $1 (not for good). */
  static final String FAILED = "update push_subscriptions set failures = failures + 1 where id = $1";

  /** The push service says subscription $1 is gone (404, 410): it is removed. */
  static final String EXPIRED = "delete from push_subscriptions where id = $1";
}
