#!/bin/sh
# Issue 18's seven rows, each beside its ceiling, for two Release builds run turn about in one
# session (on the shared machine: through /work/notes/quiet-run). Not a test; figures go to
# BENCHMARKS.md.
#   tests/bench/issue18_side_by_side.sh BEFORE_TREE BEFORE_BUILD AFTER_TREE AFTER_BUILD [ROUNDS]
#   /work/notes/quiet-run tests/bench/issue18_side_by_side.sh /work/bench-before /work/bench-before/build/rel \
#       /work/main /work/main/build/release 2
# Each round runs every row for "before" then "after", the next round "after" then "before".
# The ceilings come from the after build (they measure SQLite, the codecs' framing/parse
# alone, the drivers with a bare sink, and nginx, not this code's ingest or HTTP path):
#   ASTM session decode        - receiver framing alone (BM_AstmReceiverFraming/1460, same program)
#   HL7 MLLP -> observations   - parse() alone (BM_Hl7ParseOnly, same program)
#   GET /api/v1/me (wrk -c32)  - nginx serving a static file (scripts/bench-nginx-static)
#   GET/POST /api/v1/samples   - (none in the issue)
#   HL7 ORU ACKed after COMMIT - the same pipeline with a bare SQLite sink (drivers_bench --sink=raw)
#   readings with detection    - SQLite appending the same rows in key order (BM_SqliteAppendInKeyOrder/100)
set -u
BEFORE_TREE=$1 BEFORE=$2 AFTER_TREE=$3 AFTER=$4 ROUNDS=${5:-2}
WORK=$(mktemp -d /tmp/lims-issue18-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
MAIN=$(cd "$(dirname "$0")/../.." && pwd)

stamp() { echo "## $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*"; }

row() {  # label tree build
    label=$1 tree=$2 build=$3
    stamp "$label codecs"
    "$build/tests/astm_bench" --benchmark_filter='BM_AstmSessionDecode$|BM_AstmReceiverFraming/1460' \
        --benchmark_min_time=0.5 2>/dev/null | grep '^BM_'
    "$build/tests/hl7_bench" --benchmark_filter='BM_Hl7MllpParseOru$|BM_Hl7ParseOnly' --benchmark_min_time=0.5 \
        2>/dev/null | grep '^BM_'
    stamp "$label readings with detection"
    LIMS_BENCH_DIR=$WORK "$build/tests/coldchain_service_bench" --benchmark_filter='BM_IngestWithDetection/100' \
        --benchmark_min_time=1 2>/dev/null | grep '^BM_'
    stamp "$label HL7 ORU acknowledged after commit, 64 connections"
    rm -f "$WORK"/hl7.sqlite*
    "$build/tests/drivers_bench" hl7 --connections=64 --messages=10000 --db="$WORK/hl7.sqlite" | grep -v '^seeded'
    rm -f "$WORK"/hl7.sqlite*
    stamp "$label GET and POST /api/v1/samples, 16 connections"
    mkdir -p "$WORK/api" && (cd "$WORK/api" && TMPDIR="$WORK/api" LIMS_BENCH_DIR="$WORK/api" "$build/tests/api_load_bench" 6 16) |
        grep -E 'req/s|per commit'
    rm -rf "$WORK/api"
    stamp "$label GET /api/v1/me, wrk -c32"
    engine=asio
    [ "$label" = before ] && engine=poco  # the only engine at the issue's commit
    (cd "$tree" && "$MAIN/scripts/bench-http-me" "$build/lims/lims" 8 32 "$engine") 2>&1 |
        grep -E '^==|Requests/sec|99%|Non-2xx|Socket errors'
}

ceilings() {
    stamp "ceiling: HL7 with a bare SQLite sink (after build), 64 connections"
    rm -f "$WORK"/raw.sqlite*
    "$AFTER/tests/drivers_bench" hl7 --sink=raw --connections=64 --messages=10000 --db="$WORK/raw.sqlite"
    rm -f "$WORK"/raw.sqlite*
    stamp "ceiling: SQLite appending the readings in key order (after build)"
    LIMS_BENCH_DIR=$WORK "$AFTER/tests/coldchain_service_bench" --benchmark_filter='BM_SqliteAppendInKeyOrder/100' \
        --benchmark_min_time=1 2>/dev/null | grep '^BM_'
    stamp "ceiling: nginx serving a static file, wrk -c32"
    "$MAIN/scripts/bench-nginx-static" 8 32 2>&1 | grep -E '^==|Requests/sec|99%'
}

stamp "before $BEFORE_TREE ($(git -C "$BEFORE_TREE" rev-parse --short HEAD)), after $AFTER_TREE ($(git -C "$AFTER_TREE" rev-parse --short HEAD))"
r=1
while [ "$r" -le "$ROUNDS" ]; do
    if [ $((r % 2)) -eq 1 ]; then
        row before "$BEFORE_TREE" "$BEFORE"; row after "$AFTER_TREE" "$AFTER"
    else
        row after "$AFTER_TREE" "$AFTER"; row before "$BEFORE_TREE" "$BEFORE"
    fi
    ceilings
    r=$((r + 1))
done
stamp done
