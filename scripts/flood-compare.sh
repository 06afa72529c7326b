#!/usr/bin/env bash
# Issue 24, point 2: what one user flooding reads costs everyone else's sends, on a node that has run for a while.
#
# usage: scripts/flood-compare.sh [PULSES] [fetch|fetch-light|search|search-light|control|burn]  (default 6 pulses, fetch)
#   fetch-light, search-light
#               the flood from scripts/read-flood.py, a process with no JIT (the flooding JVM fills both cores for
#               0.7 s at each flood's start, which an attacker on another machine does not): the node's own cost
#   control     the same run with a flood that opens nothing (--flood-sockets 0): what the method says with no flood
#               (one run of 6 pulses said +19 % on this VM; docs/PERFORMANCE.md)
#   burn        the control, with the flooding JVM's own CPU (two threads busy for FLOOD_BURN_MS, default 700, at each
#               flood's start): what the flooder's process costs the others on this shared machine, node untouched
#   JAR         the node's jar (default target/homeroom.jar; ./mvnw package -DskipTests first)
#   JAVA_HOME   the JDK the node runs on (default: java on the PATH)
#   NODE_JVM    the node's JVM options (default -Xms1g -Xmx1g)
#   FLOOD_NICE  how the flooding JVMs run (default idle: SCHED_IDLE and nice 19; or a niceness)
#   LOAD_SHAPE  the traffic everyone else makes (default: issue 24's, below, with a 30 s warm-up)
#   FLOOD_ARGS  more of the load generator's flood options, such as --flood-in-flight 4 (LoadOptions)
#   FLOOD_CONNECT_EARLY  1: search-light's flooders open their connections before the warm-up (read-flood.py)
#   FLOOD_WARMUP  how long the uncounted warm-up flood runs (default 40s): longer lets the node's JIT finish compiling the
#               flood's own paths before the pulses (docs/PERFORMANCE-LOG.md, "a tenth look")
#   FLOOD_CLIENT  wrk: search-light's flood is sent by wrk (apt-get install wrk; scripts/search-flood.lua) rather than
#               Python's threads, at a small fraction of their CPU a request (read-flood.py)
#               sql: no HTTP at all; the statements of the searches the node would answer (a burst of 15, then 3 a
#               second: FLOOD_SQL_BURST, FLOOD_SQL_RATE) go straight to its PostgreSQL over one psql connection, so
#               the run measures the database's share of a search flood (search/SearchFloodStatements);
#               FLOOD_SQL_SCHED=idle runs their backend under SCHED_IDLE (a diagnosis: is that share CPU on shared cores?)
#
# One node on a scratch data folder, ports and cluster of its own, with the shipped limits. First a flood that is not
# counted: a node in service has long since compiled the paths a flood takes (the refusals, the closes for abuse, the
# refused reconnections, pages of 200), and a fresh one spends its first flood compiling them (C2 for about a second
# of CPU on two cores: docs/PERFORMANCE-LOG.md). Then one run of 2 x PULSES windows of 10 s, quiet and flooded in
# turn, each fetch flood by a user no earlier one used (a flooder stays blocked for minutes; a search flood by the same admin), in a JVM of its own
# (`--flood-pulses`, `--flood-nice`); the generator compares the others' sends of the flooded windows with those of the
# quiet ones. Separate quiet and flooded runs cannot tell 20 % on one two-core VM (the quiet runs' own p99 varies by
# 3x); windows of one run share the machine's stalls alike (docs/PERFORMANCE.md, "One user flooding reads").
set -euo pipefail
PULSES=${1:-6}
KIND=${2:-fetch}
JAR=${JAR:-target/homeroom.jar}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
NODE_JVM=${NODE_JVM:--Xms1g -Xmx1g}
# A warm-up of 30 s: the measuring generator is a fresh JVM, and with 10 s its own compiling and the node's settling
# after the warm-up flood stalled sends by 100-200 ms in the first pulse's windows of every run (PERFORMANCE-LOG, "a
# twelfth look"), a quiet window's p99 of 20-130 ms that the pooled figure then carried.
SHAPE=${LOAD_SHAPE:---scenario steady --rate 100 --typing-rate 20 --read-rate 50 --warmup 30s}
STUDENTS=200
ADMINS=8
HTTP_PORT=${FLOOD_HTTP_PORT:-18091}
DB_PORT=${FLOOD_DB_PORT:-54398}

