//! A browser without WebAssembly SIMD: the page shows what is missing and
//! which browsers have it, instead of waiting forever for its wasm.
//!
//! V8 runs wasm SIMD only on CPUs with SSE4.1 (or SSSE3 under a flag that is
//! off by default), so `--js-flags=--no-enable-sse4-1` gives a real engine
//! without SIMD on an x86-64 machine. The test first checks that the flag
//! does turn SIMD off for the page's own worker module.

use std::time::{Duration, Instant};

use lrdepth_tests::{artifacts_dir, built_page};
use serde_json::json;

use crate::fixture::{LOAD_TIMEOUT, Page};

const NO_SIMD_FLAG: &str = "--js-flags=--no-enable-sse4-1";

/// Returns the error of compiling the page's worker wasm in the browser,
/// or `None` if it compiles.
async fn worker_compile_error(page: &Page) -> Option<String> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        fetch(new URL('worker_bg.wasm', document.baseURI))
            .then((response) => response.arrayBuffer())
            .then((bytes) => WebAssembly.compile(bytes))
            .then(() => done(null), (error) => done(String(error)));
    "#;
    let value = page
        .browser
        .client()
        .execute_async(script, vec![])
        .await
        .unwrap_or_else(|error| panic!("failed to compile worker_bg.wasm in the page: {error}"));
    value.as_str().map(str::to_string)
}

#[tokio::test]
async fn no_simd_shows_message() {
    let page = Page::open_with("no-simd", "/?run=1", built_page(), &[NO_SIMD_FLAG]).await;

    let compile_error = worker_compile_error(&page).await;
    let compile_error = compile_error.unwrap_or_else(|| {
        panic!("worker_bg.wasm compiled under {NO_SIMD_FLAG}, so the flag did not turn SIMD off")
    });
    assert!(
        compile_error.contains("SIMD"),
        "compiling worker_bg.wasm should fail for lack of SIMD, got: {compile_error}"
    );

    let deadline = Instant::now() + LOAD_TIMEOUT;
    let status = loop {
        let status = page.status().await;
        if status.state == "unsupported" || Instant::now() > deadline {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        status.state, "unsupported",
        "body[data-state] should be \"unsupported\" without SIMD: {status:?}"
    );
    let message = status.panic.unwrap_or_default();
    for expected in ["WebAssembly SIMD", "Chrome", "Firefox 89", "Safari 16.4"] {
        assert!(
            message.contains(expected),
            "the message should name {expected:?}: {message:?}"
        );
    }
    let visible = page
        .browser
        .execute(
            "return document.getElementById('panic').checkVisibility();",
            vec![],
        )
        .await;
    assert_eq!(visible, json!(true), "the message is not visible");
    for button in ["#run", "#probe-run"] {
        let enabled = page
            .browser
            .find(button)
            .await
            .is_enabled()
            .await
            .unwrap_or_else(|error| panic!("failed to read whether {button} is enabled: {error}"));
        assert!(!enabled, "{button} is enabled although nothing can run");
    }
    page.browser
        .save_screenshot(&artifacts_dir().join("no-simd.png"))
        .await;

    // The app never starts, so nothing replaces the message or the state.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(page.status().await.state, "unsupported");
    assert_eq!(
        page.table_rows().await.len(),
        0,
        "runs appeared without SIMD"
    );
    page.close().await;
}

#[tokio::test]
async fn simd_present_hides_message() {
    let page = Page::open("simd-present", "/").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    let status = page.status().await;
    assert_eq!(status.panic, None, "a message shows although SIMD works");
    page.close().await;
}
