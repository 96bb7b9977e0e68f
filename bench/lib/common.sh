# Shared by the bench/<scenario>/run.sh scripts (sourced, not run). Set SCENARIO (the prefix of log lines) and ROOT
# (the repository) before sourcing. Everything here binds 127.0.0.1 only; bench_cleanup stops what bench_start_* began.
# shellcheck shell=bash

die() { echo "$SCENARIO: $*" >&2; exit 1; }
log() { echo "$SCENARIO: $*" >&2; }
int_in() { [[ "$2" =~ ^[0-9]+$ ]] && (( $2 >= $3 && $2 <= $4 )) || die "$1=$2 is not an integer in $3..$4"; }
need() { for tool in "$@"; do command -v "$tool" >/dev/null || die "$tool missing (h2load/nghttp: apt-get install -y nghttp2-client)"; done; }

SILO_DLL="${SILO_DLL:-$ROOT/silo/bin/Release/net10.0/StriveNetwork.Silo.dll}"
# The silo as `dotnet publish` makes it for the container image (ReadyToRun, the SDK's runtime identifier).
SILO_PUBLISHED_DIR="$ROOT/artifacts/bench/silo-published"
SILO_PUBLISHED_DLL="$SILO_PUBLISHED_DIR/StriveNetwork.Silo.dll"
BARE_DLL="$ROOT/bench/getprogress/BareEndpoint/bin/Release/net10.0/StriveNetwork.Bench.BareEndpoint.dll"
BARE_ORLEANS_DLL="$ROOT/bench/bare-orleans/bin/Release/net10.0/StriveNetwork.Bench.BareOrleans.dll"
BARE_ORLEANS_PUBLISHED_DIR="$ROOT/artifacts/bench/bare-orleans-published"
BARE_ORLEANS_PUBLISHED_DLL="$BARE_ORLEANS_PUBLISHED_DIR/StriveNetwork.Bench.BareOrleans.dll"
GRPCJS_DIR="$ROOT/bench/getprogress/grpcjs-baseline"

# Processes to stop on exit (pids, appended by bench_spawn).
BENCH_PIDS=()

# Stops $1 (a pid): SIGTERM (the silo shuts Orleans down cleanly), SIGKILL after 30 s.
bench_stop() {
  local pid=$1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Installs the exit trap: stops every process in BENCH_PIDS (newest first), removes $WORK. Ctrl-C included.
bench_traps() {
  trap 'for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do bench_stop "${BENCH_PIDS[i]}"; done; rm -rf "$WORK"' EXIT
  trap 'exit 130' INT TERM
}

# Publishes project $1 (Release, ReadyToRun) into the emptied directory $2, then checks that $2/$3 and the other
# assemblies named after it ($4..) carry native code (bench/lib/readytorun.py).
bench_publish() {
  local project=$1 dir=$2; shift 2
  log "publishing $project (Release, ReadyToRun) to $dir"
  rm -rf "$dir"
  dotnet publish "$ROOT/$project" -c Release -nologo -v q -p:PublishReadyToRun=true -o "$dir" >"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log" >&2; die "publish of $project failed"; }
  python3 "$ROOT/bench/lib/readytorun.py" "${@/#/$dir/}" || die "the published $project is not ReadyToRun"
}

# Builds what $@ names (silo, silo-published, bare, bare-orleans, bare-orleans-published, grpcjs) unless the caller
# (bench/run-all.sh) did: SILO_BUILT=1 covers the silo and its published copy, BENCH_BUILT=1 the bench helpers
# (BareEndpoint, bare-orleans and its published copy, the grpc-js baseline's npm ci).
bench_build() {
  local what
  for what in "$@"; do
    case $what in
      silo)
        [[ "${SILO_BUILT:-}" == 1 ]] && continue
        log "building the silo (Release)"
        dotnet build "$ROOT/silo/StriveNetwork.Silo.csproj" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "silo build failed"; } ;;
      silo-published) # as the container image has it (the project sets PublishReadyToRun itself)
        [[ "${SILO_BUILT:-}" == 1 ]] && continue
        bench_publish silo/StriveNetwork.Silo.csproj "$SILO_PUBLISHED_DIR" StriveNetwork.Silo.dll Orleans.Runtime.dll Grpc.AspNetCore.Server.dll ;;
      bare)
        [[ "${BENCH_BUILT:-}" == 1 ]] && continue
        log "building bench/getprogress/BareEndpoint (Release)"
        dotnet build "$ROOT/bench/getprogress/BareEndpoint/StriveNetwork.Bench.BareEndpoint.csproj" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "bare endpoint build failed"; } ;;
      bare-orleans)
        [[ "${BENCH_BUILT:-}" == 1 ]] && continue
        log "building bench/bare-orleans (Release)"
        dotnet build "$ROOT/bench/bare-orleans/StriveNetwork.Bench.BareOrleans.csproj" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "bare Orleans build failed"; } ;;
      bare-orleans-published)
        [[ "${BENCH_BUILT:-}" == 1 ]] && continue
        bench_publish bench/bare-orleans/StriveNetwork.Bench.BareOrleans.csproj "$BARE_ORLEANS_PUBLISHED_DIR" StriveNetwork.Bench.BareOrleans.dll Orleans.Runtime.dll ;;
      grpcjs)
        [[ "${BENCH_BUILT:-}" == 1 ]] && continue
        log "installing the grpc-js baseline (npm ci, package-lock.json)"
        (cd "$GRPCJS_DIR" && npm ci --no-audit --no-fund >"$WORK/npm.log" 2>&1) || { tail -30 "$WORK/npm.log" >&2; die "npm ci in $GRPCJS_DIR failed"; } ;;
      *) die "bench_build: unknown $what" ;;
    esac
  done
  [[ " $* " != *" silo "* || -f "$SILO_DLL" ]] || die "$SILO_DLL missing"
  [[ " $* " != *" silo-published "* || -f "$SILO_PUBLISHED_DLL" ]] || die "$SILO_PUBLISHED_DLL missing"
  [[ " $* " != *" bare-orleans-published "* || -f "$BARE_ORLEANS_PUBLISHED_DLL" ]] || die "$BARE_ORLEANS_PUBLISHED_DLL missing"
}

