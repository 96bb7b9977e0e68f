#!/usr/bin/env bash
# Runs every benchmark of bench/ and writes bench/RESULTS.md (command, date, machine, load average, results).
# Meant for a quiet machine: the numbers are only worth keeping when nothing else runs (load average near 0).
#
# Usage: bench/run-all.sh
#   env: BDN_JOB=short            BenchmarkDotNet job of GrainCallBenchmarks (dry for a smoke run)
#        ROLLUP_PARTNERSHIPS=     NetworkRollupBenchmarks sizes, comma-separated (default 100,10000; its job is in the class)
#        ROUNDS=5 N=20000 WARMUP=2 C=16 M=8 THREADS=1   passed to bench/getprogress/run.sh
#        SUITE_TIMEOUT=3600       seconds allowed to each BenchmarkDotNet suite
#        RESULTS=bench/RESULTS.md where to write
# Full BenchmarkDotNet logs and reports stay in bench/BenchmarkDotNet.Artifacts/ (git-ignored).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BDN_JOB=${BDN_JOB:-short}
ROLLUP_PARTNERSHIPS=${ROLLUP_PARTNERSHIPS:-}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-3600}
RESULTS=${RESULTS:-$ROOT/bench/RESULTS.md}
ART="$ROOT/bench/BenchmarkDotNet.Artifacts"
BENCH_DIR="$ROOT/bench/StriveNetwork.Bench"
export ROUNDS=${ROUNDS:-5} N=${N:-20000} WARMUP=${WARMUP:-2} C=${C:-16} M=${M:-8} THREADS=${THREADS:-1}

log() { echo "run-all: $*" >&2; }
die() { echo "run-all: $*" >&2; exit 1; }
[[ "$BDN_JOB" =~ ^(dry|short|medium|long|default)$ ]] || die "BDN_JOB=$BDN_JOB is not one of dry, short, medium, long, default"
[[ -z "$ROLLUP_PARTNERSHIPS" || "$ROLLUP_PARTNERSHIPS" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "ROLLUP_PARTNERSHIPS=$ROLLUP_PARTNERSHIPS is not a comma-separated list of integers"
[[ "$SUITE_TIMEOUT" =~ ^[0-9]+$ ]] && (( SUITE_TIMEOUT > 0 && SUITE_TIMEOUT <= 14400 )) || die "SUITE_TIMEOUT=$SUITE_TIMEOUT is not in 1..14400"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strive-run-all.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
COMMAND="BDN_JOB=$BDN_JOB${ROLLUP_PARTNERSHIPS:+ ROLLUP_PARTNERSHIPS=$ROLLUP_PARTNERSHIPS} ROUNDS=$ROUNDS N=$N WARMUP=$WARMUP C=$C M=$M THREADS=$THREADS bench/run-all.sh"
DEFAULTS="BDN_JOB=short ROUNDS=5 N=20000 WARMUP=2 C=16 M=8 THREADS=1 bench/run-all.sh"
DATE=$(date -u +%FT%TZ)
LOAD_START=$(loadavg)
if awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN {exit !(l > 0.5 * n)}'; then
  log "warning: load average $LOAD_START on $(nproc) cores; the machine is not quiet, the numbers will be pessimistic"
fi

log "building bench/StriveNetwork.Bench (Release)"
dotnet build "$BENCH_DIR/StriveNetwork.Bench.csproj" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build failed"; }
mkdir -p "$ART"

# Runs one BenchmarkDotNet class; $1 = class name, rest = extra arguments. Prints the path of its GitHub-markdown report.
suite() {
  local name=$1; shift
  local report="$ART/results/StriveNetwork.Bench.$name-report-github.md"
  rm -f "$report" # never report a previous run's table
  log "$name: $*"
  # From the project folder: BenchmarkDotNet finds the .csproj to build its runner by walking up from there.
  local rc=0
  (cd "$BENCH_DIR" && STRIVE_BENCH_PARTNERSHIPS="$ROLLUP_PARTNERSHIPS" timeout -k 30 "$SUITE_TIMEOUT" \
    dotnet "bin/Release/net10.0/StriveNetwork.Bench.dll" --filter "*.$name.*" --artifacts "$ART" "$@") >"$ART/$name.console.log" 2>&1 || rc=$?
  (( rc == 0 )) || { tail -40 "$ART/$name.console.log" >&2; die "$name failed or timed out, exit $rc (log: $ART/$name.console.log)"; }
  [[ -f "$report" ]] || die "$name wrote no report ($report)"
  # BenchmarkDotNet exits 0 even when cases failed (their row shows NA); such a run is no measurement.
  grep -q 'Benchmarks with issues' "$ART/$name.console.log" && die "$name: some cases failed (log: $ART/$name.console.log)"
  echo "$report"
}

GRAIN_REPORT=$(suite GrainCallBenchmarks --job "$BDN_JOB")
LOAD_GRAIN=$(loadavg)
ROLLUP_REPORT=$(suite NetworkRollupBenchmarks)
LOAD_ROLLUP=$(loadavg)
log "GetProgress: bench/getprogress/run.sh"
RESULTS_MD="$WORK/getprogress.md" "$ROOT/bench/getprogress/run.sh" >/dev/null
LOAD_END=$(loadavg)

{
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run-all.sh\`; how to read each benchmark: bench/README.md. Full BenchmarkDotNet logs:"
  echo "bench/BenchmarkDotNet.Artifacts/ (git-ignored)."
  echo
  echo "## Run"
  echo
  echo "- Command: \`$COMMAND\`"
  if [[ "$COMMAND" != "$DEFAULTS" ]]; then
    echo "- **Not the default settings** (\`$DEFAULTS\`): a smoke or partial run, not comparable with a measurement."
  fi
  echo "- Date: $DATE; tree: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
  echo "- Machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version)"
  echo "- Load average (1/5/15 min): start $LOAD_START; after GrainCallBenchmarks $LOAD_GRAIN; after NetworkRollupBenchmarks $LOAD_ROLLUP; end $LOAD_END"
  echo
  echo "## Orleans grain call vs direct call (GrainCallBenchmarks, \`--job $BDN_JOB\`)"
  echo
  echo '```'
  grep -h '^// Message:' "$ART/GrainCallBenchmarks.console.log" | sort -u || true
  echo '```'
  echo
  cat "$GRAIN_REPORT"
  echo
  echo "## Network rollup: sharded vs single grain (NetworkRollupBenchmarks, job in the class)"
  echo
  echo '```'
  grep -hE '^// (Seeded|Stored JSON|[0-9]+ updates)' "$ART/NetworkRollupBenchmarks.console.log" || true
  echo '```'
  echo
  cat "$ROLLUP_REPORT"
  echo
  cat "$WORK/getprogress.md"
} > "$RESULTS"
log "wrote $RESULTS"
