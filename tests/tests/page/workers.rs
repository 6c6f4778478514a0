//! The worker count changes only the speed: one worker and two workers give
//! bit-identical results, because every run is seeded on its own.

use crate::fixture::{LOAD_TIMEOUT, Page, RUN_TIMEOUT};

const QUERY: &str = "eta0=0.03,0.3,3,30&depths=1,4,8&steps=40&width=16&samples=32&seeds=2";

async fn sweep_rows(name: &str, workers: &str) -> Vec<(u64, usize, f64, String)> {
    let page = Page::open(name, &format!("/?{QUERY}&workers={workers}&run=1")).await;
    page.wait_for_state("done", LOAD_TIMEOUT + RUN_TIMEOUT)
        .await;
    let progress = page.text("#progress-text").await;
    assert!(
        progress.starts_with("24 / 24 runs"),
        "#progress-text with {workers} workers: {progress:?}"
    );
    let rows = page.exact_rows().await;
    page.close().await;
    rows
}

#[tokio::test]
async fn worker_count_keeps_results() {
    let one = sweep_rows("workers-1", "1").await;
    let two = sweep_rows("workers-2", "2").await;
    assert_eq!(one.len(), 24, "2 seeds × 3 depths × 4 rates");
    assert_eq!(one, two, "results with 1 worker differ from results with 2");
}

#[tokio::test]
async fn worker_count_is_validated() {
    let page = Page::open("workers-invalid", "/?workers=0").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    let message = page.text("#workers-error").await;
    assert_eq!(
        message, "workers: 0 is outside the allowed range 1 to 8",
        "#workers-error"
    );
    assert!(
        !page.run_enabled().await,
        "#run should be disabled while workers is 0"
    );
    page.close().await;
}