# Waits until $2 (a log file) has a line matching $3 while $1 (pid) lives, at most $4 seconds; prints the line.
wait_for_line() {
  local pid=$1 file=$2 pattern=$3 deadline=$((SECONDS + $4))
  while (( SECONDS < deadline )); do
    if grep -m1 -E "$pattern" "$file" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { tail -30 "$file" "${file%.out}.err" >&2 2>/dev/null; die "process $pid exited before printing '$pattern'"; }
    sleep 0.2
  done
  die "no '$pattern' in $file after $4 s"
}

# Starts the silo in the background with data in $1 and the extra flags $2.. (e.g. --demo); sets SILO_PID, SILO_PORT,
# SILO (base URL), TOKEN (the bootstrap admin secret) and DEMO_LINE once it prints its listening line (health is
# SERVING by then: the demo, when asked, is loaded). Waits at most START_TIMEOUT seconds.
bench_start_silo() {
  local data=$1; shift
  # stdout carries the listening line (and, stdout being a file, the path of <data dir>/admin-token, where the silo
  # writes the generated admin secret); logs go to stderr. Production logging, whatever the developer's environment.
  ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
    dotnet "$SILO_DLL" --grpc-port 0 --web-port 0 --data-dir "$data" "$@" >"$WORK/silo.out" 2>"$WORK/silo.err" &
  SILO_PID=$!
  BENCH_PIDS+=("$SILO_PID")
  SILO_PORT=$(wait_for_line "$SILO_PID" "$WORK/silo.out" '^gRPC listening on 127\.0\.0\.1:[0-9]+' "${START_TIMEOUT:-600}" | grep -o '[0-9]*$')
  SILO="http://127.0.0.1:$SILO_PORT"
  local token_file
  token_file=$(grep -m1 '^admin token written to ' "$WORK/silo.out" | sed 's/^admin token written to \(.*\) (owner-only.*$/\1/' || true)
  [[ -n "$token_file" ]] || token_file="$data/admin-token"
  TOKEN=$(cat "$token_file" 2>/dev/null) || die "no admin token in $token_file"
  DEMO_LINE=$(grep -m1 '^demo network' "$WORK/silo.out" || true)
}

# Starts BareEndpoint answering every POST with the bytes of $1; sets BARE_PID, BARE (base URL).
bench_start_bare() {
  dotnet "$BARE_DLL" "$1" 0 >"$WORK/bare.out" 2>"$WORK/bare.err" &
  BARE_PID=$!
  BENCH_PIDS+=("$BARE_PID")
  BARE="http://127.0.0.1:$(wait_for_line "$BARE_PID" "$WORK/bare.out" '^bare listening on 127\.0\.0\.1:[0-9]+' 120 | grep -o '[0-9]*$')"
}

