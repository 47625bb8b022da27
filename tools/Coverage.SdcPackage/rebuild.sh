#!/usr/bin/env bash
# Rebuilds tests/Coverage.Server.Tests/Conformance/Packages/hl7.fhir.uv.sdc-3.0.0.tgz from the HL7 SDC implementation
# guide's source (https://github.com/HL7/sdc) at the commit that corresponds to the published 3.0.0 (README.md here
# says why that one). The output is byte for byte the same on every run.
#   SDC_GIT_DIR: a clone of https://github.com/HL7/sdc (bare is enough); default: the mirror on the build machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sdc_git=${SDC_GIT_DIR:-/work/.mirror/HL7+sdc/repo}
commit=f9c12c2eb322f3e97d4c9baf54d78fd17269baaa
output="$root/tests/Coverage.Server.Tests/Conformance/Packages/hl7.fhir.uv.sdc-3.0.0.tgz"
dotnet run --project "$root/tools/Coverage.SdcPackage" -c Release -- "$sdc_git" "$commit" "$output"
sha256sum "$output"
