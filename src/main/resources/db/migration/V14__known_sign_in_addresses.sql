-- Issue 24, point 4: nobody can lock someone else out. Failed sign-ins are now counted per account *and address*
-- (login_failures.account_key becomes "<email> from <address>"), and per address; an address an account has signed in
-- from (successfully, within 30 days) is that account's known address, where the per-address slow-down does not apply
-- to it: a school's shared NAT address slowed down by one pupil's guessing does not stop everyone else who signed in
-- from it before.
create table login_known_addresses (
  account_key     text        not null,
  address         text        not null,
  last_success_at timestamptz not null default now(),
  primary key (account_key, address)
);
create index login_known_addresses_age on login_known_addresses (last_success_at);
-- Counts under the old key (the account alone) would still lock the account from everywhere: start afresh.
delete from login_failures;
