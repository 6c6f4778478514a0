#!/usr/bin/env bash
# Runs every check of the workspace: formatting, clippy for the host and for
# wasm32, the native tests with the end-to-end page tests, and the web
# crate's tests in headless Chromium. Runs all steps even after a failure,
# then prints one summary line and exits non-zero if any step failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

passed=0
failed=0
failed_steps=()

run_step() {
    local name="$1"
    shift
    echo "==> $name: $*"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failed_steps+=("$name")
        echo "==> $name failed"
    fi
}

has_web_crate=false
if [[ -d crates/lrdepth-web ]]; then
    has_web_crate=true
fi

run_step "format" cargo fmt --all --check
run_step "clippy" cargo clippy --workspace --all-targets -- -D warnings
if $has_web_crate; then
    run_step "clippy wasm32" \
        cargo clippy -p lrdepth-web --target wasm32-unknown-unknown -- -D warnings
fi
# Includes the end-to-end tests of crate lrdepth-tests, which build the page
# with trunk and drive it in headless Chromium.
run_step "native tests" cargo test --workspace --exclude lrdepth-web --no-fail-fast
if $has_web_crate; then
    run_step "web tests in Chromium" \
        env CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
        WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}" \
        cargo test -p lrdepth-web --target wasm32-unknown-unknown --no-fail-fast
else
    echo "==> skipping the wasm32 steps: crates/lrdepth-web does not exist"
fi

if ((failed > 0)); then
    echo "failed steps: ${failed_steps[*]}"
fi
echo "steps: $passed passed, $failed failed"
((failed == 0))
