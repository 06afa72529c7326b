-- Sessions that end before their token expires (issue 8, point 2). Tokens stay stateless HS256 JWTs; these
-- rows say which of them every node must refuse from now on.

-- An account disabled by staff (who, when): it cannot sign in and its sessions end. sessions_valid_after ends
-- every session of the account issued before it (disabling sets it; re-enabling leaves it).
alter table users
  add column disabled_at          timestamptz,
  add column disabled_by          bigint references users (id),
  add column sessions_valid_after timestamptz;

-- One signed-out session ("this device"): its token id until the token would have expired anyway, then pruned.
create table revoked_sessions (
  jti        text        primary key check (char_length(jti) between 1 and 64),
  user_id    bigint      not null references users (id) on delete cascade,
  revoked_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index revoked_sessions_expiry on revoked_sessions (expires_at);

-- Failed sign-ins per client address (the per-account count is login_failures): same backoff pattern.
create table login_address_failures (
  address        text        primary key check (char_length(address) between 1 and 64),
  failures       integer     not null,
  last_failed_at timestamptz not null
);
