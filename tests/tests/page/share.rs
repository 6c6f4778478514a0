//! Links: the round trip of settings, plot and seed through Copy link, old
//! and unknown keys, and a teacher's link that hides and locks controls.

use std::time::Duration;

use lrdepth_tests::artifacts_dir;
use serde_json::json;

use crate::fixture::{INPUT_TIMEOUT, LOAD_TIMEOUT, Page, RUN_TIMEOUT};

/// Settings typed into the form before the link is copied.
const TYPED: [(&str, &str); 7] = [
    ("eta0", "0.2, 3"),
    ("depths", "1, 3"),
    ("width", "12"),
    ("steps", "25"),
    ("samples", "24"),
    ("seed", "7"),
    ("seeds", "2"),
];

/// Every form field, for comparing two forms.
const FIELDS: [&str; 12] = [
    "eta0", "depths", "width", "steps", "samples", "task", "param", "lref", "seed", "seeds",
    "workers", "compare",
];

async fn form_values(page: &Page) -> Vec<(String, String)> {
    let script = "return arguments[0].map(id => { \
                    const element = document.getElementById(id); \
                    return [id, element.type === 'checkbox' ? String(element.checked) : element.value]; \
                  });";
    let value = page.browser.execute(script, vec![json!(FIELDS)]).await;
    serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("form values are not pairs ({error}): {value}"))
}

/// Selects `value` in the select `#id` and fires its change event.
pub async fn choose(page: &Page, id: &str, value: &str) {
    let script = "const select = document.getElementById(arguments[0]); \
                  select.value = arguments[1]; \
                  select.dispatchEvent(new Event('change', { bubbles: true })); \
                  return select.value;";
    let chosen = page
        .browser
        .execute(script, vec![json!(id), json!(value)])
        .await;
    assert_eq!(chosen, json!(value), "#{id} has no option {value:?}");
}

/// Clicks `#copy-link` and returns the link it offers.
async fn copy_link(page: &Page) -> String {
    page.click("#copy-link").await;
    let status = page.wait_for_text("#share-status", INPUT_TIMEOUT).await;
    assert!(
        status == "Link copied." || status.contains("press Ctrl+C"),
        "#share-status should report the copy or the fallback, got {status:?}"
    );
    page.value("#share-link").await
}

/// Returns whether the element that matches `selector` takes up space.
pub async fn displayed(page: &Page, selector: &str) -> bool {
    let script = "const element = document.querySelector(arguments[0]); \
                  if (!element) return null; \
                  return element.getClientRects().length > 0;";
    let value = page.browser.execute(script, vec![json!(selector)]).await;
    value
        .as_bool()
        .unwrap_or_else(|| panic!("element {selector} not found"))
}

#[tokio::test]
async fn link_round_trip() {
    let page = Page::open("share-round-trip", "/").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    for (id, text) in TYPED {
        page.set_field(id, text).await;
    }
    choose(&page, "param", "mup-depth").await;
    choose(&page, "share-plot", "best").await;
    page.wait_for_run_enabled(INPUT_TIMEOUT).await;
    page.click("#run").await;
    page.wait_for_state("done", RUN_TIMEOUT).await;
    let form_before = form_values(&page).await;
    let rows_before = page.exact_rows().await;
    assert_eq!(rows_before.len(), 8, "2 η0 × 2 depths × 2 seeds");

    let link = copy_link(&page).await;
    let query = link.split_once('?').map(|(_, q)| q).unwrap_or_default();
    assert!(
        query.starts_with("v=1&"),
        "the link should start with v=1: {link}"
    );
    assert!(
        query.contains("plot=best"),
        "the link should keep the plot: {link}"
    );
    assert!(
        query.contains("seed=7"),
        "the link should keep the seed: {link}"
    );
    assert!(
        !query.contains("run="),
        "a copied link should not start a run: {link}"
    );

    page.browser.goto(&link).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    assert_eq!(
        form_values(&page).await,
        form_before,
        "the link should restore every field"
    );
    let marked = page
        .browser
        .execute(
            "return document.getElementById('plot-best').closest('figure').classList.contains('chosen');",
            vec![],
        )
        .await;
    assert_eq!(marked, json!(true), "the link's plot should be marked");
    assert_eq!(page.value("#share-plot").await, "best");

    page.click("#run").await;
    page.wait_for_state("done", RUN_TIMEOUT).await;
    let mut rows_after = page.exact_rows().await;
    let mut rows_before = rows_before;
    rows_before.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    rows_after.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(
        rows_after, rows_before,
        "the same link should give the same runs, bit for bit"
    );
    let errors = page.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    page.close().await;
}

