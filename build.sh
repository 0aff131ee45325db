#!/usr/bin/env bash
# One command for a new user: restore the pinned tools (Kiota, Cake), then run the Cake build.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 KIOTA_OFFLINE_ENABLED=true
dotnet tool restore >/dev/null
exec dotnet cake build.cake "$@"
