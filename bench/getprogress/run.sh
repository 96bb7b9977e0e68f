#!/usr/bin/env bash
# GetProgress load through the real silo (gRPC front door → token check → PartnershipGrain on SQLite, demo network)
# against the issue's baseline, a @grpc/grpc-js server returning the same response bytes from memory
# (grpcjs-baseline/), and a bare Kestrel HTTP/2 endpoint returning them too (BareEndpoint/, a second reference), in
# rounds whose order rotates, with h2load.
#
# Usage: bench/getprogress/run.sh
#   env: ROUNDS=5 (1..21)  N=20000 requests per run (1..1000000)  WARMUP=2 runs of each before measuring (0..5)
#        C=16 connections  M=8 streams per connection  THREADS=1 h2load threads
#        RUN_TIMEOUT=300 s per h2load run  START_TIMEOUT=600 s for the silo to load the demo  MAX_SECONDS=3600 overall
#        QUICK=1: a smoke run (ROUNDS=1 N=2000 WARMUP=1 unless set)
#        SILO_BUILT=1 / BENCH_BUILT=1: the silo / the baselines are built already (bench/run-all.sh does it)
# Progress goes to stderr; the markdown section (settings, per-round table, medians, ratios, target) to stdout.
# Needs h2load and nghttp (Debian: apt-get install -y nghttp2-client), node (≥ 20), npm and python3. Every server
# listens on 127.0.0.1 only and is stopped on exit, Ctrl-C included.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCENARIO=getprogress
# shellcheck source=../lib/common.sh
source "$ROOT/bench/lib/common.sh"
if [[ "${QUICK:-}" == 1 ]]; then ROUNDS=${ROUNDS:-1} N=${N:-2000} WARMUP=${WARMUP:-1}; fi
ROUNDS=${ROUNDS:-5}
N=${N:-20000}
WARMUP=${WARMUP:-2}
C=${C:-16}
M=${M:-8}
THREADS=${THREADS:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
START_TIMEOUT=${START_TIMEOUT:-600}
MAX_SECONDS=${MAX_SECONDS:-3600}
PATH_GP=/strive.v1.PartnershipService/GetProgress
TARGET=2 # the issue: ≥ 2× the grpc-js server
int_in ROUNDS "$ROUNDS" 1 21
int_in N "$N" 1 1000000
int_in WARMUP "$WARMUP" 0 5
int_in C "$C" 1 256
int_in M "$M" 1 256
int_in THREADS "$THREADS" 1 16
int_in RUN_TIMEOUT "$RUN_TIMEOUT" 1 3600
int_in START_TIMEOUT "$START_TIMEOUT" 1 3600
int_in MAX_SECONDS "$MAX_SECONDS" 1 86400
need h2load nghttp python3 dotnet node npm
STARTED=$SECONDS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strive-getprogress.XXXXXX")
bench_traps
bench_build silo bare grpcjs

LOAD_BEFORE=$(loadavg)
log "starting the silo with the demo network (data in $WORK/data)"
bench_start_silo "$WORK/data" --demo
log "silo on 127.0.0.1:$SILO_PORT ($DEMO_LINE)"
PARTNERSHIP=$(first_partnership)
[[ -n "$PARTNERSHIP" ]] || die "no partnership listed"
log "partnership $PARTNERSHIP"
pb_string_field1 "$PARTNERSHIP" | grpc_frame > "$WORK/req.bin"

# Correctness first: h2load counts any HTTP 200 as a success, even with grpc-status != 0.
capture_stable "$SILO$PATH_GP" "$WORK/req.bin" "$WORK/response.bin"
RESPONSE_BYTES=$(stat -c %s "$WORK/response.bin")
(( RESPONSE_BYTES > 5 )) || die "empty GetProgress response"
log "response: $RESPONSE_BYTES bytes of DATA (5-byte prefix + $((RESPONSE_BYTES - 5)) bytes of GetProgressResponse)"

bench_start_grpcjs "$WORK/response.bin" "$PATH_GP"
grpc_call "$GRPCJS$PATH_GP" "$WORK/grpcjs.bin" "$WORK/grpcjs.trace" "$WORK/req.bin"
cmp -s "$WORK/response.bin" "$WORK/grpcjs.bin" || die "the grpc-js server's bytes differ from the silo's"
bench_start_bare "$WORK/response.bin"
grpc_call "$BARE$PATH_GP" "$WORK/bare.bin" "$WORK/bare.trace" "$WORK/req.bin"
cmp -s "$WORK/response.bin" "$WORK/bare.bin" || die "the bare endpoint's bytes differ from the silo's"

run() { # $1 = silo|grpcjs|bare
  case $1 in
    silo) h2load_run silo "$SILO$PATH_GP" "$SILO_PID" "$RESPONSE_BYTES" "$WORK/req.bin" ;;
    grpcjs) h2load_run grpc-js "$GRPCJS$PATH_GP" "$GRPCJS_PID" "$RESPONSE_BYTES" "$WORK/req.bin" ;;
    bare) h2load_run bare "$BARE$PATH_GP" "$BARE_PID" "$RESPONSE_BYTES" "$WORK/req.bin" ;;
  esac
}

for i in $(seq 1 "$WARMUP"); do # JIT, tiered PGO, grain activation, connection pools
  log "warm-up $i/$WARMUP"; run silo >/dev/null; run grpcjs >/dev/null; run bare >/dev/null
