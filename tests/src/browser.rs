//! Headless Chromium driven through chromedriver with fantoccini.

use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::Duration;

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tempfile::TempDir;

const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const DEFAULT_CHROME: &str = "/usr/bin/chromium";

/// Tallest window, in CSS pixels, that a screenshot makes to fit the page.
/// Longer pages are cut off at the bottom.
const MAX_SCREENSHOT_HEIGHT: u64 = 10_000;

/// Number of chromedriver starts a test tries before it gives up.
const DRIVER_START_ATTEMPTS: u32 = 3;

/// Time chromedriver gets to print the port it listens on.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(20);

/// Chromium flags. Besides headless mode, they turn off the background
/// connections (updates, sync, QUIC probes) that Chromium makes on its own,
/// so the browser talks only to the loopback servers of the test.
const CHROME_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
];

/// One entry of the browser console, as chromedriver's log endpoint returns it.
#[derive(Clone, Debug)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO` or `DEBUG`. Console errors and failed loads are `SEVERE`.
    pub level: String,
    pub message: String,
}

/// A chromedriver process with one Chromium session.
///
/// Dropping it ends the session and kills chromedriver, also when a test
/// panics: [`Browser::close`] is the orderly way, and `Drop` is the fallback.
pub struct Browser {
    client: Client,
    session_id: Option<String>,
    driver_port: u16,
    /// Declared before `_profile`, so chromedriver is killed before the profile is removed.
    _driver: DriverProcess,
    /// The fresh Chromium profile, removed when the browser is dropped.
    _profile: TempDir,
    /// Console entries fetched so far.
    console: Mutex<Vec<LogEntry>>,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a headless
    /// Chromium session.
    ///
    /// `name` names the chromedriver log, `target/e2e/<name>-chromedriver.log`.
    /// The environment variables CHROMEDRIVER and CHROME override the paths
    /// of chromedriver and Chromium.
    pub async fn start(name: &str) -> Browser {
        Browser::start_with_args(name, &[]).await
    }

    /// Starts a browser as [`Browser::start`] does, with `extra_args` passed
    /// to Chromium after its default flags, such as `--force-device-scale-factor=2`.
    pub async fn start_with_args(name: &str, extra_args: &[&str]) -> Browser {
        Browser::start_with_options(name, extra_args, None).await
    }

    /// Starts a browser as [`Browser::start_with_args`] does, saving every
    /// download into `download_dir` without asking, if it is given.
    pub async fn start_with_options(
        name: &str,
        extra_args: &[&str],
        download_dir: Option<&Path>,
    ) -> Browser {
        let driver_path = env_path("CHROMEDRIVER", DEFAULT_CHROMEDRIVER);
        let chrome_path = env_path("CHROME", DEFAULT_CHROME);
        let log_path = crate::artifacts_dir().join(format!("{name}-chromedriver.log"));

        // chromedriver sometimes exits at once with "bind() failed: Address
        // already in use" while other browsers start beside it, so a driver
        // that exits before reporting its port is started again.
        let mut attempt = 1;
        let (driver, driver_port) = loop {
            match spawn_driver(&driver_path, &log_path) {
                Ok(started) => break started,
                Err(error) if attempt < DRIVER_START_ATTEMPTS => {
                    eprintln!("chromedriver start {attempt} failed, starting it again: {error}");
                    attempt += 1;
                }
                Err(error) => panic!("{error}"),
            }
        };

        let profile = tempfile::Builder::new()
            .prefix("lrdepth-chromium-")
            .tempdir()
            .expect("failed to create a temporary Chromium profile folder");
        let capabilities = capabilities(&chrome_path, profile.path(), extra_args, download_dir);
        let driver_url = format!("http://{}:{driver_port}", Ipv4Addr::LOCALHOST);
        let connected = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver_url)
            .await;
        let client = match connected {
            Ok(client) => client,
            Err(error) => {
                panic!(
                    "chromedriver on {driver_url} failed to start Chromium at {}: {error}; \
                     set CHROME to the browser's path if it is elsewhere, and see {}",
                    chrome_path.display(),
                    log_path.display()
                );
            }
        };
        let session_id = client
            .session_id()
            .await
            .expect("failed to read the WebDriver session id");

