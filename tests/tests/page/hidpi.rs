//! A screen with two device pixels per CSS pixel: the plots' backing stores
//! have twice the CSS size, so they are not blurred.

use lrdepth_tests::built_page;

use crate::fixture::{LOAD_TIMEOUT, Page};

const SCALE: f64 = 2.0;

#[tokio::test]
async fn hidpi_canvas_backing_size() {
    let scale_flag = format!("--force-device-scale-factor={SCALE}");
    let page = Page::open_with("hidpi", "/", built_page(), &[&scale_flag]).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;

    for id in ["plot-depth", "plot-rate"] {
        let size = page.canvas_size(id).await;
        assert_eq!(
            size.device_pixel_ratio, SCALE,
            "window.devicePixelRatio should be {SCALE} under {scale_flag}; #{id}: {size:?}"
        );
        assert!(
            size.css_width > 0.0,
            "canvas #{id} has no CSS width: {size:?}"
        );
        let expected_width = (SCALE * size.css_width).round();
        assert!(
            (size.width as f64 - expected_width).abs() <= 1.0,
            "canvas #{id} should have a backing width of {SCALE} × {} CSS px = {expected_width} px, \
             got {}: {size:?}",
            size.css_width,
            size.width
        );
        let expected_height = (SCALE * size.css_height).round();
        assert!(
            (size.height as f64 - expected_height).abs() <= 1.0,
            "canvas #{id} should have a backing height of {SCALE} × {} CSS px = {expected_height} px, \
             got {}: {size:?}",
            size.css_height,
            size.height
        );
    }

    page.close().await;
}
