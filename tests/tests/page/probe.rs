//! The one-step probe section: it runs on its own worker, draws both of its
//! plots, and refuses widths below four times the deepest depth.

use std::time::{Duration, Instant};

use crate::fixture::{INPUT_TIMEOUT, LOAD_TIMEOUT, Page};

/// Probes are one step on one example per seed; the bound only stops a hang.
const PROBE_TIMEOUT: Duration = Duration::from_secs(60);

async fn wait_for_probe_end(page: &Page) -> String {
    let start = Instant::now();
    loop {
        let status = page.text("#probe-status").await;
        if status.starts_with("Done") || status.contains("failed") {
            return status;
        }
        assert!(
            start.elapsed() < PROBE_TIMEOUT,
            "the probe did not end within {PROBE_TIMEOUT:?}: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn probe_draws_both_plots() {
    let page = Page::open("probe", "/?width=128&depths=2,8,32").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    page.click("#probe-run").await;

    let status = wait_for_probe_end(&page).await;
    assert_eq!(
        status, "Done: 3 depths, 64 seeds each.",
        "#probe-status after the probe"
    );
    let probe = page.canvas_drawing("plot-probe").await;
    assert!(probe.colours > 10, "#plot-probe is nearly blank: {probe:?}");
    for depth in [2, 8, 32] {
        assert!(
            probe.aria_label.contains(&format!("depth {depth}: median")),
            "#plot-probe label should give the median at depth {depth}: {:?}",
            probe.aria_label
        );
    }
    let profile = page.canvas_drawing("plot-profile").await;
    assert!(
        profile.colours > 10,
        "#plot-profile is nearly blank: {profile:?}"
    );
    let errors = page.console_errors().await;
    assert!(
        errors.is_empty(),
        "the browser console has errors: {errors:#?}"
    );
    page.close().await;
}

#[tokio::test]
async fn probe_rejects_narrow_width() {
    let page = Page::open("probe-narrow", "/?width=64&depths=4,32").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    page.click("#probe-run").await;
    let status = page.wait_for_text("#probe-status", INPUT_TIMEOUT).await;
    assert_eq!(
        status,
        "The probe needs width of at least 4 × the deepest depth: width 64 is below 4 × 32 = 128.",
        "#probe-status for width 64 and depth 32"
    );
    page.close().await;
}
