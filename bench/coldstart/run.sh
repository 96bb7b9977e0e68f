#!/usr/bin/env bash
# Cold start to health SERVING: the time from exec of the process to the first grpc.health.v1.Health/Check (service
# "") that answers SERVING, measured by probe.js (Node's http2, polling every 10 ms), for
#   - the silo on an empty store (a new data directory each round: creates the SQLite file and the admin token),
#   - the silo on a store that already holds the demo network (loaded once before the rounds), started without --demo,
#   - the same store started with --demo again (the loader sees the demo is there and writes nothing: one grain call),
#   - the baseline: bench/bare-orleans, a bare Orleans 10 silo with one grain and grpc.health.v1 on Kestrel, SERVING
#     once the host has started and the grain has answered one call;
# each silo twice: as `dotnet publish` makes it for the container image (ReadyToRun: what a cluster starts; the rows of
# the issue's table) and as `dotnet build` makes it (plain IL, JIT-compiled at start: what `dotnet run` starts). The
# bare Orleans baseline is published the same way (ReadyToRun) and also run as built.
# The silo answers SERVING once the silo is active, the admin token exists and the demo (when asked) is loaded
# (silo/SiloHost.cs), so both sides are measured to the same point: a started silo that has served grain calls.
# Each start is a new process (`dotnet <dll>`), stopped with SIGTERM after it answered; it must exit 0.
#
# Usage: bench/coldstart/run.sh
#   env: ROUNDS=7 (1..21) starts of each kind, order rotating  WARMUP=1 unmeasured start of each (0..3)
#        START_TIMEOUT=120 s for one start to answer SERVING  DEMO_TIMEOUT=600 s for the one demo load
#        MAX_SECONDS=1800 overall  QUICK=1: ROUNDS=1 WARMUP=0 unless set; SILO_BUILT=1 / BENCH_BUILT=1 as in bench/lib
# Progress goes to stderr; the markdown section to stdout. Needs node (≥ 20), python3, dotnet. Everything listens on
# 127.0.0.1 and is stopped on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCENARIO=coldstart
# shellcheck source=../lib/common.sh
source "$ROOT/bench/lib/common.sh"
if [[ "${QUICK:-}" == 1 ]]; then ROUNDS=${ROUNDS:-1} WARMUP=${WARMUP:-0}; fi
ROUNDS=${ROUNDS:-7}
WARMUP=${WARMUP:-1}
START_TIMEOUT=${START_TIMEOUT:-120}
DEMO_TIMEOUT=${DEMO_TIMEOUT:-600}
MAX_SECONDS=${MAX_SECONDS:-1800}
int_in ROUNDS "$ROUNDS" 1 21
int_in WARMUP "$WARMUP" 0 3
int_in START_TIMEOUT "$START_TIMEOUT" 1 600
int_in DEMO_TIMEOUT "$DEMO_TIMEOUT" 1 3600
int_in MAX_SECONDS "$MAX_SECONDS" 1 86400
need node python3 dotnet
STARTED=$SECONDS
PROBE="$ROOT/bench/coldstart/probe.js"
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strive-coldstart.XXXXXX")
bench_traps
bench_build silo silo-published bare-orleans bare-orleans-published
[[ -f "$BARE_ORLEANS_DLL" ]] || die "$BARE_ORLEANS_DLL missing"
LOAD_BEFORE=$(loadavg)

log "loading the demo network once into $WORK/demo"
START_TIMEOUT_SAVED=$START_TIMEOUT START_TIMEOUT=$DEMO_TIMEOUT
DEMO_STARTED=$SECONDS
bench_start_silo "$WORK/demo" --demo
DEMO_SECONDS=$((SECONDS - DEMO_STARTED))
START_TIMEOUT=$START_TIMEOUT_SAVED
[[ "$DEMO_LINE" == "demo network loaded:"* ]] || die "the demo did not load: $DEMO_LINE"
log "$DEMO_LINE (${DEMO_SECONDS} s); stopping it"
bench_stop "$SILO_PID"

