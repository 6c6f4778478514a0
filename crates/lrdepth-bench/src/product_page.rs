//! Measurements of the built page: the default sweep with one worker and
//! with all, Stop during a sweep, load time and wasm sizes.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::cpu::{self, ThreadWatch};
use crate::session::Session;
use crate::stats::{median, range};

/// Maximum wait for the page to load or for a sweep to finish.
const PAGE_TIMEOUT: Duration = Duration::from_secs(300);

/// A sweep long enough to stop in its middle, the one of the Stop test:
/// 16 η0 × 4 depths of 600 steps.
const LONG_SWEEP: &str = "/?eta0=0.001:0.3:16&depths=1,8,16,24&steps=600&workers=auto&run=1";

/// Runs of the default sweep: 8 η0 × 6 depths.
const DEFAULT_RUNS: usize = 48;

/// Median in-page times of the default sweep.
#[derive(Clone, Debug)]
pub struct SweepTiming {
    pub one_worker_s: f64,
    pub all_workers_s: f64,
    /// Workers that `workers=auto` started: `navigator.hardwareConcurrency`, capped.
    pub auto_workers: usize,
    pub one_worker_range: (f64, f64),
    pub all_workers_range: (f64, f64),
    /// Mean cores the whole browser kept busy during the sweeps, from /proc.
    pub one_worker_busy_cores: f64,
    pub all_workers_busy_cores: f64,
}

/// Runs the page's default sweep `repeats` times with `workers=1` and as
/// many with `workers=auto`, alternating, and reads the sweep time the
/// page prints when it is done.
pub async fn sweep_timing(dist: &Path, repeats: usize) -> anyhow::Result<SweepTiming> {
    let tag = format!("--lrdepth-bench-sweep={}", std::process::id());
    let session = Session::start("bench-sweep", dist, &[&tag]).await?;
    let browser_pid = cpu::find_process(&tag)
        .with_context(|| format!("no Chromium process with {tag} on its command line"))?;
    let (mut one, mut all) = (Vec::new(), Vec::new());
    let (mut one_busy, mut all_busy) = (Vec::new(), Vec::new());
    for _ in 0..repeats {
        let (seconds, busy) = default_sweep_seconds(&session, browser_pid, "1").await?;
        one.push(seconds);
        one_busy.push(busy);
        let (seconds, busy) = default_sweep_seconds(&session, browser_pid, "auto").await?;
        all.push(seconds);
        all_busy.push(busy);
    }
    let cores = session
        .browser
        .execute("return navigator.hardwareConcurrency;", vec![])
        .await;
    session.close().await;
    let auto_workers = (cores.as_u64().unwrap_or(1) as usize).clamp(1, 4);
    Ok(SweepTiming {
        one_worker_s: median(&one),
        all_workers_s: median(&all),
        auto_workers,
        one_worker_range: range(&one),
        all_workers_range: range(&all),
        one_worker_busy_cores: median(&one_busy),
        all_workers_busy_cores: median(&all_busy),
    })
}

/// Runs the default sweep once and returns the time the page printed, in
/// seconds, and the mean cores the browser kept busy meanwhile.
async fn default_sweep_seconds(
    session: &Session,
    browser_pid: u32,
    workers: &str,
) -> anyhow::Result<(f64, f64)> {
    session.open(&format!("/?workers={workers}&run=1")).await;
    // Count CPU only while the sweep runs: a navigation may replace the
    // renderer process, and the ticks of an ended process vanish.
    session
        .wait_for_state(&["running", "done"], PAGE_TIMEOUT)
        .await?;
    let (start, ticks_before) = (Instant::now(), cpu::tree_ticks(browser_pid));
    session.wait_for_state(&["done"], PAGE_TIMEOUT).await?;
    let ticks = cpu::tree_ticks(browser_pid).saturating_sub(ticks_before);
    let busy = ticks as f64 / cpu::TICKS_PER_SECOND / start.elapsed().as_secs_f64();
    let rows = session.result_rows().await;
    if rows != DEFAULT_RUNS {
        bail!(
            "the default sweep with workers={workers} listed {rows} runs, expected {DEFAULT_RUNS}"
        );
    }
    let progress = session.text("#progress-text").await;
    let seconds = progress
        .split("finished in ")
        .nth(1)
        .and_then(|rest| rest.trim_end_matches(" s").parse::<f64>().ok())
        .with_context(|| {
            format!("#progress-text does not end with the sweep time: {progress:?}")
        })?;
    Ok((seconds, busy))
}

