#!/usr/bin/env bash
# The project's test command: every test with the race detector, in short
# mode (smaller networks), then the full-size tests without it.
# Go fetches the modules it needs on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race -short -count=1 ./...
go test -count=1 ./...
