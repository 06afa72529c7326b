-- Issue 25: the people of a school, students and staff, through their whole year.
--
-- An account invited by staff has no password yet (status "invited") until its owner sets one through a
-- sign-up link; it cannot sign in before that (the login compares against a dummy hash, as for an unknown email).
alter table users alter column password_hash drop not null;
alter table users add column last_sign_in_at timestamptz;
-- Every "end all sessions of this account" (signing out everywhere, disabling, a new password) moves the account's
-- session epoch on; a session token carries the epoch it was issued in and ends when the epoch moves past it. Unlike
-- sessions_valid_after (kept: the feed of ended sessions reads it), it needs no clock, so the new session a password
-- change gives its own device, issued in the same second, stays valid while the others end.
alter table users add column session_epoch integer not null default 0;

-- One-time links that let a person set their own password: "signup" for a new account, "reset" when staff
-- issue a reset. Only the SHA-256 of the token is kept (the token has 256 random bits, so a plain hash is as
-- good as a slow one and lets the link be looked up by it). A link is used once, expires, and issuing a new
-- link of the same purpose for the same person retires the ones before it.
create table signup_links (
  token_hash bytea       primary key check (octet_length(token_hash) = 32),
  user_id    bigint      not null references users (id) on delete cascade,
  purpose    text        not null check (purpose in ('signup', 'reset')),
  created_by bigint      not null references users (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at    timestamptz
);
create index signup_links_by_user on signup_links (user_id, purpose) where used_at is null;

-- The People table lists staff and students together, by name.
create index users_people_by_name on users (name_key, id);

-- The audit record covers the people lifecycle (each entry written in the statement of its change, as in V9). A
-- student's entries keep V9's names and target; staff have their own:
--   student.updated / staff.updated      staff changed a name, email, roll ID or class      target: student / user
--   staff.created                        staff invited a member of staff                     target: user
--   staff.disabled / staff.enabled       staff disabled or re-enabled a member of staff      target: user
--   student.link_issued / staff.link_issued  staff issued a sign-up or password-reset link   target: student / user
--   user.password_set                    a person set their password through a link          target: user (themselves)
--   user.password_changed                a signed-in person changed their own password       target: user (themselves)
alter table audit_events drop constraint audit_events_action_check;
alter table audit_events add constraint audit_events_action_check check (action in (
  'student.created', 'student.disabled', 'student.enabled', 'conversation.closed', 'conversation.reopened',
  'user.signed_out_everywhere', 'student.updated', 'student.link_issued', 'staff.created', 'staff.updated',
  'staff.disabled', 'staff.enabled', 'staff.link_issued', 'user.password_set', 'user.password_changed'));
