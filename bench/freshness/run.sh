#!/usr/bin/env bash
# Rollup freshness: SubmitObservations reply → the first WatchNetworkRollup message reflecting the write, at a fixed
# write rate (open loop), on the real silo (SQLite, empty store seeded by the client), several rounds.
#
# Usage: bench/freshness/run.sh
#   env: RATE=2000 writes/s  SECONDS_PER_ROUND=10 (writes per round = RATE × SECONDS_PER_ROUND; the client seeds
#        ceil(that / 16) partnerships with 16 core indicators each)  ROUNDS=3 (1..21) measured rounds,
#        after WARMUP_ROUNDS=1 (0..3) warm-up rounds (shown, left out of the medians)
#        START_TIMEOUT=120 s for the silo  MAX_SECONDS=1800 overall  QUICK=1: RATE=500 SECONDS_PER_ROUND=4 ROUNDS=1
#        SILO_BUILT=1: the silo is already built (Release); RESULTS_MD=<file>: also write the section there
# Progress on stderr; the markdown section on stdout. Exit non-zero on any failure or failed check. The silo listens
# on 127.0.0.1 only (gRPC port 0) and is stopped on exit, Ctrl-C included.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCENARIO=freshness
# shellcheck source=../lib/common.sh
source "$ROOT/bench/lib/common.sh"
if [[ "${QUICK:-}" == 1 ]]; then
  RATE=${RATE:-500}; SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-4}; ROUNDS=${ROUNDS:-1}; WARMUP_ROUNDS=${WARMUP_ROUNDS:-0}
fi
RATE=${RATE:-2000}
SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-10}
ROUNDS=${ROUNDS:-3}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-1}
START_TIMEOUT=${START_TIMEOUT:-120}
MAX_SECONDS=${MAX_SECONDS:-1800}

int_in RATE "$RATE" 1 20000
int_in SECONDS_PER_ROUND "$SECONDS_PER_ROUND" 1 120
int_in ROUNDS "$ROUNDS" 1 21
int_in WARMUP_ROUNDS "$WARMUP_ROUNDS" 0 3
int_in START_TIMEOUT "$START_TIMEOUT" 1 3600
int_in MAX_SECONDS "$MAX_SECONDS" 1 86400
command -v dotnet >/dev/null || die "dotnet missing"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strive-freshness.XXXXXX")
SILO_PID=""
CLIENT_PID=""
cleanup() {
  bench_stop "$CLIENT_PID"
  bench_stop "$SILO_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
STARTED=$SECONDS


SILO_DLL="$ROOT/silo/bin/Release/net10.0/StriveNetwork.Silo.dll"
CLIENT_DIR="$ROOT/bench/freshness/FreshnessClient"
CLIENT_DLL="$CLIENT_DIR/bin/Release/net10.0/StriveNetwork.Bench.Freshness.dll"
if [[ "${SILO_BUILT:-}" != 1 ]]; then
  log "building the silo (Release)"
  dotnet build "$ROOT/silo/StriveNetwork.Silo.csproj" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "silo build failed"; }
fi
log "building the client (Release)"
dotnet build "$CLIENT_DIR/StriveNetwork.Bench.Freshness.csproj" -c Release -nologo -v q >>"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "client build failed"; }
[[ -f "$SILO_DLL" && -f "$CLIENT_DLL" ]] || die "build outputs missing ($SILO_DLL, $CLIENT_DLL)"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "starting the silo on an empty store ($WORK/data)"
ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
  dotnet "$SILO_DLL" --grpc-port 0 --web-port 0 --data-dir "$WORK/data" >"$WORK/silo.out" 2>"$WORK/silo.err" &
SILO_PID=$!
TOKEN_FILE=$(wait_for_line "$SILO_PID" "$WORK/silo.out" '^admin token written to ' "$START_TIMEOUT" | sed 's/^admin token written to \(.*\) (owner-only.*$/\1/')
SILO_PORT=$(wait_for_line "$SILO_PID" "$WORK/silo.out" '^gRPC listening on 127\.0\.0\.1:[0-9]+' "$START_TIMEOUT" | grep -o '[0-9]*$')
log "silo on 127.0.0.1:$SILO_PORT"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
SILO_CPU_BEFORE=$(cpu_ticks "$SILO_PID")
# The whole run is bounded: the client gets what is left of MAX_SECONDS (it bounds every wait itself as well).
LEFT=$((MAX_SECONDS - (SECONDS - STARTED)))
(( LEFT > 0 )) || die "MAX_SECONDS=$MAX_SECONDS reached before the client started"
timeout -k 10 "$LEFT" dotnet "$CLIENT_DLL" --address "http://127.0.0.1:$SILO_PORT" --token-file "$TOKEN_FILE" \
  --rate "$RATE" --seconds "$SECONDS_PER_ROUND" --rounds "$ROUNDS" --warmup-rounds "$WARMUP_ROUNDS" >"$WORK/client.md" 2> >(tee "$WORK/client.err" >&2) &
CLIENT_PID=$!
rc=0; wait "$CLIENT_PID" || rc=$?
CLIENT_PID=""
kill -0 "$SILO_PID" 2>/dev/null || { tail -30 "$WORK/silo.err" >&2; die "the silo died during the run"; }
SILO_CPU_S=$(awk -v t=$(($(cpu_ticks "$SILO_PID") - SILO_CPU_BEFORE)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
(( rc == 0 )) || { cat "$WORK/client.md" >&2; tail -40 "$WORK/silo.err" >&2; die "the client failed (exit $rc)"; }

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
SECTION=$(cat <<EOF
## Rollup freshness at $RATE writes/s (bench/freshness/run.sh)

- Command: \`RATE=$RATE SECONDS_PER_ROUND=$SECONDS_PER_ROUND ROUNDS=$ROUNDS WARMUP_ROUNDS=$WARMUP_ROUNDS bench/freshness/run.sh\`${QUICK:+ (QUICK=1: a smoke run, not a measurement)}
- Date: $(date -u +%FT%TZ); tree: $COMMIT
- Machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), .NET SDK $(dotnet --version)
- Load average (1/5/15 min): before $LOAD_BEFORE, after $LOAD_AFTER; silo CPU during seeding and rounds: $SILO_CPU_S s (client on the same cores)
- Silo: \`--grpc-port 0 --data-dir <tmp>\` (SQLite, empty store, Release); client: bench/freshness/FreshnessClient (Grpc.Net.Client, one process, open loop: send i at t0 + i / rate)
- Freshness of a write: from its SubmitObservations reply to the first WatchNetworkRollup message whose outcome flip counter (maintained + 2 × target-direction count) reaches the number of that outcome's writes acknowledged by then; 0 when that message came before the reply (counted)
$(cat "$WORK/client.md")
EOF
)
echo "$SECTION"
if [[ -n "${RESULTS_MD:-}" ]]; then printf '%s\n' "$SECTION" > "$RESULTS_MD"; fi