/// Cost of a click on Stop during a sweep, medians over repetitions.
#[derive(Clone, Debug)]
pub struct StopTiming {
    /// From the click to the end of the page's click handler, which
    /// terminates every worker and sets the state to `stopped`.
    pub handler_ms: f64,
    /// From the click to the first task the page's main thread runs after it.
    pub main_thread_free_ms: f64,
    /// From just before the bench sends the click through WebDriver to the
    /// moment after which the worker threads used at most [`IDLE_CPU_NS`]
    /// of CPU together.
    pub workers_idle_ms: f64,
    /// From the same moment until no worker thread exists any more.
    pub workers_gone_ms: f64,
    /// The WebDriver call that clicks, from sending it to its response.
    pub click_round_trip_ms: f64,
    /// Cores the browser kept busy just before the click.
    pub busy_cores_before: f64,
    /// Worker threads found in the browser before the click.
    pub workers: usize,
    /// Results that arrived after Stop, over all repetitions; must be 0.
    pub late_results: usize,
}

/// Interval between two reads of the worker threads after Stop.
const THREAD_POLL_INTERVAL: Duration = Duration::from_millis(1);

/// CPU time the worker threads may still use, together, once they count
/// as idle: 1 ms, a few polls of rounding.
pub const IDLE_CPU_NS: u64 = 1_000_000;

/// Length of the watch of the worker threads after Stop.
const THREAD_WATCH_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts a long sweep on every worker, clicks Stop once a few runs are
/// done, and times the click handler and the end of the worker threads.
pub async fn stop_timing(dist: &Path, repeats: usize) -> anyhow::Result<StopTiming> {
    let (mut handler, mut free, mut round_trip, mut busy) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut idle, mut gone) = (Vec::new(), Vec::new());
    let mut late_results = 0;
    let mut workers = 0;
    for repetition in 0..repeats {
        let tag = format!("--lrdepth-bench-stop={}-{repetition}", std::process::id());
        let session = Session::start("bench-stop", dist, &[&tag]).await?;
        let browser_pid = cpu::find_process(&tag)
            .with_context(|| format!("no Chromium process with {tag} on its command line"))?;
        session.open(LONG_SWEEP).await;
        session.wait_for_state(&["running"], PAGE_TIMEOUT).await?;
        let deadline = Instant::now() + PAGE_TIMEOUT;
        while session.result_rows().await < 2 {
            if Instant::now() > deadline {
                bail!("no run of the long sweep finished within {PAGE_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let measured = tokio::task::spawn_blocking(move || {
            cpu::busy_cores(browser_pid, Duration::from_millis(300))
        });
        busy.push(measured.await.context("the CPU measuring thread failed")?);
        let threads = cpu::worker_threads(browser_pid);
        if threads.is_empty() {
            bail!(
                "found no {} thread in the browser during the sweep",
                "DedicatedWorker"
            );
        }
        workers = threads.len();

        let start = Instant::now();
        let watcher = tokio::task::spawn_blocking(move || {
            ThreadWatch::record(&threads, start, THREAD_POLL_INTERVAL, THREAD_WATCH_TIMEOUT)
        });
        let click = click_stop(&session).await?;
        round_trip.push(start.elapsed().as_secs_f64() * 1e3);
        let watch = watcher
            .await
            .context("the thread watching the workers failed")?;
        let idle_at = watch.idle_after(IDLE_CPU_NS).with_context(|| {
            format!("the worker threads kept computing for {THREAD_WATCH_TIMEOUT:?} after Stop")
        })?;
        idle.push(idle_at.as_secs_f64() * 1e3);
        // A thread that outlives the watch counts as gone at its end.
        let gone_at = watch.gone_at().unwrap_or(THREAD_WATCH_TIMEOUT);
        gone.push(gone_at.as_secs_f64() * 1e3);
        handler.push(click.handler_ms);
        free.push(click.main_thread_free_ms);

        tokio::time::sleep(Duration::from_millis(500)).await;
        late_results += session.result_rows().await.saturating_sub(click.rows);
        session.close().await;
    }
    Ok(StopTiming {
        handler_ms: median(&handler),
        main_thread_free_ms: median(&free),
        workers_idle_ms: median(&idle),
        workers_gone_ms: median(&gone),
        click_round_trip_ms: median(&round_trip),
        busy_cores_before: median(&busy),
        workers,
        late_results,
    })
}

