//! Small helpers over web-sys for the page's own elements.

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Window};

pub fn window() -> Result<Window, JsError> {
    web_sys::window()
        .ok_or_else(|| JsError::new("no window: the page code must run on the main thread"))
}

pub fn document() -> Result<Document, JsError> {
    window()?
        .document()
        .ok_or_else(|| JsError::new("no document in this window"))
}

/// Returns the element with `id` as type `T`, or an error naming the id.
pub fn by_id<T: JsCast>(id: &str) -> Result<T, JsError> {
    document()?
        .get_element_by_id(id)
        .ok_or_else(|| JsError::new(&format!("element #{id} is missing from the page")))?
        .dyn_into::<T>()
        .map_err(|_| JsError::new(&format!("element #{id} has an unexpected type")))
}

pub fn set_text(id: &str, text: &str) -> Result<(), JsError> {
    by_id::<Element>(id)?.set_text_content(Some(text));
    Ok(())
}

/// Appends one `<li>` per text to the list element `list`.
pub fn append_items(list: &Element, texts: &[String]) -> Result<(), JsError> {
    let document = document()?;
    for text in texts {
        let item = document
            .create_element("li")
            .map_err(|e| js_error("could not add a list item", e))?;
        item.set_text_content(Some(text));
        list.append_child(&item)
            .map_err(|e| js_error("could not add a list item", e))?;
    }
    Ok(())
}

/// Converts a JS exception into a `JsError` with its message.
pub fn js_error(context: &str, error: JsValue) -> JsError {
    let detail = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"));
    JsError::new(&format!("{context}: {detail}"))
}

/// Milliseconds since the page loaded, from `performance.now()`.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Formats a number with about four significant digits.
pub fn format_number(value: f64) -> String {
    if value == 0.0 || ((1e-3..1e4).contains(&value.abs())) {
        let text = format!("{value:.4}");
        let trimmed = text.trim_end_matches('0').trim_end_matches('.');
        trimmed.to_string()
    } else {
        format!("{value:.3e}")
    }
}
