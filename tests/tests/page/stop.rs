//! Stop in the middle of a sweep: every finished run stays, the page is
//! usable again.

use std::time::{Duration, Instant};

use crate::fixture::{INPUT_TIMEOUT, LOAD_TIMEOUT, Page};

/// A sweep long enough to be stopped halfway: 16 η0 × 4 depths of 600 steps,
/// 1.4e12 floating-point operations, under the page's cap of 2e12.
const LONG_SWEEP: &str = "/?eta0=0.001:0.3:16&depths=1,8,16,24&steps=600&run=1";

#[tokio::test]
async fn stop_keeps_finished_runs() {
    let page = Page::open("stop", LONG_SWEEP).await;
    page.wait_for_state("running", LOAD_TIMEOUT).await;

    // Wait for a few finished runs, then stop.
    let deadline = Instant::now() + LOAD_TIMEOUT;
    let mut rows = page.table_rows().await;
    while rows.len() < 2 {
        assert!(
            Instant::now() < deadline,
            "no run finished within {LOAD_TIMEOUT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        rows = page.table_rows().await;
    }
    page.click("#stop").await;
    page.wait_for_state("stopped", INPUT_TIMEOUT).await;

    let kept = page.table_rows().await;
    assert!(
        kept.len() >= rows.len(),
        "Stop removed finished rows: {} before, {} after",
        rows.len(),
        kept.len()
    );
    assert!(
        kept.len() < 64,
        "the sweep finished before Stop, so Stop was not tested"
    );
    let progress = page.text("#progress-text").await;
    assert!(
        progress.contains("Stopped"),
        "#progress-text should say the sweep stopped: {progress:?}"
    );

    // Terminated workers send nothing more: the table stays as it is.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(page.table_rows().await, kept, "rows changed after Stop");
    page.wait_for_run_enabled(INPUT_TIMEOUT).await;
    let errors = page.console_errors().await;
    assert!(
        errors.is_empty(),
        "the browser console has errors: {errors:#?}"
    );
    page.close().await;
}
