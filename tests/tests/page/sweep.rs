//! A sweep set through the form: results table, plots, console, and an
//! invalid value typed afterwards.

use std::collections::BTreeSet;

use lrdepth_tests::artifacts_dir;

use crate::fixture::{INPUT_TIMEOUT, LOAD_TIMEOUT, Page, RUN_TIMEOUT, parse_number};

const STEPS: usize = 30;
const DEPTHS: [usize; 2] = [1, 4];
const ETA0: [f64; 2] = [0.1, 1.0];

/// Column headers of `#results`, in order, for failure messages.
const COLUMNS: [&str; 10] = [
    "depth L",
    "η0",
    "rate first",
    "rate hidden",
    "rate readout",
    "final loss",
    "diverged",
    "steps run",
    "seed",
    "param",
];

/// One parsed row of the results table.
#[derive(Debug)]
struct ResultRow {
    depth: usize,
    eta0: f64,
}

#[tokio::test]
async fn sweep_fills_table_and_plots() {
    let page = Page::open("sweep", "/").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;

    let plots = ["plot-depth", "plot-rate", "plot-best"];
    let mut labels_before_run = Vec::new();
    for id in plots {
        let label = page.attribute(&format!("#{id}"), "aria-label").await;
        labels_before_run.push(label.unwrap_or_default());
    }

    page.set_field("eta0", "0.1, 1").await;
    page.set_field("depths", "1, 4").await;
    page.set_field("steps", &STEPS.to_string()).await;
    page.set_field("width", "16").await;
    page.set_field("samples", "32").await;
    page.wait_for_run_enabled(INPUT_TIMEOUT).await;
    page.click("#run").await;
    page.wait_for_state("done", RUN_TIMEOUT).await;

    let rows = page.table_rows().await;
    assert_eq!(
        rows.len(),
        DEPTHS.len() * ETA0.len(),
        "expected one row per depth and η0 (2 × 2), got {rows:?}"
    );
    let parsed: Vec<ResultRow> = rows.iter().map(|row| check_row(row)).collect();
    let depths: BTreeSet<usize> = parsed.iter().map(|row| row.depth).collect();
    assert_eq!(
        depths,
        BTreeSet::from(DEPTHS),
        "depth column should contain exactly the typed depths; rows: {rows:?}"
    );
    for eta0 in ETA0 {
        let count = parsed.iter().filter(|row| close_to(row.eta0, eta0)).count();
        assert_eq!(
            count,
            DEPTHS.len(),
            "η0 = {eta0} should appear once per depth; rows: {rows:?}"
        );
    }
    for depth in DEPTHS {
        for eta0 in ETA0 {
            let count = parsed
                .iter()
                .filter(|row| row.depth == depth && close_to(row.eta0, eta0))
                .count();
            assert_eq!(
                count, 1,
                "run L = {depth}, η0 = {eta0} should have exactly one row; rows: {rows:?}"
            );
        }
    }

    for (id, label_before) in plots.into_iter().zip(&labels_before_run) {
        let drawing = page.canvas_drawing(id).await;
        assert!(
            drawing.width > 0 && drawing.height > 0,
            "canvas #{id} has no pixels: {drawing:?}"
        );
        assert!(
            drawing.colours >= 2,
            "canvas #{id} is one uniform colour after the sweep, so nothing was drawn: {drawing:?}"
        );
        assert_ne!(
            &drawing.aria_label, label_before,
            "aria-label of #{id} did not change after the sweep"
        );
        assert!(
            !drawing.aria_label.contains("no runs yet"),
            "aria-label of #{id} still says there are no runs: {:?}",
            drawing.aria_label
        );
    }

    // Taken before the invalid value below, so the picture shows the results.
    let screenshot = artifacts_dir().join("page.png");
    page.browser.save_screenshot(&screenshot).await;

    page.set_field("width", "1000").await;
    let width_error = page.wait_for_text("#width-error", INPUT_TIMEOUT).await;
    assert_eq!(
        width_error, "width: 1000 is outside the allowed range 4 to 256",
        "#width-error should show the core's message for width 1000"
    );
    assert!(
        !page.run_enabled().await,
        "#run should be disabled while #width holds 1000"
    );
    let reason = page.text("#run-reason").await;
    assert!(
        !reason.is_empty(),
        "#run-reason should say why #run is disabled while #width holds 1000"
    );
    let rows_after_error = page.table_rows().await;
    assert_eq!(
        rows_after_error, rows,
        "an invalid value should leave the results table as it was"
    );

    let status = page.status().await;
    assert_eq!(
        status.panic, None,
        "the page shows a panic at the end of the test"
    );
    let errors = page.console_errors().await;
    assert!(
        errors.is_empty(),
        "the browser console has errors: {errors:#?}"
    );

    page.close().await;
}

/// Checks the cells of one results row and returns its depth and η0.
fn check_row(row: &[String]) -> ResultRow {
    assert_eq!(
        row.len(),
        COLUMNS.len(),
        "row {row:?} should have the cells {COLUMNS:?}"
    );
    let cell = |column: usize| row[column].as_str();

    let depth: usize = cell(0)
        .parse()
        .unwrap_or_else(|_| panic!("depth L {:?} is not an integer; row {row:?}", cell(0)));
    let eta0 = parse_number(cell(1))
        .unwrap_or_else(|| panic!("η0 {:?} is not a number; row {row:?}", cell(1)));

    for column in [2, 3, 4] {
        let text = cell(column);
        let rate = parse_number(text)
            .unwrap_or_else(|| panic!("{} {text:?} is not a number; row {row:?}", COLUMNS[column]));
        assert!(
            rate.is_finite() && rate > 0.0,
            "{} {rate} should be a positive learning rate; row {row:?}",
            COLUMNS[column]
        );
    }

    let diverged = match cell(6) {
        "yes" => true,
        "no" => false,
        other => panic!("diverged {other:?} should be \"yes\" or \"no\"; row {row:?}"),
    };

    let loss_text = cell(5);
    if diverged {
        assert!(
            loss_text == "diverged" || parse_number(loss_text).is_some(),
            "final loss {loss_text:?} of a diverged run should be a number or \"diverged\"; row {row:?}"
        );
    } else {
        let loss = parse_number(loss_text)
            .unwrap_or_else(|| panic!("final loss {loss_text:?} is not a number; row {row:?}"));
        assert!(
            loss.is_finite() && loss >= 0.0,
            "final loss {loss} of a run that did not diverge should be finite and non-negative; row {row:?}"
        );
    }

    let steps_run: usize = cell(7)
        .parse()
        .unwrap_or_else(|_| panic!("steps run {:?} is not an integer; row {row:?}", cell(7)));
    if diverged {
        assert!(
            (1..=STEPS).contains(&steps_run),
            "steps run {steps_run} of a diverged run should be between 1 and {STEPS}; row {row:?}"
        );
    } else {
        assert_eq!(
            steps_run, STEPS,
            "a run that did not diverge should run all {STEPS} steps; row {row:?}"
        );
    }

    // One seed, the default 0, so every row belongs to it.
    assert_eq!(cell(8), "0", "seed of a one-seed sweep; row {row:?}");
    assert_eq!(
        cell(9),
        "mup",
        "parametrization of the default sweep; row {row:?}"
    );

    ResultRow { depth, eta0 }
}

/// Compares η0 values read back from the page, which may round them.
fn close_to(value: f64, expected: f64) -> bool {
    (value - expected).abs() <= 1e-9 * expected.abs().max(1.0)
}
