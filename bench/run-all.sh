#!/usr/bin/env bash
# The one benchmark command of issue 13: builds once, runs every scenario of the issue's table (and the grain-call
# benchmark), and writes bench/RESULTS.md: command, date, tree, machine, load averages, a summary table (one line per
# row of the issue's table: median, spread, baseline from the same run, ratio, target, met or not, the issue's earlier
# figure), then one section per scenario. See bench/README.md.
#
# Usage: bench/run-all.sh
#   env: QUICK=1                a smoke run: every scenario with small counts and 1 round; RESULTS.md says so
#        MAX_SECONDS=7200       the whole run (QUICK: 2400); a scenario gets what is left and is stopped when it runs out
#        SETTLE=20              seconds at most to wait, before each scenario, for a quiet machine: at most 25% of
#                               the cores busy over 3 s (QUICK: 0)
#        GRAIN_CALL=1           also run GrainCallBenchmarks (not a row of the issue's table); 0 skips it
#        BDN_JOB=short          BenchmarkDotNet job of GrainCallBenchmarks (QUICK: dry)
#        ROLLUP_PARTNERSHIPS=   NetworkRollupBenchmarks sizes, comma-separated (default: the class's, 100,10000;
#                               QUICK: 100, which leaves the ratio out); its job is in the class
#        ROLLUP_SINGLE_GRAIN=     1 also runs NetworkRollupBenchmarks' single-grain design (minutes at 10,000)
#        RESULTS=bench/RESULTS.md  where to write
# Every scenario runs with its own defaults (QUICK=1 passed on); any other variable set in the environment reaches
# them too, and the header then lists it. Servers bind 127.0.0.1 only; each scenario stops its own on exit, and a
# scenario that overruns is stopped with its whole process group. Exits non-zero when a scenario failed (the results
# are written all the same).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCENARIO=run-all
# shellcheck source=lib/common.sh
source "$ROOT/bench/lib/common.sh"
QUICK=${QUICK:-}
[[ -z "$QUICK" || "$QUICK" == 1 ]] || die "QUICK=$QUICK is not 1"
if [[ "$QUICK" == 1 ]]; then
  MAX_SECONDS=${MAX_SECONDS:-2400} SETTLE=${SETTLE:-0} BDN_JOB=${BDN_JOB:-dry} ROLLUP_PARTNERSHIPS=${ROLLUP_PARTNERSHIPS-100}
