-- Homeroom foundation: accounts, one conversation per student, messages with a per-conversation sequence.

create table users (
  id            bigint generated always as identity primary key,
  role          text        not null check (role in ('admin', 'student')),
  name          text        not null check (char_length(name) between 1 and 200),
  email         text        not null check (char_length(email) between 3 and 320),
  password_hash text        not null,
  roll_id       text        check (char_length(roll_id) between 1 and 64),
  class_name    text        check (char_length(class_name) between 1 and 64),
  created_at    timestamptz not null default now(),
  -- a student always has a roll ID and a class; an admin has neither
  check ((role = 'student') = (roll_id is not null and class_name is not null))
);
create unique index users_email_uq on users (lower(email));
create unique index users_roll_id_uq on users (lower(roll_id)) where roll_id is not null;
create index users_students_by_name on users (class_name, lower(name), id) where role = 'student';

-- Exactly one conversation per student, shared by the whole admin team (R1.1: created idempotently).
create table conversations (
  id              bigint generated always as identity primary key,
  student_id      bigint      not null unique references users (id),
  status          text        not null default 'active' check (status in ('active', 'closed')),
  created_by      bigint      not null references users (id),
  created_at      timestamptz not null default now(),
  last_seq        bigint      not null default 0,
  last_message_at timestamptz
);

-- Messages (R3.3). seq is allocated from conversations.last_seq in the same statement as the insert, so it is
-- gap-free and ordered within a conversation; (sender_id, client_msg_id) makes a retried send idempotent.
create table messages (
  id              bigint generated always as identity primary key,
  conversation_id bigint      not null references conversations (id),
  seq             bigint      not null,
  sender_id       bigint      not null references users (id),
  client_msg_id   uuid        not null,
  body            text        not null check (char_length(body) between 1 and 4000),
  created_at      timestamptz not null default now(),
  unique (conversation_id, seq),
  unique (sender_id, client_msg_id)
);

-- Failed logins per account key (lower-cased email), cluster-wide because it lives here.
create table login_failures (
  account_key    text        primary key,
  failures       int         not null,
  last_failed_at timestamptz not null
);

-- Node-independent settings every node must agree on (e.g. the generated session-signing key).
create table settings (
  key   text primary key,
  value text not null
);
