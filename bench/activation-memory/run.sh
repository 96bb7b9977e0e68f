#!/usr/bin/env bash
# Memory per idle partnership activation beyond its state: a one-silo Orleans host in process (the real grains on the
# project's SQLite provider), N partnerships activated with a read that computes no view, live managed heap before and
# after, minus the same N states held as the storage provider deserializes them. Also after one GetProgress each.
#
# Usage: bench/activation-memory/run.sh
#   env: PARTNERSHIPS=10000 (100..100000)  WARMUP=500 warm-up activations  ROUNDS=3 (1..21)
#        GCDUMP=1: in round 1, also take dotnet-gcdump heap dumps before and after activating and list the types that
#        grew (needs dotnet-gcdump on PATH or GCDUMP_TOOL=<path>)
#        MAX_SECONDS=1800 overall  QUICK=1: PARTNERSHIPS=1000 WARMUP=200 ROUNDS=1  RESULTS_MD=<file>: also write there
# Progress on stderr; the markdown section on stdout; exit non-zero on any failure or failed check. The host binds its
# silo port on 127.0.0.1 and has no gateway; it ends with the process.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [[ "${QUICK:-}" == 1 ]]; then
  PARTNERSHIPS=${PARTNERSHIPS:-1000}; WARMUP=${WARMUP:-200}; ROUNDS=${ROUNDS:-1}
