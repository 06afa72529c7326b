-- Issue 31, point 3: Web Push to a student whose Homeroom tab is closed.

-- The installation's VAPID key pair (RFC 8292), made once by the first node that needs it and shared by every node:
-- the private key sealed with the key file (session/KeyVault), like the session-signing keys; the public key is the
-- application server key browsers subscribe with. Changing it would orphan every subscription, so it never changes.
create table push_keys (
  id             int         primary key check (id = 1),
  public_key     text        not null,
  sealed_private text        not null,
  created_at     timestamptz not null default now()
);

-- One browser's push subscription (the endpoint its push service gave it, and its RFC 8291 keys), for one user and
-- the session that made it: signing out of that session, or out of every session, removes it (triggers below), so
-- a shared computer never shows one student's messages to the next.
create table push_subscriptions (
  id           bigserial   primary key,
  user_id      bigint      not null references users (id) on delete cascade,
  endpoint     text        not null unique check (char_length(endpoint) between 12 and 2000),
  p256dh       text        not null check (char_length(p256dh) between 80 and 100),
  auth         text        not null check (char_length(auth) between 16 and 32),
  session_jti  text,
  created_at   timestamptz not null default now(),
  last_push_at timestamptz,
  failures     int         not null default 0
);
create index push_subscriptions_user on push_subscriptions (user_id);
create index push_subscriptions_session on push_subscriptions (session_jti);

-- Per student, the highest staff message a push has covered (a push goes once per message, whichever node or round
-- gets there first), and the highest one held back by quiet hours, pushed when they end.
create table push_deliveries (
  student_id       bigint      primary key references users (id) on delete cascade,
  pushed_up_to_seq bigint      not null default 0,
  held_up_to_seq   bigint      not null default 0,
  pushed_at        timestamptz
);
create index push_deliveries_held on push_deliveries (student_id) where held_up_to_seq > pushed_up_to_seq;

-- The school's switch (the settings page and PUT /api/settings/notifications): off, nobody is pushed to.
alter table school_settings add column push_enabled boolean not null default true;

create function push_forget_session() returns trigger language plpgsql as $$
begin
  delete from push_subscriptions where session_jti = new.jti;
  return new;
end $$;
create trigger revoked_sessions_forget_push after insert on revoked_sessions
  for each row execute function push_forget_session();

create function push_forget_user_sessions() returns trigger language plpgsql as $$
begin
  delete from push_subscriptions where user_id = new.id and created_at < new.sessions_valid_after;
  return new;
end $$;
create trigger users_forget_push after update of sessions_valid_after on users
  for each row when (new.sessions_valid_after is distinct from old.sessions_valid_after)
  execute function push_forget_user_sessions();

-- A disabled account gets no pushes either.
create function push_forget_disabled() returns trigger language plpgsql as $$
begin
  delete from push_subscriptions where user_id = new.id;
  return new;
end $$;
create trigger users_disabled_forget_push after update of disabled_at on users
  for each row when (new.disabled_at is not null and old.disabled_at is null)
  execute function push_forget_disabled();
