//! Parametrizations side by side: one sweep trains SP, μP and μP + depth
//! rule, and the best-rate plot fits each of them.

use crate::fixture::{LOAD_TIMEOUT, Page, RUN_TIMEOUT};

#[tokio::test]
async fn compare_fits_each_parametrization() {
    let query = "/?compare=1&eta0=0.1,1&depths=4,8&steps=10&width=16&samples=16&run=1";
    let page = Page::open("compare", query).await;
    page.wait_for_state("done", LOAD_TIMEOUT + RUN_TIMEOUT)
        .await;

    let rows = page.table_rows().await;
    assert_eq!(rows.len(), 12, "3 parametrizations × 2 depths × 2 rates");
    for key in ["sp", "mup", "mup-depth"] {
        let count = rows
            .iter()
            .filter(|row| row.get(9).map(String::as_str) == Some(key))
            .count();
        assert_eq!(count, 4, "rows of parametrization {key}");
    }
    let label = page
        .attribute("#plot-best", "aria-label")
        .await
        .unwrap_or_default();
    for name in ["SP: slope", "μP: slope", "μP + depth rule: slope"] {
        assert!(
            label.contains(name),
            "#plot-best label should contain {name:?}: {label:?}"
        );
    }
    assert!(
        page.run_enabled().await,
        "#run should be enabled after the sweep"
    );
    page.close().await;
}
