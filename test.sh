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

# The storage tests run against a real PostgreSQL (scripts/postgres.sh installs and starts Debian's when
# missing); COVERAGE_TEST_POSTGRES, when set, names another server instead.
source scripts/postgres.sh

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

# The DTR questionnaires are rendered by the SDC reference renderer (an npm package) in the same Chromium:
# install Debian's node and npm when missing, and the harness's exact packages (package-lock.json).
ensure_sdc_renderer() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "test.sh: installing nodejs npm (Debian)"
    apt_install nodejs npm
  fi
  (cd tools/sdc-render-check && npm ci --no-audit --no-fund && npm run build)
  # The reference CQL engine that runs every generated Library's ELM (Dtr/ElmExecutionTests).
  (cd tools/dtr-elm-check && npm ci --no-audit --no-fund)
}

# The README's server examples are run as written (Coverage.Server.Tests/ReadmeExampleTests): bash, curl and jq.
ensure_readme_tools() {
  local missing=()
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "test.sh: installing ${missing[*]} (Debian)"
    apt_install "${missing[@]}"
  fi
}

ensure_postgres
export COVERAGE_TEST_POSTGRES=$POSTGRES_ADMIN
ensure_chromium_and_fonts
ensure_sdc_renderer
ensure_readme_tools

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
