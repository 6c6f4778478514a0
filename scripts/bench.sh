#!/usr/bin/env bash
# Runs every benchmark on this machine in one go and writes BENCHMARKS.md.
# It times the training step natively and in headless Chromium against the
# same matrix products alone, and the page's default sweep with one worker
# and with all. It also times Stop during a sweep, the page load, the same
# training in TensorFlow.js, and the native runner on one thread and on
# all, and reports the wasm sizes.
# Extra arguments go to lrdepth-bench, for example `--repeats 3`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

echo "bench: installing TensorFlow.js with npm ci in bench/tfjs"
(cd bench/tfjs && npm ci --no-audit --no-fund --loglevel=error)

echo "bench: building the native runner and the bench driver"
cargo build --release -p lrdepth-cli -p lrdepth-bench

echo "bench: building the in-browser bench module"
cargo build --release -p lrdepth-bench-wasm --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir target/bench/pkg \
    target/wasm32-unknown-unknown/release/lrdepth_bench_wasm.wasm

# The driver builds the page with trunk itself, as the end-to-end tests do.
target/release/lrdepth-bench "$@"
