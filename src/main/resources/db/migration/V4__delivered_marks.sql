-- Delivered receipts (R4.3) beside read ones (R4.4): per user and conversation, two watermarks that only move
-- forward, not a row per message per reader. Reading implies having received, so delivered_seq >= read_seq.
alter table conversation_reads add column delivered_seq bigint not null default 0;
update conversation_reads set delivered_seq = read_seq;
alter table conversation_reads add constraint conversation_reads_delivered_covers_read check (delivered_seq >= read_seq);
