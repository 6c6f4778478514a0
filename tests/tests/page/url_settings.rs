//! Settings given in the URL query: a run that starts on load, and an
//! invalid value.

use crate::fixture::{INPUT_TIMEOUT, LOAD_TIMEOUT, Page, RUN_TIMEOUT, parse_number};

#[tokio::test]
async fn url_run_starts_on_load() {
    let page = Page::open(
        "url-run",
        "/?eta0=0.5&depths=2&steps=5&width=8&samples=16&run=1",
    )
    .await;

    // Nothing is clicked: `run=1` alone has to start the sweep.
    page.wait_for_state("done", LOAD_TIMEOUT + RUN_TIMEOUT)
        .await;

    let rows = page.table_rows().await;
    assert_eq!(
        rows.len(),
        1,
        "depths=2 and eta0=0.5 should give exactly one row, got {rows:?}"
    );
    let row = &rows[0];
    assert_eq!(
        row.first().map(String::as_str),
        Some("2"),
        "depth L of the only row should be 2; row {row:?}"
    );
    let eta0 = row.get(1).and_then(|text| parse_number(text));
    assert_eq!(
        eta0,
        Some(0.5),
        "η0 of the only row should be 0.5; row {row:?}"
    );

    let eta0_field = page.value("#eta0").await;
    assert_eq!(eta0_field, "0.5", "#eta0 should show the η0 from the URL");

    let status = page.status().await;
    assert_eq!(status.panic, None, "the page shows a panic after the run");
    let errors = page.console_errors().await;
    assert!(
        errors.is_empty(),
        "the browser console has errors: {errors:#?}"
    );

    page.close().await;
}

#[tokio::test]
async fn url_invalid_width_reported() {
    let page = Page::open("url-invalid", "/?width=abc").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;

    let width_error = page.wait_for_text("#width-error", INPUT_TIMEOUT).await;
    assert!(
        width_error.contains("abc"),
        "#width-error should name the invalid value \"abc\", got {width_error:?}"
    );
    assert!(
        !page.run_enabled().await,
        "#run should be disabled while the width from the URL is invalid"
    );
    let reason = page.text("#run-reason").await;
    assert!(
        !reason.is_empty(),
        "#run-reason should say why #run is disabled"
    );
    let status = page.status().await;
    assert_eq!(
        status.state, "idle",
        "an invalid URL value should leave the page idle"
    );
    assert_eq!(
        status.panic, None,
        "an invalid URL value should not cause a panic"
    );

    // The page stays usable: fixing the field clears the error and enables Run.
    page.set_field("width", "8").await;
    page.wait_for_run_enabled(INPUT_TIMEOUT).await;
    let width_error = page.text("#width-error").await;
    assert_eq!(
        width_error, "",
        "#width-error should clear once the width is valid"
    );

    let errors = page.console_errors().await;
    assert!(
        errors.is_empty(),
        "the browser console has errors: {errors:#?}"
    );

    page.close().await;
}