        Browser {
            client,
            session_id,
            driver_port,
            _driver: driver,
            _profile: profile,
            console: Mutex::new(Vec::new()),
        }
    }

    /// Returns the fantoccini client, for commands this type does not wrap.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits until the document has loaded.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|error| panic!("failed to open {url}: {error}"));
    }

    /// Runs `script` as the body of a function in the page and returns its result.
    /// `args` are available to the script as `arguments[0]`, `arguments[1]`, ….
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|error| panic!("script failed in the page: {error}\n{script}"))
    }

    /// Finds the one element that matches the CSS `selector`.
    pub async fn find(&self, selector: &str) -> fantoccini::elements::Element {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|error| panic!("element {selector} not found: {error}"))
    }

    /// Saves a PNG screenshot of the whole page to `path`, creating its folder.
    ///
    /// WebDriver screenshots show only the viewport, so this makes the window
    /// as tall as the document for the picture and then restores its size.
    pub async fn save_screenshot(&self, path: &Path) {
        let (width, height) = self
            .client
            .get_window_size()
            .await
            .unwrap_or_else(|error| panic!("failed to read the window size: {error}"));
        let script = "return [document.documentElement.scrollHeight, \
                      window.outerHeight - window.innerHeight];";
        let sizes = self.execute(script, vec![]).await;
        let document_height = sizes[0].as_u64().unwrap_or(height);
        let window_frame = sizes[1].as_u64().unwrap_or(0);
        let full_height = (document_height + window_frame).min(MAX_SCREENSHOT_HEIGHT);
        let resized = full_height > height;
        if resized {
            self.set_window_size(width, full_height).await;
        }

        let png = self.client.screenshot().await;

        if resized {
            self.set_window_size(width, height).await;
        }
        let png = png.unwrap_or_else(|error| panic!("failed to take a screenshot: {error}"));
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)
                .unwrap_or_else(|error| panic!("failed to create {}: {error}", dir.display()));
        }
        fs::write(path, png)
            .unwrap_or_else(|error| panic!("failed to write {}: {error}", path.display()));
    }

    /// Resizes the window and waits until the page has laid out and painted
    /// at the new size, which takes two animation frames.
    pub async fn set_window_size(&self, width: u64, height: u64) {
        let (width, height) = (width as u32, height as u32);
        self.client
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|error| {
                panic!("failed to resize the window to {width}×{height}: {error}")
            });
        let script = "const done = arguments[arguments.length - 1]; \
                      requestAnimationFrame(() => requestAnimationFrame(() => done(null)));";
        self.client
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|error| panic!("failed to wait for a repaint after resizing: {error}"));
    }

    /// Makes Chromium run `script` in every document this session opens
    /// from now on, before any script of the page itself.
    ///
    /// Uses the DevTools command `Page.addScriptToEvaluateOnNewDocument`
    /// through chromedriver, because WebDriver has no such command.
    pub async fn run_on_new_document(&self, script: &str) {
        let command = DevToolsCommand {
            method: "Page.addScriptToEvaluateOnNewDocument",
            params: json!({ "source": script }),
        };
        self.client
            .issue_cmd(command)
            .await
            .unwrap_or_else(|error| panic!("failed to add a script for new documents: {error}"));
    }

    /// Returns every browser console entry since the session started.
    ///
    /// chromedriver hands out each entry only once, so this stores what it
    /// fetched and returns the stored entries too.
    pub async fn console(&self) -> Vec<LogEntry> {
        let response = self
            .client
            .issue_cmd(BrowserLogCommand)
            .await
            .unwrap_or_else(|error| panic!("failed to read the browser console log: {error}"));
        let new_entries = response.as_array().cloned().unwrap_or_default();
        let mut console = self.console.lock().unwrap_or_else(PoisonError::into_inner);
        for entry in new_entries {
            let text = |key: &str| entry[key].as_str().unwrap_or_default().to_string();
            console.push(LogEntry {
                level: text("level"),
                message: text("message"),
            });
        }
        console.clone()
    }

    /// Ends the session, which closes Chromium, then stops chromedriver.
    pub async fn close(mut self) {
        let result = self.client.clone().close().await;
        if result.is_ok() {
            self.session_id = None;
        }
        // Dropping kills chromedriver, and retries ending the session if closing failed.
        drop(self);
        result.expect("failed to end the WebDriver session");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // End the session before chromedriver is killed, because killing it
        // alone can leave Chromium running. A plain blocking request works
        // even when the test's runtime is gone.
        if let Some(session_id) = self.session_id.take()
            && let Err(error) = delete_session(self.driver_port, &session_id)
        {
            eprintln!("failed to end WebDriver session {session_id}: {error}");
        }
    }
}

