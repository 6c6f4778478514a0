//! Polite screen-reader announcements of a sweep's progress.
//!
//! The visible progress line changes after every run, which a live region
//! would read out dozens of times, so the live region `#announce` gets only
//! the start, each further quarter of the runs, the end and a stop.

use std::cell::Cell;

use wasm_bindgen::prelude::*;

use crate::dom;

thread_local! {
    /// Quarters of the current sweep announced so far, 0 to 4.
    static QUARTERS: Cell<usize> = const { Cell::new(0) };
}

/// Announces `text` in the polite live region.
pub fn say(text: &str) -> Result<(), JsError> {
    dom::set_text("announce", text)
}

/// Announces the progress of a sweep when it starts, passes a quarter of
/// its runs, or ends. `text` is the visible progress line.
pub fn progress(done: usize, total: usize, text: &str) -> Result<(), JsError> {
    if done == 0 {
        QUARTERS.set(0);
        return say(&format!("Sweep started: {text}"));
    }
    let quarters = (4 * done / total.max(1)).min(4);
    if quarters <= QUARTERS.get() {
        return Ok(());
    }
    QUARTERS.set(quarters);
    if done >= total {
        say(&format!("Sweep finished: {text}"))
    } else {
        say(&format!("{} % of runs done: {text}", 25 * quarters))
    }
}
