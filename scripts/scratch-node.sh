# A throwaway node for the measuring scripts (aot-cache.sh, flood-compare.sh), sourced, not run: a node of a jar on a
# scratch data folder, with ports and a cluster of its own, so it never meets a real node or touches a real database.
#
#   scratch_node_start WORK HTTP_PORT DB_PORT NAME JAVA [JVM options...] -jar JAR
#       starts it in the background (log: WORK/node.log; any HOMEROOM_* set for the call reach it), waits until it is
#       ready, and sets NODE (its pid) and NODE_TARGET (the load generator's options to reach it and its database)
#   scratch_node_stop
#       a graceful stop (SIGTERM: the node stops its embedded PostgreSQL), SIGKILL after 30 s; nothing if not running

# The kernel's DAMON, where it runs a page-out scheme (this workplace's VMs), stalls every process for tens of
# milliseconds: a quiet p99 of 50-190 ms instead of ~5 ms (docs/PERFORMANCE.md, "The machine's own stalls"). Said
# before a measurement, not changed: the machine is not the script's to reconfigure.
scratch_node_damon_warning() {
  local state
  for state in /sys/kernel/mm/damon/admin/kdamonds/*/state; do
    if [ -r "$state" ] && [ "$(cat "$state")" = on ]; then
      echo "scratch node: the kernel's DAMON is on ($state): its page-outs will set the p99; for a measurement," \
        "'echo off > $state' as root, and 'echo on > $state' after (docs/PERFORMANCE.md)" >&2
    fi
  done
}

scratch_node_start() {
  local work=$1 http_port=$2 db_port=$3 name=$4 java=$5
  shift 5
  scratch_node_damon_warning
  if curl -s -o /dev/null "http://localhost:$http_port/"; then
    echo "scratch node: port $http_port is taken" >&2
    return 2
  fi
  HOMEROOM_DATA_DIR="$work/data/postgres" HOMEROOM_KEY_FILE="$work/data/homeroom.key" HOMEROOM_HTTP_PORT=$http_port \
    HOMEROOM_DB_EMBEDDED_PORT=$db_port HOMEROOM_CLUSTER_NAME="$name-$$" HOMEROOM_CLUSTER_HOST=127.0.0.1 \
    "$java" "$@" > "$work/node.log" 2>&1 &
  NODE=$!
  for _ in $(seq 1 120); do
    curl -sf "http://localhost:$http_port/health/ready" > /dev/null && break
    kill -0 "$NODE" 2>/dev/null || { cat "$work/node.log" >&2; return 1; }
    sleep 1
  done
  curl -sf "http://localhost:$http_port/health/ready" > /dev/null || { echo "scratch node: never got ready" >&2; return 1; }
  local app_password
  app_password=$(sed -n 's/^ *"app" *: *"\([^"]*\)".*/\1/p' "$work/data/postgres.credentials")
  NODE_TARGET="--target http://localhost:$http_port --db postgresql://localhost:$db_port/homeroom --db-user homeroom_app \
 --db-password $app_password --key-file $work/data/homeroom.key"
}

scratch_node_stop() {
  if [ -n "${NODE:-}" ] && kill -0 "$NODE" 2>/dev/null; then
    kill -TERM "$NODE" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$NODE" 2>/dev/null || break; sleep 1; done
    kill -9 "$NODE" 2>/dev/null || true
  fi
  NODE=
}
