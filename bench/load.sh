#!/usr/bin/env bash
# HTTP load against the Coverage server, on 127.0.0.1 only, every run bounded in time (docs/benchmarks.md).
#
# Starts its own server (Release build, Development environment, SQLite in a temporary folder, port 5090)
# with authentication ON: it makes an RS384 key for a load-test CDS client, configures that issuer, and every
# order-sign call carries its own signed, single-use JWT; PAS and REST API calls carry an OAuth 2.0 access
# token (scopes coverage/cases.write and system/Claim.write) from a configured authorization server. Then, each beside GET /ping
# (the server's cheapest answer, measured right before it): throughput and p50/p99 latency of CRD
# order-sign, PAS $submit (a new Claim identifier per request) and POST /api/v1/determinations (a new
# requestId per request, each a durable case), with wrk; and order-sign, PAS $submit and GET /ping at fixed rates
# (open loop) with bench/Coverage.Load, reporting p99 from each request's scheduled start.
#
#   bench/load.sh                       everything (about 8 minutes)
#   DURATION=10 RATES=500 bench/load.sh shorter runs, another fixed rate
#   AUTH=off bench/load.sh              no authentication at all (Development only)
#   TOKEN_RATE=5000 bench/load.sh       more single-use JWTs for the wrk order-sign run (2,500 per second by default; a
#                                       run that uses them all is capped by them, and says so)
#   ONLY="ping order-sign rate" bench/load.sh   a subset: ping order-sign pas-submit determinations rate pas-rate ping-rate
#                                       (rate: order-sign at fixed rates; pas-rate: PAS $submit at fixed rates;
#                                       ping-rate: GET /ping at the same rates — the floor of a call's CPU at that rate)
#   SERVER_DLL=/elsewhere/Coverage.Server.dll PING=/cds-services bench/load.sh   another build (a baseline), another trivial endpoint
#   PERF=/tmp/profiles bench/load.sh    also a CPU profile of the server during each measured run (perf record -g; PERF/NAME.data)
#   STORE=postgres bench/load.sh        the case store in PostgreSQL (the production store, docs/scaling.md) instead of SQLite
#                                       in a temporary folder: a database of its own on the local cluster (scripts/postgres.sh),
#                                       dropped after; PostgreSQL's own CPU per call is reported beside the server's
#   LOAD_SENDER=httpclient bench/load.sh  fixed-rate runs sent through .NET's HttpClient (sessions 13-30) instead of the lean
#                                       sender (raw sockets; bench/Coverage.Load/LeanSender.cs), for a comparison
#   RATE_DUMP=/tmp/latencies.txt RATE_TIMELINE=1 bench/load.sh   each fixed-rate run also writes every latency, in schedule
#                                       order, to that file (the last run's is kept), and prints each second's worst and median
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20}          # seconds per wrk run
WARMUP=${WARMUP:-15}              # seconds of each endpoint before its wrk run, not counted: the JIT's tier-up is done by then (5 s was not, for PAS)
THREADS=${THREADS:-2}             # wrk threads
CONNECTIONS=${CONNECTIONS:-32}    # wrk connections
RATE=${RATE:-1000}                # fixed-rate runs: requests per second (RATES: several, e.g. "1000 500")
RATES=${RATES:-$RATE 500}
RATE_SECONDS=${RATE_SECONDS:-30}  # fixed-rate run: measured seconds
RATE_WARMUP=${RATE_WARMUP:-5}     # fixed-rate run: seconds at the same rate before, not counted in the latencies
TOKEN_RATE=${TOKEN_RATE:-2500}    # wrk order-sign: single-use JWTs signed beforehand per second of the run (a wrk thread stops when its run out)
AUTH=${AUTH:-on}
ONLY=${ONLY:-ping order-sign pas-submit determinations rate pas-rate ping-rate}
SERVER_DLL=${SERVER_DLL:-}        # default: this repository's server, built here
PERF=${PERF:-}                    # a folder: perf record the server during each measured run
PING=${PING:-/ping}               # the server's trivial endpoint
PORT=${PORT:-5090}                # another port when 5090 is taken (e.g. two checkouts measuring at once)
STORE=${STORE:-sqlite}            # sqlite (a file in a temporary folder) or postgres (a database of its own, dropped after)
BASE="http://127.0.0.1:$PORT"
ISSUER="https://load-client.test"
API_ISSUER="https://load-auth.test"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v wrk >/dev/null 2>&1; then
  echo "load.sh: installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; fi
