#!/usr/bin/env bash
# Rebuilds tests/Coverage.Server.Tests/Conformance/Packages/hl7.fhir.uv.subscriptions-backport.r4-1.1.0.tgz from the
# HL7 Subscriptions R5 Backport guide's source (https://github.com/HL7/fhir-subscription-backport-ig) at its tag v1.1.0,
# the version PAS 2.2.1 depends on (README.md here says how). The guide is FHIR Shorthand: SUSHI (npm: fsh-sushi,
# pinned below) compiles it for FHIR R4 4.0.1 — the guide names R4B and the HL7 publisher derives the .r4 package from
# it; the R4B-only notification file is left out — with the R4 core package written from the base specification the
# tests use (SUSHI would otherwise download it). Then snapshots and the package as rebuild.sh does for SDC.
#   BACKPORT_GIT_DIR: a clone of https://github.com/HL7/fhir-subscription-backport-ig (bare is enough);
#                     default: the mirror on the build machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
backport_git=${BACKPORT_GIT_DIR:-/work/.mirror/HL7+fhir-subscription-backport-ig/repo}
tag=v1.1.0
sushi_version=3.21.0
output="$root/tests/Coverage.Server.Tests/Conformance/Packages/hl7.fhir.uv.subscriptions-backport.r4-1.1.0.tgz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

commit=$(git --git-dir="$backport_git" rev-parse --verify "$tag^{commit}")
mkdir "$work/ig"
git --git-dir="$backport_git" archive "$commit" | tar -x -C "$work/ig"
rm "$work/ig/input/fsh/BackportNotificationR4B.fsh"
sed -i 's/^fhirVersion: 4\.3\.0$/fhirVersion: 4.0.1/' "$work/ig/sushi-config.yaml"
grep -q '^fhirVersion: 4.0.1$' "$work/ig/sushi-config.yaml"

dotnet build "$root/tools/Coverage.SdcPackage" -c Release --nologo -v quiet >/dev/null
tool=(dotnet "$root/tools/Coverage.SdcPackage/bin/Release/net10.0/sdc-package.dll")
"${tool[@]}" r4-core-for-sushi "$work/home/.fhir/packages/hl7.fhir.r4.core#4.0.1"

npm install --prefix "$work/sushi" --no-save --no-fund --no-audit --no-update-notifier --loglevel=error "fsh-sushi@$sushi_version" >/dev/null
# SUSHI's package cache is $HOME/.fhir: the one written above. Its automatic dependencies (tools, terminology and
# extensions packs) are not in it and cannot be downloaded here; it warns and builds without them, as the checked-in
# package was built (the guide's profiles and extensions name nothing from them).
HOME="$work/home" "$work/sushi/node_modules/.bin/sushi" build "$work/ig" | tail -n 4

"${tool[@]}" backport "$work/ig/fsh-generated/resources" "$commit" "$output"
sha256sum "$output"
