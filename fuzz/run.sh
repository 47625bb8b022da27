#!/usr/bin/env bash
# Coverage-guided fuzzing with SharpFuzz and AFL++ of the readers that take outside input and what runs behind them
# (docs/security.md, "Coverage-guided fuzzing"), bounded in time:
#   ./fuzz/run.sh [TARGET] [SECONDS]   (TARGET: request, x12, fhir, pas, hook or dtr; SECONDS: default 120)
# Findings (inputs that crash or hang) are left in fuzz/findings/TARGET/default/{crashes,hangs}; replay one with
# `dotnet fuzz/Coverage.Fuzz/bin/Release/net10.0/Coverage.Fuzz.dll TARGET fuzz/Coverage.Fuzz/bin/Release/net10.0/catalogue < FILE`.
# Each one fixed is kept as a regression test beside the code it broke (e.g. FhirJsonTests, RequestLimitTests).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-request}"
seconds="${2:-120}"

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  else sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null; fi
fi
dotnet tool restore >/dev/null

out=$(mktemp -d)
dotnet build fuzz/Coverage.Fuzz -c Release -o "$out" --nologo -v quiet
# Instrument the code under test (the engine and the claim readers, not the framework) for AFL++'s coverage feedback.
dotnet tool run sharpfuzz "$out/Coverage.Engine.dll" >/dev/null
dotnet tool run sharpfuzz "$out/Coverage.Claims.dll" >/dev/null
dotnet tool run sharpfuzz "$out/Coverage.Fhir.dll" >/dev/null

corpus=$(mktemp -d)
fixtures=tests/Coverage.Server.Tests/Conformance/Fixtures
if [ "$target" = x12 ]; then
  cp samples/*.837 "$corpus"/
elif [ "$target" = fhir ] || [ "$target" = pas ]; then
  # The PAS kit's and IGs' Bundles (verbatim and adapted) and our sample: real requests, mutated from there.
  cp samples/pas-submit-bundle.json "$corpus"/
  # (The two IG versions hold examples of the same names: each seed is named by its path.)
  find "$fixtures/pas-kit" "$fixtures/pas-ig" -name '*.json' -size -64k | while read -r seed; do
    cp "$seed" "$corpus/$(echo "${seed#"$fixtures"/}" | tr / _)"
  done
elif [ "$target" = hook ]; then
  # Each hook request of the CRD kit's presets (an input holds an array of them) and our sample.
  cp samples/cds-order-sign.json "$corpus"/
  for bodies in "$fixtures"/crd-kit/*.json; do
    python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for i,r in enumerate(d if isinstance(d,list) else [d]): json.dump(r,open(f"{sys.argv[2]}-{i}.json","w"))' "$bodies" "$corpus/$(basename "$bodies" .json)"
  done
elif [ "$target" = dtr ]; then
  # The samples, and the steps of an adaptive form answered from the sample on (fuzz/seeds/dtr: each request as sent).
  cp samples/dtr-*.json fuzz/seeds/dtr/*.json "$corpus"/
else
  cp samples/*.json "$corpus"/
  for scenario in ../shared/scenarios/*.json; do
    [ -f "$scenario" ] && python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["request"]))' "$scenario" > "$corpus/$(basename "$scenario")"
  done
fi

findings="fuzz/findings/$target"
mkdir -p "$findings"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
# JSON targets get a dictionary of the seeds' names and codes (fuzz/dictionary.py), so mutations splice whole tokens.
dictionary=()
if [ "$target" != x12 ]; then
  python3 fuzz/dictionary.py "$corpus" > "$corpus.dict"
  dictionary=(-x "$corpus.dict")
fi
afl-fuzz -V "$seconds" -t 5000 -m none "${dictionary[@]}" -i "$corpus" -o "$findings" -- dotnet "$out/Coverage.Fuzz.dll" "$target" "$out/catalogue" \
  > "$findings/afl.log" 2>&1 || true

stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  echo "fuzz: afl-fuzz did not run; see $findings/afl.log" >&2
  tail -n 20 "$findings/afl.log" >&2
  exit 1
fi
crashes=$(find "$findings/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$findings/default/hangs" -type f -name 'id:*' | wc -l)
execs=$(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$stats")
paths=$(awk -F: '/^corpus_count/ {gsub(/ /,"",$2); print $2}' "$stats")
echo "fuzz $target: ${seconds}s, $execs executions, $paths corpus entries, $crashes crashes, $hangs hangs"
[ "$crashes" = 0 ]
