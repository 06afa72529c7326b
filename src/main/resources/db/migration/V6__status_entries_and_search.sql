-- Issue 6: conversation status changes as entries in the timeline (R6.2, R6.3), and full-text search (R6.4).

-- A status change is a row of the timeline like a message: it takes the next seq (so paging, catch-up, live
-- delivery and receipts need nothing new) and records who (sender_id) and when (created_at). kind tells them
-- apart; only 'message' rows have a body, only 'closed' rows may carry a note.
alter table messages add column kind text not null default 'message'
  check (kind in ('message', 'closed', 'reopened'));
alter table messages add column note text check (char_length(note) between 1 and 500);
alter table messages alter column body drop not null;
alter table messages add constraint messages_body_by_kind check ((kind = 'message') = (body is not null));
alter table messages add constraint messages_note_by_kind check (note is null or kind = 'closed');

-- The latest status entry of a conversation ("Closed by … on …") without scanning its messages.
create index messages_status_entries on messages (conversation_id, seq) where kind <> 'message';

-- Full-text search with English stemming. Stored, so ranking reads the vector instead of parsing the body again;
-- status entries have no body and so an empty vector, which no query matches.
alter table messages add column search_tsv tsvector
  generated always as (to_tsvector('english'::regconfig, coalesce(body, ''))) stored;
create index messages_search on messages using gin (search_tsv);

-- The timeline is a record: nothing in the product edits or deletes a message or a status entry, and the
-- database refuses it too (audit trail, R6.3). A maintenance migration that must can disable the trigger.
create function messages_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'messages are append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger messages_append_only before update or delete on messages
  for each row execute function messages_append_only();
