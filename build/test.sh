#!/usr/bin/env bash
# The README's test command: restore, build (Release) and run every test project. GPU tests are skipped
# on machines without CUDA (they carry [Category("Gpu")] and check for a device themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Microsoft.ML.Trm.sln -c Release --nologo -v:q
dotnet test Microsoft.ML.Trm.sln -c Release --no-build --nologo "$@"
