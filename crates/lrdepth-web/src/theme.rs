//! The colour scheme: the plots follow `prefers-color-scheme` as the page's
//! CSS does, and are redrawn when the system switches between light and dark.

use wasm_bindgen::prelude::*;

use crate::app::listen;
use crate::dom;

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// Returns whether the browser prefers a dark colour scheme.
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(DARK_QUERY).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Calls `redraw` whenever the preferred colour scheme changes.
pub fn on_scheme_change(redraw: impl Fn() -> Result<(), JsError> + 'static) -> Result<(), JsError> {
    let query = dom::window()?
        .match_media(DARK_QUERY)
        .map_err(|e| dom::js_error("could not watch the colour scheme", e))?;
    match query {
        Some(query) => listen(&query, "change", move |_| redraw()),
        // A browser without media queries keeps the light plots.
        None => Ok(()),
    }
}

/// Window width, in CSS pixels, from which the page uses its projector
/// layout; the same breakpoint as in `www/style.css`.
const LARGE_SCREEN_QUERY: &str = "(min-width: 1800px)";

/// Extra zoom of plot text, lines and markers on large screens, to match
/// the larger page type there (19 px against 15 px, about 1.27).
const LARGE_SCREEN_ZOOM: f64 = 1.25;

/// Returns the factor by which plots enlarge their text and lines: 1, or
/// `LARGE_SCREEN_ZOOM` on a screen wide enough for the projector layout.
pub fn plot_zoom() -> f64 {
    let large = web_sys::window()
        .and_then(|w| w.match_media(LARGE_SCREEN_QUERY).ok().flatten())
        .is_some_and(|m| m.matches());
    if large { LARGE_SCREEN_ZOOM } else { 1.0 }
}
