#!/usr/bin/env bash
# Trains an ahead-of-time cache for a node's JVM (JDK 25 or newer: JEP 483's classes loaded and linked, JEP 515's
# method profiles), so a node that starts with it compiles its send path at once instead of over its first ~30 s of
# traffic (issue 30: on two cores, a fresh node without it stored 1,050-1,200 of 2,000 msg/s for seconds and its p99
# was 130-1,560 ms; with it 14-34 ms; docs/PERFORMANCE.md, "Busy conversations").
#
# usage: scripts/aot-cache.sh [JAR] [CACHE]       (default target/homeroom.jar and target/homeroom.aot)
#   JAVA_HOME   a JDK 25 or newer (the cache is made and used by that same JDK)
# then:  $JAVA_HOME/bin/java -XX:AOTCache=target/homeroom.aot -jar target/homeroom.jar
#
# How: a node of that jar, on a scratch data folder and ports of its own, in a cluster of its own (it never meets a
# real node or touches a real database), takes the load generator's steady traffic for 40 s (students and staff
# sending, reading and typing, over the bridge), then 20 s of a student and 20 s of an admin flooding reads (so the
# refusals are compiled too); when it stops, the JVM writes the cache. A cache belongs to its jar:
# train again after each build (a JVM given a cache of another jar says so and starts without it). Run from the
# project folder: the load generator is the project's own (./mvnw -Pload).
set -euo pipefail
JAR=${1:-target/homeroom.jar}
CACHE=${2:-target/homeroom.aot}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
HTTP_PORT=${AOT_HTTP_PORT:-18089}
DB_PORT=${AOT_DB_PORT:-54399}

major=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
if [ -z "$major" ] || [ "$major" -lt 25 ]; then
  echo "aot-cache: needs a JDK 25 or newer (JAVA_HOME); $JAVA is Java ${major:-unknown}" >&2
  exit 2
fi
[ -f "$JAR" ] || { echo "aot-cache: no $JAR (./mvnw package -DskipTests first)" >&2; exit 2; }
CACHE_ABS=$(cd "$(dirname "$CACHE")" && pwd)/$(basename "$CACHE")
rm -f "$CACHE_ABS"
WORK=$(mktemp -d)
DONE=
# shellcheck source=scratch-node.sh
. "$(dirname "$0")/scratch-node.sh"
cleanup() {
  scratch_node_stop
  [ -n "$DONE" ] || rm -f "$CACHE_ABS"
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "aot-cache: training a node of $JAR (log: $WORK/node.log)"
HOMEROOM_PUSH=false \
  HOMEROOM_LIMIT_SEND_PER_SECOND=100000 HOMEROOM_LIMIT_SEND_BURST=100000 \
  HOMEROOM_LIMIT_TYPING_PER_SECOND=100000 HOMEROOM_LIMIT_TYPING_BURST=100000 \
  HOMEROOM_LIMIT_ACKS_PER_SECOND=100000 HOMEROOM_LIMIT_ACKS_BURST=100000 \
  scratch_node_start "$WORK" "$HTTP_PORT" "$DB_PORT" homeroom-aot-training "$JAVA" -Xms1g -Xmx1g \
  -XX:AOTCacheOutput="$CACHE_ABS" -jar "$JAR"
TARGET="$NODE_TARGET --out $WORK/load"
./mvnw -q -Pload -Dload.args="$TARGET --scenario steady --students 200 --admins 3 --rate 1500 --warmup 10s --duration 30s"
# Then one student, and then one admin, flooding reads while others chat (issue 24, point 2): the refusals, the closes
# for abuse and the refused reconnections are compiled too, so a node's first flood costs it no compilation. Sending,
# typing and acknowledging are left unlimited above (the training's own traffic is far over a user's limits); reads and
# searches keep the shipped limits, so the flood meets them.
# The student who flooded stays blocked for minutes, so the last run leaves them out (else its start waits a minute
# for them to connect).
./mvnw -q -Pload -Dload.args="$TARGET --scenario steady --students 200 --admins 3 --rate 200 --ramp 2s --warmup 3s \
  --duration 15s --flood fetch --flood-person 199"
./mvnw -q -Pload -Dload.args="$TARGET --scenario steady --students 199 --admins 3 --rate 200 --ramp 2s --warmup 3s \
  --duration 15s --flood search --flood-person 1"

# A graceful stop: the JVM exits normally, and only then writes the cache (in a second JVM it starts; ~1 min).
kill -TERM "$NODE"
wait "$NODE" || true
NODE=
if [ ! -s "$CACHE_ABS" ]; then
  tail -20 "$WORK/node.log" >&2
  echo "aot-cache: no cache was written" >&2
  exit 1
fi
DONE=1
echo "aot-cache: $CACHE_ABS ($(du -h "$CACHE_ABS" | cut -f1)); start nodes with"
echo "  $JAVA -XX:AOTCache=$CACHE -jar $JAR"
