#!/usr/bin/env bash
# Scale-out benchmark (docs/benchmarks.md, part 4; docs/scaling.md): two Coverage servers sharing one PostgreSQL
# on this machine, under the same load as one server, with every case checked in the database afterwards.
#
#   1. Raced pairs at a fixed rate (bench/Coverage.Load pair): each new prior authorization is submitted to both
#      servers at the same moment (a client retry that a load balancer sent to the other server); every pair must
#      get one case id and exactly one 201 Created, and PostgreSQL must hold each acknowledged case once.
#      Beside it, the same load against one server (each request sent to it twice).
#   2. Throughput with wrk: POST /api/v1/determinations (a new case per request) from 32 connections against one
#      server, then 16 + 16 against the two at once; the cases stored are counted against the answers.
#
#   bench/scale-out.sh
#   RATE=300 SECONDS_=20 bench/scale-out.sh     requests per second of the raced pairs (each is 2 calls), seconds
#
# Installs and starts PostgreSQL (scripts/postgres.sh) and wrk when missing, makes a database of its own and drops
# it at the end; servers on 127.0.0.1:5091 and :5092 (Development environment, logging at Warning), the API
# authenticated (an OAuth 2.0 access token on every call).
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-200}
SECONDS_=${SECONDS_:-30}
DURATION=${DURATION:-20}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

source scripts/postgres.sh
ensure_postgres
command -v wrk >/dev/null 2>&1 || { echo "scale-out.sh: installing wrk (Debian package)"; apt_install wrk; }

export_postgres_client_env
database="coverage_bench_$$"
psql -d postgres -qc "CREATE DATABASE $database"
# Each server's connection pool is capped so that the two together stay under PostgreSQL's max_connections
# (100 by default; docs/scaling.md): an overloaded server then queues for a connection instead of being refused one.
STORE="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$database;Maximum Pool Size=40"

echo "scale-out.sh: building the server and the load tool (Release)"
dotnet build src/Coverage.Server -c Release --nologo -v quiet >/dev/null
dotnet build bench/Coverage.Load -c Release --nologo -v quiet >/dev/null
SERVER_DLL=src/Coverage.Server/bin/Release/net10.0/Coverage.Server.dll
LOADTOOL="dotnet bench/Coverage.Load/bin/Release/net10.0/Coverage.Load.dll"

tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  psql -d postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# The API as production runs it: each call carries an OAuth 2.0 access token from a configured authorization
# server (audience: the service both servers stand for, as behind one load balancer).
$LOADTOOL keys "$tmp/keys"
API_ISSUER=https://load-auth.test
AUDIENCE=https://coverage.load.test
API_TOKEN=$($LOADTOOL access-token "$tmp/keys" "$API_ISSUER" "$AUDIENCE" "coverage/cases.write")
export API_TOKEN

# The rate limits (RateLimits:*) are raised far above the run's 1,000 requests a second from one client.
start_server() { # PORT
  ASPNETCORE_ENVIRONMENT=Development dotnet "$SERVER_DLL" --urls "http://127.0.0.1:$1" \
    --Storage:Provider=postgres --Storage:ConnectionString="$STORE" --Logging:LogLevel:Default=Warning \
    --RateLimits:PerClientPerMinute=100000000 --RateLimits:AnonymousPerSourcePerMinute=100000000 --RateLimits:CdsHooksPerSourcePerMinute=100000000 \
    --Api:Authentication:Issuers:0:Issuer="$API_ISSUER" --Api:Authentication:Issuers:0:Audience="$AUDIENCE" \
    --Api:Authentication:Issuers:0:Jwks="$(cat "$tmp/keys/jwks.json")" >"$tmp/server-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return; sleep 0.5; done
  echo "scale-out.sh: the server on port $1 did not start"; cat "$tmp/server-$1.log"; exit 1
}
# The first server migrates the schema; the second starts once it is healthy.
start_server 5091
start_server 5092
A=http://127.0.0.1:5091
B=http://127.0.0.1:5092

cpu_ms() { # total CPU (user + system) of both servers so far, in milliseconds
  local total=0
  for pid in "${pids[@]}"; do total=$(( total + $(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat") )); done
  echo "$total"
}
run=$$-$(date +%s)
body=samples/cryoablation-prior-auth.json

echo "scale-out.sh: warming both servers up (not counted)"
$LOADTOOL pair "$A" "$B" "$body" 100 5 "warm-$run" "$STORE" >/dev/null || true
$LOADTOOL pair "$A" "$A" "$body" 100 3 "warm1-$run" "$STORE" >/dev/null || true
$LOADTOOL pair "$B" "$B" "$body" 100 3 "warm2-$run" "$STORE" >/dev/null || true

echo "scale-out.sh: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); raced pairs at $RATE requests/s for $SECONDS_ s"
status=0
for target in one two; do
  second=$B; [ "$target" = one ] && second=$A
  cpu=$(cpu_ms)
  $LOADTOOL pair "$A" "$second" "$body" "$RATE" "$SECONDS_" "$target-$run" "$STORE" || status=1
  echo "pair: servers' CPU per call $(awk -v c=$(( $(cpu_ms) - cpu )) -v n=$(( 2 * RATE * SECONDS_ )) 'BEGIN { printf "%.3f", c / n }') ms"
done

export LOAD_DIR="$PWD/bench/load" LOAD_BODY="$body" LOAD_RUN="$run"
wrk_run() { # NAME CONNECTIONS THREADS URL — prints wrk's RESULT line
  LOAD_NAME=$1 wrk -t"$3" -c"$2" -d"${DURATION}s" --timeout 10s -s bench/load/determinations.lua "$4" | grep '^RESULT'
}
stored() { psql -d "$database" -tAc "SELECT COUNT(*) FROM cases WHERE \"RequestId\" LIKE 'LOAD-$run-$1-%'"; }
answered() { sed -E 's/.* requests=([0-9]+).* non2xx=([0-9]+).*/\1 \2/' <<<"$1" | awk '{ print $1 - $2 }'; }

echo "scale-out.sh: wrk, POST /api/v1/determinations, $DURATION s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
cpu=$(cpu_ms)
one=$(wrk_run wrk-one 32 2 "$A")
echo "$one server_cpu_ms=$(( $(cpu_ms) - cpu ))"
echo "wrk: one server: $(answered "$one") answered 2xx, $(stored wrk-one) cases stored"
cpu=$(cpu_ms)
wrk_run wrk-a 16 1 "$A" >"$tmp/wrk-a.txt" &
wrk_a=$!
wrk_run wrk-b 16 1 "$B" >"$tmp/wrk-b.txt"
wait "$wrk_a"
used=$(( $(cpu_ms) - cpu ))
two_a=$(cat "$tmp/wrk-a.txt"); two_b=$(cat "$tmp/wrk-b.txt")
echo "$two_a"; echo "$two_b server_cpu_ms_both=$used"
echo "wrk: two servers: $(( $(answered "$two_a") + $(answered "$two_b") )) answered 2xx, $(( $(stored wrk-a) + $(stored wrk-b) )) cases stored"

if grep -q 'Exception\|fail:' "$tmp"/server-*.log; then echo "scale-out.sh: a server logged errors:"; grep -h -m 20 'Exception\|fail:' "$tmp"/server-*.log; fi
echo "scale-out.sh: done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
