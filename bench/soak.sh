#!/usr/bin/env bash
# Soak: a mixed load on 127.0.0.1 at a fixed rate for a bounded time (default ten minutes), counting every
# answer that is not a success and sampling the server's resident memory every 10 s (docs/reliability.md).
# At the end every case a submission acknowledged is read back: none may be missing.
#   bench/soak.sh                     600 s at 100 requests/s, SQLite
#   SECONDS_TOTAL=60 RATE=50 bench/soak.sh
#   STORAGE=postgres bench/soak.sh    against PostgreSQL (scripts/postgres.sh installs and starts it when missing), in a
#                                     database of its own, dropped at the end
#   STORAGE=postgres OUTAGE_AT=240 OUTAGE_SECONDS=60 bench/soak.sh
#                                     and take the database away during the run: at OUTAGE_AT seconds it stops accepting
#                                     connections and every connection to it is ended (as when the database is restarted
#                                     or fails over; the cluster's other databases are not touched), OUTAGE_SECONDS later
#                                     it accepts them again. Meanwhile a 503 with Retry-After is the expected answer;
#                                     anything else (a 500, a hang, a lost case, a server that does not recover) fails.
#   OUTAGE=cluster STORAGE=postgres OUTAGE_AT=240 bench/soak.sh
#                                     the outage is the whole local PostgreSQL cluster stopped (fast shutdown) and
#                                     started again: connections refused, then "the database system is starting up".
#                                     Only where nothing else uses that cluster (not beside ./test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${SECONDS_TOTAL:-600}
RATE=${RATE:-100}
PORT=${PORT:-5091}
STORAGE=${STORAGE:-sqlite}
OUTAGE_AT=${OUTAGE_AT:-}
OUTAGE_SECONDS=${OUTAGE_SECONDS:-60}
OUTAGE=${OUTAGE:-database}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

case "$STORAGE" in
  sqlite) [ -z "$OUTAGE_AT" ] || { echo "soak.sh: OUTAGE_AT needs STORAGE=postgres" >&2; exit 2; } ;;
  postgres) [ "$OUTAGE" = database ] || [ "$OUTAGE" = cluster ] || { echo "soak.sh: OUTAGE must be database or cluster" >&2; exit 2; } ;;
  *) echo "soak.sh: STORAGE must be sqlite or postgres, not '$STORAGE'" >&2; exit 2 ;;
esac

dotnet build src/Coverage.Server -c Release --nologo -v quiet >/dev/null
dotnet build bench/Coverage.Soak -c Release --nologo -v quiet >/dev/null
tmp=$(mktemp -d)
server_pid=""
database=""
outage_pid=""
soak_pid=""
cleanup() {
  if [ -n "$soak_pid" ]; then kill "$soak_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$outage_pid" ]; then
    # Interrupted during an outage: the cluster is started again whatever state it was left in.
    kill "$outage_pid" 2>/dev/null || true
    if [ "$OUTAGE" = cluster ]; then pg_ctlcluster "$pg_version" "$pg_cluster" start 2>/dev/null || true; fi
  fi
  if [ -n "$database" ]; then
    psql -d postgres -qc "ALTER DATABASE $database WITH ALLOW_CONNECTIONS true" 2>/dev/null || true
    psql -d postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ "$STORAGE" = postgres ]; then
  source scripts/postgres.sh
  ensure_postgres
  export_postgres_client_env
  pg_version="" pg_cluster=""
  if command -v pg_lsclusters >/dev/null 2>&1; then read -r pg_version pg_cluster _ < <(pg_lsclusters -h | awk -v port="$PGPORT" '$3 == port') || true; fi
  if [ "$OUTAGE" = cluster ] && [ -n "$OUTAGE_AT" ] && [ -z "$pg_cluster" ]; then
    echo "soak.sh: OUTAGE=cluster needs a local cluster on port $PGPORT (pg_lsclusters shows none)" >&2; exit 2
  fi
  database="coverage_soak_$$"
  psql -d postgres -qc "CREATE DATABASE $database"
  store=(--Storage:Provider=postgres "--Storage:ConnectionString=Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$database")
else
  store=(--Storage:Provider=sqlite "--Storage:ConnectionString=Data Source=$tmp/soak.db")
