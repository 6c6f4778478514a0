//! Exports downloaded from the page and parsed: CSV, JSON with a diverged
//! run, and PNG and SVG of each plot.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use lrdepth_tests::artifacts_dir;

use crate::fixture::{LOAD_TIMEOUT, Page, RUN_TIMEOUT};
use crate::share::choose;

const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(20);

/// η0 = 1000 diverges at every depth; 0.05 trains.
const QUERY: &str = "/?eta0=0.05,1000&depths=1,2,4&steps=20&width=8&samples=16";
const N_RUNS: usize = 6;

/// Waits until `dir/name` exists and Chromium has finished writing it.
fn wait_for_download(dir: &Path, name: &str) -> Vec<u8> {
    let path: PathBuf = dir.join(name);
    let partial = dir.join(format!("{name}.crdownload"));
    let start = Instant::now();
    loop {
        if path.is_file() && !partial.exists() {
            let bytes = fs::read(&path).expect("the download is readable");
            if !bytes.is_empty() {
                fs::remove_file(&path).expect("failed to remove the download");
                return bytes;
            }
        }
        if start.elapsed() > DOWNLOAD_TIMEOUT {
            let listing: Vec<_> = fs::read_dir(dir)
                .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
                .unwrap_or_default();
            panic!("{name} was not downloaded within {DOWNLOAD_TIMEOUT:?}; folder has {listing:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Parses `text` with the browser's XML parser and returns the root
/// element's name, or the parser's error.
async fn parse_xml(page: &Page, text: &str) -> Result<String, String> {
    let script = "const doc = new DOMParser().parseFromString(arguments[0], 'image/svg+xml'); \
                  const error = doc.querySelector('parsererror'); \
                  return error ? { error: error.textContent } : { root: doc.documentElement.nodeName };";
    let value = page.browser.execute(script, vec![json!(text)]).await;
    match (value["root"].as_str(), value["error"].as_str()) {
        (Some(root), _) => Ok(root.to_string()),
        (None, Some(error)) => Err(error.to_string()),
        _ => Err(format!("unexpected parser result {value}")),
    }
}

#[tokio::test]
async fn exports_download_and_parse() {
    let downloads = tempfile::tempdir().expect("failed to create the download folder");
    let dir = downloads.path();
    let page = Page::open_downloading("export", QUERY, dir).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    page.click("#run").await;
    page.wait_for_state("done", RUN_TIMEOUT).await;

    page.click("#export-csv").await;
    let csv = String::from_utf8(wait_for_download(dir, "results.csv")).expect("CSV is UTF-8");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("CSV has a header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    assert_eq!(rows.len(), N_RUNS, "one CSV row per run:\n{csv}");
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("CSV has no column {name}: {header:?}"))
    };
    let (eta0, final_loss, diverged) = (column("eta0"), column("final_loss"), column("diverged"));
    for row in &rows {
        assert_eq!(row.len(), header.len(), "row {row:?}");
        if row[eta0] == "1000" {
            assert_eq!(row[diverged], "true", "η0 1000 diverges: {row:?}");
            assert_eq!(
                row[final_loss], "inf",
                "a diverged loss is written inf: {row:?}"
            );
        } else {
            let loss: f64 = row[final_loss].parse().expect("a finite loss parses");
            assert!(loss.is_finite(), "a trained loss is finite: {row:?}");
            assert!(loss > 0.0, "a trained loss is positive: {row:?}");
        }
    }

    page.click("#export-json").await;
    let json_bytes = wait_for_download(dir, "results.json");
    let report: Value = serde_json::from_slice(&json_bytes).expect("the JSON parses");
    let runs = report["runs"].as_array().expect("JSON has runs");
    assert_eq!(runs.len(), N_RUNS, "one JSON run per run");
    let diverged_runs: Vec<&Value> = runs
        .iter()
        .filter(|r| r["diverged"] == json!(true))
        .collect();
    assert_eq!(diverged_runs.len(), 3, "η0 1000 diverges at each depth");
    for run in &diverged_runs {
        assert_eq!(run["final_loss"], json!("inf"), "run {run}");
    }
    let runs_text = serde_json::to_string(runs).expect("runs serialize");
    assert!(!runs_text.contains("null"), "a run has a null: {runs_text}");
    assert_eq!(report["config"]["width"], json!(8));

    let plots = [
        ("plot-depth", "loss_vs_depth"),
        ("plot-rate", "loss_vs_rate"),
        ("plot-best", "best_rate_vs_depth"),
    ];
    for (id, stem) in plots {
        choose(&page, "export-plot", id).await;
        page.click("#export-png").await;
        let png = wait_for_download(dir, &format!("{stem}.png"));
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{stem}.png has no PNG signature"
        );
        assert!(png.len() > 2_000, "{stem}.png is only {} bytes", png.len());

        page.click("#export-svg").await;
        let svg = wait_for_download(dir, &format!("{stem}.svg"));
        let svg = String::from_utf8(svg).expect("SVG is UTF-8");
        let copy = artifacts_dir().join(format!("export-{stem}.svg"));
        fs::write(&copy, &svg).expect("failed to keep a copy of the SVG");
        let root = parse_xml(&page, &svg).await;
        assert_eq!(
            root,
            Ok("svg".to_string()),
            "{stem}.svg should parse as SVG"
        );
        assert!(svg.contains("<text"), "{stem}.svg should have text labels");
    }
    page.browser
        .save_screenshot(&artifacts_dir().join("share-panel.png"))
        .await;
    let errors = page.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    page.close().await;
}
