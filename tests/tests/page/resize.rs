//! A window resized after a sweep: the depth plot redraws at the new size.

use std::time::{Duration, Instant};

use crate::fixture::{INPUT_TIMEOUT, LOAD_TIMEOUT, Page, RUN_TIMEOUT};

const SMALL_SWEEP: &str = "/?eta0=0.1,1&depths=1,2&steps=5&width=8&samples=16&run=1";

/// Window size after the resize, in CSS pixels. The browser starts at 1280×1000.
const NEW_WINDOW: (u64, u64) = (700, 900);

const PLOT: &str = "plot-depth";

#[tokio::test]
async fn resize_redraws_plot() {
    let page = Page::open("resize", SMALL_SWEEP).await;
    page.wait_for_state("done", LOAD_TIMEOUT + RUN_TIMEOUT)
        .await;

    let before = page.canvas_size(PLOT).await;
    let draws_before = before
        .draws
        .unwrap_or_else(|| panic!("#{PLOT} should have an integer data-draws: {before:?}"));

    let (width, height) = NEW_WINDOW;
    page.browser.set_window_size(width, height).await;

    let deadline = Instant::now() + INPUT_TIMEOUT;
    let mut after = page.canvas_size(PLOT).await;
    while after.draws.unwrap_or(0) <= draws_before {
        assert!(
            Instant::now() < deadline,
            "#{PLOT} was not redrawn within {INPUT_TIMEOUT:?} of resizing the window to \
             {width}×{height}: before {before:?}, now {after:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = page.canvas_size(PLOT).await;
    }

    assert_ne!(
        after.css_width, before.css_width,
        "the CSS width of #{PLOT} should change with the window, so the resize was not tested: \
         before {before:?}, after {after:?}"
    );
    assert_ne!(
        after.width, before.width,
        "the backing width of #{PLOT} should change with its CSS width: \
         before {before:?}, after {after:?}"
    );
    let expected_width = (after.css_width * after.device_pixel_ratio).round();
    assert!(
        (after.width as f64 - expected_width).abs() <= 1.0,
        "the backing width of #{PLOT} should be {} CSS px × {} = {expected_width} px, got {}: {after:?}",
        after.css_width,
        after.device_pixel_ratio,
        after.width
    );

    let status = page.status().await;
    assert_eq!(status.state, "done", "a resize should leave the state done");
    assert_eq!(
        status.panic, None,
        "the page shows a panic after the resize"
    );
    let errors = page.console_errors().await;
    assert!(
        errors.is_empty(),
        "the browser console has errors: {errors:#?}"
    );

    page.close().await;
}
