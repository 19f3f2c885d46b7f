#!/usr/bin/env bash
# The quick-start demo: Azurite, the Bitrix and RetailCRM simulators and the local runner in one process; pushes a demo
# order and shows it in RetailCRM. Needs the .NET 10 SDK and Node.js; installs Azurite from package-lock.json if missing.
#   bash scripts/demo.sh [--keep-running] [--retailcrm-latency 3-5] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/azurite ]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund || { echo "npm ci failed" >&2; exit 1; }
fi

exec dotnet run --project Demo -c Release -- "$@"
