#!/usr/bin/env bash
# Builds the page and serves it on http://127.0.0.1:$PORT/ (default 8080),
# rebuilding when a source file changes.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

port="${PORT:-8080}"
echo "serve: open http://127.0.0.1:$port/ once trunk has built the page"
exec trunk serve --release --offline --address 127.0.0.1 --port "$port"