fi
MAX_SECONDS=${MAX_SECONDS:-7200}
SETTLE=${SETTLE:-20}
GRAIN_CALL=${GRAIN_CALL:-1}
BDN_JOB=${BDN_JOB:-short}
ROLLUP_PARTNERSHIPS=${ROLLUP_PARTNERSHIPS:-}
ROLLUP_METHOD=${ROLLUP_METHOD:-ShardedRollup_OneSnapshotUpdate}
# The issue's row compares the sharded update at two sizes; the single-grain design (bench/README.md) is the pre-issue-13
# comparison and costs minutes at 10,000 partnerships, so it runs only with ROLLUP_SINGLE_GRAIN=1.
ROLLUP_SINGLE_GRAIN=${ROLLUP_SINGLE_GRAIN:-}
declare -A SUITE_METHODS=()
[[ -n "$ROLLUP_SINGLE_GRAIN" ]] || SUITE_METHODS[NetworkRollupBenchmarks]=$ROLLUP_METHOD
RESULTS=${RESULTS:-$ROOT/bench/RESULTS.md}
int_in MAX_SECONDS "$MAX_SECONDS" 60 86400
int_in SETTLE "$SETTLE" 0 600
[[ "$GRAIN_CALL" =~ ^[01]$ ]] || die "GRAIN_CALL=$GRAIN_CALL is not 0 or 1"
[[ "$BDN_JOB" =~ ^(dry|short|medium|long|default)$ ]] || die "BDN_JOB=$BDN_JOB is not one of dry, short, medium, long, default"
[[ -z "$ROLLUP_PARTNERSHIPS" || "$ROLLUP_PARTNERSHIPS" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "ROLLUP_PARTNERSHIPS=$ROLLUP_PARTNERSHIPS is not a comma-separated list of integers"
need dotnet node npm python3 h2load nghttp
STARTED=$SECONDS
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strive-run-all.XXXXXX")
bench_traps
ART="$ROOT/bench/BenchmarkDotNet.Artifacts"
BENCH_DIR="$ROOT/bench/StriveNetwork.Bench"

# The command as run: the settings given in the environment, then the script.
SETTINGS=()
for v in QUICK MAX_SECONDS SETTLE GRAIN_CALL BDN_JOB ROLLUP_PARTNERSHIPS ROLLUP_METHOD ROLLUP_SINGLE_GRAIN ROUNDS WARMUP_ROUNDS INGEST_ROUNDS WARMUP_ROWS N WARMUP C M THREADS IDLE \
  RUN_TIMEOUT START_TIMEOUT DEMO_TIMEOUT SUITE_TIMEOUT; do
  if [[ -n "${!v+x}" ]] && printenv "$v" >/dev/null; then SETTINGS+=("$v=${!v}"); fi
done
COMMAND="${SETTINGS[*]}${SETTINGS[*]:+ }bench/run-all.sh"
DATE=$(date -u +%FT%TZ)
# Quiet = at most this share of all cores busy over QUIET_WINDOW seconds (from /proc/stat). Not the load average: the
# 1-min average decays with a one-minute time constant, so after a scenario that drove it to 20 it stays above 1 for
# about three minutes of an idle machine, and it says nothing of the last few seconds.
QUIET_BUSY=25
QUIET_WINDOW=3
LOADS=()
BUSY=0
# Sets BUSY to the percentage of all cores busy (user, system, interrupts, I/O wait, steal) over the next QUIET_WINDOW s.
measure_busy() {
  local before after
  before=$(head -1 /proc/stat); sleep "$QUIET_WINDOW"; after=$(head -1 /proc/stat)
  BUSY=$(awk -v a="$before" -v b="$after" 'BEGIN {
    split(a, x, " "); split(b, y, " "); total = 0; idle = 0
    for (i = 2; i <= 9; i++) { d = y[i] - x[i]; total += d; if (i == 5) idle = d } # guest time is already in user
    printf "%d", (total > 0 ? 100 * (total - idle) / total + 0.5 : 0) }')
}
note_load() { # $1 = when
  local l; l=$(loadavg)
  measure_busy
  if (( BUSY > QUIET_BUSY )); then
    LOADS+=("$1 **${BUSY}% busy** (not quiet), load $l"); log "warning: ${BUSY}% of $(nproc) cores busy $1: not quiet, figures will be pessimistic"
  else
    LOADS+=("$1 ${BUSY}% busy, load $l")
  fi
}
# Waits up to SETTLE seconds for a quiet machine (the tail of the previous scenario).
settle() {
  local deadline=$((SECONDS + SETTLE))
  while (( SECONDS < deadline )); do
    measure_busy
    (( BUSY > QUIET_BUSY )) || return 0
  done
}
note_load "at the start"

log "building once: silo, bench projects (Release), grpc-js baseline (npm ci), the published silo"
for project in silo/StriveNetwork.Silo.csproj bench/StriveNetwork.Bench/StriveNetwork.Bench.csproj \
  bench/getprogress/BareEndpoint/StriveNetwork.Bench.BareEndpoint.csproj bench/bare-orleans/StriveNetwork.Bench.BareOrleans.csproj; do
  dotnet build "$ROOT/$project" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build of $project failed"; }
done
(cd "$GRPCJS_DIR" && npm ci --no-audit --no-fund >"$WORK/npm.log" 2>&1) || { tail -30 "$WORK/npm.log" >&2; die "npm ci in $GRPCJS_DIR failed"; }
bench_build silo-published bare-orleans-published # the container image's silo and its baseline, for the cold starts
export SILO_BUILT=1 BENCH_BUILT=1
if [[ "$QUICK" == 1 ]]; then export QUICK; fi
BUILD_SECONDS=$((SECONDS - STARTED))

# The issue's rows: key, scenario, label, target, earlier figure (the issue's).
ROW_KEYS=(getprogress unary ingest-sqlite ingest-postgres freshness rollup activation-memory coldstart-empty coldstart-demo rss-empty rss-demo)
declare -A ROW_SCENARIO=(
  [getprogress]=getprogress [unary]=unary [ingest-sqlite]=ingest [ingest-postgres]=ingest [freshness]=freshness
  [rollup]=rollup [activation-memory]=activation-memory [coldstart-empty]=coldstart [coldstart-demo]=coldstart
  [rss-empty]=memory [rss-demo]=memory)
declare -A ROW_LABEL=(
  [getprogress]="GetProgress, h2load against the silo" [unary]="a small unary call through the front door"
  [ingest-sqlite]="ingest 1,000,000 observations via UploadObservations, SQLite" [ingest-postgres]="ingest 1,000,000 observations via UploadObservations, PostgreSQL"
  [freshness]="rollup freshness: SubmitObservations reply → WatchNetworkRollup message" [rollup]="network of 10,000 partnerships × 20 indicators: one update"
  [activation-memory]="memory per idle partnership activation beyond its state" [coldstart-empty]="cold start to health SERVING, empty store"
  [coldstart-demo]="cold start to health SERVING, demo store" [rss-empty]="resident memory, empty store" [rss-demo]="resident memory, after the demo load")
declare -A ROW_TARGET=(
  [getprogress]="≥ 2× the grpc-js server" [unary]="≥ 0.8× bare Kestrel" [ingest-sqlite]="≥ 50,000/s" [ingest-postgres]="≥ 30,000/s"
  [freshness]="p99 ≤ 250 ms at 2,000 writes/s" [rollup]="≤ 1.5× the same at 100 partnerships" [activation-memory]="≤ 4 KiB"
  [coldstart-empty]="≤ 2 s" [coldstart-demo]="≤ 3 s" [rss-empty]="≤ 150 MiB" [rss-demo]="≤ 300 MiB")
declare -A ROW_EARLIER=(
  [getprogress]="~4,000 calls/s vs grpc-js ~16,400 (0.24×)" [unary]="—" [ingest-sqlite]="~5,600 obs/s (the demo load: 70,560 in 12.6 s)"
  [ingest-postgres]="—" [freshness]="—" [rollup]="2.3 ms at 100, 9.6 ms at 10,000 (4.2×)" [activation-memory]="—"
  [coldstart-empty]="0.5 s (old silo); bare Orleans 1.2 s" [coldstart-demo]="0.5 s (old silo)" [rss-empty]="85 MiB" [rss-demo]="242 MiB")
declare -A SUMMARY # key → "what|median|spread|baseline|ratio|target|met"
declare -A STATUS  # scenario → ran | failed (exit N) | not run (…)
SECTIONS=()
FAILED=0

# Runs bench/$1/run.sh; keeps its section (without its summary lines) and its summary lines.
scenario() {
  local name=$1 script="$ROOT/bench/$1/run.sh" left rc=0
  if [[ ! -x "$script" ]]; then
    STATUS[$name]="not run (scenario missing)"; log "$name: bench/$name/run.sh missing"; return 0
  fi
  left=$((MAX_SECONDS - (SECONDS - STARTED)))
  if (( left < 30 )); then STATUS[$name]="not run (MAX_SECONDS reached)"; log "$name: no time left"; return 0; fi
  settle; note_load "before $name"
  log "$name: bench/$name/run.sh (at most $left s)"
  # timeout runs the script in a process group of its own and signals the whole group when time is up.
  # In the background with wait, so that Ctrl-C reaches the exit trap at once (which stops timeout, and so the group).
  MAX_SECONDS=$left timeout -k 60 "$left" "$script" >"$WORK/$name.md" 2>"$WORK/$name.err" &
  BENCH_PIDS+=("$!")
  wait "$!" || rc=$?
  if (( rc != 0 )); then
    FAILED=1; STATUS[$name]="failed (exit $rc)"
    if (( rc == 124 )); then STATUS[$name]="failed (out of time)"; fi
    log "$name failed (exit $rc); its last lines:"; tail -15 "$WORK/$name.err" >&2
    SECTIONS+=("$(printf '## %s: failed (exit %s)\n\nLast lines of its log:\n\n```\n%s\n```' "$name" "$rc" "$(tail -25 "$WORK/$name.err")")")
    return 0
  fi
  STATUS[$name]=ran
  local line key rest
  while IFS= read -r line; do
    rest=${line#<!-- summary|}; rest=${rest%| -->}
    key=${rest%%|*}; SUMMARY[$key]=${rest#*|}
  done < <(grep -E '^<!-- summary\|.*\| -->$' "$WORK/$name.md" || true)
  SECTIONS+=("$(grep -vE '^<!-- summary\|' "$WORK/$name.md")")
}

# NetworkRollupBenchmarks through BenchmarkDotNet (helper suites are not run.sh scripts); $1 = class, rest = arguments.
suite() {
  local name=$1; shift
  local report="$ART/results/StriveNetwork.Bench.$name-report-github.md" left rc=0
  left=$((MAX_SECONDS - (SECONDS - STARTED)))
  if (( left < 60 )); then STATUS[$name]="not run (MAX_SECONDS reached)"; return 1; fi
  settle; note_load "before $name"
  rm -f "$report" # never report a previous run's table
  mkdir -p "$ART"
  log "$name: $* (at most $left s)"
  # From the project folder: BenchmarkDotNet finds the .csproj to build its runner by walking up from there.
  (cd "$BENCH_DIR" && STRIVE_BENCH_PARTNERSHIPS="$ROLLUP_PARTNERSHIPS" exec timeout -k 60 "$left" \
    dotnet "bin/Release/net10.0/StriveNetwork.Bench.dll" --filter "*.$name.${SUITE_METHODS[$name]:-*}" --artifacts "$ART" "$@") >"$ART/$name.console.log" 2>&1 &
  BENCH_PIDS+=("$!")
  wait "$!" || rc=$?
  if (( rc != 0 )) || [[ ! -f "$report" ]] || grep -q 'Benchmarks with issues' "$ART/$name.console.log"; then
    # BenchmarkDotNet exits 0 even when cases failed (their row shows NA); such a run is no measurement.
    FAILED=1; STATUS[$name]="failed (exit $rc; log bench/BenchmarkDotNet.Artifacts/$name.console.log)"
    tail -20 "$ART/$name.console.log" >&2
    SECTIONS+=("$(printf '## %s: failed (exit %s)\n\n```\n%s\n```' "$name" "$rc" "$(tail -25 "$ART/$name.console.log")")")
    return 1
  fi
  STATUS[$name]=ran
}

# Summary of the rollup row from its BenchmarkDotNet report: the median of ROLLUP_METHOD at the largest size, against
# the same at the smallest size.
rollup_summary() {
  python3 - "$1" "$ROLLUP_METHOD" <<'EOF'
import re, sys
report, method = sys.argv[1], sys.argv[2]
rows = [[c.strip().strip("*").strip() for c in line.strip().strip("|").split("|")] for line in open(report, encoding="utf-8") if line.startswith("|")]
head, body = rows[0], [r for r in rows[2:] if any(r)]
col = {name: i for i, name in enumerate(head)}
if "Method" not in col or "Partnerships" not in col: raise SystemExit("no Method/Partnerships column")
stat = "Median" if "Median" in col else "Mean"
units = {"ns": 1e-6, "us": 1e-3, "μs": 1e-3, "µs": 1e-3, "ms": 1.0, "s": 1e3}
def ms(text):
    m = re.match(r"([0-9.,]+)\s*(\S+)", text)
    return float(m.group(1).replace(",", "")) * units[m.group(2)] if m else None
found = {}
for r in body:
    if r[col["Method"]] == method and ms(r[col[stat]]) is not None:
        found[int(r[col["Partnerships"]].replace(",", ""))] = r
if len(found) < 2: raise SystemExit(f"{method}: fewer than two sizes in the report")
lo, hi = min(found), max(found)
mlo, mhi = ms(found[lo][col[stat]]), ms(found[hi][col[stat]])
spread = f"±{found[hi][col['StdDev']]} (StdDev)" if "StdDev" in col else "—"
if "Min" in col and "Max" in col: spread = f"{found[hi][col['Min']]}–{found[hi][col['Max']]}"
ratio = mhi / mlo
print(f"{stat.lower()} ms per update at {hi:,}|{mhi:.3g} ms|{spread}|{mlo:.3g} ms at {lo:,}|{ratio:.2f}|≤ 1.5×|{'met' if ratio <= 1.5 else 'not met'}")
EOF
}

scenario getprogress
scenario unary
scenario ingest
scenario freshness
if suite NetworkRollupBenchmarks; then
  ROLLUP_REPORT="$ART/results/StriveNetwork.Bench.NetworkRollupBenchmarks-report-github.md"
  if line=$(rollup_summary "$ROLLUP_REPORT" 2>"$WORK/rollup-summary.err"); then SUMMARY[rollup]=$line
  else SUMMARY[rollup]="see the section ($(cat "$WORK/rollup-summary.err"))||||||"; fi
  SECTIONS+=("$(
    echo "## Network rollup: one update at 100 and 10,000 partnerships (NetworkRollupBenchmarks, job in the class)"
    echo
    echo '```'
    grep -hE '^// (Seeded|Stored JSON|[0-9]+ updates)' "$ART/NetworkRollupBenchmarks.console.log" || true
    echo '```'
    echo
    cat "$ROLLUP_REPORT")")
fi
STATUS[rollup]=${STATUS[NetworkRollupBenchmarks]:-not run}
scenario activation-memory
scenario coldstart
scenario memory
if [[ "$GRAIN_CALL" == 1 ]] && suite GrainCallBenchmarks --job "$BDN_JOB"; then
  SECTIONS+=("$(
    echo "## Orleans grain call vs direct call (GrainCallBenchmarks, \`--job $BDN_JOB\`; not a row of the issue's table)"
    echo
    echo '```'
    grep -h '^// Message:' "$ART/GrainCallBenchmarks.console.log" | sort -u || true
    echo '```'
    echo
    cat "$ART/results/StriveNetwork.Bench.GrainCallBenchmarks-report-github.md")")
fi
note_load "at the end"
TOTAL_SECONDS=$((SECONDS - STARTED))

cell() { local IFS='|' f; read -ra f <<<"$1"; echo "${f[$2]:-}"; } # field $2 of a summary record
{
  echo "# Benchmark results"
  echo
  if [[ "$QUICK" == 1 ]]; then
    echo "**SMOKE RUN (QUICK=1): small counts, one round. It proves the command works; its figures are not a measurement.**"
    echo
  fi
  echo "Written by \`bench/run-all.sh\` (how to read it: bench/README.md)."
  echo
  if (( ${#SETTINGS[@]} > 0 )); then NOTE=" (**not the defaults**: not comparable with a default run)"; else NOTE=""; fi
  echo "- Command: \`$COMMAND\`$NOTE"
  echo "- Date: $DATE; took $((TOTAL_SECONDS / 60)) min $((TOTAL_SECONDS % 60)) s (builds ${BUILD_SECONDS} s); tree: $(tree_rev)"
  echo "- Machine: $(machine)"
  echo "- Quiet machine (share of all $(nproc) cores busy over ${QUIET_WINDOW} s, then the 1/5/15-min load average; quiet means at most ${QUIET_BUSY}% busy; before a scenario the script waits up to SETTLE=$SETTLE s for it): $(IFS=';'; echo "${LOADS[*]}" | sed 's/;/; /g')"
  echo
  echo "## Summary (one line per row of the issue's table)"
  echo
  echo "| Issue row | Figure | Median | Spread (min–max) | Baseline, same run | Ratio | Target | | Earlier (the issue) |"
  echo "|---|---|---:|---:|---|---:|---|---|---|"
  for key in "${ROW_KEYS[@]}"; do
    scen=${ROW_SCENARIO[$key]}
    status=${STATUS[$scen]:-not run}
    if [[ -n "${SUMMARY[$key]:-}" && -z "$(cell "${SUMMARY[$key]}" 1)" ]]; then # a note, no figure
      echo "| ${ROW_LABEL[$key]} | $(cell "${SUMMARY[$key]}" 0) | | | | | ${ROW_TARGET[$key]} | | ${ROW_EARLIER[$key]} |"
    elif [[ -n "${SUMMARY[$key]:-}" ]]; then
      rec=${SUMMARY[$key]}
      echo "| ${ROW_LABEL[$key]} | $(cell "$rec" 0) | **$(cell "$rec" 1)** | $(cell "$rec" 2) | $(cell "$rec" 3) | $(cell "$rec" 4) | $(cell "$rec" 5) | **$(cell "$rec" 6)** | ${ROW_EARLIER[$key]} |"
    elif [[ "$status" == ran ]]; then
      echo "| ${ROW_LABEL[$key]} | see its section (no summary line) | | | | | ${ROW_TARGET[$key]} | | ${ROW_EARLIER[$key]} |"
    else
      echo "| ${ROW_LABEL[$key]} | **$status** | | | | | ${ROW_TARGET[$key]} | | ${ROW_EARLIER[$key]} |"
    fi
  done
  echo
  for section in "${SECTIONS[@]}"; do
    printf '%s\n\n' "$section"
  done
} > "$WORK/RESULTS.md"
mv "$WORK/RESULTS.md" "$RESULTS"
log "wrote $RESULTS in $TOTAL_SECONDS s"
(( FAILED == 0 )) || die "some scenarios failed (see $RESULTS)"
