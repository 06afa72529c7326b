-- Issue 24, point 1: session-signing keys, sealed (AES-256-GCM under a key file the database never sees: KeyVault).
-- Whoever reads this table holds ciphertext only. One key signs (the newest whose signs_from has come); every key
-- not yet retired verifies, so a rotation (java -jar homeroom.jar --rotate-session-key) ends no session. The old
-- plain settings.session_key is sealed into here by the first node that starts (SigningKeyStore) and removed.
create table signing_keys (
  kid         text primary key,
  sealed      text not null,
  created_at  timestamptz not null default now(),
  signs_from  timestamptz not null default now(),
  retires_at  timestamptz
);