# Starts the grpc-js baseline answering $2 (a method path) with the bytes of $1; sets GRPCJS_PID, GRPCJS (base URL).
bench_start_grpcjs() {
  node "$GRPCJS_DIR/server.js" "$1" "$2" >"$WORK/grpcjs.out" 2>"$WORK/grpcjs.err" &
  GRPCJS_PID=$!
  BENCH_PIDS+=("$GRPCJS_PID")
  GRPCJS="http://127.0.0.1:$(wait_for_line "$GRPCJS_PID" "$WORK/grpcjs.out" '^grpcjs listening on 127\.0\.0\.1:[0-9]+' 60 | grep -o '[0-9]*$')"
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

# One unary call with nghttp: body (the response DATA bytes) to $2, the verbose trace (headers, trailers) to $3;
# fails unless the trailers say grpc-status 0.
grpc_call() { # $1 = url, $2 = body out, $3 = trace out, $4 = request file
  timeout 30 nghttp -d "$4" -H 'content-type: application/grpc' -H 'te: trailers' -H "authorization: Bearer $TOKEN" "$1" > "$2"
  timeout 30 nghttp -v -d "$4" -H 'content-type: application/grpc' -H 'te: trailers' -H "authorization: Bearer $TOKEN" "$1" 2>&1 | tr -d '\000' > "$3"
  grep -aq 'recv (stream_id=[0-9]*) grpc-status: 0' "$3" || { cat "$3" >&2; die "no grpc-status 0 from $1"; }
}

# The id of the first partnership of the silo (ListPartnerships{page_size: 1}, ordered by id).
first_partnership() {
  printf '\x08\x01' | grpc_frame > "$WORK/list.bin"
  grpc_call "$SILO/strive.v1.NetworkService/ListPartnerships" "$WORK/list.out" "$WORK/list.trace" "$WORK/list.bin"
  python3 -c 'import sys
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
print(next(v for f, v in fields(first) if f == 1).decode())' "$WORK/list.out"
}

# Captures the silo's answer to $1 (a URL) for request file $2 into $3, until two calls a second apart agree (the
# demo's designations are recomputed asynchronously just after the load); at most 30 s.
capture_stable() {
  grpc_call "$1" "$3" "$WORK/capture.trace" "$2"
  for _ in $(seq 1 30); do
    sleep 1
    grpc_call "$1" "$WORK/again.bin" "$WORK/capture.trace" "$2"
    cmp -s "$3" "$WORK/again.bin" && return 0
    cp "$WORK/again.bin" "$3"
  done
  die "the response of $1 kept changing for 30 s"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system CPU of a process, in USER_HZ ticks

# One h2load run: $1 = label, $2 = url, $3 = server pid, $4 = expected DATA bytes per call, $5 = request file. Uses N, C,
# M, THREADS, RUN_TIMEOUT, TOKEN. Prints "req/s server-CPU-µs-per-request". Fails unless every call succeeded with
# exactly the expected bytes (h2load counts any HTTP 200 as a success; an error answer carries no DATA).
h2load_run() {
  local label=$1 url=$2 pid=$3 bytes=$4 req=$5 before after out=$WORK/h2load.txt
  (( SECONDS - STARTED < MAX_SECONDS )) || die "MAX_SECONDS=$MAX_SECONDS reached"
  kill -0 "$pid" 2>/dev/null || die "the $label server died"
  before=$(cpu_ticks "$pid")
  timeout "$RUN_TIMEOUT" h2load -n "$N" -c "$C" -m "$M" -t "$THREADS" -d "$req" -H 'content-type: application/grpc' -H 'te: trailers' \
    -H "authorization: Bearer $TOKEN" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "h2load against $label failed or timed out"; }
  after=$(cpu_ticks "$pid")
  grep -q "$N succeeded, 0 failed, 0 errored, 0 timeout" "$out" || { cat "$out" >&2; die "$label: not every request succeeded"; }
  grep -q "status codes: $N 2xx" "$out" || { cat "$out" >&2; die "$label: not every status was 2xx"; }
  grep -q "($((N * bytes))) data" "$out" || { cat "$out" >&2; die "$label: DATA total is not $N × $bytes bytes"; }
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$N" \
    '/^finished in/ {gsub(",", ""); printf "%s %.1f\n", $4, t * 1e6 / hz / n}' "$out"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "–" hi}'; } # min–max
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
# "met" when $1 (a number) compares with $3 as $2 says (ge or le), "not met" otherwise.
met() { awk -v x="$1" -v op="$2" -v t="$3" 'BEGIN {print ((op == "ge" ? x >= t : x <= t) ? "met" : "not met")}'; }

gc_mode() { python3 -c 'import json, sys; print("server" if json.load(open(sys.argv[1]))["runtimeOptions"].get("configProperties", {}).get("System.GC.Server") else "workstation")' "${1%.dll}.runtimeconfig.json"; }
tree_rev() { echo "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"; }
machine() { echo "nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version)"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# The machine-readable line bench/run-all.sh builds its summary table from (an HTML comment: invisible when the
# markdown is rendered; run-all.sh removes it from the section it includes). Fields: issue row key, what was measured,
# median, spread, baseline (same run), ratio, target, met|not met. See bench/README.md, "Summary lines".
summary_line() { local IFS='|'; echo "<!-- summary|$*| -->"; }
