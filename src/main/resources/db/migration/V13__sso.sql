-- Issue 26: sign-in with the school's OpenID Connect provider. Each sign-in started is a row until it comes back:
-- the state (only its SHA-256 is kept; the browser holds the state itself in a short-lived cookie too), the nonce the
-- ID token must carry, and the PKCE verifier the code exchange proves. A callback uses its row once: a replayed
-- callback, or one older than ten minutes, finds nothing. Rows older than a day are removed as new ones are made.
create table sso_logins (
  state_hash    bytea       primary key check (octet_length(state_hash) = 32),
  provider      text        not null check (char_length(provider) between 1 and 32),
  nonce         text        not null check (char_length(nonce) between 16 and 128),
  code_verifier text        not null check (char_length(code_verifier) between 43 and 128),
  return_to     text        check (char_length(return_to) <= 512),
  created_at    timestamptz not null default now(),
  used_at       timestamptz
);
create index sso_logins_created on sso_logins (created_at);

-- Who signed in through which provider last (shown nowhere yet; kept for support: "which account did they use?").
alter table users add column sso_provider text, add column sso_subject text;