EXTRA=
GENERATOR_JVM="-Xms3g -Xmx3g -XX:+UseZGC -XX:+AlwaysPreTouch"
if [ "$KIND" = control ]; then
  KIND=fetch
  EXTRA="--flood-sockets 0"
elif [ "$KIND" = fetch-light ] || [ "$KIND" = search-light ]; then
  # The flood from scripts/read-flood.py: no JVM of the flooder's compiling on the node's two cores.
  KIND=${KIND%-light}
  GENERATOR_JVM="$GENERATOR_JVM -Dflood.client=python"
elif [ "$KIND" = burn ]; then
  # The control, with the flooding JVM's own CPU: FLOOD_BURN_MS (default 700) of two busy threads at each flood's start.
  KIND=fetch
  EXTRA="--flood-sockets 0"
  GENERATOR_JVM="$GENERATOR_JVM -Dflood.burnMs=${FLOOD_BURN_MS:-700}"
fi
case "$KIND" in
  fetch) max=$((STUDENTS - 1));;
  search) max=1000;; # every pulse's search flood is by the same admin (it closes nothing)
  *) echo "flood-compare: the flood is fetch, fetch-light, search, search-light, control or burn, not $KIND" >&2; exit 2;;
esac
if [ "$PULSES" -lt 1 ] || [ "$PULSES" -ge "$max" ]; then
  echo "flood-compare: PULSES is from 1 to $((max - 1))" >&2
  exit 2
fi
[ -f "$JAR" ] || { echo "flood-compare: no $JAR (./mvnw package -DskipTests first)" >&2; exit 2; }
WORK=$(mktemp -d)
# shellcheck source=scratch-node.sh
. "$(dirname "$0")/scratch-node.sh"
trap scratch_node_stop EXIT
echo "flood-compare: a node of $JAR on $JAVA (log and reports: $WORK)"
# shellcheck disable=SC2086
scratch_node_start "$WORK" "$HTTP_PORT" "$DB_PORT" homeroom-flood-compare "$JAVA" $NODE_JVM -jar "$JAR"
TARGET=$NODE_TARGET
if [ "${FLOOD_CLIENT:-}" = sql ]; then
  # The search flood's statements straight to the node's PostgreSQL, as its app role (read-flood.py).
  PGPASSWORD=$(sed -n 's/^ *"app" *: *"\([^"]*\)".*/\1/p' "$WORK/data/postgres.credentials")
  export PGHOST=localhost PGPORT=$DB_PORT PGDATABASE=homeroom PGUSER=homeroom_app PGPASSWORD
fi

# run NAME STUDENTS ADMINS EXTRA...: one load run, its report in WORK/NAME
run() {
  local name=$1 students=$2 admins=$3
  shift 3
  ./mvnw -q -Pload -Dload.jvm="$GENERATOR_JVM" -Dload.args="$TARGET --out $WORK/$name $SHAPE --students $students --admins $admins $*" \
    > "$WORK/$name.log" 2>&1 || { tail -20 "$WORK/$name.log" >&2; exit 1; }
}

flood="--flood $KIND --flood-nice ${FLOOD_NICE:-idle} $EXTRA ${FLOOD_ARGS:-}"
echo "flood-compare: warm-up flood (not counted)"
# The warm-up's flooder is the last student (or admin); the measured run leaves them out and floods as those before.
if [ "$KIND" = fetch ]; then
  run warmup $STUDENTS $ADMINS --duration "${FLOOD_WARMUP:-40s}" $flood --flood-person $((STUDENTS - 1))
  people="$((STUDENTS - 1)) $ADMINS"; first=$((STUDENTS - 1 - PULSES))
else
  run warmup $STUDENTS $ADMINS --duration "${FLOOD_WARMUP:-40s}" $flood --flood-person $((ADMINS - 1))
  people="$STUDENTS $((ADMINS - 1))"; first=$((ADMINS - 2))
fi
echo "flood-compare: $PULSES pulses of 10 s quiet, 10 s flooded"
# shellcheck disable=SC2086
run pulsed $people --duration $((20 * PULSES))s $flood --flood-pulses "$PULSES" --flood-person $first
grep -E "^\[homeroom\] (pulse [0-9]+:|others' send)" "$WORK/pulsed.log" | sed 's/^\[homeroom\] //'
