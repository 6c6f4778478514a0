#!/usr/bin/env bash
# Installs what building the page and running the tests need, skipping what
# is already there: the wasm32 target, trunk, wasm-bindgen-cli at the version
# in Cargo.lock, Chromium with chromedriver, numpy, and axe-core from npm.
# Run it, or source it to also get ~/.cargo/bin on PATH in the calling shell.
set -euo pipefail

lrdepth_setup() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

    export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
    echo "setup: ${CARGO_HOME:-$HOME/.cargo}/bin is on PATH"

    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        echo "setup: rust target wasm32-unknown-unknown already installed"
    else
        echo "setup: adding rust target wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi

    # trunk 0.22 requires rustc 1.96.1 or newer (its rust-version) and the
    # workspace builds with 1.95, so pin the last 0.21 release.
    local trunk_version="0.21.14"
    if [[ "$(trunk --version 2>/dev/null || true)" == "trunk $trunk_version" ]]; then
        echo "setup: trunk $trunk_version already installed"
    else
        echo "setup: installing trunk $trunk_version (takes several minutes)"
        cargo install --locked "trunk@$trunk_version"
    fi

    # The CLI must match the wasm-bindgen crate exactly, because it rejects
    # modules built with another version of the crate. No --locked, because
    # the lock file of wasm-bindgen-cli 0.2.130 names a webpki-roots release
    # that crates.io does not serve.
    local bindgen_version
    bindgen_version="$(awk '
        $0 == "name = \"wasm-bindgen\"" { found = 1; next }
        found && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' "$root/Cargo.lock" 2>/dev/null || true)"
    if [[ -z "$bindgen_version" ]]; then
        bindgen_version="$(sed -n 's/^wasm-bindgen *= *.*"=\([0-9][0-9.]*\)".*/\1/p' "$root/Cargo.toml" | head -n 1)"
    fi
    if [[ -z "$bindgen_version" ]]; then
        echo "setup: failed to find the wasm-bindgen version in Cargo.lock or an \"=\" pin in Cargo.toml" >&2
        return 1
    fi
    if [[ "$(wasm-bindgen --version 2>/dev/null || true)" == "wasm-bindgen $bindgen_version" ]]; then
        echo "setup: wasm-bindgen-cli $bindgen_version already installed"
    else
        echo "setup: installing wasm-bindgen-cli $bindgen_version (takes a few minutes)"
        cargo install "wasm-bindgen-cli@$bindgen_version"
    fi

    if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
        echo "setup: chromium and chromedriver already installed"
    else
        echo "setup: installing chromium and chromium-driver with apt-get"
        local sudo=""
        if [[ "$(id -u)" -ne 0 ]]; then
            sudo="sudo"
        fi
        $sudo apt-get update
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium chromium-driver
    fi

    # The accessibility test injects axe-core from tests/axe into the page.
    if [[ -f "$root/tests/axe/node_modules/axe-core/axe.min.js" ]]; then
        echo "setup: axe-core already installed in tests/axe"
    elif command -v npm >/dev/null; then
        echo "setup: installing axe-core into tests/axe with npm ci"
        (cd "$root/tests/axe" && npm ci --ignore-scripts --no-audit --no-fund)
    else
        echo "setup: npm not found. Install Node.js with npm, which the accessibility test needs for axe-core." >&2
        return 1
    fi

    # crates/lrdepth-core/tests/numpy_check.rs runs tests/numpy/check_mlp.py,
    # which needs python3 with numpy.
    if ! command -v python3 >/dev/null; then
        echo "setup: python3 not found. Install Python 3, which the NumPy check of the core needs." >&2
        return 1
    fi
    if python3 -c "import numpy" 2>/dev/null; then
        echo "setup: numpy already installed"
    else
        echo "setup: installing numpy with pip"
        python3 -m pip install --quiet numpy
    fi
}

lrdepth_setup
