#!/usr/bin/env bash
# Runs every test: installs Azurite from package-lock.json when missing, then `dotnet test`.
# The test run starts its own Azurite (in memory, free loopback ports) and the simulators.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/azurite ]; then
  npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

rm -rf TestResults
dotnet test BitrixRetailCrm.slnx -c Release \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory TestResults "$@"
rc=$?

trx=$(ls TestResults/*.trx 2>/dev/null | head -n1)
if [ -z "$trx" ]; then
  echo "no test results were written (build or test host failure)"
  echo "0 passed, 1 failed"
  exit 1
fi
counters=$(grep -o '<Counters [^>]*>' "$trx")
passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
skipped=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
[ "$rc" -ne 0 ] && [ "${failed:-0}" -eq 0 ] && failed=1
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $rc
