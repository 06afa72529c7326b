-- Every node also reads from the database which sessions ended in the last seconds (issue 8, point 2), so that a
-- lost cluster event (session.revoked) delays closing an ended session's sockets by seconds, never leaves them open.
create index revoked_sessions_recent on revoked_sessions (revoked_at);
create index users_sessions_ended on users (sessions_valid_after) where sessions_valid_after is not null;
