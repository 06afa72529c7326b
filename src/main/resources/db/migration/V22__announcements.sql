-- Issue 28, points 1 and 2: class announcements and acknowledgements.
--
-- An announcement is written once and stored as one message in each recipient's own one-to-one conversation (so a
-- reply stays private), all in one transaction. The announcement row is what staff see: its text, who it went to
-- and the progress read from the messages' marks. Idempotent on its (sender, client id), like a message.
create table announcements (
  id          bigint      generated always as identity primary key,
  sender_id   bigint      not null references users (id),
  client_id   uuid        not null,
  body        text        not null check (char_length(body) between 1 and 4000),
  needs_ack   boolean     not null default false,
  -- What the admin chose: {"classes": [...], "studentIds": [...]}; the recipients are the messages.
  audience    jsonb       not null,
  recipients  integer     not null check (recipients > 0),
  created_at  timestamptz not null default now(),
  nudged_at   timestamptz,
  nudges      integer     not null default 0,
  unique (sender_id, client_id)
);
create index announcements_newest on announcements (id desc);

-- Each message knows the announcement it is a copy of, and whether its reader is asked to acknowledge it.
alter table messages add column announcement_id bigint references announcements (id);
alter table messages add column needs_ack boolean not null default false;
alter table messages add constraint messages_ack_by_kind check (not needs_ack or kind = 'message');
create index messages_by_announcement on messages (announcement_id, conversation_id) where announcement_id is not null;

-- "I have read this": one per message (a conversation has one student, the only one who may acknowledge), a record
-- that is never changed or withdrawn.
create table acknowledgements (
  message_id      bigint      primary key references messages (id),
  user_id         bigint      not null references users (id),
  acknowledged_at timestamptz not null default now()
);

create function acknowledgements_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'acknowledgements are immutable (% refused)', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger acknowledgements_immutable before update or delete on acknowledgements
  for each row execute function acknowledgements_immutable();

alter table audit_events drop constraint audit_events_target_type_check;
alter table audit_events add constraint audit_events_target_type_check
  check (target_type in ('student', 'conversation', 'user', 'api_token', 'saved_reply', 'school', 'announcement'));
alter table audit_events drop constraint audit_events_action_check;
alter table audit_events add constraint audit_events_action_check check (action in (
  'student.created', 'student.disabled', 'student.enabled', 'conversation.closed', 'conversation.reopened',
  'user.signed_out_everywhere', 'student.updated', 'student.link_issued', 'staff.created', 'staff.updated',
  'staff.disabled', 'staff.enabled', 'staff.link_issued', 'user.password_set', 'user.password_changed',
  'roster.imported', 'apitoken.created', 'apitoken.revoked', 'conversation.assigned', 'conversation.unassigned',
  'saved_reply.created', 'saved_reply.updated', 'saved_reply.deleted', 'settings.notifications_changed',
  'user.digests_changed', 'announcement.sent', 'announcement.nudged'));
