-- Search sorted newest first (R6.4) walks this index backwards and stops after a page of matches, instead of
-- sorting every message that matches a common word (measured in docs/PERFORMANCE.md).
create index messages_by_time on messages (created_at, id);
