#!/usr/bin/env bash
# Runs every test of Coverage. On a fresh Debian machine it first installs and starts what the
# tests need, then builds the solution (warnings are errors) and runs each test project.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2
  exit 1
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -n -u postgres sh -c "$1"; fi
}

apt_install() {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

# The storage tests run against a real PostgreSQL: install Debian's when missing, start its cluster,
# and give the tests a role that may create their databases. COVERAGE_TEST_POSTGRES, when set,
# names another server instead.
ensure_postgres() {
  if [ -n "${COVERAGE_TEST_POSTGRES:-}" ]; then return; fi
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "test.sh: installing PostgreSQL (Debian package postgresql)"
    apt_install postgresql
  fi
  if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
    pg_createcluster "$version" main >/dev/null
  fi
  read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
  if [ "$status" != "online" ]; then
    pg_ctlcluster "$version" "$cluster" start
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
  done
  as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'coverage'\"" | grep -q 1 \
    || as_postgres "psql -p $port -qc \"CREATE ROLE coverage LOGIN CREATEDB PASSWORD 'coverage'\""
  export COVERAGE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=coverage;Password=coverage;Database=postgres"
  echo "test.sh: PostgreSQL $version/$cluster on port $port"
}

# The workbench's browser tests drive Debian's Chromium through Playwright (never a browser that
# Playwright downloads), and its PDF notices embed DejaVu Sans: install both when missing.
ensure_chromium_and_fonts() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] \
    || missing+=(fonts-dejavu-core)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "test.sh: installing ${missing[*]} (Debian)"
    apt_install "${missing[@]}"
  fi
  echo "test.sh: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: version unknown')"
}

ensure_postgres
ensure_chromium_and_fonts

dotnet build Coverage.slnx -c Release --nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Coverage.slnx -c Release --no-build --nologo 2>&1 | tee "$log" || status=$?

# One closing line for people and CI: the totals over every test project.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