fi
PARTNERSHIPS=${PARTNERSHIPS:-10000}
WARMUP=${WARMUP:-500}
ROUNDS=${ROUNDS:-3}
MAX_SECONDS=${MAX_SECONDS:-1800}
GCDUMP=${GCDUMP:-}
die() { echo "activation-memory: $*" >&2; exit 1; }
log() { echo "activation-memory: $*" >&2; }
int_in() { [[ "$2" =~ ^[0-9]+$ ]] && (( $2 >= $3 && $2 <= $4 )) || die "$1=$2 is not an integer in $3..$4"; }
int_in PARTNERSHIPS "$PARTNERSHIPS" 100 100000
int_in WARMUP "$WARMUP" 1 10000
int_in ROUNDS "$ROUNDS" 1 21
int_in MAX_SECONDS "$MAX_SECONDS" 1 86400
GCDUMP_TOOL=${GCDUMP_TOOL:-$(command -v dotnet-gcdump || true)}
[[ -z "$GCDUMP" || -x "$GCDUMP_TOOL" ]] || die "GCDUMP=1 needs dotnet-gcdump (dotnet tool install --tool-path DIR dotnet-gcdump; GCDUMP_TOOL=DIR/dotnet-gcdump)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strive-activation-memory.XXXXXX")
BENCH_PID=""
cleanup() {
  if [[ -n "$BENCH_PID" ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$BENCH_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$BENCH_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
STARTED=$SECONDS

PROJECT="$ROOT/bench/activation-memory/ActivationMemory/StriveNetwork.Bench.ActivationMemory.csproj"
DLL="$ROOT/bench/activation-memory/ActivationMemory/bin/Release/net10.0/StriveNetwork.Bench.ActivationMemory.dll"
log "building the benchmark host (Release)"
dotnet build "$PROJECT" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build failed"; }
[[ -f "$DLL" ]] || die "build output missing ($DLL)"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ARGS=(--output "$WORK/result.md" --partnerships "$PARTNERSHIPS" --warmup "$WARMUP" --rounds "$ROUNDS")
if [[ -n "$GCDUMP" ]]; then mkdir -p "$WORK/dumps"; ARGS+=(--dump-signal "$WORK/dumps"); fi
LEFT=$((MAX_SECONDS - (SECONDS - STARTED)))
(( LEFT > 0 )) || die "MAX_SECONDS=$MAX_SECONDS reached before the run"
timeout -k 10 "$LEFT" dotnet "$DLL" "${ARGS[@]}" >"$WORK/bench.out" 2>&1 &
BENCH_PID=$!

# dotnet-gcdump at the two pauses of round 1: the program writes <name>.ready (its pid) and waits for <name>.done.
if [[ -n "$GCDUMP" ]]; then
  for name in round1-baseline round1-activated; do
    while [[ ! -f "$WORK/dumps/$name.ready" ]]; do
      kill -0 "$BENCH_PID" 2>/dev/null || break 2
      sleep 0.5
    done
    log "dotnet-gcdump at $name"
    timeout 300 "$GCDUMP_TOOL" collect -p "$(cat "$WORK/dumps/$name.ready")" -o "$WORK/dumps/$name.gcdump" >"$WORK/dumps/$name.log" 2>&1 || log "dotnet-gcdump failed at $name (see below)"
    timeout 300 "$GCDUMP_TOOL" report "$WORK/dumps/$name.gcdump" >"$WORK/dumps/$name.txt" 2>&1 || cat "$WORK/dumps/$name.log" >&2
    touch "$WORK/dumps/$name.done"
  done
fi
rc=0; wait "$BENCH_PID" || rc=$?
BENCH_PID=""
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
grep '^activation-memory:' "$WORK/bench.out" >&2 || true
(( rc == 0 )) || { tail -60 "$WORK/bench.out" >&2; die "the benchmark failed (exit $rc)"; }
[[ -s "$WORK/result.md" ]] || die "the benchmark wrote no result"
if [[ -n "${KEEP_DUMPS:-}" && -n "$GCDUMP" ]]; then mkdir -p "$KEEP_DUMPS"; cp "$WORK"/dumps/*.txt "$KEEP_DUMPS"/; fi

DUMP_SECTION=""
if [[ -n "$GCDUMP" && -s "$WORK/dumps/round1-activated.txt" ]]; then
  # Types whose live bytes grew most between the two dumps, per activation (gcdump report: object size, count, type).
  DUMP_SECTION=$(python3 - "$WORK/dumps/round1-baseline.txt" "$WORK/dumps/round1-activated.txt" "$PARTNERSHIPS" <<'PY'
import re, sys
def read(path):
    out = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*([\d,]+)\s+([\d,]+)\s+(.+?)\s*$", line)
        if m:
            size, count, name = int(m.group(1).replace(",", "")), int(m.group(2).replace(",", "")), m.group(3)
            name = re.sub(r"\s*\(Bytes > [^)]*\)", "", name)
            name = re.sub(r"\s*\[[^\]]*\]$", "", name)
            # "Object Bytes" is the size of one object of the row (rows of large objects are bucketed by size).
            s, c = out.get(name, (0, 0))
            out[name] = (s + size * count, c + count)
    return out
before, after, n = read(sys.argv[1]), read(sys.argv[2]), int(sys.argv[3])
rows = []
for name, (size, count) in after.items():
    s0, c0 = before.get(name, (0, 0))
    if size - s0 > 0:
        rows.append((size - s0, count - c0, name))
rows.sort(reverse=True)
total = sum(r[0] for r in rows)
print("Heap dump diff, round 1 (dotnet-gcdump report before and after activating; types that grew, per activation):")
print()
print("| Type | Bytes per activation | Objects per activation |")
print("|---|---:|---:|")
for size, count, name in rows[:25]:
    print(f"| `{name[:110]}` | {size / n:.0f} | {count / n:.2f} |")
print(f"| (all types that grew) | {total / n:.0f} | |")
PY
)
fi

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
SECTION=$(cat <<EOF
## Memory per idle partnership activation (bench/activation-memory/run.sh)

- Command: \`PARTNERSHIPS=$PARTNERSHIPS WARMUP=$WARMUP ROUNDS=$ROUNDS${GCDUMP:+ GCDUMP=1} bench/activation-memory/run.sh\`${QUICK:+ (QUICK=1: a smoke run, not a measurement)}
- Date: $(date -u +%FT%TZ); tree: $COMMIT
- Machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), .NET SDK $(dotnet --version)
- Load average (1/5/15 min): before $LOAD_BEFORE, after $LOAD_AFTER (heap figures do not depend on load)
- Host: one-silo Orleans host in process (bench/StriveNetwork.Bench/BenchSilo.cs), the real grains (\`AddStriveGrains\`) on the project's SQLite storage and reminders; workstation non-concurrent GC; live heap = \`GC.GetTotalMemory(true)\` after three blocking compacting gen-2 collections
- Activation read: \`IPartnershipGrain.GetAsync\` (computes no view); state: the N \`PartnershipState\` objects read with the silo's own \`IGrainStorage\` (as an activation deserializes them), held beside the activations; beyond state = (heap growth − states) / N
$(cat "$WORK/result.md")

$DUMP_SECTION
EOF
)
echo "$SECTION"
if [[ -n "${RESULTS_MD:-}" ]]; then printf '%s\n' "$SECTION" > "$RESULTS_MD"; fi
