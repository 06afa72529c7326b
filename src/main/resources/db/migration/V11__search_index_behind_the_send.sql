-- Issue 9: the full-text index off the send path (docs/PERFORMANCE.md, tuning step 5).
--
-- With the GIN index on messages, every send added its words to the index's pending list, and the send that filled
-- the list (4 MB, about 8.7 s at 2,000 msg/s) merged it into the index inside its own transaction: 100-200 ms during
-- which its batch of sends, and every send behind it, waited. Now a send only queues its message's id; the search
-- indexer (chat/SearchIndexer, on every node) moves queued messages into message_search, whose GIN index only the
-- indexer writes. Search reads message_search and the queue together (MessageSearch), so a message is found the
-- moment its send commits, as before.

-- The searchable copy of each message: what the text index and the search filters need, nothing else. The text is
-- read from messages for the page of hits only.
create table message_search (
  message_id bigint primary key,
  conversation_id bigint not null,
  sender_id bigint not null,
  created_at timestamptz not null,
  search_tsv tsvector not null
);

-- Messages stored but not yet in message_search. No foreign key: its check would cost every send a lookup, and
-- messages are never deleted (V6's trigger), so an id here always has its message.
create table search_pending (message_id bigint primary key);

-- Every message stored so far is indexed now; the key and the index are built after the copy (faster than row by row).
insert into message_search (message_id, conversation_id, sender_id, created_at, search_tsv)
select id, conversation_id, sender_id, created_at, search_tsv from messages where kind = 'message';
alter table message_search add foreign key (message_id) references messages (id);
create index message_search_text on message_search using gin (search_tsv);
-- A search confined to some conversations (one student, a class) reads them from here rather than every match of
-- the text.
create index message_search_by_conversation on message_search (conversation_id);
drop index messages_search;

-- Any insert into messages queues its messages (status entries have no text): one statement-level trigger, so a
-- batch of sends queues its ids in one insert, and no path that stores messages (the send, the demo seed, a
-- migration) can forget to.
create function messages_queue_for_search() returns trigger language plpgsql as $$
begin
  insert into search_pending (message_id) select id from stored where kind = 'message';
  return null;
end $$;
create trigger messages_queue_for_search after insert on messages referencing new table as stored
  for each statement execute function messages_queue_for_search();

-- The queue is written and emptied all day: vacuum it often, so it stays a few pages long.
alter table search_pending set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
  autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 5000);
