#!/usr/bin/env bash
# Resident memory of the silo (VmRSS from /proc/PID/status; VmHWM, the peak, beside it):
#   - empty store: a new data directory, read IDLE seconds after the listening line (health SERVING by then);
#   - after the demo load: started with --demo on a new data directory, read IDLE seconds after the listening line,
#     which the silo prints only once the demo is loaded and the network rollup has settled (silo/Demo/DemoNetwork.cs).
# A reference in the same run: bench/bare-orleans (a bare Orleans 10 silo with one grain), read the same way. The issue's
# earlier figures (the old runtime: 85 MiB / 242 MiB) are printed beside.
#
# Usage: bench/memory/run.sh
#   env: ROUNDS=3 (1..11) processes of each kind  IDLE=5 s of idling before the reading (1..120)
#        START_TIMEOUT=600 s (the demo load)  MAX_SECONDS=2400 overall
#        QUICK=1: ROUNDS=1 unless set; SILO_BUILT=1 / BENCH_BUILT=1 as in bench/lib
# Progress goes to stderr; the markdown section to stdout. Everything listens on 127.0.0.1 and is stopped on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCENARIO=memory
# shellcheck source=../lib/common.sh
source "$ROOT/bench/lib/common.sh"
if [[ "${QUICK:-}" == 1 ]]; then ROUNDS=${ROUNDS:-1}; fi
ROUNDS=${ROUNDS:-3}
IDLE=${IDLE:-5}
START_TIMEOUT=${START_TIMEOUT:-600}
MAX_SECONDS=${MAX_SECONDS:-2400}
int_in ROUNDS "$ROUNDS" 1 11
int_in IDLE "$IDLE" 1 120
int_in START_TIMEOUT "$START_TIMEOUT" 1 3600
int_in MAX_SECONDS "$MAX_SECONDS" 1 86400
need python3 dotnet
STARTED=$SECONDS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strive-memory.XXXXXX")
bench_traps
bench_build silo bare-orleans
[[ -f "$BARE_ORLEANS_DLL" ]] || die "$BARE_ORLEANS_DLL missing"
LOAD_BEFORE=$(loadavg)

kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; } # $1 = pid, $2 = VmRSS|VmHWM → KiB
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# One process of kind $1 (round $2) → sets RSS_KIB and HWM_KIB. Runs in this shell, not in a $(...) subshell, so that
# the exit trap knows every process it started.
measure() {
  local kind=$1 round=$2 pid
  (( SECONDS - STARTED < MAX_SECONDS )) || die "MAX_SECONDS=$MAX_SECONDS reached"
  case $kind in
    empty) bench_start_silo "$WORK/empty-$round"; pid=$SILO_PID ;;
    demo)
      bench_start_silo "$WORK/demo-$round" --demo; pid=$SILO_PID
      [[ "$DEMO_LINE" == "demo network loaded:"* ]] || die "the demo did not load: $DEMO_LINE"
      [[ "$DEMO_LINE" != *"still catching up"* ]] || log "warning: round $round: the rollup had not settled when the load returned" ;;
    bare)
      local port; port=$(free_port)
      dotnet "$BARE_ORLEANS_DLL" "$port" >"$WORK/bare-orleans.out" 2>"$WORK/bare-orleans.err" &
      pid=$!; BENCH_PIDS+=("$pid")
      wait_for_line "$pid" "$WORK/bare-orleans.out" '^bare orleans listening on ' 120 >/dev/null ;;
  esac
  sleep "$IDLE"
  kill -0 "$pid" 2>/dev/null || die "$kind died while idling"
  RSS_KIB=$(kib "$pid" VmRSS); HWM_KIB=$(kib "$pid" VmHWM)
  bench_stop "$pid"
  [[ -n "$RSS_KIB" && -n "$HWM_KIB" ]] || die "no VmRSS for $kind"
}

KINDS=(empty demo bare)
declare -A RSS HWM
ROWS=()
for i in $(seq 1 "$ROUNDS"); do
  for kind in "${KINDS[@]}"; do
    log "round $i/$ROUNDS: $kind"
    measure "$kind" "$i"
    RSS[$kind]+="$(mib "$RSS_KIB") "; HWM[$kind]+="$(mib "$HWM_KIB") "
  done
  ROWS+=("| $i | $(for kind in "${KINDS[@]}"; do read -ra a <<<"${RSS[$kind]}"; read -ra b <<<"${HWM[$kind]}"; printf '%s (%s) | ' "${a[-1]}" "${b[-1]}"; done)")
done
LOAD_AFTER=$(loadavg)

stats() { local v; read -ra v <<<"${RSS[$1]}"; echo "$(median "${v[@]}") $(spread "${v[@]}")"; }
peak() { local v; read -ra v <<<"${HWM[$1]}"; median "${v[@]}"; }
read -r M_EMPTY S_EMPTY <<<"$(stats empty)"
read -r M_DEMO S_DEMO <<<"$(stats demo)"
read -r M_BARE S_BARE <<<"$(stats bare)"
MET_EMPTY=$(met "$M_EMPTY" le 150); MET_DEMO=$(met "$M_DEMO" le 300)

cat <<EOF
## Resident memory of the silo (bench/memory/run.sh)

$(summary_line rss-empty "MiB resident, empty store" "$M_EMPTY MiB" "$S_EMPTY MiB" "bare Orleans $M_BARE MiB (reference)" "$(ratio "$M_EMPTY" 85) × old runtime" "≤ 150 MiB" "$MET_EMPTY")
$(summary_line rss-demo "MiB resident, after the demo load" "$M_DEMO MiB" "$S_DEMO MiB" "—" "$(ratio "$M_DEMO" 242) × old runtime" "≤ 300 MiB" "$MET_DEMO")
- Settings: \`ROUNDS=$ROUNDS IDLE=$IDLE\`; VmRSS (and VmHWM, the peak) from /proc/PID/status, $IDLE s after the listening line; one new process and data directory per reading
- Date: $(date -u +%FT%TZ); tree: $(tree_rev); load average (1/5/15 min) before $LOAD_BEFORE, after $LOAD_AFTER
- Silo: \`--grpc-port 0 --data-dir <new dir>\` (SQLite, Release, $(gc_mode "$SILO_DLL") GC), with \`--demo\` for the demo rows ($DEMO_LINE)
- Reference: bench/bare-orleans (Orleans 10, one grain, grpc.health.v1 on Kestrel, $(gc_mode "$BARE_ORLEANS_DLL") GC)

| Round | Empty store MiB (peak) | After the demo load MiB (peak) | Bare Orleans MiB (peak) |
|---:|---:|---:|---:|
$(printf '%s\n' "${ROWS[@]}")

| Process | Median VmRSS | Spread (min–max) | Median peak (VmHWM) | Target | | Earlier (the issue, old runtime) |
|---|---:|---:|---:|---|---|---|
| Silo, empty store | **$M_EMPTY MiB** | $S_EMPTY MiB | $(peak empty) MiB | ≤ 150 MiB | $MET_EMPTY | 85 MiB |
| Silo, after the demo load | **$M_DEMO MiB** | $S_DEMO MiB | $(peak demo) MiB | ≤ 300 MiB | $MET_DEMO | 242 MiB |
| Bare Orleans 10, one grain (reference) | $M_BARE MiB | $S_BARE MiB | $(peak bare) MiB | | | |
EOF
