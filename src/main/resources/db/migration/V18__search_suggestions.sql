-- Issue 27, point 6: a misspelt search offers "did you mean". The words the messages use (as written, lower-cased:
-- the 'simple' configuration, so suggestions are words and not stems), with how many messages use each, kept by
-- SearchIndexUpkeep a batch of new messages at a time; suggestions are the nearest by trigram distance (pg_trgm).
-- Without pg_trgm (an external server whose role may not create it) everything else works: searches simply offer
-- no suggestion.
do $$
begin
  create extension if not exists pg_trgm;
exception when insufficient_privilege or undefined_file or feature_not_supported then
  raise notice 'pg_trgm cannot be created here (%): searches will offer no "did you mean"', sqlerrm;
end $$;

create table search_words (
  word text   primary key,
  uses bigint not null
);

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_trgm') then
    -- GiST, not GIN: it hands out the nearest words in order (word <-> typed), so no similarity threshold is fixed
    -- in the server's settings, and a swap of two letters in a short word ("thnaks") still finds its word.
    execute 'create index search_words_trigrams on search_words using gist (word gist_trgm_ops)';
  end if;
end $$;

-- How far search_words has read the messages (by id); one row.
create table search_words_progress (
  id              int    primary key check (id = 1),
  last_message_id bigint not null
);
insert into search_words_progress values (1, 0);

-- Adds the words of up to `batch` messages after the last ones read, and answers how many messages it read (0:
-- nothing new, or another node is at it). The progress row's lock makes two nodes never count a message twice.
create function refresh_search_words(batch integer) returns integer language plpgsql as $$
declare
  lo bigint;
  hi bigint;
  n  integer;
begin
  select last_message_id into lo from search_words_progress where id = 1 for update skip locked;
  if not found then
    return 0;
  end if;
  select max(id), count(*) into hi, n from (select id from messages where id > lo order by id limit batch) x;
  if hi is null then
    return 0;
  end if;
  insert into search_words (word, uses)
  select word, ndoc from ts_stat(format(
      'select to_tsvector(''simple'', body) from messages where id > %s and id <= %s and kind = ''message''', lo, hi))
   where char_length(word) between 3 and 40 and word !~ '[0-9_]'
  on conflict (word) do update set uses = search_words.uses + excluded.uses;
  update search_words_progress set last_message_id = hi where id = 1;
  return n;
end $$;
