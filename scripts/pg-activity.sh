#!/usr/bin/env bash
# Samples what the embedded PostgreSQL's client backends are doing, every 10 ms, until stopped (Ctrl-C or kill):
# time | pid | state | wait event type | wait event | age of the running statement (ms) | WAL position | statement.
# Used to find what sends wait on during a load run (docs/PERFORMANCE.md): a long IO:WalSync is the disk's fsync,
# Lock:* a row or table lock, LWLock:WALWrite a commit queued behind another's flush.
#
# usage: scripts/pg-activity.sh DATA_DIR [PORT] > samples.txt
#   DATA_DIR  the folder holding the embedded database (the parent of HOMEROOM_DATA_DIR; ./data by default): its
#             postgres.credentials gives the password
#   PORT      the embedded server's port (default 54329)
set -euo pipefail
DATA=${1:?usage: pg-activity.sh DATA_DIR [PORT]}
PORT=${2:-54329}
PGPASSWORD=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['superuser'])" "$DATA/postgres.credentials")
export PGPASSWORD
exec psql -h localhost -p "$PORT" -U postgres -d postgres -At -F '|' <<'SQL'
select clock_timestamp()::time, pid, state, wait_event_type, wait_event,
       round(extract(epoch from clock_timestamp() - query_start) * 1000) as ms, pg_current_wal_lsn(),
       left(regexp_replace(query, '\s+', ' ', 'g'), 60)
  from pg_stat_activity
 where state <> 'idle' and pid <> pg_backend_pid() and backend_type = 'client backend'
\watch 0.01
SQL