struct StopClick {
    handler_ms: f64,
    main_thread_free_ms: f64,
    rows: usize,
}

async fn click_stop(session: &Session) -> anyhow::Result<StopClick> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        const start = performance.now();
        document.getElementById('stop').click();
        const handler = performance.now() - start;
        const state = document.body.dataset.state;
        const rows = document.querySelectorAll('#results tbody tr').length;
        setTimeout(() => done({ handler, free: performance.now() - start, state, rows }), 0);
    "#;
    let value = session
        .browser
        .client()
        .execute_async(script, vec![])
        .await
        .context("failed to click Stop")?;
    let state = value["state"].as_str().unwrap_or_default();
    if state != "stopped" {
        bail!("after the click on Stop the state is {state:?}, expected \"stopped\"");
    }
    Ok(StopClick {
        handler_ms: value["handler"].as_f64().unwrap_or(f64::NAN),
        main_thread_free_ms: value["free"].as_f64().unwrap_or(f64::NAN),
        rows: value["rows"].as_u64().unwrap_or_default() as usize,
    })
}

/// Median times of a first load of the page in a fresh browser profile.
#[derive(Clone, Debug)]
pub struct LoadTiming {
    /// From navigation start to `body[data-state="idle"]`.
    pub interactive_ms: f64,
    /// From navigation start to the end of the HTML response.
    pub response_end_ms: f64,
    /// From navigation start to the `load` event.
    pub load_event_ms: f64,
}

/// Records, in every new document, when the page first sets
/// `body[data-state]` to `idle`.
const IDLE_RECORDER: &str = r#"
    new MutationObserver((_, observer) => {
        if (document.body && document.body.dataset.state === 'idle') {
            window.lrdepthIdleAt = performance.now();
            observer.disconnect();
        }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
"#;

/// Loads the page `repeats` times, each in a fresh browser with an empty
/// cache, and times it from navigation start to interactive.
pub async fn load_timing(dist: &Path, repeats: usize) -> anyhow::Result<LoadTiming> {
    let (mut interactive, mut response, mut load) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..repeats {
        let session = Session::start("bench-load", dist, &[]).await?;
        session.browser.run_on_new_document(IDLE_RECORDER).await;
        session.open("/").await;
        session.wait_for_state(&["idle"], PAGE_TIMEOUT).await?;
        let script = "const navigation = performance.getEntriesByType('navigation')[0]; \
                      return { idle: window.lrdepthIdleAt ?? null, \
                               response: navigation.responseEnd, load: navigation.loadEventEnd };";
        // The load event may come after the page is interactive.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let value = session.browser.execute(script, vec![]).await;
        interactive.push(
            value["idle"]
                .as_f64()
                .context("the page became idle but the recorder saw no change to idle")?,
        );
        response.push(value["response"].as_f64().unwrap_or(f64::NAN));
        load.push(value["load"].as_f64().unwrap_or(f64::NAN));
        session.close().await;
    }
    Ok(LoadTiming {
        interactive_ms: median(&interactive),
        response_end_ms: median(&response),
        load_event_ms: median(&load),
    })
}

/// Size of one wasm file of the built page.
#[derive(Clone, Debug)]
pub struct WasmSize {
    pub name: String,
    pub raw_bytes: u64,
    /// Size after gzip at its highest level.
    pub gzip_bytes: u64,
}

/// Returns the raw and gzipped size of every `.wasm` file in `dist`.
pub fn wasm_sizes(dist: &Path) -> anyhow::Result<Vec<WasmSize>> {
    let mut sizes = Vec::new();
    let entries =
        fs::read_dir(dist).with_context(|| format!("failed to list {}", dist.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|ext| ext != "wasm") {
            continue;
        }
        let bytes =
            fs::read(&path).with_context(|| format!("failed to read {}", path.display()))?;
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(&bytes)?;
        let gzip_bytes = encoder.finish()?.len() as u64;
        sizes.push(WasmSize {
            name: path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            raw_bytes: bytes.len() as u64,
            gzip_bytes,
        });
    }
    sizes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sizes)
}
