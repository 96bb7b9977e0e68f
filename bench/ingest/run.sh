#!/usr/bin/env bash
# Ingest throughput: ROWS observations streamed through strive.v1 UploadObservations into a real silo, per store
# (SQLite, PostgreSQL), each round on a fresh silo and an empty store.
#
# Usage: bench/ingest/run.sh
#   env: ROUNDS=3 (1..21; INGEST_ROUNDS overrides it for this scenario alone)  ROWS=1000000 (36..10000000)  INDICATORS=200 per partnership (1..200)  YEARS=14 (1..30)
#        STREAMS=4 concurrent upload streams (1..64)  ORDER=indicator|year (row order inside a stream)
#        WARMUP_ROWS=100000 (0..100000): before the timed upload, one untimed stream of that many rows to one more
#          partnership on the same silo, so the figure is the silo's ingest rate and not its JIT warm-up (the other
#          scenarios warm up likewise); the warm-up's own rate is reported beside it. 0 measures the cold silo.
#        STORES="sqlite postgres"  SAMPLE=20 indicators read back per round
#        STRIVE_BENCH_POSTGRES=<Npgsql connection string>: use that server (each round its own cluster id and ids);
#          unset: start a private PostgreSQL (initdb, 127.0.0.1, a free port, fsync and synchronous_commit ON) and stop it
#        START_TIMEOUT=120 s per silo start  ROUND_TIMEOUT=1800 s per round  MAX_SECONDS=3600 overall
#        SILO_BUILT=1: silo/ is built (Release) already   QUICK=1: smoke run (ROWS=50000, 1 round)
#        RESULTS_MD=<file>: also write the markdown section there
# Each stream is one partnership (the API takes at most 100,000 rows per stream), so ROWS/100,000 partnerships (rounded
# up) with INDICATORS indicators each; rows are indicator x year x 36 cells, generated on the fly by the client
# (bench/ingest/IngestClient), which also checks the counts answered and reads a sample back cell by cell.
# Markdown section on stdout, progress on stderr; non-zero exit on any failure or failed check.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCENARIO=ingest
# shellcheck source=../lib/common.sh
source "$ROOT/bench/lib/common.sh"
if [[ "${QUICK:-}" == 1 ]]; then ROUNDS=${ROUNDS:-1}; ROWS=${ROWS:-50000}; WARMUP_ROWS=${WARMUP_ROWS:-10000}; fi
ROUNDS=${INGEST_ROUNDS:-${ROUNDS:-3}}
ROWS=${ROWS:-1000000}
INDICATORS=${INDICATORS:-200}
YEARS=${YEARS:-14}
STREAMS=${STREAMS:-4}
ORDER=${ORDER:-indicator}
WARMUP_ROWS=${WARMUP_ROWS:-100000}
STORES=${STORES:-sqlite postgres}
SAMPLE=${SAMPLE:-20}
START_TIMEOUT=${START_TIMEOUT:-120}
ROUND_TIMEOUT=${ROUND_TIMEOUT:-1800}
MAX_SECONDS=${MAX_SECONDS:-3600}
TARGET_SQLITE=50000
TARGET_POSTGRES=30000
EARLIER=5600 # the issue's figure: the demo load (70,560 observations in ~12.6 s)