done
SIDES=(silo grpcjs bare)
declare -A RPS CPU
ROWS=(); S_RPS=(); G_RPS=(); B_RPS=(); R_G=(); R_B=(); S_CPU=(); G_CPU=(); B_CPU=()
for i in $(seq 1 "$ROUNDS"); do
  # Rotate the order, so that drift (thermal, other load) does not always favour the same side.
  order=()
  for k in 0 1 2; do order+=("${SIDES[(i - 1 + k) % 3]}"); done
  for side in "${order[@]}"; do read -r "RPS[$side]" "CPU[$side]" <<<"$(run "$side")"; done
  rg=$(ratio "${RPS[silo]}" "${RPS[grpcjs]}"); rb=$(ratio "${RPS[silo]}" "${RPS[bare]}")
  S_RPS+=("${RPS[silo]}"); G_RPS+=("${RPS[grpcjs]}"); B_RPS+=("${RPS[bare]}"); R_G+=("$rg"); R_B+=("$rb")
  S_CPU+=("${CPU[silo]}"); G_CPU+=("${CPU[grpcjs]}"); B_CPU+=("${CPU[bare]}")
  ROWS+=("| $i | ${order[*]} | ${RPS[silo]} | ${RPS[grpcjs]} | ${RPS[bare]} | $rg | $rb | ${CPU[silo]} | ${CPU[grpcjs]} | ${CPU[bare]} |")
  log "round $i/$ROUNDS: silo ${RPS[silo]} req/s, grpc-js ${RPS[grpcjs]}, bare ${RPS[bare]}; silo/grpc-js $rg, silo/bare $rb"
done
LOAD_AFTER=$(loadavg)

# The response must not have changed during the run (the DATA totals only prove its size).
grpc_call "$SILO$PATH_GP" "$WORK/after.bin" "$WORK/silo.trace" "$WORK/req.bin"
cmp -s "$WORK/response.bin" "$WORK/after.bin" || die "the silo's GetProgress response changed during the run"

MS=$(median "${S_RPS[@]}"); MG=$(median "${G_RPS[@]}"); MB=$(median "${B_RPS[@]}")
RG=$(ratio "$MS" "$MG"); RB=$(ratio "$MS" "$MB")
MET=$(met "$RG" ge "$TARGET")

cat <<EOF
## GetProgress: silo vs grpc-js vs bare Kestrel (bench/getprogress/run.sh)

$(summary_line getprogress "req/s, silo" "$MS req/s" "$(spread "${S_RPS[@]}")" "grpc-js $MG req/s" "$RG" "≥ ${TARGET}× grpc-js" "$MET")
- Settings: \`ROUNDS=$ROUNDS N=$N WARMUP=$WARMUP C=$C M=$M THREADS=$THREADS\`; each run, against each server:
  \`h2load -n $N -c $C -m $M -t $THREADS -d req.bin -H 'content-type: application/grpc' -H 'te: trailers' -H 'authorization: Bearer <admin token>' http://127.0.0.1:PORT$PATH_GP\`
- Date: $(date -u +%FT%TZ); tree: $(tree_rev); load average (1/5/15 min) before $LOAD_BEFORE, after $LOAD_AFTER
- Silo: \`--demo --grpc-port 0 --data-dir <tmp>\` (SQLite, Release, $(gc_mode "$SILO_DLL") GC); $DEMO_LINE
- Baseline (the issue's): bench/getprogress/grpcjs-baseline, @grpc/grpc-js $(node -p "require('$GRPCJS_DIR/node_modules/@grpc/grpc-js/package.json').version") on Node $(node --version), one process, answering with the silo's captured message through identity serializers
- Reference: bench/getprogress/BareEndpoint (Kestrel h2c, $(gc_mode "$BARE_DLL") GC) answering with the same bytes
- Request: GetProgressRequest{partnership_id: "$PARTNERSHIP"}; response: $RESPONSE_BYTES bytes of DATA per call ($((RESPONSE_BYTES - 5)) bytes of GetProgressResponse). Checked: grpc-status 0 and byte-identical answers from all three before the run, the silo's unchanged after it, and in every run $N successes, $N 2xx and exactly $N × $RESPONSE_BYTES DATA bytes
- Warm-up: $WARMUP run(s) of each server before the measured rounds

| Round | Order | Silo req/s | grpc-js req/s | Bare req/s | Silo / grpc-js | Silo / bare | Silo CPU µs/req | grpc-js CPU µs/req | Bare CPU µs/req |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${ROWS[@]}")

| | Median req/s | Spread (min–max) | Silo ÷ this server (ratio of medians) | Median server CPU µs/req |
|---|---:|---:|---:|---:|
| Silo | **$MS** | $(spread "${S_RPS[@]}") | | $(median "${S_CPU[@]}") |
| grpc-js (baseline) | $MG | $(spread "${G_RPS[@]}") | **$RG** (target ≥ $TARGET: $MET) | $(median "${G_CPU[@]}") |
| Bare Kestrel (reference) | $MB | $(spread "${B_RPS[@]}") | $RB | $(median "${B_CPU[@]}") |

Earlier figures (the issue): silo ~4,000 calls/s, grpc-js ~16,400, ratio 0.24. h2load shares the same $(nproc) cores with the servers.
EOF
