#!/usr/bin/env bash
# Server CPU per call of two server builds, side by side in one run (docs/benchmarks.md, "CPU per call"):
# both servers run at once, configured as bench/load.sh configures its server (Development, SQLite in a
# temporary folder, CDS Hooks JWTs and API access tokens checked), and take the same fixed-rate load in
# alternating rounds, so that whatever else the machine is doing weighs on both alike. Each round is an
# open-loop run of bench/Coverage.Load at RATE calls/s (far below what either server can do, so neither
# queues); the CPU the server used in the round (user + system, /proc) divided by its calls is the figure.
# A warm-up round of each endpoint on each server comes first (not counted): the JIT's tiering is not
# what is measured. 127.0.0.1 only; every run bounded in time.
#
#   OLD_DLL=/tmp/base/Coverage.Server.dll bench/cpu-compare.sh          this checkout's server against a baseline build
#   OLD_DLL=... ENDPOINTS=pas-submit ROUNDS=5 RATE=200 bench/cpu-compare.sh
#   OLD_DLL=$DLL NEW_DLL=$DLL NEW_ENV="DOTNET_TieredPGO=0" bench/cpu-compare.sh   one build, a runtime setting against none
#
# A baseline build: git worktree add /tmp/base <commit> && dotnet build /tmp/base/src/Coverage.Server -c Release
# (then OLD_DLL=/tmp/base/src/Coverage.Server/bin/Release/net10.0/Coverage.Server.dll).
set -euo pipefail
cd "$(dirname "$0")/.."

OLD_DLL=${OLD_DLL:?set OLD_DLL to the Coverage.Server.dll of a baseline build}
NEW_DLL=${NEW_DLL:-}                    # default: this checkout's server, built here
OLD_ENV=${OLD_ENV:-}                    # environment settings of each server (e.g. DOTNET_ runtime settings), space-separated
NEW_ENV=${NEW_ENV:-}
RATE=${RATE:-250}                       # calls per second in each round
ROUND_SECONDS=${ROUND_SECONDS:-10}      # seconds per round
ROUNDS=${ROUNDS:-3}                     # rounds per endpoint and server, alternating old/new
WARMUP_SECONDS=${WARMUP_SECONDS:-20}    # the warm-up round of each endpoint on each server
ENDPOINTS=${ENDPOINTS:-order-sign pas-submit}
OLD_PORT=${OLD_PORT:-5491}
NEW_PORT=${NEW_PORT:-5492}
ISSUER="https://load-client.test"
API_ISSUER="https://load-auth.test"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "cpu-compare.sh: building (Release)"
if [ -z "$NEW_DLL" ]; then
  dotnet build src/Coverage.Server -c Release --nologo -v quiet >/dev/null
  NEW_DLL=src/Coverage.Server/bin/Release/net10.0/Coverage.Server.dll
fi
dotnet build bench/Coverage.Load -c Release --nologo -v quiet >/dev/null
LOADTOOL="dotnet bench/Coverage.Load/bin/Release/net10.0/Coverage.Load.dll"