#[tokio::test]
async fn unknown_keys_get_note() {
    let page = Page::open("share-unknown", "/?width=8&colour=red&plot=pie&v=7").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    assert!(
        displayed(&page, "#link-notes").await,
        "#link-notes should show"
    );
    let notes = page.text("#link-notes").await;
    assert!(
        notes.contains("colour"),
        "the note should name the key: {notes}"
    );
    assert!(
        notes.contains("pie"),
        "the note should name the bad plot: {notes}"
    );
    assert!(
        notes.contains("v=7"),
        "the note should name the version: {notes}"
    );
    assert_eq!(page.value("#width").await, "8", "known keys still apply");
    assert!(page.run_enabled().await, "unknown keys must not block Run");
    let status = page.status().await;
    assert_eq!(status.panic, None);

    // An old link, without v=, opens without a note.
    page.browser
        .goto(&format!("{}/?width=16&steps=40", page.server_url()))
        .await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    assert!(
        !displayed(&page, "#link-notes").await,
        "an old link needs no note"
    );
    assert_eq!(page.value("#steps").await, "40");
    let address = page
        .browser
        .execute("return location.search;", vec![])
        .await;
    let address = address.as_str().unwrap_or_default().to_string();
    assert!(
        address.starts_with("?v=1&"),
        "the address should gain v=1: {address}"
    );
    page.close().await;
}

#[tokio::test]
async fn teacher_link_hides_and_locks() {
    let page = Page::open(
        "share-teacher",
        "/?eta0=0.5&depths=1,2&steps=10&width=8&samples=16",
    )
    .await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    choose(&page, "param", "sp").await;
    page.click("#builder summary").await;
    for id in ["#hide-width", "#hide-steps", "#lock-param"] {
        page.click(id).await;
    }
    let link = copy_link(&page).await;
    assert!(
        link.contains("hide=width%2Csteps"),
        "hidden controls in {link}"
    );
    assert!(link.contains("lock=param"), "locked control in {link}");

    page.browser.goto(&link).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    assert!(!displayed(&page, "#width").await, "#width should be hidden");
    assert!(!displayed(&page, "#steps").await, "#steps should be hidden");
    assert!(
        displayed(&page, "#param").await,
        "#param should stay visible"
    );
    assert_eq!(page.value("#param").await, "sp", "the locked value applies");
    let param_enabled = page.browser.find("#param").await.is_enabled().await;
    assert_eq!(param_enabled.ok(), Some(false), "#param should be locked");
    assert!(page.text("#param-error").await.is_empty());

    // The hidden and locked values are the ones the sweep uses.
    page.click("#run").await;
    page.wait_for_state("done", RUN_TIMEOUT).await;
    let rows = page.table_rows().await;
    assert_eq!(rows.len(), 2, "one η0 at two depths: {rows:?}");
    for row in &rows {
        assert_eq!(
            row.get(7).map(String::as_str),
            Some("10"),
            "steps run: {row:?}"
        );
        assert_eq!(row.get(9).map(String::as_str), Some("sp"), "param: {row:?}");
    }
    page.click("#builder summary").await;
    page.browser
        .save_screenshot(&artifacts_dir().join("teacher-link.png"))
        .await;

    // The page's own link keeps the teacher's choices.
    let address = page
        .browser
        .execute("return location.search;", vec![])
        .await;
    let address = address.as_str().unwrap_or_default().to_string();
    assert!(address.contains("lock=param"), "address bar: {address}");
    page.close().await;
}

#[tokio::test]
async fn teacher_link_invalid_value_shown() {
    let path = "/?width=999&steps=0&hide=width,bogus&lock=steps";
    let page = Page::open("share-teacher-invalid", path).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    assert!(
        displayed(&page, "#width").await,
        "a hidden control with an invalid value should be shown"
    );
    let width_error = page.wait_for_text("#width-error", INPUT_TIMEOUT).await;
    assert!(width_error.contains("999"), "#width-error: {width_error}");
    let steps_enabled = page.browser.find("#steps").await.is_enabled().await;
    assert_eq!(
        steps_enabled.ok(),
        Some(true),
        "a locked control with an invalid value should be unlocked"
    );
    let notes = page.text("#link-notes").await;
    assert!(notes.contains("bogus"), "notes: {notes}");
    assert!(notes.contains("unlocked"), "notes: {notes}");
    assert!(
        !page.run_enabled().await,
        "Run stays disabled while invalid"
    );

    page.set_field("width", "8").await;
    page.set_field("steps", "5").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    page.wait_for_run_enabled(INPUT_TIMEOUT).await;
    let status = page.status().await;
    assert_eq!(status.panic, None);
    page.close().await;
}

#[tokio::test]
async fn copy_link_fallback_selects() {
    let page = Page::open("share-fallback", "/?width=16").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    // As on a page served over plain HTTP, where browsers leave the
    // clipboard API out.
    page.browser
        .execute(
            "Object.defineProperty(navigator, 'clipboard', { value: undefined });",
            vec![],
        )
        .await;
    page.click("#copy-link").await;
    let status = page.wait_for_text("#share-status", INPUT_TIMEOUT).await;
    assert!(
        status.contains("not available"),
        "#share-status should say the clipboard is missing, got {status:?}"
    );
    assert!(
        status.contains("Ctrl+C"),
        "#share-status should say how to copy, got {status:?}"
    );
    let script = "const field = document.activeElement; \
                  return [field.id, field.value.substring(field.selectionStart, field.selectionEnd)];";
    let selection = page.browser.execute(script, vec![]).await;
    assert_eq!(
        selection[0],
        json!("share-link"),
        "the link field has focus"
    );
    let selected = selection[1].as_str().unwrap_or_default();
    assert_eq!(
        selected,
        page.value("#share-link").await,
        "the whole link is selected"
    );
    assert!(selected.contains("width=16"), "the link: {selected}");
    page.close().await;
}