/// The chromedriver child process, killed when dropped.
struct DriverProcess {
    child: Child,
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        if let Err(error) = self.child.kill() {
            eprintln!(
                "failed to kill chromedriver (pid {}): {error}",
                self.child.id()
            );
        }
        let _ = self.child.wait();
    }
}

fn env_path(name: &str, default: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(name).unwrap_or_else(|| OsString::from(default)))
}

fn capabilities(
    chrome_path: &Path,
    profile: &Path,
    extra_args: &[&str],
    download_dir: Option<&Path>,
) -> Capabilities {
    let mut args: Vec<String> = CHROME_ARGS.iter().map(|arg| arg.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend(extra_args.iter().map(|arg| arg.to_string()));
    // chromedriver turns these preferences into the download behaviour of
    // headless Chromium.
    let prefs = match download_dir {
        Some(dir) => json!({
            "download.default_directory": dir,
            "download.prompt_for_download": false,
        }),
        None => json!({}),
    };
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chrome_path,
            "args": args,
            "prefs": prefs,
        },
        // Keeps console messages and failed loads for the log endpoint.
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    match capabilities {
        Value::Object(map) => map,
        _ => unreachable!("json! of an object literal returns an object"),
    }
}

/// Starts chromedriver on port 0 and returns it with the port it reports.
///
/// Port 0 lets chromedriver choose a free port, which it then prints, so no
/// other process can take the port between choosing and binding.
fn spawn_driver(driver_path: &Path, log_path: &Path) -> Result<(DriverProcess, u16), String> {
    let mut child = Command::new(driver_path)
        .arg("--port=0")
        .arg(format!("--log-path={}", log_path.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "failed to start chromedriver at {}: {error}; install it with \
                 scripts/setup.sh or set CHROMEDRIVER to its path",
                driver_path.display()
            )
        });
    let stdout = child.stdout.take().expect("chromedriver's stdout is piped");
    let driver = DriverProcess { child };
    let (port_sender, port_receiver) = mpsc::channel();
    // The thread ends by itself when the pipe closes. It is not joined,
    // because Chromium may hold the pipe open after chromedriver is killed.
    std::thread::spawn(move || read_driver_stdout(stdout, port_sender));

    match port_receiver.recv_timeout(DRIVER_START_TIMEOUT) {
        Ok(port) => Ok((driver, port)),
        Err(error) => Err(format!(
            "chromedriver at {} did not report its port within {DRIVER_START_TIMEOUT:?} \
             ({error}); see {}",
            driver_path.display(),
            log_path.display()
        )),
    }
}

/// Sends the port from chromedriver's "started successfully on port N" line,
/// then reads stdout to its end so that chromedriver never blocks on a full pipe.
fn read_driver_stdout(stdout: impl Read, port_sender: mpsc::Sender<u16>) {
    const MARKER: &str = "started successfully on port ";
    let mut sent = false;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if sent {
            continue;
        }
        if let Some(rest) = line.split(MARKER).nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(port) = digits.parse() {
                // The receiver is gone only if the test stopped waiting.
                let _ = port_sender.send(port);
                sent = true;
            }
        }
    }
}

/// Sends `DELETE /session/{id}` to chromedriver and waits for its response.
///
/// chromedriver keeps the connection open after answering, so this reads
/// the response up to its `Content-Length` rather than to the end of the stream.
fn delete_session(port: u16, session_id: &str) -> std::io::Result<()> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    write!(
        stream,
        "DELETE /session/{session_id} HTTP/1.1\r\nHost: {address}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    )?;

    let mut response = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let count = stream.read(&mut buffer)?;
        if count == 0 {
            return Ok(());
        }
        response.extend_from_slice(&buffer[..count]);
        let Some(head_end) = response.windows(4).position(|window| window == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&response[..head_end]);
        let body_length = head
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if response.len() >= head_end + 4 + body_length {
            return Ok(());
        }
    }
}

/// chromedriver's log endpoint, which fantoccini does not wrap. Chromium
/// has no W3C WebDriver command for console messages, so chromedriver keeps
/// this one from Selenium's protocol.
#[derive(Debug)]
struct BrowserLogCommand;

impl WebDriverCompatibleCommand for BrowserLogCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session_id = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session_id}/se/log"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_string()),
        )
    }
}

/// A Chrome DevTools Protocol command sent through chromedriver's
/// `goog/cdp/execute` endpoint.
#[derive(Debug)]
struct DevToolsCommand {
    method: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevToolsCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session_id = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session_id}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