fi

echo "load.sh: building the server and the load tool (Release)"
if [ -z "$SERVER_DLL" ]; then
  dotnet build src/Coverage.Server -c Release --nologo -v quiet >/dev/null
  SERVER_DLL=src/Coverage.Server/bin/Release/net10.0/Coverage.Server.dll
fi
dotnet build bench/Coverage.Load -c Release --nologo -v quiet >/dev/null
LOADTOOL="dotnet bench/Coverage.Load/bin/Release/net10.0/Coverage.Load.dll"

tmp=$(mktemp -d)
server_pid=""
database=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$database" ]; then psql -d postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

case $STORE in
  sqlite) store_args=(--Storage:Provider=sqlite --Storage:ConnectionString="Data Source=$tmp/coverage.db") ;;
  postgres)
    source scripts/postgres.sh
    ensure_postgres
    export_postgres_client_env
    database="coverage_load_$$"
    psql -d postgres -qc "CREATE DATABASE $database"
    store_args=(--Storage:Provider=postgres --Storage:ConnectionString="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$database")
    ;;
  *) echo "load.sh: STORE is sqlite or postgres, not '$STORE'"; exit 2 ;;
esac

# Development, as the brief for these measurements asks (ENVIRONMENT=Production works too with AUTH=on;
# switching authentication off is for Development only).
ENVIRONMENT=${ENVIRONMENT:-Development}
auth_args=()
if [ "$AUTH" = on ]; then
  # One key for both: the CDS client signs its hook JWTs, and the API's authorization server its access tokens.
  $LOADTOOL keys "$tmp/keys"
  jwks=$(cat "$tmp/keys/jwks.json")
  auth_args=(--CdsHooks:Authentication:Issuers:0:Issuer="$ISSUER" --CdsHooks:Authentication:Issuers:0:Jwks="$jwks"
    --Api:Authentication:Issuers:0:Issuer="$API_ISSUER" --Api:Authentication:Issuers:0:Audience="$BASE" --Api:Authentication:Issuers:0:Jwks="$jwks")
  API_TOKEN=$($LOADTOOL access-token "$tmp/keys" "$API_ISSUER" "$BASE" "coverage/cases.write system/Claim.write")
  export API_TOKEN
else
  auth_args=(--CdsHooks:Authentication:Enabled=false --Api:Authentication:Enabled=false)
fi

# The public base URL is what CDS tokens name in aud (required outside Development). The run sends 1,000
# requests a second from one client and one address, far above the default rate limits (RateLimits:*): it
# raises them, so that it measures the server and not the limiter's refusals.
rate_args=(--RateLimits:PerClientPerMinute=100000000 --RateLimits:AnonymousPerSourcePerMinute=100000000 --RateLimits:CdsHooksPerSourcePerMinute=100000000
  --RateLimits:CdsHooks:ClientPermitsPerSecond=1000000 --RateLimits:CdsHooks:ClientBurst=1000000)

perf_env=()
# With PERF, the runtime writes /tmp/perf-PID.map so that perf names the JIT-compiled methods.
[ -n "$PERF" ] && mkdir -p "$PERF" && perf_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
env "${perf_env[@]}" ASPNETCORE_ENVIRONMENT=$ENVIRONMENT dotnet "$SERVER_DLL" \
  --urls "$BASE" --Coverage:PublicBaseUrl="$BASE" "${store_args[@]}" \
  --Logging:LogLevel:Default=Warning "${auth_args[@]}" "${rate_args[@]}" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -sf "$BASE/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "$BASE/health" >/dev/null || { echo "load.sh: the server did not start"; cat "$tmp/server.log"; exit 1; }