fi

(cd src/Coverage.Server/bin/Release/net10.0 && exec dotnet Coverage.Server.dll --environment Development \
  --urls "http://127.0.0.1:$PORT" "${store[@]}" \
  "--Catalogue:Path=$OLDPWD" --Logging:LogLevel:Default=Warning \
  --RateLimits:PerClientPerMinute=100000000 --RateLimits:AnonymousPerSourcePerMinute=100000000 --RateLimits:CdsHooksPerSourcePerMinute=100000000) > "$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 1; done

rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
( while kill -0 "$server_pid" 2>/dev/null; do echo "$(date +%s) $(rss)"; sleep 10; done ) > "$tmp/rss.txt" &
sampler=$!

outage=()
if [ -n "$OUTAGE_AT" ]; then
  outage=(--outage)
  (
    sleep "$OUTAGE_AT"
    if [ "$OUTAGE" = cluster ]; then
      echo "soak: $(date +%T) PostgreSQL $pg_version/$pg_cluster stops (fast shutdown) for $OUTAGE_SECONDS s"
      pg_ctlcluster "$pg_version" "$pg_cluster" stop -m fast
      sleep "$OUTAGE_SECONDS"
      pg_ctlcluster "$pg_version" "$pg_cluster" start
    else
      echo "soak: $(date +%T) the database goes away (no new connections, every connection ended) for $OUTAGE_SECONDS s"
      psql -d postgres -qc "ALTER DATABASE $database WITH ALLOW_CONNECTIONS false"
      psql -d postgres -qAtc "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$database'" >/dev/null
      sleep "$OUTAGE_SECONDS"
      psql -d postgres -qc "ALTER DATABASE $database WITH ALLOW_CONNECTIONS true"
    fi
    echo "soak: $(date +%T) the database is back"
  ) &
  outage_pid=$!
fi

status=0
echo "soak: $(date +%T) $SECONDS_TOTAL s at $RATE requests/s against $STORAGE"
dotnet bench/Coverage.Soak/bin/Release/net10.0/Coverage.Soak.dll "http://127.0.0.1:$PORT" "$SECONDS_TOTAL" "$RATE" samples "${outage[@]}" &
soak_pid=$!
wait "$soak_pid" || status=$?
soak_pid=""
kill "$sampler" 2>/dev/null || true
if [ -n "$OUTAGE_AT" ]; then wait "$outage_pid" || status=1; outage_pid=""; fi
if ! kill -0 "$server_pid" 2>/dev/null; then echo "soak: the server is no longer running"; status=1; fi
# Errors the server logged, by category. While the database is away EF Core logs each failed connection and query as
# an error of its own (the answers are 503s, counted above); any other error, or any error without an outage, fails.
if grep -qE "^(fail|crit):" "$tmp/server.log"; then
  echo "soak: errors the server logged, by category:"
  grep -oE "^(fail|crit): [^[]+" "$tmp/server.log" | sort | uniq -c | sed 's/^/soak:   /'
  unexpected=$(grep -E "^(fail|crit):" "$tmp/server.log" | grep -cvE "^fail: Microsoft\.EntityFrameworkCore\.(Database\.Connection|Database\.Command|Database\.Transaction|Query|Update)\[" || true)
  if [ -z "$OUTAGE_AT" ] || [ "$unexpected" -gt 0 ]; then
    grep -E -A3 "^(fail|crit):" "$tmp/server.log" | grep -vE "^fail: Microsoft\.EntityFrameworkCore" | head -20; status=1
  fi
fi

# Memory: the first sample after the first minute against the last; the maximum.
awk -v start="$(head -n 1 "$tmp/rss.txt" | cut -d' ' -f1)" '
  { t = $1 - start; if (t >= 60 && first == "") first = $2; last = $2; if ($2 > max) max = $2; n++ }
  END { after = first == "" ? "no sample (a run under a minute)" : sprintf("%.0f MB", first/1024)
        printf "soak: server memory (RSS) after 1 min %s, at the end %.0f MB, maximum %.0f MB, %d samples\n", after, last/1024, max/1024, n }' "$tmp/rss.txt"
exit "$status"
