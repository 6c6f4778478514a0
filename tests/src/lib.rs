//! Support for the end-to-end tests in `tests/page`: builds the page with
//! trunk, serves the output on loopback and drives headless Chromium through
//! chromedriver.
//!
//! Every server and browser listens on 127.0.0.1 only, and each has a guard
//! that stops it when dropped, also when a test panics.

mod browser;
mod build;
mod server;

pub use browser::{Browser, LogEntry};
pub use build::{artifacts_dir, built_page, repo_root};
pub use server::StaticServer;