export LOAD_DIR="$PWD/bench/load" LOAD_RUN="$$-$(date +%s)"
results="$tmp/results.txt"

# Single-use tokens for a wrk run of order-sign, TOKEN_RATE per second of the run, one file per thread.
tokens_for() { # SECONDS
  rm -f "$tmp"/keys/tokens-*.txt
  $LOADTOOL tokens "$tmp/keys" "$ISSUER" "$BASE/cds-services/order-sign" $(( $1 * TOKEN_RATE )) "$THREADS"
  export TOKENS_DIR="$tmp/keys"
}

# CPU time the server process has used so far, in milliseconds (user + system, from /proc).
server_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$server_pid/stat"; }
# With STORE=postgres: CPU time all PostgreSQL processes have used so far (its backends, WAL writer, checkpointer...), in milliseconds.
postgres_cpu_ms() {
  local pids; pids=$(pgrep -d' ' -x postgres || true)
  [ -z "$pids" ] && { echo 0; return; }
  (for pid in $pids; do cat "/proc/$pid/stat" 2>/dev/null; done) |
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); t += $12 + $13 } END { printf "%d", t * 1000 / hz }'
}

run() { # NAME SCRIPT SECONDS [BODY] [PATH] — one wrk run, its summary line kept, with the server's CPU per request
  local name=$1 script=$2 seconds=$3 cpu line requests
  if [ "$name" = order-sign ] || [ "$name" = warm-order-sign ]; then
    if [ "$AUTH" = on ]; then tokens_for "$seconds"; else unset TOKENS_DIR; fi
  fi
  cpu=$(server_cpu_ms)
  local perf_pid=""
  if [ -n "$PERF" ] && [[ $name != warm-* ]]; then
    perf record -q -F 499 -g -p "$server_pid" -o "$PERF/$name.data" -- sleep "$seconds" >/dev/null 2>&1 & perf_pid=$!
  fi
  line=$(LOAD_NAME=$name LOAD_BODY=${4:-} LOAD_PATH=${5:-$PING} \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s -s "bench/load/$script" "$BASE" | grep '^RESULT')
  [ -n "$perf_pid" ] && wait "$perf_pid" || true
  requests=$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line")
  # A benchmark of refusals measures nothing: say so loudly.
  if ! grep -q ' non2xx=0 socket_errors=0' <<<"$line"; then echo "load.sh: WARNING: $name had answers that were not 2xx, or socket errors: $line" >&2; fi
  # Tokens run out: the calls per second are then the tokens' (the CPU per call is still the server's, over fewer calls).
  if [ "$name" = order-sign ] && [ "$AUTH" = on ] && [ "$requests" -ge $(( seconds * TOKEN_RATE * 98 / 100 )) ]; then
    echo "load.sh: WARNING: order-sign used the ${TOKEN_RATE}/s tokens signed for it: its calls/s is that cap, not the server's; set TOKEN_RATE higher" >&2
  fi
  echo "$line server_cpu_ms_per_request=$(awk -v c=$(( $(server_cpu_ms) - cpu )) -v r="$requests" 'BEGIN { printf "%.3f", (r > 0 ? c / r : 0) }')" | tee -a "$results"
}

wants() { [[ " $ONLY " == *" $1 "* ]]; }

echo "load.sh: warming up (not counted)"
run warm-ping get.lua 3 "" "$PING" >/dev/null
wants order-sign || wants rate && run warm-order-sign order-sign.lua "$WARMUP" samples/cds-order-sign.json >/dev/null
wants pas-submit || wants pas-rate && run warm-pas-submit pas-submit.lua "$WARMUP" samples/pas-submit-bundle.json >/dev/null
wants determinations && run warm-determinations determinations.lua "$WARMUP" samples/cryoablation-prior-auth.json >/dev/null
: >"$results"

