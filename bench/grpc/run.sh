#!/usr/bin/env bash
# Unary gRPC throughput: StriveNetwork.Grpc layer vs a bare Kestrel HTTP/2 endpoint returning the same bytes,
# in one host process, alternating rounds. Needs h2load/nghttp (Debian: apt-get install nghttp2-client).
# Usage: bench/grpc/run.sh            (env: ROUNDS=5 N=20000 C=16 M=8 THREADS=1)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-5}
N=${N:-20000}
C=${C:-16}
M=${M:-8}
THREADS=${THREADS:-1}
OUT="${TMPDIR:-/tmp}/strive-grpc-bench.$$"
mkdir -p "$OUT"
command -v h2load >/dev/null || { echo "h2load missing: apt-get install -y nghttp2-client" >&2; exit 1; }

dotnet build -c Release "$ROOT/gateway-grpc/StriveNetwork.Grpc.Interop/StriveNetwork.Grpc.Interop.csproj" -v q -nologo >/dev/null

# SimpleRequest{response_size: 64, payload: {body: 64 zero bytes}}, length-prefixed (75 bytes).
python3 - "$OUT/req.bin" <<'PY'
import sys, struct
body = b"\x12\x40" + bytes(64)                 # Payload.body (field 2), 64 bytes
msg = b"\x10\x40" + b"\x1a" + bytes([len(body)]) + body   # response_size=64, payload (field 3)
open(sys.argv[1], "wb").write(b"\x00" + struct.pack(">I", len(msg)) + msg)
PY

FIFO="$OUT/stdin.fifo"
rm -f "$FIFO"; mkfifo "$FIFO"
dotnet "$ROOT/gateway-grpc/StriveNetwork.Grpc.Interop/bin/Release/net10.0/StriveNetwork.Grpc.Interop.dll" \
  --port 0 --bare-endpoint --exit-on-stdin-eof < "$FIFO" > "$OUT/host.log" 2>&1 &
HOST_PID=$!
exec 9>"$FIFO"   # keep stdin open; closing fd 9 makes the host exit
cleanup() { exec 9>&- || true; wait "$HOST_PID" 2>/dev/null || true; rm -rf "$OUT"; }
trap cleanup EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$OUT/host.log" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$OUT/host.log" | grep -o '[0-9]*$')
LAYER="http://127.0.0.1:$PORT/grpc.testing.TestService/UnaryCall"
BARE="http://127.0.0.1:$PORT/bare.Bench/UnaryCall"

# Correctness first: h2load counts HTTP 200 as success even when grpc-status != 0.
for url in "$LAYER" "$BARE"; do
  trace=$(nghttp -v -d "$OUT/req.bin" -H 'content-type: application/grpc' -H 'te: trailers' "$url" 2>&1 | tr -d '\000')
  echo "$trace" | grep -aq 'grpc-status: 0' || { echo "no grpc-status 0 from $url" >&2; echo "$trace" >&2; exit 1; }
  echo "$trace" | grep -aq 'recv DATA frame <length=73' || { echo "unexpected response size from $url" >&2; exit 1; }
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$HOST_PID/stat"; }   # server user+system CPU, in USER_HZ ticks
run() { # $1 = url → prints "req/s server-cpu-µs-per-request"
  local before after
  before=$(cpu_ticks)
  timeout 300 h2load -n "$N" -c "$C" -m "$M" -t "$THREADS" -d "$OUT/req.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' "$1" > "$OUT/last.txt" 2>&1
  grep -q "succeeded, 0 errored" "$OUT/last.txt" || grep -q " 0 failed" "$OUT/last.txt" || { cat "$OUT/last.txt" >&2; exit 1; }
  # Every response must carry exactly the 73-byte framed SimpleResponse.
  grep -q "($((N * 73))) data" "$OUT/last.txt" || { echo "unexpected data volume" >&2; cat "$OUT/last.txt" >&2; exit 1; }
  after=$(cpu_ticks)
  local rps
  rps=$(grep -o 'finished in [0-9.]*m\?s, [0-9.]* req/s' "$OUT/last.txt" | awk '{print $4}')
  echo "$rps $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$N" 'BEGIN {printf "%.2f", t * 1e6 / hz / n}')"
}

for _ in 1 2 3; do run "$LAYER" >/dev/null; run "$BARE" >/dev/null; done   # warm-up (JIT, tiered PGO)
layer=(); bare=(); ratios=(); lcpu=(); bcpu=()
for i in $(seq 1 "$ROUNDS"); do
  if (( i % 2 )); then lr=$(run "$LAYER"); br=$(run "$BARE"); else br=$(run "$BARE"); lr=$(run "$LAYER"); fi
  read -r l lc <<<"$lr"; read -r b bc <<<"$br"
  layer+=("$l"); bare+=("$b"); lcpu+=("$lc"); bcpu+=("$bc")
  r=$(awk -v l="$l" -v b="$b" 'BEGIN {printf "%.1f", 100*l/b}'); ratios+=("$r")
  echo "round $i: layer $l req/s ($lc µs CPU/req), bare $b req/s ($bc µs CPU/req), throughput ratio ${r}%"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ml=$(median "${layer[@]}"); mb=$(median "${bare[@]}")
ratio=$(awk -v l="$ml" -v b="$mb" 'BEGIN {printf "%.1f", 100*l/b}')
echo "median layer $ml req/s, median bare $mb req/s, ratio of medians ${ratio}%, median of per-round ratios $(median "${ratios[@]}")%"
mlc=$(median "${lcpu[@]}"); mbc=$(median "${bcpu[@]}")
echo "median server CPU per request: layer $mlc µs, bare $mbc µs, bare/layer $(awk -v l="$mlc" -v b="$mbc" 'BEGIN {printf "%.1f", 100*b/l}')%"
echo "command: h2load -n $N -c $C -m $M -t $THREADS -d req.bin -H 'content-type: application/grpc' -H 'te: trailers' <url>"
echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), date $(date -u +%FT%TZ)"
