//! The page under test and the parts of its DOM contract (`index.html`) that
//! the tests read: `body[data-state]`, `#panic`, the form fields with their
//! `#<field>-error` outputs, `#run`, `#run-reason`, the results table and the
//! two plot canvases.

use std::path::Path;
use std::time::{Duration, Instant};

use lrdepth_tests::{Browser, LogEntry, StaticServer, built_page};
use serde_json::{Value, json};
use tokio::sync::{Mutex, MutexGuard};

/// Time from opening the page to `data-state="idle"`: loading the module and
/// starting the worker.
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// Time for a small sweep from its start to `data-state="done"`.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Time for the page to validate a field after a keystroke.
pub const INPUT_TIMEOUT: Duration = Duration::from_secs(5);

const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Lets one test at a time hold a browser. Sweeps are CPU-bound, so parallel
/// browsers would slow each other towards the timeouts above.
static BROWSER_SLOT: Mutex<()> = Mutex::const_new(());

/// The state of the page at one moment.
#[derive(Debug)]
pub struct Status {
    /// Value of `body[data-state]`: loading, idle, running, done or stopped.
    pub state: String,
    /// Text of `#panic` if it is shown or has text.
    pub panic: Option<String>,
    /// Text of `#progress-text`.
    pub progress: String,
}

/// Backing-store and layout size of a plot canvas.
#[derive(Debug)]
pub struct CanvasSize {
    /// `canvas.width`, in device pixels.
    pub width: u64,
    /// `canvas.height`, in device pixels.
    pub height: u64,
    /// Width from `getBoundingClientRect`, in CSS pixels.
    pub css_width: f64,
    /// Height from `getBoundingClientRect`, in CSS pixels.
    pub css_height: f64,
    /// `window.devicePixelRatio`.
    pub device_pixel_ratio: f64,
    /// The `data-draws` attribute, which the page increments on every draw.
    /// `None` if it is missing or not an integer.
    pub draws: Option<u64>,
}

/// Pixels and label of a plot canvas.
#[derive(Debug)]
pub struct CanvasDrawing {
    pub width: u64,
    pub height: u64,
    /// Distinct RGBA values among the pixels, counted up to 256.
    pub colours: u64,
    pub aria_label: String,
}

/// The built page open in a browser, served from loopback.
///
/// Fields drop in order: the browser first, then the server, then the slot.
pub struct Page {
    pub browser: Browser,
    /// `None` once [`Page::stop_server`] has stopped it.
    server: Option<StaticServer>,
    _slot: MutexGuard<'static, ()>,
}

impl Page {
    /// Builds the page if this process has not yet, serves it, starts a
    /// browser and opens `path_and_query`, such as `/` or `/?width=8`.
    ///
    /// `name` names the chromedriver log in `target/e2e`.
    pub async fn open(name: &str, path_and_query: &str) -> Page {
        Page::open_with(name, path_and_query, built_page(), &[]).await
    }

    /// Opens the page as [`Page::open`] does, but serves the folder `root`
    /// in place of the built page and passes `chrome_args` to Chromium.
    pub async fn open_with(
        name: &str,
        path_and_query: &str,
        root: &Path,
        chrome_args: &[&str],
    ) -> Page {
        let slot = BROWSER_SLOT.lock().await;
        let server = StaticServer::start(root);
        let browser = Browser::start_with_args(name, chrome_args).await;
        Page::open_on(slot, browser, server, path_and_query).await
    }

    /// Opens the built page as [`Page::open`] does, in a browser that saves
    /// downloads into `download_dir`.
    pub async fn open_downloading(name: &str, path_and_query: &str, download_dir: &Path) -> Page {
        let slot = BROWSER_SLOT.lock().await;
        let server = StaticServer::start(built_page());
        let browser = Browser::start_with_options(name, &[], Some(download_dir)).await;
        Page::open_on(slot, browser, server, path_and_query).await
    }

    /// Opens the built page served under the URL path `prefix`, such as
    /// `/some/sub/path`; `path_and_query` follows the prefix.
    pub async fn open_under(name: &str, prefix: &str, path_and_query: &str) -> Page {
        let slot = BROWSER_SLOT.lock().await;
        let server = StaticServer::start_under(built_page(), prefix);
        let browser = Browser::start(name).await;
        Page::open_on(slot, browser, server, &format!("{prefix}{path_and_query}")).await
    }

    async fn open_on(
        slot: MutexGuard<'static, ()>,
        browser: Browser,
        server: StaticServer,
        path_and_query: &str,
    ) -> Page {
        let url = format!("{}{path_and_query}", server.url());
        let page = Page {
            browser,
            server: Some(server),
            _slot: slot,
        };
        page.browser.goto(&url).await;
        page
    }

    /// Returns the server's base URL, such as `http://127.0.0.1:41234`.
    pub fn server_url(&self) -> String {
        self.server
            .as_ref()
            .expect("the page's server was stopped")
            .url()
    }

