//! A headless Chromium session on a loopback server, with the waits the
//! benchmarks need.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use fantoccini::wd::TimeoutConfiguration;
use lrdepth_tests::{Browser, StaticServer};
use serde_json::{Value, json};

/// Interval between two reads of the page's state.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Maximum time a script of the bench page may run, such as TF.js training a
/// deep network on its cpu backend.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(600);

/// A browser showing pages of one served folder. Fields drop in order:
/// the browser first, then the server.
pub struct Session {
    pub browser: Browser,
    server: StaticServer,
}

impl Session {
    /// Serves `root` and starts a browser with `chrome_args` added to the
    /// harness's flags; opens no page yet.
    pub async fn start(name: &str, root: &Path, chrome_args: &[&str]) -> anyhow::Result<Session> {
        let server = StaticServer::start(root);
        let browser = Browser::start_with_args(name, chrome_args).await;
        let timeouts = TimeoutConfiguration::new(Some(SCRIPT_TIMEOUT), None, None);
        browser
            .client()
            .update_timeouts(timeouts)
            .await
            .context("failed to set the WebDriver script timeout")?;
        Ok(Session { browser, server })
    }

    /// Opens `path_and_query` of the served folder, such as `/?run=1`.
    pub async fn open(&self, path_and_query: &str) {
        let url = format!("{}{path_and_query}", self.server.url());
        self.browser.goto(&url).await;
    }

    pub async fn close(self) {
        let Session { browser, server } = self;
        browser.close().await;
        drop(server);
    }

    /// Returns `body[data-state]`, or an empty string before the body exists.
    pub async fn state(&self) -> String {
        let script = "return document.body ? (document.body.dataset.state ?? '') : '';";
        let value = self.browser.execute(script, vec![]).await;
        value.as_str().unwrap_or_default().to_string()
    }

    /// Waits until `body[data-state]` is one of `expected` and returns it.
    pub async fn wait_for_state(
        &self,
        expected: &[&str],
        timeout: Duration,
    ) -> anyhow::Result<String> {
        let start = Instant::now();
        loop {
            let state = self.state().await;
            if expected.contains(&state.as_str()) {
                return Ok(state);
            }
            if start.elapsed() > timeout {
                bail!(
                    "timed out after {timeout:?} waiting for state {expected:?}: state is {state:?}, \
                     progress {:?}",
                    self.text("#progress-text").await
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Returns the trimmed text of the first element that matches
    /// `selector`, or an empty string if there is none.
    pub async fn text(&self, selector: &str) -> String {
        let script = "const element = document.querySelector(arguments[0]); \
                      return element ? element.textContent.trim() : '';";
        let value = self.browser.execute(script, vec![json!(selector)]).await;
        value.as_str().unwrap_or_default().to_string()
    }

    /// Returns the number of rows of the page's results table.
    pub async fn result_rows(&self) -> usize {
        let script = "return document.querySelectorAll('#results tbody tr').length;";
        let value = self.browser.execute(script, vec![]).await;
        value.as_u64().unwrap_or_default() as usize
    }

    /// Calls `window.lrdepthBench[kind](message)` of the bench page and
    /// returns what its promise resolves to.
    pub async fn call_bench(&self, kind: &str, message: Value) -> anyhow::Result<Value> {
        let script = "const done = arguments[arguments.length - 1]; \
                      window.lrdepthBench[arguments[0]](arguments[1]) \
                      .then(done, (error) => done({ error: String(error) }));";
        let value = self
            .browser
            .client()
            .execute_async(script, vec![json!(kind), message.clone()])
            .await
            .with_context(|| format!("bench call {kind} {message} failed"))?;
        if let Some(error) = value["error"].as_str() {
            bail!("bench call {kind} {message} failed in the page: {error}");
        }
        Ok(value)
    }
}
