#!/usr/bin/env bash
# GetProgress load through the real silo (gRPC front door → token check → PartnershipGrain on SQLite, demo network)
# against a bare Kestrel HTTP/2 endpoint returning the same response bytes, in alternating rounds, with h2load.
#
# Usage: bench/getprogress/run.sh
#   env: ROUNDS=5 (1..21)  N=20000 requests per run (1..1000000)  WARMUP=2 runs of each before measuring (0..5)
#        C=16 connections  M=8 streams per connection  THREADS=1 h2load threads
#        RUN_TIMEOUT=300 s per h2load run  START_TIMEOUT=600 s for the silo to load the demo  MAX_SECONDS=3600 overall
#        RESULTS_MD=<file>: also write the markdown section to that file (bench/run-all.sh uses it)
# Progress goes to stderr; the markdown section (command, date, machine, load, per-round table, medians, ratio) to stdout.
# Needs h2load and nghttp (Debian: apt-get install -y nghttp2-client) and python3. Every server listens on 127.0.0.1
# only and is stopped on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
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

die() { echo "getprogress: $*" >&2; exit 1; }
log() { echo "getprogress: $*" >&2; }
int_in() { [[ "$2" =~ ^[0-9]+$ ]] && (( $2 >= $3 && $2 <= $4 )) || die "$1=$2 is not an integer in $3..$4"; }
int_in ROUNDS "$ROUNDS" 1 21
int_in N "$N" 1 1000000
int_in WARMUP "$WARMUP" 0 5
int_in C "$C" 1 256
int_in M "$M" 1 256
int_in THREADS "$THREADS" 1 16
int_in RUN_TIMEOUT "$RUN_TIMEOUT" 1 3600
int_in START_TIMEOUT "$START_TIMEOUT" 1 3600
int_in MAX_SECONDS "$MAX_SECONDS" 1 86400
for tool in h2load nghttp python3 dotnet; do
  command -v "$tool" >/dev/null || die "$tool missing (h2load/nghttp: apt-get install -y nghttp2-client)"
