//! The one-step probe section: it runs on its own worker, draws both of its
//! plots, is flat under the depth rule and steep under μP, and rejects
//! widths below four times the deepest depth and tasks with several outputs.

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

/// Reads the median of each depth from the probe plot's label, which reads
/// "…: depth 4: median 12.5; depth 8: median 3.2e2.".
fn medians_from_label(label: &str) -> Vec<(usize, f64)> {
    label
        .split("depth ")
        .skip(1)
        .map(|part| {
            let (depth, rest) = part
                .split_once(": median ")
                .unwrap_or_else(|| panic!("no median in {part:?} of label {label:?}"));
            let value = rest.trim_end_matches(['.', ';', ' ']);
            let value = value.split(';').next().unwrap_or(value);
            (
                depth.parse().expect("a depth in the label"),
                value
                    .parse()
                    .unwrap_or_else(|e| panic!("invalid median {value:?} in the label: {e}")),
            )
        })
        .collect()
}

async fn probe_medians(name: &str, param: &str) -> Vec<(usize, f64)> {
    let page = Page::open(name, &format!("/?width=128&depths=4,8,16&param={param}")).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    page.click("#probe-run").await;
    let status = wait_for_probe_end(&page).await;
    assert_eq!(
        status, "Done: 3 depths, 64 seeds each.",
        "#probe-status under {param}"
    );
    let drawing = page.canvas_drawing("plot-probe").await;
    page.close().await;
    medians_from_label(&drawing.aria_label)
}

/// Under μP the median move grows like about L^2.4, so from depth 4 to 16
/// by more than 16×. Under the depth rule the same η0 is scaled by
/// (L/4)^(-3/2), which cancels L^3: the medians must stay within a factor 4
/// of each other. Both bands leave room for the median's spread over 64
/// seeds. Width 128 is 8 × the deepest depth: at width 64 the median of
/// depth 16 is already skewed by heavy tails (it falls below depth 8's).
#[tokio::test]
async fn probe_flat_under_depth_rule() {
    let mup = probe_medians("probe-mup", "mup").await;
    let rule = probe_medians("probe-rule", "mup-depth").await;
    eprintln!("probe medians, μP: {mup:?}; μP + depth rule: {rule:?}");
    let depths: Vec<usize> = mup.iter().map(|&(d, _)| d).collect();
    assert_eq!(depths, [4, 8, 16], "depths in the μP label");
    let growth = mup[2].1 / mup[0].1;
    assert!(
        growth > 16.0,
        "under μP the median grows only {growth:.2}× from depth 4 to 16: {mup:?}"
    );
    let values: Vec<f64> = rule.iter().map(|&(_, m)| m).collect();
    let spread = values.iter().cloned().fold(f64::MIN, f64::max)
        / values.iter().cloned().fold(f64::MAX, f64::min);
    assert_eq!(rule.len(), 3, "depths in the depth-rule label: {rule:?}");
    assert!(
        spread < 4.0,
        "under the depth rule the medians differ by {spread:.2}×: {rule:?}"
    );
}

#[tokio::test]
async fn probe_rejects_several_outputs() {
    let page = Page::open("probe-digits", "/?width=64&depths=4,8&task=digits").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    page.click("#probe-run").await;
    let status = page.wait_for_text("#probe-status", INPUT_TIMEOUT).await;
    assert_eq!(
        status,
        "The probe needs a task with one output, and handwritten digits has 10: \
         choose teacher regression or 2-D spirals.",
        "#probe-status for the digits task"
    );
    page.close().await;
}
