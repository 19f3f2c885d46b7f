#!/usr/bin/env bash
# The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 that the test project downloads
# (PackageDownload, version BicepCliVersion in Functions.Tests/Functions.Tests.csproj): no installer, no network other
# than NuGet, the same version locally, in the tests and in the pipeline.
#   bash scripts/bicep.sh path            prints the CLI's path (restores the package when missing)
#   bash scripts/bicep.sh check           builds and lints every template and the parameters file; any warning fails
#   bash scripts/bicep.sh build [DIR]     compiles every template to ARM JSON under DIR (default artifacts/infra)
#   bash scripts/bicep.sh <args>          runs the CLI itself, e.g. bash scripts/bicep.sh --version
set -euo pipefail
cd "$(dirname "$0")/.."

csproj=Functions.Tests/Functions.Tests.csproj
version=$(sed -n 's:.*<BicepCliVersion>\(.*\)</BicepCliVersion>.*:\1:p' "$csproj")
root="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$root/azure.bicep.commandline.linux-x64/$version/tools/bicep"
if [ ! -f "$bicep" ]; then
  dotnet restore "$csproj" >&2
fi
[ -x "$bicep" ] || chmod +x "$bicep"

templates='infra/**/*.bicep'
params=infra/main.bicepparam

# bicep exits 0 on warnings; here any diagnostic fails.
strict() {
  local out
  out=$("$bicep" "$@" 2>&1) || { echo "$out"; return 1; }
  if [ -n "$out" ]; then echo "$out"; echo "bicep $1: diagnostics above (warnings are not allowed)"; return 1; fi
}

case "${1:-}" in
  path)
    echo "$bicep"
    ;;
  check)
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    strict build --pattern "$templates" --outdir "$out"
    strict lint --pattern "$templates"
    strict lint "$params"
    # Validates the parameters file against main.bicep; the output (which holds any secret from the environment) is
    # discarded.
    strict build-params "$params" --outfile "$out/main.parameters.json"
    echo "bicep $version: templates build and lint clean"
    ;;
  build)
    strict build --pattern "$templates" --outdir "${2:-artifacts/infra}"
    ;;
  *)
    exec "$bicep" "$@"
    ;;
esac
