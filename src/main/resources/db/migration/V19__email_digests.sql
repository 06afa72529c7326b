-- Issue 31, point 1: email digests for a student who is not looking.

-- The school's notification settings (one row): digests on or off by default, and how long a staff message stays
-- unread, with the student away, before a digest goes (0: as soon as they are away).
create table school_settings (
  id                   int         primary key check (id = 1),
  digests_enabled      boolean     not null default true,
  digest_delay_minutes int         not null default 10 check (digest_delay_minutes between 0 and 1440),
  -- Who changed them last (the audit trail has every change). No foreign key: the row must outlive any account.
  updated_by           bigint,
  updated_at           timestamptz not null default now()
);
insert into school_settings (id) values (1);

-- A student's own choice: null follows the school's default, true or false overrides it.
alter table users add column email_digests boolean;

-- Per student, what digests have covered and who is sending the next one. A node claims a student (claimed_until)
-- in the same statement that finds them due, so two nodes never send the same digest; a failed send is tried again
-- at next_attempt_at, later each time.
create table email_digests (
  student_id      bigint      primary key references users (id),
  sent_up_to_seq  bigint      not null default 0,
  last_sent_at    timestamptz,
  claimed_until   timestamptz,
  claimed_by      text,
  attempts        int         not null default 0,
  next_attempt_at timestamptz,
  last_error      text
);

alter table audit_events drop constraint audit_events_target_type_check;
alter table audit_events add constraint audit_events_target_type_check
  check (target_type in ('student', 'conversation', 'user', 'api_token', 'saved_reply', 'school'));
alter table audit_events drop constraint audit_events_action_check;
alter table audit_events add constraint audit_events_action_check check (action in (
  'student.created', 'student.disabled', 'student.enabled', 'conversation.closed', 'conversation.reopened',
  'user.signed_out_everywhere', 'student.updated', 'student.link_issued', 'staff.created', 'staff.updated',
  'staff.disabled', 'staff.enabled', 'staff.link_issued', 'user.password_set', 'user.password_changed',
  'roster.imported', 'apitoken.created', 'apitoken.revoked', 'conversation.assigned', 'conversation.unassigned',
  'saved_reply.created', 'saved_reply.updated', 'saved_reply.deleted', 'settings.notifications_changed',
  'user.digests_changed'));