tmp=$(mktemp -d)
declare -A pid=()
cleanup() {
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

$LOADTOOL keys "$tmp/keys"
jwks=$(cat "$tmp/keys/jwks.json")

start() { # NAME DLL PORT [ENV...]
  local name=$1 dll=$2 base="http://127.0.0.1:$3"
  shift 3
  mkdir -p "$tmp/$name"
  env "$@" ASPNETCORE_ENVIRONMENT=Development dotnet "$dll" --urls "$base" --Coverage:PublicBaseUrl="$base" \
    --Storage:Provider=sqlite --Storage:ConnectionString="Data Source=$tmp/$name/coverage.db" --Logging:LogLevel:Default=Warning \
    --CdsHooks:Authentication:Issuers:0:Issuer="$ISSUER" --CdsHooks:Authentication:Issuers:0:Jwks="$jwks" \
    --Api:Authentication:Issuers:0:Issuer="$API_ISSUER" --Api:Authentication:Issuers:0:Audience="$base" --Api:Authentication:Issuers:0:Jwks="$jwks" \
    --RateLimits:PerClientPerMinute=100000000 --RateLimits:AnonymousPerSourcePerMinute=100000000 --RateLimits:CdsHooksPerSourcePerMinute=100000000 \
    --RateLimits:CdsHooks:ClientPermitsPerSecond=1000000 --RateLimits:CdsHooks:ClientBurst=1000000 >"$tmp/$name/server.log" 2>&1 &
  pid[$name]=$!
  for _ in $(seq 1 60); do curl -sf "$base/health" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -sf "$base/health" >/dev/null || { echo "cpu-compare.sh: the $name server did not start"; cat "$tmp/$name/server.log"; exit 1; }
}
# shellcheck disable=SC2086 # each setting a word
start old "$OLD_DLL" "$OLD_PORT" $OLD_ENV
# shellcheck disable=SC2086
start new "$NEW_DLL" "$NEW_PORT" $NEW_ENV
declare -A port=([old]=$OLD_PORT [new]=$NEW_PORT)

cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/${pid[$1]}/stat"; }

round() { # SERVER ENDPOINT SECONDS → prints the CPU ms per call
  local server=$1 endpoint=$2 seconds=$3 base="http://127.0.0.1:${port[$1]}" url body before used calls
  local token_args=()
  if [ "$endpoint" = order-sign ]; then
    url="$base/cds-services/order-sign" body=samples/cds-order-sign.json token_args=("$tmp/keys" "$ISSUER")
  else
    url="$base/fhir/Claim/\$submit" body=samples/pas-submit-bundle.json
  fi
  # The tokens are signed before the clock starts (the tool signs them all first), so the server is idle meanwhile.
  API_TOKEN=$($LOADTOOL access-token "$tmp/keys" "$API_ISSUER" "$base" "coverage/cases.write system/Claim.write") \
    $LOADTOOL rate "$url" "$body" "$RATE" "$seconds" 0 "${token_args[@]}" >"$tmp/round.txt" 2>"$tmp/round.err" &
  local load=$!
  # Start counting when the first call arrives: wait for the server's CPU to move, then take the reading.
  while kill -0 "$load" 2>/dev/null && ! grep -q "signed" "$tmp/round.err" 2>/dev/null && [ "$endpoint" = order-sign ]; do sleep 0.2; done
  before=$(cpu_ms "$server")
  wait "$load" || true
  used=$(( $(cpu_ms "$server") - before ))
  calls=$(awk -v r="$RATE" -v s="$seconds" 'BEGIN { printf "%d", r * s }')
  # Per call answered 2xx: a call that timed out is not a call served.
  answered=$(sed -nE 's/.* requests, ([0-9]+) 2xx.*/\1/p' "$tmp/round.txt")
  [ "${answered:-0}" = "$calls" ] || echo "cpu-compare.sh: WARNING: $server $endpoint: not every call was answered 2xx: $(cat "$tmp/round.txt")" >&2
  awk -v c="$used" -v n="${answered:-0}" 'BEGIN { printf "%.3f", (n > 0 ? c / n : 0) }'
}

echo "cpu-compare.sh: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $RATE calls/s, rounds of $ROUND_SECONDS s; old $OLD_DLL $OLD_ENV, new $NEW_DLL $NEW_ENV"
for endpoint in $ENDPOINTS; do
  round old "$endpoint" "$WARMUP_SECONDS" >/dev/null
  round new "$endpoint" "$WARMUP_SECONDS" >/dev/null
  old_all=() new_all=()
  for r in $(seq 1 "$ROUNDS"); do
    # Alternate which server goes first, so that neither always follows the other's leftovers.
    if (( r % 2 )); then o=$(round old "$endpoint" "$ROUND_SECONDS"); n=$(round new "$endpoint" "$ROUND_SECONDS")
    else n=$(round new "$endpoint" "$ROUND_SECONDS"); o=$(round old "$endpoint" "$ROUND_SECONDS"); fi
    old_all+=("$o") new_all+=("$n")
    echo "CPU $endpoint round $r: old $o ms/call, new $n ms/call (load average $(cut -d' ' -f1 /proc/loadavg))"
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
  echo "RESULT $endpoint: server CPU per call, median of $ROUNDS rounds at $RATE/s: old $(median "${old_all[@]}") ms, new $(median "${new_all[@]}") ms"
done
echo "cpu-compare.sh: done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
