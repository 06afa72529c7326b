-- Issue 27: a team inbox. Who owns a conversation, notes only staff see, saved replies.

-- Who a conversation is assigned to (at most one admin; no row: unassigned). A table of its own rather than a
-- column of conversations: an assignment never waits on, or adds to, the row lock every send takes.
create table conversation_assignments (
  conversation_id bigint      primary key references conversations (id),
  assignee_id     bigint      not null references users (id),
  assigned_by     bigint      not null references users (id),
  assigned_at     timestamptz not null default now()
);
create index conversation_assignments_by_assignee on conversation_assignments (assignee_id);

-- The staff-only part of a conversation's timeline: private notes and assignment changes. Kept apart from
-- messages on purpose: they take no seq of the student's gap-free sequence, so no path that serves a student
-- (history, catch-up, search, notifications, unread counts, receipts) can ever reach them. after_seq places an
-- entry after the message that was the conversation's last when it was written. A note is idempotent on its
-- (author, client id) like a message.
create table staff_entries (
  id              bigint      generated always as identity primary key,
  conversation_id bigint      not null references conversations (id),
  after_seq       bigint      not null check (after_seq >= 0),
  kind            text        not null check (kind in ('note', 'assigned', 'unassigned')),
  author_id       bigint      not null references users (id),
  assignee_id     bigint      references users (id),
  client_id       uuid        not null default gen_random_uuid(),
  body            text        check (char_length(body) between 1 and 4000),
  created_at      timestamptz not null default now(),
  check ((kind = 'note') = (body is not null)),
  check ((kind = 'assigned') = (assignee_id is not null)),
  unique (author_id, client_id)
);
create index staff_entries_by_conversation on staff_entries (conversation_id, id);

-- Like the messages they sit between, staff entries are a record: never edited, never deleted.
create function staff_entries_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'staff entries are append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger staff_entries_append_only before update or delete on staff_entries
  for each row execute function staff_entries_append_only();

-- Saved replies the whole staff shares: a title and a text with placeholders ({student.first_name}, …) filled in
-- when inserted into the composer.
create table saved_replies (
  id          bigint      generated always as identity primary key,
  title       text        not null check (char_length(title) between 1 and 100),
  body        text        not null check (char_length(body) between 1 and 4000),
  created_by  bigint      not null references users (id),
  updated_by  bigint      not null references users (id),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create unique index saved_replies_title_uq on saved_replies (lower(title));

-- Assignments and the saved replies are audited (issue 27, point 1).
alter table audit_events drop constraint audit_events_target_type_check;
alter table audit_events add constraint audit_events_target_type_check
  check (target_type in ('student', 'conversation', 'user', 'api_token', 'saved_reply'));
alter table audit_events drop constraint audit_events_action_check;
alter table audit_events add constraint audit_events_action_check check (action in (
  'student.created', 'student.disabled', 'student.enabled', 'conversation.closed', 'conversation.reopened',
  'user.signed_out_everywhere', 'student.updated', 'student.link_issued', 'staff.created', 'staff.updated',
  'staff.disabled', 'staff.enabled', 'staff.link_issued', 'user.password_set', 'user.password_changed',
  'roster.imported', 'apitoken.created', 'apitoken.revoked', 'conversation.assigned', 'conversation.unassigned',
  'saved_reply.created', 'saved_reply.updated', 'saved_reply.deleted'));
