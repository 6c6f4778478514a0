//! The page's default sweep, started from the URL: the depth effect must be
//! visible in the page's own table, and the test reports how long it took.

// The measured time is this test's output, read with --nocapture.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::time::Duration;

use lrdepth_tests::artifacts_dir;

use crate::fixture::{LOAD_TIMEOUT, Page, parse_number};

/// The default sweep takes seconds; the bound only stops a hung page.
const DEFAULT_SWEEP_TIMEOUT: Duration = Duration::from_secs(300);

/// Returns the best η0 of each depth, read from the rows of `#results`.
fn best_rate_by_depth(rows: &[Vec<String>]) -> BTreeMap<usize, f64> {
    let mut best: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for row in rows {
        let depth: usize = row[0]
            .parse()
            .unwrap_or_else(|_| panic!("depth cell of {row:?}"));
        let eta0 = parse_number(&row[1]).unwrap_or_else(|| panic!("η0 cell of {row:?}"));
        let Some(loss) = parse_number(&row[5]) else {
            continue;
        };
        let entry = best.entry(depth).or_insert((eta0, loss));
        if loss < entry.1 {
            *entry = (eta0, loss);
        }
    }
    best.into_iter()
        .map(|(depth, (eta0, _))| (depth, eta0))
        .collect()
}

#[tokio::test]
async fn default_sweep_time() {
    for (param, name) in [("mup", "default"), ("mup-depth", "default-depth-rule")] {
        let page = Page::open(name, &format!("/?param={param}&run=1")).await;
        page.wait_for_state("done", LOAD_TIMEOUT + DEFAULT_SWEEP_TIMEOUT)
            .await;

        let progress = page.text("#progress-text").await;
        let seconds = progress
            .split("finished in ")
            .nth(1)
            .and_then(|rest| rest.trim_end_matches(" s").parse::<f64>().ok())
            .unwrap_or_else(|| {
                panic!("#progress-text should end with the sweep time: {progress:?}")
            });
        println!("default sweep, {param}: {seconds:.1} s in headless Chromium ({progress})");

        let rows = page.table_rows().await;
        assert_eq!(rows.len(), 48, "the default sweep has 8 η0 × 6 depths");
        let best = best_rate_by_depth(&rows);
        let (shallow, deep) = (best[&1], best[&32]);
        println!("best η0, {param}: {best:?}");
        if param == "mup" {
            assert!(
                deep < shallow / 4.0,
                "under μP the best η0 at depth 32 ({deep}) should be far below depth 1's ({shallow})"
            );
        } else {
            let shift = (deep / shallow).ln().abs();
            assert!(
                shift < 8f64.ln(),
                "under the depth rule the best η0 at depth 32 ({deep}) should stay within 8× of depth 1's ({shallow})"
            );
        }
        let errors = page.console_errors().await;
        assert!(
            errors.is_empty(),
            "the browser console has errors: {errors:#?}"
        );
        // The first-visit tour would cover the top of the screenshot.
        page.click("#tour-close").await;
        page.browser
            .save_screenshot(&artifacts_dir().join(format!("{name}.png")))
            .await;
        page.close().await;
    }
}
