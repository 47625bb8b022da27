#!/usr/bin/env bash
# Batch benchmark: a generated 837P file of about LINES service lines (default 1,000,000) adjudicated end to
# end with `coverage adjudicate`, timed, with the process's peak memory (GNU time) — docs/benchmarks.md.
#   bench/batch.sh                 about 1,000,000 lines
#   LINES=200000 bench/batch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v /usr/bin/time >/dev/null || { echo "batch.sh: GNU time (Debian package time) is needed" >&2; exit 1; }

dotnet build src/Coverage.Cli -c Release --nologo -v quiet >/dev/null
dotnet build tools/Coverage.SampleClaims -c Release --nologo -v quiet >/dev/null
CLI="dotnet src/Coverage.Cli/bin/Release/net10.0/coverage.dll"
SAMPLES="dotnet tools/Coverage.SampleClaims/bin/Release/net10.0/coverage-samples.dll"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The generator's claims carry 1 to 3 lines; calibrate the claim count on a small file first.
$SAMPLES claims --format 837 --claims 10000 --out "$tmp/calibrate.837" >/dev/null
per_claim=$(grep -o 'LX\*' "$tmp/calibrate.837" | wc -l)
claims=$(( LINES * 10000 / per_claim ))
$SAMPLES claims --format 837 --claims "$claims" --out "$tmp/claims.837" >/dev/null
lines=$(grep -o 'LX\*' "$tmp/claims.837" | wc -l)
echo "batch.sh: $claims claims, $lines service lines, $(du -m "$tmp/claims.837" | cut -f1) MB of 837P"

/usr/bin/time -v $CLI adjudicate "$tmp/claims.837" --out "$tmp/results.ndjson" --errors "$tmp/errors.txt" \
  > "$tmp/summary.txt" 2> "$tmp/time.txt" || true
cat "$tmp/summary.txt"
awk -F': ' '/Maximum resident set size/ {printf "batch.sh: peak memory %.0f MB\n", $2/1024}
            /Elapsed \(wall clock\)/ {print "batch.sh: wall clock " $2}
            /Percent of CPU/ {print "batch.sh: CPU " $2}' "$tmp/time.txt"