done
STARTED=$SECONDS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strive-getprogress.XXXXXX")
SILO_PID=""
BARE_PID=""
stop() { # $1 = pid: SIGTERM (the silo shuts Orleans down cleanly), SIGKILL after 30 s
  local pid=$1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop "$BARE_PID"
  stop "$SILO_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until $2 (a log file) has a line matching $3 while $1 (pid) lives; prints the line.
wait_for_line() {
  local pid=$1 file=$2 pattern=$3 deadline=$((SECONDS + START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if grep -m1 -E "$pattern" "$file" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { tail -30 "$file" "$WORK"/*.err >&2 2>/dev/null; die "process $pid exited before printing '$pattern'"; }
    sleep 0.2
  done
  die "no '$pattern' in $file after ${START_TIMEOUT} s"
}

# Length-prefixed gRPC frame (uncompressed) of protobuf bytes read from stdin.
grpc_frame() { python3 -c 'import sys, struct; b = sys.stdin.buffer.read(); sys.stdout.buffer.write(b"\0" + struct.pack(">I", len(b)) + b)'; }
# Protobuf of a message whose field 1 is the string $1 (tag 0x0a, varint length, UTF-8 bytes).
pb_string_field1() { python3 -c 'import sys
def varint(n):
    out = b""
    while True:
        b = n & 0x7F; n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n: return out
s = sys.argv[1].encode(); sys.stdout.buffer.write(b"\x0a" + varint(len(s)) + s)' "$1"; }

# One unary call with nghttp: body (the response DATA bytes) to $2, the verbose trace (headers, trailers) to $3.
call() { # $1 = url, $2 = body out, $3 = trace out, $4 = request file
  timeout 30 nghttp -d "$4" -H 'content-type: application/grpc' -H 'te: trailers' -H "authorization: Bearer $TOKEN" "$1" > "$2"
  timeout 30 nghttp -v -d "$4" -H 'content-type: application/grpc' -H 'te: trailers' -H "authorization: Bearer $TOKEN" "$1" 2>&1 | tr -d '\000' > "$3"
  grep -aq 'recv (stream_id=[0-9]*) grpc-status: 0' "$3" || { cat "$3" >&2; die "no grpc-status 0 from $1"; }
}

log "building the silo and the bare endpoint (Release)"
dotnet build "$ROOT/silo/StriveNetwork.Silo.csproj" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "silo build failed"; }
dotnet build "$ROOT/bench/getprogress/BareEndpoint/StriveNetwork.Bench.BareEndpoint.csproj" -c Release -nologo -v q >>"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "bare endpoint build failed"; }
SILO_DLL="$ROOT/silo/bin/Release/net10.0/StriveNetwork.Silo.dll"
BARE_DLL="$ROOT/bench/getprogress/BareEndpoint/bin/Release/net10.0/StriveNetwork.Bench.BareEndpoint.dll"
[[ -f "$SILO_DLL" && -f "$BARE_DLL" ]] || die "build outputs missing ($SILO_DLL, $BARE_DLL)"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "starting the silo with the demo network (data in $WORK/data)"
# stdout carries the listening line (and, stdout being a file, the path of <data dir>/admin-token, where the silo
# writes the generated admin secret); logs go to stderr. The environment pins production logging
# so that a developer's ASPNETCORE_ENVIRONMENT does not turn on debug logging inside the measured process.
ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
  dotnet "$SILO_DLL" --demo --grpc-port 0 --data-dir "$WORK/data" >"$WORK/silo.out" 2>"$WORK/silo.err" &
SILO_PID=$!
TOKEN_FILE=$(wait_for_line "$SILO_PID" "$WORK/silo.out" '^admin token written to ' | sed 's/^admin token written to \(.*\) (owner-only.*$/\1/')
TOKEN=$(cat "$TOKEN_FILE")
SILO_PORT=$(wait_for_line "$SILO_PID" "$WORK/silo.out" '^gRPC listening on 127\.0\.0\.1:[0-9]+' | grep -o '[0-9]*$')
DEMO_LINE=$(grep -m1 '^demo network' "$WORK/silo.out" || true)
log "silo on 127.0.0.1:$SILO_PORT ($DEMO_LINE)"
SILO="http://127.0.0.1:$SILO_PORT"

# The first demo partnership: ListPartnerships{page_size: 1} (ordered by id) → partnerships[0].partnership_id.
printf '\x08\x01' | grpc_frame > "$WORK/list.bin"
call "$SILO/strive.v1.NetworkService/ListPartnerships" "$WORK/list.out" "$WORK/list.trace" "$WORK/list.bin"
PARTNERSHIP=$(python3 -c 'import sys
data = open(sys.argv[1], "rb").read()[5:]
def varint(b, i):
    n = s = 0
    while True:
        n |= (b[i] & 0x7F) << s; s += 7; i += 1
        if b[i - 1] < 0x80: return n, i
def fields(b):
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        if key & 7 == 2:
            n, i = varint(b, i); yield key >> 3, b[i:i + n]; i += n
        elif key & 7 == 0:
            _, i = varint(b, i)
        else:
            raise SystemExit("unexpected wire type %d" % (key & 7))
first = next(v for f, v in fields(data) if f == 1)
print(next(v for f, v in fields(first) if f == 1).decode())' "$WORK/list.out")
[[ -n "$PARTNERSHIP" ]] || die "no partnership listed"
log "partnership $PARTNERSHIP"
pb_string_field1 "$PARTNERSHIP" | grpc_frame > "$WORK/req.bin"

# Correctness first: h2load counts any HTTP 200 as a success, even with grpc-status != 0. Capture the silo's response
# until two calls a second apart agree (designations are recomputed asynchronously just after the demo load).
call "$SILO$PATH_GP" "$WORK/response.bin" "$WORK/silo.trace" "$WORK/req.bin"
for _ in $(seq 1 30); do
  sleep 1
  call "$SILO$PATH_GP" "$WORK/again.bin" "$WORK/silo.trace" "$WORK/req.bin"
  cmp -s "$WORK/response.bin" "$WORK/again.bin" && break
  cp "$WORK/again.bin" "$WORK/response.bin"
done
cmp -s "$WORK/response.bin" "$WORK/again.bin" || die "the GetProgress response kept changing for 30 s"
RESPONSE_BYTES=$(stat -c %s "$WORK/response.bin")
(( RESPONSE_BYTES > 5 )) || die "empty GetProgress response"
log "response: $RESPONSE_BYTES bytes of DATA (5-byte prefix + $((RESPONSE_BYTES - 5)) bytes of GetProgressResponse)"

dotnet "$BARE_DLL" "$WORK/response.bin" 0 >"$WORK/bare.out" 2>"$WORK/bare.err" &
BARE_PID=$!
BARE_PORT=$(wait_for_line "$BARE_PID" "$WORK/bare.out" '^bare listening on 127\.0\.0\.1:[0-9]+' | grep -o '[0-9]*$')
BARE="http://127.0.0.1:$BARE_PORT"
call "$BARE$PATH_GP" "$WORK/bare.bin" "$WORK/bare.trace" "$WORK/req.bin"
cmp -s "$WORK/response.bin" "$WORK/bare.bin" || die "the bare endpoint's bytes differ from the silo's"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system CPU of a process, in USER_HZ ticks
H2LOAD_ARGS=(-n "$N" -c "$C" -m "$M" -t "$THREADS" -d "$WORK/req.bin" -H 'content-type: application/grpc' -H 'te: trailers')
run() { # $1 = silo|bare → prints "req/s server-CPU-µs-per-request"
  local url pid before after out=$WORK/h2load.txt
  if [[ $1 == silo ]]; then url=$SILO$PATH_GP; pid=$SILO_PID; else url=$BARE$PATH_GP; pid=$BARE_PID; fi
  (( SECONDS - STARTED < MAX_SECONDS )) || die "MAX_SECONDS=$MAX_SECONDS reached"
  kill -0 "$pid" 2>/dev/null || die "the $1 server died"
  before=$(cpu_ticks "$pid")
  timeout "$RUN_TIMEOUT" h2load "${H2LOAD_ARGS[@]}" -H "authorization: Bearer $TOKEN" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "h2load against $1 failed or timed out"; }
  after=$(cpu_ticks "$pid")
  grep -q "$N succeeded, 0 failed, 0 errored, 0 timeout" "$out" || { cat "$out" >&2; die "$1: not every request succeeded"; }
  grep -q "status codes: $N 2xx" "$out" || { cat "$out" >&2; die "$1: not every status was 2xx"; }
  # Every response must carry exactly the captured bytes: an error answer has no DATA, so the total would fall short.
  grep -q "($((N * RESPONSE_BYTES))) data" "$out" || { cat "$out" >&2; die "$1: DATA total is not $N × $RESPONSE_BYTES bytes"; }
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$N" \
    '/^finished in/ {gsub(",", ""); printf "%s %.1f\n", $4, t * 1e6 / hz / n}' "$out"
}

for i in $(seq 1 "$WARMUP"); do # JIT, tiered PGO, grain activation, connection pools
  log "warm-up $i/$WARMUP"; run silo >/dev/null; run bare >/dev/null
done
ROWS=(); SILO_RPS=(); BARE_RPS=(); RATIOS=(); SILO_CPU=(); BARE_CPU=()
for i in $(seq 1 "$ROUNDS"); do
  # Alternate the order, so that drift (thermal, other load) does not always favour the same side.
  if (( i % 2 )); then order="silo, bare"; s=$(run silo); b=$(run bare); else order="bare, silo"; b=$(run bare); s=$(run silo); fi
  read -r sr sc <<<"$s"; read -r br bc <<<"$b"
  r=$(awk -v s="$sr" -v b="$br" 'BEGIN {printf "%.3f", s / b}')
  SILO_RPS+=("$sr"); BARE_RPS+=("$br"); RATIOS+=("$r"); SILO_CPU+=("$sc"); BARE_CPU+=("$bc")
  ROWS+=("| $i | $order | $sr | $br | $r | $sc | $bc |")
  log "round $i/$ROUNDS: silo $sr req/s ($sc µs CPU/req), bare $br req/s ($bc µs CPU/req), silo/bare $r"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# The response must not have changed during the run (the DATA totals only prove its size).
call "$SILO$PATH_GP" "$WORK/after.bin" "$WORK/silo.trace" "$WORK/req.bin"
cmp -s "$WORK/response.bin" "$WORK/after.bin" || die "the silo's GetProgress response changed during the run"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
MS=$(median "${SILO_RPS[@]}"); MB=$(median "${BARE_RPS[@]}")
MR=$(awk -v s="$MS" -v b="$MB" 'BEGIN {printf "%.3f", s / b}')
gc_mode() { python3 -c 'import json, sys; print("server" if json.load(open(sys.argv[1]))["runtimeOptions"].get("configProperties", {}).get("System.GC.Server") else "workstation")' "${1%.dll}.runtimeconfig.json"; }
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"

SECTION=$(cat <<EOF
## GetProgress through the silo vs bare Kestrel (bench/getprogress/run.sh)

- Command: \`ROUNDS=$ROUNDS N=$N WARMUP=$WARMUP C=$C M=$M THREADS=$THREADS bench/getprogress/run.sh\`; each run:
  \`h2load -n $N -c $C -m $M -t $THREADS -d req.bin -H 'content-type: application/grpc' -H 'te: trailers' -H 'authorization: Bearer <admin token>' http://127.0.0.1:PORT$PATH_GP\`
- Date: $(date -u +%FT%TZ); tree: $COMMIT
- Machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --version) SDK
- Load average (1/5/15 min): before $LOAD_BEFORE, after $LOAD_AFTER
- Silo: \`--demo --grpc-port 0 --data-dir <tmp>\` (SQLite, Release, $(gc_mode "$SILO_DLL") GC); $DEMO_LINE
- Baseline: bench/getprogress/BareEndpoint (Kestrel h2c, $(gc_mode "$BARE_DLL") GC) answering with the silo's captured bytes
- Request: GetProgressRequest{partnership_id: "$PARTNERSHIP"}; response: $RESPONSE_BYTES bytes of DATA per call ($((RESPONSE_BYTES - 5)) bytes of GetProgressResponse), checked per run as the DATA total, grpc-status 0 checked before and after
- Warm-up: $WARMUP run(s) of each side before the measured rounds

| Round | Order | Silo req/s | Bare req/s | Silo / bare | Silo CPU µs/req | Bare CPU µs/req |
|---:|---|---:|---:|---:|---:|---:|
$(printf '%s\n' "${ROWS[@]}")

Medians: silo **$MS req/s**, bare **$MB req/s**; ratio of medians silo / bare **$MR** (median of per-round ratios $(median "${RATIOS[@]}")).
Median server CPU per request: silo $(median "${SILO_CPU[@]}") µs, bare $(median "${BARE_CPU[@]}") µs (h2load shares the same $(nproc) cores).
EOF
)
echo "$SECTION"
if [[ -n "${RESULTS_MD:-}" ]]; then printf '%s\n' "$SECTION" > "$RESULTS_MD"; fi