int_in ROUNDS "$ROUNDS" 1 21
int_in ROWS "$ROWS" 36 10000000
int_in INDICATORS "$INDICATORS" 1 200
int_in YEARS "$YEARS" 1 30
int_in STREAMS "$STREAMS" 1 64
int_in SAMPLE "$SAMPLE" 0 1000
int_in WARMUP_ROWS "$WARMUP_ROWS" 0 100000
int_in START_TIMEOUT "$START_TIMEOUT" 1 3600
int_in ROUND_TIMEOUT "$ROUND_TIMEOUT" 1 7200
int_in MAX_SECONDS "$MAX_SECONDS" 1 86400
[[ "$ORDER" == indicator || "$ORDER" == year ]] || die "ORDER=$ORDER is not indicator or year"
for s in $STORES; do [[ "$s" == sqlite || "$s" == postgres ]] || die "STORES: '$s' is not sqlite or postgres"; done
command -v dotnet >/dev/null || die "dotnet missing"
command -v python3 >/dev/null || die "python3 missing"
STARTED=$SECONDS
PER_STREAM=100000
PARTNERSHIPS=$(( (ROWS + PER_STREAM - 1) / PER_STREAM ))
ROWS_PER_STREAM=$(( ROWS / PARTNERSHIPS ))
(( ROWS_PER_STREAM * PARTNERSHIPS == ROWS )) || die "ROWS=$ROWS does not split evenly into $PARTNERSHIPS streams of at most $PER_STREAM rows"
(( ROWS_PER_STREAM <= INDICATORS * YEARS * 36 )) || die "a stream of $ROWS_PER_STREAM rows needs more than INDICATORS x YEARS x 36 = $((INDICATORS * YEARS * 36)) cells"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strive-ingest.XXXXXX")
chmod 700 "$WORK"
SILO_PID=""
PG_BIN=""
PG_DIR=""
PG_USER=""
run_pg() { if [[ "$(id -u)" == 0 ]]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
cleanup() {
  bench_stop "$SILO_PID"
  if [[ -n "$PG_DIR" ]]; then
    run_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

budget() { (( SECONDS - STARTED < MAX_SECONDS )) || die "MAX_SECONDS=$MAX_SECONDS reached"; }

SILO_DLL="${SILO_DLL:-$ROOT/silo/bin/Release/net10.0/StriveNetwork.Silo.dll}"
CLIENT_DIR="$ROOT/bench/ingest/IngestClient"
CLIENT_DLL="$CLIENT_DIR/bin/Release/net10.0/StriveNetwork.Bench.IngestClient.dll"
if [[ "${SILO_BUILT:-}" != 1 ]]; then
  log "building the silo (Release)"
  dotnet build "$ROOT/silo/StriveNetwork.Silo.csproj" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "silo build failed"; }
fi
log "building the ingest client (Release)"
dotnet build "$CLIENT_DIR/StriveNetwork.Bench.IngestClient.csproj" -c Release -nologo -v q >>"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "client build failed"; }
[[ -f "$SILO_DLL" && -f "$CLIENT_DLL" ]] || die "build outputs missing ($SILO_DLL, $CLIENT_DLL)"

# PostgreSQL: the given server, or a private one with the durability settings of a production server (fsync,
# synchronous_commit and full_page_writes on: the defaults), on 127.0.0.1 and a free port.
PG_CONN=""
PG_NOTE=""
if [[ " $STORES " == *" postgres "* ]]; then
  if [[ -n "${STRIVE_BENCH_POSTGRES:-}" ]]; then
    PG_CONN=$STRIVE_BENCH_POSTGRES
    PG_NOTE="the server of STRIVE_BENCH_POSTGRES"
  else
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [[ -n "$PG_BIN" && -x "$PG_BIN/initdb" ]] || die "no PostgreSQL (apt-get install -y postgresql) and no STRIVE_BENCH_POSTGRES"
    PG_DIR=$(mktemp -d /tmp/strive-ingest-pg.XXXXXX)
    chmod 755 "$PG_DIR"
    if [[ "$(id -u)" == 0 ]]; then PG_USER=postgres; chown postgres "$PG_DIR"; else PG_USER=$(id -un); fi
    PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    run_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -U '$PG_USER' --auth=trust -E UTF8 >'$PG_DIR/initdb.log' 2>&1" || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    run_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k '$PG_DIR' -c max_connections=200\" start" >/dev/null \
      || { cat "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
    PG_CONN="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Database=postgres"
    PG_NOTE="a private PostgreSQL $("$PG_BIN/postgres" --version | grep -o '[0-9][0-9.]*' | head -1) (initdb defaults: fsync on, synchronous_commit on, shared_buffers 128 MB)"
    log "PostgreSQL on 127.0.0.1:$PG_PORT"
  fi
fi

# psql environment from an Npgsql connection string (Host, Port, Username, Password, Database).
pg_env() { python3 -c 'import sys
m = {k.strip().lower(): v for k, _, v in (p.partition("=") for p in sys.argv[1].split(";") if p.strip())}
for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("username", "PGUSER"), ("user id", "PGUSER"), ("password", "PGPASSWORD"), ("database", "PGDATABASE")):
    if key in m: print("%s=%s" % (var, m[key]))' "$1"; }
psql_at() { # $1 = connection string, $2 = SQL → one value
  local psql=${PG_BIN:+$PG_BIN/}psql
  command -v "$psql" >/dev/null || { echo "n/a"; return 0; }
  env $(pg_env "$1") "$psql" -XAtq -c "$2" 2>/dev/null || echo "n/a"
}

# One round: fresh silo on an empty store, set-up, timed upload, checks. Prints "rows/s seconds peakRssMiB hwmMiB storedMiB".
round() { # $1 = store, $2 = round number
  local store=$1 n=$2 run_id data="$WORK/data-$1-$2" conn="" args=() secret
  run_id="r$n$(printf '%04x' $((RANDOM % 65536)))"
  secret="snt_$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
  (umask 077; printf '%s' "$secret" > "$WORK/token")
  if [[ "$store" == postgres ]]; then
    conn=$PG_CONN
    if [[ -n "$PG_DIR" ]]; then
      run_pg "'$PG_BIN/createdb' -h '$PG_DIR' -p $PG_PORT -U '$PG_USER' ingest_$run_id" || die "createdb failed"
      conn="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Database=ingest_$run_id"
    fi
    args=(--storage postgres --postgres "$conn" --cluster-id "bench-$run_id")
  fi
  ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production STRIVE_ADMIN_TOKEN=$secret \
    dotnet "$SILO_DLL" --grpc-port 0 --web-port 0 --data-dir "$data" "${args[@]}" >"$WORK/silo.out" 2>"$WORK/silo.err" &
  SILO_PID=$!
  local port
  port=$(wait_for_line "$SILO_PID" "$WORK/silo.out" '^gRPC listening on 127\.0\.0\.1:[0-9]+' "$START_TIMEOUT" | grep -o '[0-9]*$')
  log "$store round $n: silo pid $SILO_PID on 127.0.0.1:$port ($run_id)"
  local size_before=0
  [[ "$store" == postgres ]] && size_before=$(psql_at "$conn" "select pg_database_size(current_database())")
  local out="$WORK/client-$store-$n.json"
  timeout -k 10 "$ROUND_TIMEOUT" dotnet "$CLIENT_DLL" --address "http://127.0.0.1:$port" --token-file "$WORK/token" --silo-pid "$SILO_PID" \
    --run-id "$run_id" --partnerships "$PARTNERSHIPS" --indicators "$INDICATORS" --years "$YEARS" --rows-per-stream "$ROWS_PER_STREAM" \
    --streams "$STREAMS" --sample "$SAMPLE" --order "$ORDER" --warmup-rows "$WARMUP_ROWS" >"$out" 2>"$WORK/client.err" \
    || { tail -30 "$WORK/client.err" >&2; tail -20 "$WORK/silo.err" >&2; die "$store round $n: the client failed or timed out"; }
  cat "$WORK/client.err" >&2
  kill -0 "$SILO_PID" 2>/dev/null || die "$store round $n: the silo died"
  local hwm stored
  hwm=$(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$SILO_PID/status")
  if [[ "$store" == sqlite ]]; then
    stored=$(du -sb "$data" | awk '{printf "%.1f", $1 / 1048576}')
  else
    local after
    after=$(psql_at "$conn" "select pg_database_size(current_database())")
    stored=$(awk -v a="$after" -v b="$size_before" 'BEGIN {if (a == "n/a" || b == "n/a") print "n/a"; else printf "%.1f", (a - b) / 1048576}')
  fi
  bench_stop "$SILO_PID"; SILO_PID=""
  rm -rf "$data"
  if [[ -n "$PG_DIR" && "$store" == postgres ]]; then run_pg "'$PG_BIN/dropdb' -h '$PG_DIR' -p $PG_PORT -U '$PG_USER' ingest_$run_id" || true; fi
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert r["failures"] == 0 and r["accepted"] == r["rows"], r
print(r["rowsPerSecond"], r["seconds"], r["peakRssMiB"], sys.argv[2], sys.argv[3], r["checkedCells"], r["warmupRowsPerSecond"])' "$out" "$hwm" "$stored"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A MEDIAN SPREAD RSS STORED WARM
ROW_LINES=()
for store in $STORES; do
  RATES=(); PEAKS=(); SIZES=(); WARMS=()
  for n in $(seq 1 "$ROUNDS"); do
    budget
    round "$store" "$n" >"$WORK/round.txt" # in this shell (not a subshell), so the EXIT trap knows the silo's pid
    read -r rate secs peak hwm stored cells warm <"$WORK/round.txt" || true
    [[ -n "${cells:-}" ]] || die "$store round $n reported nothing"
    log "$store round $n/$ROUNDS: $rate rows/s ($secs s), peak RSS $peak MiB (VmHWM $hwm MiB), stored $stored MiB, $cells cells read back; warm-up $warm rows/s"
    RATES+=("$rate"); PEAKS+=("$peak"); SIZES+=("$stored"); WARMS+=("$warm")
    ROW_LINES+=("| $store | $n | $rate | $secs | $warm | $peak | $hwm | $stored | $cells |")
  done
  MEDIAN[$store]=$(median "${RATES[@]}")
  SPREAD[$store]="$(printf '%s\n' "${RATES[@]}" | sort -g | head -1)–$(printf '%s\n' "${RATES[@]}" | sort -g | tail -1)"
  RSS[$store]=$(printf '%s\n' "${PEAKS[@]}" | sort -g | tail -1)
  STORED[$store]=$(median "${SIZES[@]}")
  WARM[$store]=$(median "${WARMS[@]}")
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
SUMMARY=()
MACHINE_LINES=()
for store in $STORES; do
  target=$TARGET_SQLITE; name=SQLite
  [[ "$store" == postgres ]] && { target=$TARGET_POSTGRES; name=PostgreSQL; }
  ratio=$(awk -v m="${MEDIAN[$store]}" -v t="$target" 'BEGIN {printf "%.2f", m / t}')
  met="not met"; awk -v m="${MEDIAN[$store]}" -v t="$target" 'BEGIN {exit !(m >= t)}' && met=met
  MACHINE_LINES+=("<!-- summary|ingest-$store|rows/s, $ROWS observations via UploadObservations, $name|${MEDIAN[$store]}/s|${SPREAD[$store]}/s|—|$ratio × target|≥ $target/s|$met| -->")
  SUMMARY+=("| ingest $(printf "%'d" "$ROWS" 2>/dev/null || echo "$ROWS") observations, $name | ~$EARLIER/s (demo load) | **${MEDIAN[$store]}/s** | ${SPREAD[$store]} | ≥ $target/s | $ratio | ${WARM[$store]}/s | ${RSS[$store]} MiB | ${STORED[$store]} MiB |")
done

if (( WARMUP_ROWS > 0 )); then
  WARMUP_NOTE="before the timed upload, one stream of $WARMUP_ROWS rows to one more partnership (registered
  with the others) on the same silo. A fresh process's first upload also pays for JIT and tiered compilation of the
  ingest path (a quarter of the silo's CPU in a profile of a cold round); the warm-up column shows that cold rate."
else
  WARMUP_NOTE='none (`WARMUP_ROWS=0`): the figure includes the JIT and tiered compilation of a freshly started silo.'
fi
SECTION=$(cat <<EOF
## Ingest via UploadObservations (bench/ingest/run.sh)

- Command: \`ROUNDS=$ROUNDS ROWS=$ROWS INDICATORS=$INDICATORS YEARS=$YEARS STREAMS=$STREAMS ORDER=$ORDER WARMUP_ROWS=$WARMUP_ROWS STORES="$STORES" bench/ingest/run.sh\`
- Date: $(date -u +%FT%TZ); tree: $COMMIT
- Machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --version) SDK
- Load average (1/5/15 min): before $LOAD_BEFORE, after $LOAD_AFTER
- Workload per round: a fresh silo (Release, \`--grpc-port 0\`) on an empty store; $PARTNERSHIPS partnerships × $INDICATORS indicators
  registered and defined (not timed); then $ROWS rows in $PARTNERSHIPS UploadObservations streams of $ROWS_PER_STREAM rows
  (one per partnership, $STREAMS at a time, 1,000-row chunks, a strive-request-id each), rows = indicator × year ($YEARS years) × 36 cells,
  $ORDER-major, generated by bench/ingest/IngestClient (Grpc.Net.Client). Timed: first stream opened → last answer.
- Warm-up (not in the figure): $WARMUP_NOTE
- Checks per round: every stream answered received = accepted = its rows, 0 rejected, 0 replaced; $SAMPLE indicators read
  back with GetIndicator, every cell equal to the counts sent. PostgreSQL: ${PG_NOTE:-not run}.
- Peak RSS: the silo's VmRSS sampled every 100 ms during the upload (max over rounds); stored: SQLite data directory
  (database + WAL) or the PostgreSQL database's growth, after the upload (median; the warm-up's rows included).

| Figure | Earlier (issue 13) | Median | Spread (min–max) | Target | Median / target | Warm-up (cold silo), median | Peak RSS | Stored |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${SUMMARY[@]}")

| Store | Round | Rows/s | Seconds | Warm-up rows/s | Peak RSS MiB | VmHWM MiB | Stored MiB | Cells read back |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${ROW_LINES[@]}")

$(printf '%s\n' "${MACHINE_LINES[@]}")
EOF
)
echo "$SECTION"
if [[ -n "${RESULTS_MD:-}" ]]; then printf '%s\n' "$SECTION" > "$RESULTS_MD"; fi
