-- Issue 8, point 5: who changed what, and when. Each row is written in the same statement (so the same
-- transaction) as the change it records: no entry without the change, no change without its entry.
--   student.created            an admin added a student                    target: student
--   student.disabled/.enabled  an admin disabled or re-enabled an account  target: student
--   conversation.closed        an admin closed a conversation              target: conversation
--   conversation.reopened      an admin reopened it, or anyone's message to a closed conversation did
--   user.signed_out_everywhere a user ended all of their own sessions      target: user (themselves)
-- There is no endpoint that changes roles, so there is no role change to record.
create table audit_events (
  id          bigint generated always as identity primary key,
  at          timestamptz not null default now(),
  actor_id    bigint      not null references users (id),
  action      text        not null check (action in ('student.created', 'student.disabled', 'student.enabled',
                                                     'conversation.closed', 'conversation.reopened',
                                                     'user.signed_out_everywhere')),
  target_type text        not null check (target_type in ('student', 'conversation', 'user')),
  target_id   bigint      not null,
  details     jsonb       not null default '{}'::jsonb
);
-- Keyset paging, newest first, over everything or one actor's or one target's entries.
create index audit_events_actor on audit_events (actor_id, id desc);
create index audit_events_target on audit_events (target_type, target_id, id desc);

-- A record: nothing in the product edits or deletes an entry, and the database refuses it too (as for messages,
-- V6). A maintenance migration that must can disable the trigger.
create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events are append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger audit_events_append_only before update or delete on audit_events
  for each row execute function audit_events_append_only();
