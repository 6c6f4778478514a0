//! Use without a mouse, on a phone, and by assistive technology: keyboard
//! order, the 360-pixel viewport, plot labels and the axe-core audit.

// The measured values are this test's output, read with --nocapture.
#![allow(clippy::print_stdout)]

use std::fs;
use std::time::Duration;

use fantoccini::key::Key;
use lrdepth_tests::{artifacts_dir, repo_root};
use serde_json::Value;

use crate::fixture::{LOAD_TIMEOUT, Page, RUN_TIMEOUT};
use crate::keys::{execute_async, focused, press};

/// A sweep of a second or two, so the audit covers a filled table and plots.
const SMALL_SWEEP: &str = "/?eta0=0.1,1&depths=1,4,8&steps=30&width=32&samples=32";

/// The form's controls in the order Tab should visit them.
const FORM_ORDER: [&str; 13] = [
    "eta0", "depths", "param", "task", "width", "steps", "samples", "lref", "seed", "seeds",
    "compare", "workers", "run",
];

#[tokio::test]
async fn keyboard_reaches_and_runs() {
    let page = Page::open("keyboard", SMALL_SWEEP).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;

    let mut visited = Vec::new();
    for _ in 0..40 {
        press(&page, Key::Tab).await;
        let id = focused(&page).await;
        visited.push(id.clone());
        if id == "run" {
            break;
        }
    }
    let form_visits: Vec<&str> = visited
        .iter()
        .map(String::as_str)
        .filter(|id| FORM_ORDER.contains(id))
        .collect();
    assert_eq!(
        form_visits, FORM_ORDER,
        "Tab should visit every form control in order; visited {visited:?}"
    );
    let focus_style = page
        .browser
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle;",
            vec![],
        )
        .await;
    assert_ne!(
        focus_style.as_str(),
        Some("none"),
        "the focused Run button should show an outline"
    );

    // Record every text the live region gets, to check it stays quiet.
    let observe = "window.announced = []; \
                   new MutationObserver(() => window.announced.push(\
                       document.getElementById('announce').textContent))\
                   .observe(document.getElementById('announce'), \
                       { childList: true, characterData: true, subtree: true });";
    page.browser.execute(observe, vec![]).await;
    press(&page, Key::Enter).await;
    page.wait_for_state("done", RUN_TIMEOUT).await;
    let label = page
        .attribute("#plot-best", "aria-label")
        .await
        .unwrap_or_default();
    assert!(
        label.contains("at depth 4") && label.contains("slope"),
        "plot 3's label should list best rates by depth and the slope: {label:?}"
    );
    let announced = page
        .browser
        .execute("return window.announced;", vec![])
        .await;
    let announced: Vec<String> = serde_json::from_value(announced).unwrap_or_default();
    println!("announced: {announced:?}");
    assert!(
        announced
            .first()
            .is_some_and(|t| t.starts_with("Sweep started")),
        "the live region should announce the start: {announced:?}"
    );
    assert!(
        announced
            .last()
            .is_some_and(|t| t.starts_with("Sweep finished")),
        "the live region should announce the end: {announced:?}"
    );
    assert!(
        announced.len() <= 5,
        "6 runs should give at most 5 announcements (start, 3 quarters, end): {announced:?}"
    );
    page.close().await;
}

#[tokio::test]
async fn phone_viewport_no_horizontal_scroll() {
    let page = Page::open("phone", &format!("{SMALL_SWEEP}&run=1")).await;
    page.browser.set_window_size(360, 800).await;
    page.wait_for_state("done", LOAD_TIMEOUT + RUN_TIMEOUT)
        .await;

    let script = r#"
        const width = window.innerWidth;
        const wide = Array.from(document.querySelectorAll('body *'))
            .filter(e => !e.closest('.table-wrap') && e.getClientRects().length > 0)
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .slice(0, 8)
            .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}: ${Math.round(e.getBoundingClientRect().right)}`);
        return {
            width,
            scrollWidth: document.documentElement.scrollWidth,
            wide,
        };
    "#;
    let value = page.browser.execute(script, vec![]).await;
    let width = value["width"].as_u64().unwrap_or_default();
    let scroll_width = value["scrollWidth"].as_u64().unwrap_or(u64::MAX);
    println!("phone: innerWidth {width}, scrollWidth {scroll_width}");
    assert_eq!(width, 360, "the window should be 360 CSS pixels wide");
    assert!(
        scroll_width <= width,
        "the page scrolls sideways: scrollWidth {scroll_width} > {width}; too wide: {}",
        value["wide"]
    );
    page.browser
        .save_screenshot(&artifacts_dir().join("phone.png"))
        .await;
    page.close().await;
}

/// Injects axe-core and returns the serious and critical violations, one
/// line each with up to five offending elements.
async fn audit(page: &Page) -> Vec<String> {
    let path = repo_root().join("tests/axe/node_modules/axe-core/axe.min.js");
    let source = fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "failed to read {}: {error}; run scripts/setup.sh, which installs axe-core \
             with npm ci in tests/axe",
            path.display()
        )
    });
    page.browser
        .execute(&format!("{source}\nreturn true;"), vec![])
        .await;

    let script = "axe.run(document, { resultTypes: ['violations'] })\
                  .then(result => done({ passes: result.passes.length,\
                      violations: result.violations.map(v => ({\
                      id: v.id, impact: v.impact, help: v.help,\
                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) })) }))\
                  .catch(error => done({ error: String(error) }));";
    let value = execute_async(page, script, vec![]).await;

    if let Some(error) = value["error"].as_str() {
        panic!("axe.run failed: {error}");
    }
    let Some(violations) = value["violations"].as_array() else {
        panic!("axe.run returned no list of violations: {value}");
    };
    let passes = value["passes"].as_u64().unwrap_or_default();
    assert!(
        passes > 0,
        "axe.run passed no rule, so it checked nothing: {value}"
    );
    let ids: Vec<&str> = violations.iter().filter_map(|v| v["id"].as_str()).collect();
    println!(
        "axe-core: {passes} rules passed, {} violated at any impact: {ids:?}",
        ids.len()
    );

    violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v: &Value| {
            format!(
                "{} ({}): {}; {}",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or_default(),
                v["help"].as_str().unwrap_or_default(),
                v["nodes"]
            )
        })
        .collect()
}

/// Audits the page, tour open, after the default sweep (48 runs, a few
/// seconds), then saves a screenshot with the tour closed.
async fn audit_after_sweep(name: &str, chrome_args: &[&str], dark: bool) {
    let page = Page::open_with(name, "/?run=1", lrdepth_tests::built_page(), chrome_args).await;
    page.wait_for_state("done", LOAD_TIMEOUT + RUN_TIMEOUT)
        .await;
    let is_dark = page
        .browser
        .execute(
            "return matchMedia('(prefers-color-scheme: dark)').matches;",
            vec![],
        )
        .await;
    assert_eq!(
        is_dark.as_bool(),
        Some(dark),
        "prefers-color-scheme: dark should match {dark} with flags {chrome_args:?}"
    );
    // Give the last redraw a moment before the audit reads colours.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let violations = audit(&page).await;
    page.click("#tour-close").await;
    page.browser
        .save_screenshot(&artifacts_dir().join(format!("{name}.png")))
        .await;
    assert!(
        violations.is_empty(),
        "axe-core found {} serious or critical violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
    page.close().await;
}

#[tokio::test]
async fn axe_audit_light() {
    audit_after_sweep("axe-light", &[], false).await;
}

#[tokio::test]
async fn axe_audit_dark() {
    audit_after_sweep("axe-dark", &["--force-dark-mode"], true).await;
}
