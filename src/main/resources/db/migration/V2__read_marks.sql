-- Unread counts per reader (R2.3), cheap enough to sort a 10,000-student list on every request.
--
-- Each message records how many of the student's own messages the conversation holds up to and including it
-- (student_count), and the conversation keeps the running total (student_msg_count). A reader's mark stores the
-- sequence they have read up to and the student_count at that point, so
--   unread = conversations.student_msg_count - conversation_reads.read_student_count
-- with no scan of messages.

alter table conversations add column student_msg_count bigint not null default 0;
alter table messages add column student_count bigint not null default 0;

update messages m set student_count = s.n
  from (select m2.id,
               count(*) filter (where m2.sender_id = c.student_id)
                 over (partition by m2.conversation_id order by m2.seq) as n
          from messages m2 join conversations c on c.id = m2.conversation_id) s
 where s.id = m.id;

update conversations c set student_msg_count = coalesce(
  (select max(m.student_count) from messages m where m.conversation_id = c.id), 0);

-- One row per (conversation, reader); the mark only ever moves forward.
create table conversation_reads (
  conversation_id    bigint      not null references conversations (id),
  user_id            bigint      not null references users (id),
  read_seq           bigint      not null check (read_seq >= 0),
  read_student_count bigint      not null check (read_student_count >= 0),
  updated_at         timestamptz not null default now(),
  primary key (conversation_id, user_id)
);
create index conversation_reads_by_user on conversation_reads (user_id, conversation_id);
