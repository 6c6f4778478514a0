//! A training worker that cannot load its wasm: the page reports the
//! failure, stops the sweep and stays usable.

use std::fs;
use std::path::Path;
use std::time::Duration;

use lrdepth_tests::built_page;
use tempfile::TempDir;

use crate::fixture::{LOAD_TIMEOUT, Page};

/// A sweep of one tiny run, started from the URL.
const SMALL_RUN: &str = "/?eta0=0.1&depths=1&steps=5&width=8&samples=16&run=1";

/// Time from the sweep's start until the page reports the failed worker.
/// Neither broken wasm fires the worker's `error` event in Chromium 156, because
/// the worker's start-up promise rejects rather than throws, so the page
/// notices only through its start-up timeout of 20 s.
const FAILURE_TIMEOUT: Duration = Duration::from_secs(40);

const WORKER_WASM: &str = "worker_bg.wasm";

#[tokio::test]
async fn missing_worker_wasm_reported() {
    let dist = copy_built_page();
    let wasm = dist.path().join(WORKER_WASM);
    fs::remove_file(&wasm)
        .unwrap_or_else(|error| panic!("failed to remove {}: {error}", wasm.display()));
    check_failure_reported("worker-wasm-missing", dist.path()).await;
}

#[tokio::test]
async fn garbage_worker_wasm_reported() {
    let dist = copy_built_page();
    let wasm = dist.path().join(WORKER_WASM);
    fs::write(&wasm, b"this is not a WebAssembly module")
        .unwrap_or_else(|error| panic!("failed to overwrite {}: {error}", wasm.display()));
    check_failure_reported("worker-wasm-garbage", dist.path()).await;
}

/// Copies the files of the built page into a temporary folder. Trunk writes
/// no subfolders, so a folder in the output fails the copy.
fn copy_built_page() -> TempDir {
    let source = built_page();
    let copy = tempfile::Builder::new()
        .prefix("lrdepth-dist-")
        .tempdir()
        .expect("failed to create a temporary folder for the page copy");
    let entries = fs::read_dir(source)
        .unwrap_or_else(|error| panic!("failed to list {}: {error}", source.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|error| panic!("failed to list {}: {error}", source.display()))
            .path();
        assert!(
            path.is_file(),
            "{} is not a file; copy_built_page copies only files",
            path.display()
        );
        let name = path.file_name().expect("a listed path has a file name");
        let target = copy.path().join(name);
        fs::copy(&path, &target).unwrap_or_else(|error| {
            panic!(
                "failed to copy {} to {}: {error}",
                path.display(),
                target.display()
            )
        });
    }
    copy
}

/// Serves `root`, a copy of the page with a broken worker, starts a sweep
/// from the URL and checks that the page reports the failure.
async fn check_failure_reported(name: &str, root: &Path) {
    let page = Page::open_with(name, SMALL_RUN, root, &[]).await;

    page.wait_for_state("stopped", LOAD_TIMEOUT + FAILURE_TIMEOUT)
        .await;

    let progress = page.text("#progress-text").await;
    assert!(
        progress.to_lowercase().contains("worker"),
        "#progress-text should say that a training worker failed: {progress:?}"
    );
    let table = page.table_rows().await;
    assert!(
        table.is_empty(),
        "no run can finish without a working worker, but the table has rows: {table:?}"
    );
    let panic_hidden = page
        .browser
        .execute("return document.getElementById('panic').hidden;", vec![])
        .await;
    assert_eq!(
        panic_hidden,
        serde_json::Value::Bool(true),
        "#panic should stay hidden, because a failed worker is not a panic in the page"
    );
    let status = page.status().await;
    assert_eq!(status.panic, None, "#panic should have no text");
    assert!(
        page.run_enabled().await,
        "#run should be enabled after the failure, so the user can try again; #run-reason: {:?}",
        page.text("#run-reason").await
    );
    let stop_enabled = page
        .browser
        .find("#stop")
        .await
        .is_enabled()
        .await
        .expect("failed to read whether #stop is enabled");
    assert!(
        !stop_enabled,
        "#stop should be disabled once the sweep has stopped"
    );

    page.close().await;
}