# One start of kind $1 (round $2) → sets START_MS (milliseconds to SERVING). The probe runs in the background of this
# shell (not in a $(...) subshell), so that the exit trap can stop it, and it stops the process it started.
start_once() {
  local kind=$1 round=$2 port out probe
  (( SECONDS - STARTED < MAX_SECONDS )) || die "MAX_SECONDS=$MAX_SECONDS reached"
  port=$(free_port)
  local cmd=()
  case $kind in
    empty) cmd=(dotnet "$SILO_PUBLISHED_DLL" --grpc-port "$port" --web-port 0 --data-dir "$WORK/empty-$round") ;;
    demo) cmd=(dotnet "$SILO_PUBLISHED_DLL" --grpc-port "$port" --web-port 0 --data-dir "$WORK/demo") ;;
    demo-flag) cmd=(dotnet "$SILO_PUBLISHED_DLL" --grpc-port "$port" --web-port 0 --data-dir "$WORK/demo" --demo) ;;
    bare) cmd=(dotnet "$BARE_ORLEANS_PUBLISHED_DLL" "$port") ;;
    built-empty) cmd=(dotnet "$SILO_DLL" --grpc-port "$port" --web-port 0 --data-dir "$WORK/built-empty-$round") ;;
    built-demo) cmd=(dotnet "$SILO_DLL" --grpc-port "$port" --web-port 0 --data-dir "$WORK/demo") ;;
    built-bare) cmd=(dotnet "$BARE_ORLEANS_DLL" "$port") ;;
  esac
  node "$PROBE" "$port" $((START_TIMEOUT * 1000)) "$WORK/$kind-$round.log" -- "${cmd[@]}" >"$WORK/probe.out" &
  probe=$!
  BENCH_PIDS+=("$probe")
  wait "$probe" || { tail -20 "$WORK/$kind-$round.log" >&2; die "$kind start $round failed"; }
  out=$(cat "$WORK/probe.out")
  START_MS=$(python3 -c 'import json, sys
r = json.loads(sys.argv[1])
if r["exit"] != 0: raise SystemExit("exit code %s after SIGTERM" % r["exit"])
print(r["ms"])' "$out") || { tail -20 "$WORK/$kind-$round.log" >&2; die "$kind start $round did not stop cleanly"; }
  if [[ $kind == demo-flag ]]; then
    grep -q '^demo network already loaded; nothing written' "$WORK/$kind-$round.log" || { tail -20 "$WORK/$kind-$round.log" >&2; die "--demo on the loaded store did not say it was already loaded"; }
  fi
  if [[ $kind == demo || $kind == demo-flag || $kind == built-demo ]]; then
    grep -q '^demo network loaded' "$WORK/$kind-$round.log" && die "a restart on the demo store loaded the demo again"
  fi
  return 0
}

KINDS=(empty demo demo-flag bare built-empty built-demo built-bare)
for i in $(seq 1 "$WARMUP"); do
  for kind in "${KINDS[@]}"; do log "warm-up: $kind"; start_once "$kind" "w$i"; done
done
declare -A MS
ROWS=()
for i in $(seq 1 "$ROUNDS"); do
  order=()
  for k in "${!KINDS[@]}"; do order+=("${KINDS[(i - 1 + k) % ${#KINDS[@]}]}"); done
  for kind in "${order[@]}"; do start_once "$kind" "$i"; MS[$kind]+="$START_MS "; done
  ROWS+=("| $i | ${order[*]} | $(for kind in "${KINDS[@]}"; do read -ra v <<<"${MS[$kind]}"; printf '%s | ' "${v[-1]}"; done)")
  log "round $i/$ROUNDS: $(for kind in "${KINDS[@]}"; do read -ra v <<<"${MS[$kind]}"; printf '%s %s ms, ' "$kind" "${v[-1]}"; done)"
done
LOAD_AFTER=$(loadavg)

# $1 = kind → "median spread" in seconds.
stats() { local v; read -ra v <<<"${MS[$1]}"; echo "$(median "${v[@]}" | awk '{printf "%.3f", $1 / 1000}') $(spread "${v[@]}" | awk -F– '{printf "%.3f–%.3f", $1 / 1000, $2 / 1000}')"; }
read -r M_EMPTY S_EMPTY <<<"$(stats empty)"
read -r M_DEMO S_DEMO <<<"$(stats demo)"
read -r M_FLAG S_FLAG <<<"$(stats demo-flag)"
read -r M_BARE S_BARE <<<"$(stats bare)"
read -r M_B_EMPTY S_B_EMPTY <<<"$(stats built-empty)"
read -r M_B_DEMO S_B_DEMO <<<"$(stats built-demo)"
read -r M_B_BARE S_B_BARE <<<"$(stats built-bare)"
MET_EMPTY=$(met "$M_EMPTY" le 2); MET_DEMO=$(met "$M_DEMO" le 3); MET_FLAG=$(met "$M_FLAG" le 3)
MET_B_EMPTY=$(met "$M_B_EMPTY" le 2); MET_B_DEMO=$(met "$M_B_DEMO" le 3)

