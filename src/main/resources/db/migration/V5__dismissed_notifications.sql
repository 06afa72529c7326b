-- Student notifications (R5.1-R5.4) are derived from the marks already kept: staff messages past the student's
-- read mark are what they have not read. Dismissing hides them up to a sequence until a newer staff message;
-- null means never dismissed (a conversation started with no message yet is pending until then).
alter table conversation_reads add column dismissed_seq bigint check (dismissed_seq >= 0);