echo "load.sh: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; auth $AUTH; $ENVIRONMENT; store $STORE; fixed-rate sender ${LOAD_SENDER:-lean}"
wants ping && run ping get.lua "$DURATION" "" "$PING"
wants ping && run health get.lua "$DURATION" "" /health
for endpoint in order-sign pas-submit determinations; do
  wants "$endpoint" || continue
  case $endpoint in
    order-sign) body=samples/cds-order-sign.json ;;
    pas-submit) body=samples/pas-submit-bundle.json ;;
    determinations) body=samples/cryoablation-prior-auth.json ;;
  esac
  run "ping-before-$endpoint" get.lua "$DURATION" "" "$PING"
  run "$endpoint" "$endpoint.lua" "$DURATION" "$body"
done

if wants rate || wants pas-rate || wants ping-rate; then
  rate_runs=()
  wants rate && rate_runs+=(order-sign)
  wants pas-rate && rate_runs+=(pas-submit)
  # The trivial endpoint at the same rate, last: what any call costs at that rate on this machine (idle threads woken
  # for each request), read beside the others' figures.
  wants ping-rate && rate_runs+=(ping)
  for endpoint in "${rate_runs[@]}"; do
    token_args=()
    if [ "$endpoint" = order-sign ]; then
      url="$BASE/cds-services/order-sign" body=samples/cds-order-sign.json
      [ "$AUTH" = on ] && token_args=("$tmp/keys" "$ISSUER")
    elif [ "$endpoint" = ping ]; then
      url="$BASE$PING" body=- # GET, no body
    else
      # Each request its own Claim identifier (a new case), with the API access token (API_TOKEN).
      url="$BASE/fhir/Claim/\$submit" body=samples/pas-submit-bundle.json
    fi
    for rate in $RATES; do
      echo "load.sh: $endpoint at a fixed $rate requests/s for $RATE_SECONDS s after $RATE_WARMUP s of warm-up (open loop, bench/Coverage.Load); load average $(cut -d' ' -f1-3 /proc/loadavg)"
      perf_pid=""
      if [ -n "$PERF" ]; then
        perf record -q -F 499 -g -p "$server_pid" -o "$PERF/rate-$endpoint-$rate.data" -- sleep "$(( RATE_WARMUP + RATE_SECONDS ))" >/dev/null 2>&1 & perf_pid=$!
      fi
      cpu=$(server_cpu_ms) pg_cpu=$(postgres_cpu_ms)
      $LOADTOOL rate "$url" "$body" "$rate" "$RATE_SECONDS" "$RATE_WARMUP" "${token_args[@]}" | tee -a "$results" || true
      used=$(( $(server_cpu_ms) - cpu )) pg_used=$(( $(postgres_cpu_ms) - pg_cpu )) requests=$(( rate * (RATE_SECONDS + RATE_WARMUP) ))
      [ -n "$perf_pid" ] && { wait "$perf_pid" || true; }
      echo "rate: $endpoint: the server used $used ms of CPU for $requests requests: $(awk -v c="$used" -v r="$requests" 'BEGIN { printf "%.3f", c / r }') ms per request" | tee -a "$results"
      [ "$STORE" = postgres ] && echo "rate: $endpoint: PostgreSQL used $pg_used ms of CPU for them: $(awk -v c="$pg_used" -v r="$requests" 'BEGIN { printf "%.3f", c / r }') ms per request" | tee -a "$results"
    done
  done
fi

if [ "$STORE" = postgres ]; then cases=$(psql -d "$database" -tAc 'SELECT COUNT(*) FROM cases' 2>/dev/null || echo "?")
else cases=$(sqlite3 "$tmp/coverage.db" 'SELECT COUNT(*) FROM Cases' 2>/dev/null || echo "?"); fi
echo "load.sh: done; $cases cases stored; load average $(cut -d' ' -f1-3 /proc/loadavg)"
if grep -q 'Exception\|fail:' "$tmp/server.log"; then echo "load.sh: the server logged errors:"; grep -m 20 'Exception\|fail:' "$tmp/server.log"; fi