cat <<EOF
## Cold start to health SERVING (bench/coldstart/run.sh)

$(summary_line coldstart-empty "s to SERVING, empty store (published silo)" "$M_EMPTY s" "$S_EMPTY s" "bare Orleans $M_BARE s" "$(ratio "$M_EMPTY" "$M_BARE")" "≤ 2 s" "$MET_EMPTY")
$(summary_line coldstart-demo "s to SERVING, demo store (published silo)" "$M_DEMO s" "$S_DEMO s" "bare Orleans $M_BARE s" "$(ratio "$M_DEMO" "$M_BARE")" "≤ 3 s" "$MET_DEMO")
- Settings: \`ROUNDS=$ROUNDS WARMUP=$WARMUP\`; each start: \`node bench/coldstart/probe.js PORT ... -- dotnet <dll> ...\` (time from spawn to the first Check answering SERVING, polled every 10 ms on h2c; then SIGTERM, exit 0 required); the seven kinds of start rotate their order each round
- Date: $(date -u +%FT%TZ); tree: $(tree_rev); load average (1/5/15 min) before $LOAD_BEFORE, after $LOAD_AFTER
- Published silo (the rows of the issue's table): \`dotnet publish silo -c Release\`, as the container image is built (ReadyToRun, $(gc_mode "$SILO_PUBLISHED_DLL") GC), started as \`dotnet artifacts/bench/silo-published/StriveNetwork.Silo.dll --grpc-port PORT --data-dir DIR\` (SQLite)
- Built silo: \`dotnet build silo -c Release\` (plain IL, JIT-compiled as it starts: what \`dotnet run\` starts), \`dotnet silo/bin/Release/net10.0/StriveNetwork.Silo.dll ...\`
- Stores: empty: a new data directory per start. Demo: one directory loaded once with \`--demo\` ($DEMO_LINE; ${DEMO_SECONDS} s to the listening line), then restarted without \`--demo\`, and with \`--demo\` again (checked: it prints "demo network already loaded; nothing written", one cohort grain call)
- Baseline: bench/bare-orleans (Orleans 10 with one grain, localhost clustering, no storage, grpc.health.v1 on Kestrel h2c, $(gc_mode "$BARE_ORLEANS_DLL") GC): SERVING after the host started and the grain answered one call; published with ReadyToRun like the silo, and as built

| Round | Order | Empty ms | Demo ms | Demo, --demo again ms | Bare Orleans ms | Built: empty ms | Built: demo ms | Built: bare Orleans ms |
|---:|---|---:|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${ROWS[@]}")

| Start | Median | Spread (min–max) | Bare Orleans, same run, built the same way | Ratio | Target | | Earlier (the issue) |
|---|---:|---:|---:|---:|---|---|---|
| Published silo, empty store | **$M_EMPTY s** | $S_EMPTY s | $M_BARE s | $(ratio "$M_EMPTY" "$M_BARE") | ≤ 2 s | $MET_EMPTY | 0.5 s (old runtime); bare Orleans 1.2 s |
| Published silo, demo store | **$M_DEMO s** | $S_DEMO s | $M_BARE s | $(ratio "$M_DEMO" "$M_BARE") | ≤ 3 s | $MET_DEMO | 0.5 s (old runtime) |
| Published silo, demo store, \`--demo\` again | $M_FLAG s | $S_FLAG s | $M_BARE s | $(ratio "$M_FLAG" "$M_BARE") | ≤ 3 s | $MET_FLAG | — |
| Built silo, empty store | $M_B_EMPTY s | $S_B_EMPTY s | $M_B_BARE s | $(ratio "$M_B_EMPTY" "$M_B_BARE") | (≤ 2 s) | $MET_B_EMPTY | |
| Built silo, demo store | $M_B_DEMO s | $S_B_DEMO s | $M_B_BARE s | $(ratio "$M_B_DEMO" "$M_B_BARE") | (≤ 3 s) | $MET_B_DEMO | |
| Bare Orleans 10, one grain, published | $M_BARE s | $S_BARE s | | | | | |
| Bare Orleans 10, one grain, built | $M_B_BARE s | $S_B_BARE s | | | | | 1.2 s |

Publishing with ReadyToRun (docs/adr/0020) takes the JIT out of the start: Orleans, ASP.NET Core, gRPC and the silo's
own code arrive compiled. The built silo's figures show what \`dotnet run\` costs a developer.
EOF
