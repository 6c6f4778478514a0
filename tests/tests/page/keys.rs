//! Keyboard and script helpers shared by the teaching and accessibility
//! tests: key presses through WebDriver actions, the focused element, and
//! waiting for an exercise's verdict.

use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::fixture::Page;

/// Presses and releases `key` on whatever element has the focus.
pub async fn press(page: &Page, key: Key) {
    let value: char = key.into();
    let actions = KeyActions::new("keyboard".to_string())
        .then(KeyAction::Down { value })
        .then(KeyAction::Up { value });
    page.browser
        .client()
        .perform_actions(actions)
        .await
        .unwrap_or_else(|error| panic!("failed to press {key:?}: {error}"));
}

/// Returns the id of the focused element, or its tag name when it has no id.
pub async fn focused(page: &Page) -> String {
    let script = "const element = document.activeElement; \
                  return element ? (element.id || element.tagName.toLowerCase()) : '';";
    let value = page.browser.execute(script, vec![]).await;
    value.as_str().unwrap_or_default().to_string()
}

/// Runs `script`, which must call `done(result)` (the last argument), and
/// returns the result.
pub async fn execute_async(page: &Page, script: &str, args: Vec<Value>) -> Value {
    let body = format!("const done = arguments[arguments.length - 1];\n{script}");
    page.browser
        .client()
        .execute_async(&body, args)
        .await
        .unwrap_or_else(|error| panic!("async script failed in the page: {error}\n{script}"))
}

/// Returns whether the element that matches `selector` is rendered: not
/// `hidden` and not inside a hidden ancestor.
pub async fn is_shown(page: &Page, selector: &str) -> bool {
    let script = "const element = document.querySelector(arguments[0]); \
                  return !!element && element.getClientRects().length > 0;";
    let value = page.browser.execute(script, vec![json!(selector)]).await;
    value.as_bool().unwrap_or(false)
}

/// Waits until the verdict of exercise `id` is final (holds, fails or
/// undecided) and returns its state and text.
pub async fn wait_for_verdict(page: &Page, id: &str, timeout: Duration) -> (String, String) {
    let selector = format!("#exercise-{id}-verdict");
    let start = Instant::now();
    loop {
        let state = page.attribute(&selector, "data-verdict").await;
        let state = state.unwrap_or_default();
        if ["holds", "fails", "undecided"].contains(&state.as_str()) {
            return (state, page.text(&selector).await);
        }
        if start.elapsed() > timeout {
            panic!(
                "timed out after {timeout:?} waiting for the verdict of exercise {id}: \
                 data-verdict {state:?}, text {:?}, progress {:?}",
                page.text(&selector).await,
                page.status().await.progress
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
