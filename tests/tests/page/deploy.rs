//! The release build served from a sub-path of a plain static host, then
//! opened again and run with the server stopped, from the service worker's
//! cache.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::fixture::{LOAD_TIMEOUT, Page, RUN_TIMEOUT};

const PREFIX: &str = "/some/sub/path";
const QUERY: &str = "/?eta0=0.3,3&depths=1,2&steps=15&width=8&samples=16";
const CACHE_TIMEOUT: Duration = Duration::from_secs(30);

/// Waits until a service worker controls the page and its cache contains the
/// training worker's wasm, which the install step stores.
async fn wait_for_offline_cache(page: &Page) {
    let script = "const done = arguments[arguments.length - 1]; \
                  (async () => { \
                    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return false; \
                    const keys = await caches.keys(); \
                    for (const key of keys) { \
                      const cache = await caches.open(key); \
                      if (await cache.match('worker_bg.wasm')) return true; \
                    } \
                    return false; \
                  })().then(done, () => done(false));";
    let start = Instant::now();
    loop {
        let ready = page
            .browser
            .client()
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|error| panic!("failed to query the service worker: {error}"));
        if ready == json!(true) {
            return;
        }
        if start.elapsed() > CACHE_TIMEOUT {
            panic!("no service worker cached the page within {CACHE_TIMEOUT:?}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn run_and_count(page: &Page) -> usize {
    page.click("#run").await;
    page.wait_for_state("done", RUN_TIMEOUT).await;
    page.table_rows().await.len()
}

#[tokio::test]
async fn sub_path_and_offline() {
    let mut page = Page::open_under("deploy", PREFIX, QUERY).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    let base = page
        .browser
        .execute("return document.baseURI;", vec![])
        .await;
    let base = base.as_str().unwrap_or_default().to_string();
    assert!(base.ends_with(&format!("{PREFIX}/")), "base URL {base}");
    assert_eq!(
        run_and_count(&page).await,
        4,
        "2 η0 × 2 depths under {PREFIX}"
    );

    // A reload puts the page under the service worker's control.
    let url = format!("{}{PREFIX}{QUERY}", page.server_url());
    page.browser.goto(&url).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    wait_for_offline_cache(&page).await;

    page.stop_server();
    page.browser.goto(&url).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    assert_eq!(
        run_and_count(&page).await,
        4,
        "the page should load and train with the server stopped"
    );
    let status = page.status().await;
    assert_eq!(status.panic, None);
    page.close().await;
}
