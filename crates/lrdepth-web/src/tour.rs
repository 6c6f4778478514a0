//! The "what am I looking at" tour: a few steps, each shown in the page
//! flow just above the part it explains, so it never covers a control or
//! traps focus. It opens by itself on the first visit, which localStorage
//! remembers, and again from the Tour button.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, Node};

use crate::app::listen;
use crate::dom::{self, by_id};

/// localStorage key set once the tour has been shown.
pub const SEEN_KEY: &str = "lrdepth-tour-seen";

/// One step: the id of the element it explains, and its text.
struct Step {
    target: &'static str,
    title: &'static str,
    text: &'static str,
}

const STEPS: [Step; 5] = [
    Step {
        target: "controls",
        title: "The settings",
        text: "Pick base rates η0, depths and a parametrization, then press Run. The page trains \
               one small ReLU network per depth and η0, in your browser. The URL keeps every \
               setting, so you can share a view.",
    },
    Step {
        target: "plot-depth-figure",
        title: "Loss against depth and η0",
        text: "Each point is one trained network. The left plot shows the final loss against \
               depth, one curve per η0; the right plot the same runs against η0, one curve per \
               depth, with each curve's best η0 ringed. Crosses in the grey band diverged.",
    },
    Step {
        target: "plot-best-figure",
        title: "The best rate against depth",
        text: "The best η0 of every depth on log-log axes, with its fitted slope. Under μP it \
               falls like L^(−3/2); choose μP + depth rule and it stays flat. The table under \
               the page lists every run.",
    },
    Step {
        target: "probe",
        title: "Why: the one-step probe",
        text: "One small gradient step moves the last layer further the deeper the network, \
               because every layer's update pushes it the same way. Run the probe to see it \
               grow with depth.",
    },
    Step {
        target: "exercises",
        title: "Try it yourself",
        text: "Each exercise asks a question, and its Check button runs the experiment and tells \
               you whether your answer holds, with the measured values.",
    },
];

thread_local! {
    /// The step on display, or `None` when the tour is closed.
    static CURRENT: Cell<Option<usize>> = const { Cell::new(None) };
}

fn storage() -> Option<web_sys::Storage> {
    // Storage can be missing or throw, for example in a sandboxed frame;
    // the tour then simply shows on every visit.
    web_sys::window()?.local_storage().ok().flatten()
}

fn seen() -> bool {
    storage().is_some_and(|s| s.get_item(SEEN_KEY).ok().flatten().is_some())
}

fn remember_seen() {
    if let Some(storage) = storage()
        && storage.set_item(SEEN_KEY, "1").is_err()
    {
        log::info!("could not store that the tour was seen");
    }
}

/// Wires the tour's buttons and Escape, and opens it on the first visit.
pub fn wire() -> Result<(), JsError> {
    listen(
        &by_id::<web_sys::EventTarget>("tour-open")?,
        "click",
        |_| show_step(0, true),
    )?;
    listen(
        &by_id::<web_sys::EventTarget>("tour-close")?,
        "click",
        |_| close(),
    )?;
    listen(
        &by_id::<web_sys::EventTarget>("tour-back")?,
        "click",
        |_| {
            let step = CURRENT.get().unwrap_or(0);
            show_step(step.saturating_sub(1), true)
        },
    )?;
    listen(
        &by_id::<web_sys::EventTarget>("tour-next")?,
        "click",
        |_| match CURRENT.get() {
            Some(step) if step + 1 < STEPS.len() => show_step(step + 1, true),
            _ => close(),
        },
    )?;
    listen(dom::document()?.as_ref(), "keydown", |event| {
        let is_escape = event
            .dyn_ref::<KeyboardEvent>()
            .is_some_and(|k| k.key() == "Escape");
        if is_escape && CURRENT.get().is_some() {
            close()?;
        }
        Ok(())
    })?;
    if !seen() {
        remember_seen();
        show_step(0, false)?;
    }
    Ok(())
}

/// Shows step `idx` just above its target. `move_focus` moves the focus to
/// the step's heading; the first-visit tour leaves the focus where it is.
fn show_step(idx: usize, move_focus: bool) -> Result<(), JsError> {
    let step = &STEPS[idx];
    clear_highlight()?;
    let panel: HtmlElement = by_id("tour")?;
    let target: Element = by_id(step.target)?;
    let parent: Node = target
        .parent_node()
        .ok_or_else(|| JsError::new(&format!("#{} has no parent", step.target)))?;
    parent
        .insert_before(&panel, Some(&target))
        .map_err(|e| dom::js_error("could not move the tour", e))?;
    target.class_list().add_1("tour-target").ok();

    dom::set_text(
        "tour-title",
        &format!("Tour, step {} of {}: {}", idx + 1, STEPS.len(), step.title),
    )?;
    dom::set_text("tour-text", step.text)?;
    by_id::<HtmlElement>("tour-back")?.set_hidden(idx == 0);
    let last = idx + 1 == STEPS.len();
    dom::set_text("tour-next", if last { "Done" } else { "Next" })?;
    panel.set_hidden(false);
    CURRENT.set(Some(idx));
    if move_focus {
        panel.scroll_into_view_with_bool(true);
        by_id::<HtmlElement>("tour-title")?
            .focus()
            .map_err(|e| dom::js_error("could not focus the tour", e))?;
    }
    Ok(())
}

fn clear_highlight() -> Result<(), JsError> {
    let marked = dom::document()?
        .query_selector_all(".tour-target")
        .map_err(|e| dom::js_error("could not find the tour's target", e))?;
    for idx in 0..marked.length() {
        if let Some(element) = marked.item(idx).and_then(|n| n.dyn_into::<Element>().ok()) {
            element.class_list().remove_1("tour-target").ok();
        }
    }
    Ok(())
}

/// Hides the tour and, if the focus was inside it, returns the focus to
/// the Tour button.
fn close() -> Result<(), JsError> {
    let panel: HtmlElement = by_id("tour")?;
    let had_focus = dom::document()?
        .active_element()
        .is_some_and(|active| panel.contains(Some(&active)));
    panel.set_hidden(true);
    clear_highlight()?;
    CURRENT.set(None);
    remember_seen();
    if had_focus {
        by_id::<HtmlElement>("tour-open")?
            .focus()
            .map_err(|e| dom::js_error("could not focus the Tour button", e))?;
    }
    Ok(())
}
