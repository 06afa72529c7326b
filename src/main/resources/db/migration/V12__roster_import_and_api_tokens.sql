-- Issue 25, points 2 and 5: roster imports and the integration API's tokens.
--
-- A roster import writes, in one transaction, an entry per person it creates, changes or disables (student.created,
-- student.updated, student.disabled, as the People table does), and one summary:
--   roster.imported        staff imported a roster file (counts, options)          target: user (the importer)
-- An API token (named, scoped, stored as the SHA-256 of a 32-byte random secret, shown once) acts for the admin who
-- made it; what it changes is recorded with that admin as the actor and the token's id in the details.
--   apitoken.created / apitoken.revoked                                             target: api_token
create table api_tokens (
  id           bigint generated always as identity primary key,
  name         text        not null check (char_length(name) between 1 and 100),
  token_hash   bytea       not null unique check (octet_length(token_hash) = 32),
  scopes       text[]      not null check (cardinality(scopes) > 0 and scopes <@ array['roster:read', 'roster:write']),
  created_by   bigint      not null references users (id),
  created_at   timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
create index api_tokens_listed on api_tokens (created_at desc, id desc);

alter table audit_events drop constraint audit_events_target_type_check;
alter table audit_events add constraint audit_events_target_type_check
  check (target_type in ('student', 'conversation', 'user', 'api_token'));
alter table audit_events drop constraint audit_events_action_check;
alter table audit_events add constraint audit_events_action_check check (action in (
  'student.created', 'student.disabled', 'student.enabled', 'conversation.closed', 'conversation.reopened',
  'user.signed_out_everywhere', 'student.updated', 'student.link_issued', 'staff.created', 'staff.updated',
  'staff.disabled', 'staff.enabled', 'staff.link_issued', 'user.password_set', 'user.password_changed',
  'roster.imported', 'apitoken.created', 'apitoken.revoked'));