    /// Stops the page's server, as if the network were gone.
    pub fn stop_server(&mut self) {
        self.server = None;
    }

    /// Ends the browser session and stops chromedriver and the server.
    pub async fn close(self) {
        let Page {
            browser,
            server,
            _slot,
        } = self;
        browser.close().await;
        drop(server);
    }

    pub async fn status(&self) -> Status {
        let script = r#"
            const panic = document.getElementById('panic');
            const panicText = panic ? panic.textContent.trim() : '';
            const progress = document.getElementById('progress-text');
            return {
                state: document.body.dataset.state ?? '',
                panic: panic && (!panic.hidden || panicText !== '') ? panicText : null,
                progress: progress ? progress.textContent.trim() : '',
            };
        "#;
        let value = self.browser.execute(script, vec![]).await;
        Status {
            state: value["state"].as_str().unwrap_or_default().to_string(),
            panic: value["panic"].as_str().map(str::to_string),
            progress: value["progress"].as_str().unwrap_or_default().to_string(),
        }
    }

    /// Waits until `body[data-state]` equals `expected`.
    ///
    /// Fails at once if `#panic` shows a Rust panic, or if the page reaches
    /// `stopped` while waiting for another state, because neither can change
    /// back by itself.
    pub async fn wait_for_state(&self, expected: &str, timeout: Duration) {
        let start = Instant::now();
        loop {
            let status = self.status().await;
            if let Some(panic) = &status.panic {
                panic!("the page shows a panic while waiting for state {expected:?}: {panic:?}");
            }
            if status.state == expected {
                return;
            }
            if status.state == "stopped" {
                panic!(
                    "the page stopped while waiting for state {expected:?}; progress: {:?}",
                    status.progress
                );
            }
            if start.elapsed() > timeout {
                panic!(
                    "timed out after {timeout:?} waiting for state {expected:?}: state is {:?}, \
                     progress {:?}, field errors {:?}, console errors {:?}",
                    status.state,
                    status.progress,
                    self.field_errors().await,
                    self.console_errors().await
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Replaces the text of the input `#id` by typing `text`, as a user would.
    pub async fn set_field(&self, id: &str, text: &str) {
        let input = self.browser.find(&format!("#{id}")).await;
        input
            .clear()
            .await
            .unwrap_or_else(|error| panic!("failed to clear #{id}: {error}"));
        input
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("failed to type {text:?} into #{id}: {error}"));
    }

    /// Returns the `value` property of the form field that matches `selector`.
    pub async fn value(&self, selector: &str) -> String {
        self.browser
            .find(selector)
            .await
            .prop("value")
            .await
            .unwrap_or_else(|error| panic!("failed to read the value of {selector}: {error}"))
            .unwrap_or_default()
    }

    /// Returns the trimmed `textContent` of the element that matches `selector`.
    pub async fn text(&self, selector: &str) -> String {
        let script = "const element = document.querySelector(arguments[0]); \
                      return element ? element.textContent.trim() : null;";
        let value = self.browser.execute(script, vec![json!(selector)]).await;
        match value {
            Value::String(text) => text,
            _ => panic!("element {selector} not found"),
        }
    }

    /// Waits until the text of `selector` is not empty and returns it.
    pub async fn wait_for_text(&self, selector: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let text = self.text(selector).await;
            if !text.is_empty() {
                return text;
            }
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for text in {selector}");
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    pub async fn run_enabled(&self) -> bool {
        self.browser
            .find("#run")
            .await
            .is_enabled()
            .await
            .unwrap_or_else(|error| panic!("failed to read whether #run is enabled: {error}"))
    }

    /// Waits until `#run` is enabled, which the page does once every field is valid.
    pub async fn wait_for_run_enabled(&self, timeout: Duration) {
        let start = Instant::now();
        while !self.run_enabled().await {
            if start.elapsed() > timeout {
                panic!(
                    "timed out after {timeout:?} waiting for #run to be enabled; \
                     #run-reason: {:?}, field errors: {:?}",
                    self.text("#run-reason").await,
                    self.field_errors().await
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    pub async fn click(&self, selector: &str) {
        self.browser
            .find(selector)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("failed to click {selector}: {error}"));
    }

    /// Returns the non-empty `.error` outputs of the form as `(id, text)`.
    pub async fn field_errors(&self) -> Vec<(String, String)> {
        let script = "return Array.from(document.querySelectorAll('#controls output.error'))\
                      .map(output => [output.id, output.textContent.trim()])\
                      .filter(([, text]) => text !== '');";
        let value = self.browser.execute(script, vec![]).await;
        value
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|pair| {
                let id = pair[0].as_str().unwrap_or_default().to_string();
                let text = pair[1].as_str().unwrap_or_default().to_string();
                (id, text)
            })
            .collect()
    }

    /// Returns the trimmed text of every cell of `#results tbody`, row by row.
    pub async fn table_rows(&self) -> Vec<Vec<String>> {
        let script = "return Array.from(document.querySelectorAll('#results tbody tr'), \
                      row => Array.from(row.cells, cell => cell.textContent.trim()));";
        let value = self.browser.execute(script, vec![]).await;
        serde_json::from_value(value.clone()).unwrap_or_else(|error| {
            panic!("table rows are not lists of strings ({error}): {value}")
        })
    }

    /// Returns the full-precision values of each results row, read from its
    /// `data-*` attributes: (seed, depth, η0, final loss text).
    pub async fn exact_rows(&self) -> Vec<(u64, usize, f64, String)> {
        let script = "return Array.from(document.querySelectorAll('#results tbody tr'), row => \
                      [row.dataset.seed, row.dataset.depth, row.dataset.eta0, row.dataset.finalLoss]);";
        let value = self.browser.execute(script, vec![]).await;
        let rows: Vec<[String; 4]> = serde_json::from_value(value.clone())
            .unwrap_or_else(|error| panic!("row data are not strings ({error}): {value}"));
        rows.into_iter()
            .map(|[seed, depth, eta0, loss]| {
                let seed = seed
                    .parse()
                    .unwrap_or_else(|_| panic!("data-seed {seed:?} does not parse"));
                let depth = depth
                    .parse()
                    .unwrap_or_else(|_| panic!("data-depth {depth:?} does not parse"));
                let eta0 = eta0
                    .parse()
                    .unwrap_or_else(|_| panic!("data-eta0 {eta0:?} does not parse"));
                (seed, depth, eta0, loss)
            })
            .collect()
    }

    /// Returns the attribute `name` of the element that matches `selector`.
    pub async fn attribute(&self, selector: &str, name: &str) -> Option<String> {
        self.browser
            .find(selector)
            .await
            .attr(name)
            .await
            .unwrap_or_else(|error| panic!("failed to read {name} of {selector}: {error}"))
    }

    /// Reads the pixels of the canvas `#id` and counts their distinct colours.
    pub async fn canvas_drawing(&self, id: &str) -> CanvasDrawing {
        let script = r#"
            const canvas = document.getElementById(arguments[0]);
            if (!(canvas instanceof HTMLCanvasElement)) return { error: 'no canvas with this id' };
            const label = canvas.getAttribute('aria-label') ?? '';
            if (canvas.width === 0 || canvas.height === 0) {
                return { width: canvas.width, height: canvas.height, colours: 0, label };
            }
            const context = canvas.getContext('2d');
            if (!context) return { error: 'the canvas has no 2-D context' };
            const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
            const rgba = new Uint32Array(pixels.buffer);
            const colours = new Set();
            for (const value of rgba) {
                colours.add(value);
                if (colours.size >= 256) break;
            }
            return { width: canvas.width, height: canvas.height, colours: colours.size, label };
        "#;
        let value = self.browser.execute(script, vec![json!(id)]).await;
        if let Some(error) = value["error"].as_str() {
            panic!("failed to read canvas #{id}: {error}");
        }
        CanvasDrawing {
            width: value["width"].as_u64().unwrap_or_default(),
            height: value["height"].as_u64().unwrap_or_default(),
            colours: value["colours"].as_u64().unwrap_or_default(),
            aria_label: value["label"].as_str().unwrap_or_default().to_string(),
        }
    }

    /// Reads the backing-store size, layout size and draw count of the canvas `#id`.
    pub async fn canvas_size(&self, id: &str) -> CanvasSize {
        let script = r#"
            const canvas = document.getElementById(arguments[0]);
            if (!(canvas instanceof HTMLCanvasElement)) return { error: 'no canvas with this id' };
            const rect = canvas.getBoundingClientRect();
            return {
                width: canvas.width,
                height: canvas.height,
                cssWidth: rect.width,
                cssHeight: rect.height,
                ratio: window.devicePixelRatio,
                draws: canvas.getAttribute('data-draws'),
            };
        "#;
        let value = self.browser.execute(script, vec![json!(id)]).await;
        if let Some(error) = value["error"].as_str() {
            panic!("failed to read canvas #{id}: {error}");
        }
        CanvasSize {
            width: value["width"].as_u64().unwrap_or_default(),
            height: value["height"].as_u64().unwrap_or_default(),
            css_width: value["cssWidth"].as_f64().unwrap_or_default(),
            css_height: value["cssHeight"].as_f64().unwrap_or_default(),
            device_pixel_ratio: value["ratio"].as_f64().unwrap_or_default(),
            draws: value["draws"].as_str().and_then(|text| text.parse().ok()),
        }
    }

    /// Returns the console errors and failed loads of the page so far.
    pub async fn console_errors(&self) -> Vec<LogEntry> {
        let entries = self.browser.console().await;
        entries
            .into_iter()
            .filter(|entry| entry.level == "SEVERE")
            .collect()
    }
}

/// Parses a number shown in the page. A U+2212 minus sign, which typeset
/// output may use, counts as a hyphen-minus.
pub fn parse_number(text: &str) -> Option<f64> {
    text.trim().replace('\u{2212}', "-").parse().ok()
}
