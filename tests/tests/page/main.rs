//! End-to-end tests of the page: trunk builds it once per test run, a
//! loopback server serves it, and headless Chromium runs it through
//! chromedriver.
//!
//! Needs trunk, wasm-bindgen-cli at the Cargo.lock version of wasm-bindgen,
//! chromium and chromedriver; `scripts/setup.sh` installs them. Screenshots
//! and chromedriver logs go to `target/e2e`.

mod access;
mod compare;
mod default_sweep;
mod deploy;
mod embed;
mod exercises;
mod export;
mod fixture;
mod hidpi;
mod keys;
mod native_match;
mod no_simd;
mod probe;
mod resize;
mod share;
mod stop;
mod sweep;
mod tour;
mod url_settings;
mod worker_failure;
mod workers;
