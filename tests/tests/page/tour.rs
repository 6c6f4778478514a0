//! The first-visit tour: shown once, stepped through, dismissed with
//! Escape, remembered across reloads, and opened again from its button.

use fantoccini::key::Key;

use crate::fixture::{LOAD_TIMEOUT, Page};
use crate::keys::{focused, is_shown, press};

#[tokio::test]
async fn tour_shown_once_then_remembered() {
    let page = Page::open("tour", "/").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;

    assert!(
        is_shown(&page, "#tour").await,
        "a first visit shows the tour"
    );
    let title = page.text("#tour-title").await;
    assert!(title.contains("step 1 of 5"), "tour title: {title:?}");
    assert_ne!(
        focused(&page).await,
        "tour-title",
        "the first-visit tour must not take the focus"
    );

    page.click("#tour-next").await;
    let title = page.text("#tour-title").await;
    assert!(title.contains("step 2 of 5"), "after Next: {title:?}");
    let next_to = page
        .browser
        .execute(
            "return document.getElementById('tour').nextElementSibling.id;",
            vec![],
        )
        .await;
    assert_eq!(
        next_to.as_str(),
        Some("plot-depth-figure"),
        "step 2 sits just above the plot it explains"
    );
    assert_eq!(
        focused(&page).await,
        "tour-title",
        "stepping moves the focus to the step's heading"
    );

    press(&page, Key::Escape).await;
    assert!(!is_shown(&page, "#tour").await, "Escape closes the tour");
    assert_eq!(
        focused(&page).await,
        "tour-open",
        "closing returns the focus to the Tour button"
    );

    page.browser
        .client()
        .refresh()
        .await
        .unwrap_or_else(|error| panic!("failed to reload the page: {error}"));
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    assert!(
        !is_shown(&page, "#tour").await,
        "a second visit does not show the tour again"
    );

    page.click("#tour-open").await;
    assert!(is_shown(&page, "#tour").await, "the Tour button opens it");
    assert_eq!(focused(&page).await, "tour-title");
    page.click("#tour-close").await;
    assert!(!is_shown(&page, "#tour").await, "Close hides the tour");
    page.close().await;
}
