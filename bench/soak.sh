#!/usr/bin/env bash
# Soak: a mixed load on 127.0.0.1 at a fixed rate for a bounded time (default ten minutes), counting every
# answer that is not a success and sampling the server's resident memory every 10 s (docs/reliability.md).
#   bench/soak.sh                     600 s at 100 requests/s
#   SECONDS_TOTAL=60 RATE=50 bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${SECONDS_TOTAL:-600}
RATE=${RATE:-100}
PORT=${PORT:-5091}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build src/Coverage.Server -c Release --nologo -v quiet >/dev/null
dotnet build bench/Coverage.Soak -c Release --nologo -v quiet >/dev/null
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd src/Coverage.Server/bin/Release/net10.0 && exec dotnet Coverage.Server.dll --environment Development \
  --urls "http://127.0.0.1:$PORT" --Storage:Provider=sqlite "--Storage:ConnectionString=Data Source=$tmp/soak.db" \
  "--Catalogue:Path=$OLDPWD" --Logging:LogLevel:Default=Warning \
  --RateLimits:PerClientPerMinute=100000000 --RateLimits:AnonymousPerSourcePerMinute=100000000 --RateLimits:CdsHooksPerSourcePerMinute=100000000) > "$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 1; done

rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
( while kill -0 "$server_pid" 2>/dev/null; do echo "$(date +%s) $(rss)"; sleep 10; done ) > "$tmp/rss.txt" &
sampler=$!

status=0
dotnet bench/Coverage.Soak/bin/Release/net10.0/Coverage.Soak.dll "http://127.0.0.1:$PORT" "$SECONDS_TOTAL" "$RATE" samples || status=$?
kill "$sampler" 2>/dev/null || true

# Memory: the first sample after the first minute against the last; the maximum.
awk -v start="$(head -n 1 "$tmp/rss.txt" | cut -d' ' -f1)" '
  { t = $1 - start; if (t >= 60 && first == "") first = $2; last = $2; if ($2 > max) max = $2; n++ }
  END { printf "soak: server memory (RSS) after 1 min %.0f MB, at the end %.0f MB, maximum %.0f MB, %d samples\n", first/1024, last/1024, max/1024, n }' "$tmp/rss.txt"
exit "$status"
