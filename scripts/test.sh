#!/usr/bin/env bash
# Runs every test of the repository on a fresh Debian machine:
#   1. installs what the tests need (PostgreSQL 15, h2load, iproute2, Chromium, Node packages incl. Azurite) when missing,
#   2. starts a private PostgreSQL on loopback for the tests that need one,
#   3. builds the solution once and runs every test project, then the grpc-js end-to-end suite,
#   4. prints one closing line "N passed, N failed, N skipped" summed over every run,
#      and exits non-zero if anything failed or a run could not report.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
out="$repo/artifacts/test-results"
rm -rf "$out" && mkdir -p "$out"

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- 1. prerequisites ----------------------------------------------------------------------------
need_apt=()
# Every way out ends with the summary line CI reads, also when nothing could run.
abort() { echo "$1"; echo; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need_apt+=(postgresql)
command -v h2load >/dev/null || need_apt+=(nghttp2-client)
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v ip >/dev/null || need_apt+=(iproute2)
# The dashboard's browser tests drive Debian's Chromium with Playwright (no browser download).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null \
    || abort "could not install ${need_apt[*]}"
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
fi
# The registry sometimes leaves a socket stalled and npm waits on it for minutes: each attempt is bounded in time,
# and a stalled one is killed and tried again (npm ci starts from a clean node_modules each time).
npm_install() {
  local attempt command=install
  [ -f package-lock.json ] && command=ci
  for attempt in 1 2 3; do
    timeout 240 npm "$command" --no-audit --no-fund --loglevel=error --fetch-timeout=30000 --fetch-retries=3 && return 0
    echo "npm $command attempt $attempt in $(pwd) failed or took over 240 s"
  done
  return 1
}
for dir in tests/e2e; do
  if [ -f "$dir/package.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm_install) || abort "npm install failed in $dir (3 attempts)"
  fi
done

# --- 2. a private PostgreSQL on loopback (it refuses to run as root: run it as 'postgres') -------
pg_port=${STRIVE_TEST_PG_PORT:-55432}
pg_dir=$(mktemp -d /tmp/strive-pg.XXXXXX)
chmod 755 "$pg_dir"
pg_user=postgres
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$pg_dir" postgres
  chown postgres "$pg_dir"
  run_pg() { su postgres -s /bin/bash -c "$*"; }
else
  pg_user=$(id -un)
  run_pg() { bash -c "$*"; }
fi
stop_pg() { run_pg "'$pg_bin/pg_ctl' -D '$pg_dir/data' -m immediate stop" >/dev/null 2>&1; rm -rf "$pg_dir"; }
trap stop_pg EXIT
log "starting PostgreSQL ($pg_bin) on 127.0.0.1:$pg_port"
run_pg "'$pg_bin/initdb' -D '$pg_dir/data' -U '$pg_user' --auth=trust -E UTF8 >'$pg_dir/initdb.log' 2>&1" \
  || { cat "$pg_dir/initdb.log"; abort "initdb failed"; }
run_pg "'$pg_bin/pg_ctl' -D '$pg_dir/data' -l '$pg_dir/server.log' -w -t 60 \
  -o \"-c listen_addresses=127.0.0.1 -p $pg_port -k '$pg_dir' -c fsync=off -c max_connections=300\" start" >/dev/null \
  || { cat "$pg_dir/server.log"; abort "PostgreSQL did not start"; }
export STRIVE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=postgres;Pooling=true;Maximum Pool Size=50"

# --- 3. build once, then every test project --------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log "dotnet build StriveNetwork.sln"
dotnet build StriveNetwork.sln -c Release -nologo -v quiet 2>&1 | tail -n 30
build_rc=${PIPESTATUS[0]}
[ "$build_rc" = 0 ] || abort "build failed"

passed=0; failed=0; skipped=0; broken=0
while IFS= read -r proj; do
  name=$(basename "$proj" .csproj)
  log "dotnet test $name"
  dotnet test "$proj" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$out" \
    --logger "console;verbosity=normal" 2>&1 | grep -E '^\s*(Failed|Passed!|Failed!|Skipped|Error Message|Total tests|\s+Passed:|\s+Failed:|\s+Skipped:)|error|Stack Trace' | head -n 200
  trx="$out/$name.trx"
  if [ ! -f "$trx" ]; then echo "no result file for $name"; broken=$((broken+1)); continue; fi
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  p=$(get passed); f=$(get failed); total=$(get total); executed=$(get executed); e=$(get error)
  s=$(( ${total:-0} - ${executed:-0} ))
  f=$(( ${f:-0} + ${e:-0} ))
  echo "$name: ${p:-0} passed, $f failed, $s skipped"
  passed=$((passed + ${p:-0})); failed=$((failed + f)); skipped=$((skipped + s))
  [ "${total:-0}" -gt 0 ] || { echo "$name ran no test"; broken=$((broken+1)); }
done < <(dotnet sln StriveNetwork.sln list | grep -E '\.Tests\.csproj$' | sort)

# --- 4. Node tests (grpc-js end-to-end client against the real silo process) -------------------------
for dir in tests/e2e; do
  [ -f "$dir/package.json" ] || continue
  log "node --test in $dir"
  (cd "$dir" && npm test 2>&1) | tee "$out/$(basename "$dir")-node.log" | grep -vE '^\s*(# Subtest|ok |---|\.\.\.|duration_ms|type:)' | tail -n 60
  nlog="$out/$(basename "$dir")-node.log"
  p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$nlog" | tail -n1); f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$nlog" | tail -n1)
  s=$(sed -n 's/^# skipped \([0-9]*\)/\1/p' "$nlog" | tail -n1); c=$(sed -n 's/^# cancelled \([0-9]*\)/\1/p' "$nlog" | tail -n1)
  if [ -z "$p" ]; then echo "node tests in $dir did not report"; broken=$((broken+1)); continue; fi
  echo "$dir: $p passed, $(( ${f:-0} + ${c:-0} )) failed, ${s:-0} skipped"
  passed=$((passed + p)); failed=$((failed + ${f:-0} + ${c:-0})); skipped=$((skipped + ${s:-0}))
done

failed=$((failed + broken))
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
