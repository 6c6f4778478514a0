//! The settings form: reading fields, showing each field's error beside it,
//! and keeping the URL in step with the settings.

use lrdepth_core::{ConfigError, Field, ParseOutcome, SweepConfig};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlButtonElement, HtmlInputElement, HtmlSelectElement, UrlSearchParams};

use crate::dom::{self, by_id};

/// Returns the text of `field`'s form element; a checkbox reads "1" or "0".
pub fn field_value(field: Field) -> Result<String, JsError> {
    let id = field.key();
    let element: Element = by_id(id)?;
    if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        if input.type_() == "checkbox" {
            return Ok(if input.checked() { "1" } else { "0" }.to_string());
        }
        Ok(input.value())
    } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
        Ok(select.value())
    } else {
        Err(JsError::new(&format!(
            "element #{id} is not an input or a select"
        )))
    }
}

fn set_field_value(field: Field, text: &str) -> Result<(), JsError> {
    let element: Element = by_id(field.key())?;
    if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        if input.type_() == "checkbox" {
            // Any other text stays visible through its error message.
            input.set_checked(matches!(text.trim(), "1" | "true" | "on"));
            return Ok(());
        }
        input.set_value(text);
    } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
        select.set_value(text);
        // An unknown choice leaves the select empty; show the default then,
        // while the error message names the rejected value.
        if select.value() != text {
            select.set_value(&SweepConfig::default().text(field));
        }
    }
    Ok(())
}

/// Reads every field as (key, text).
pub fn read_pairs() -> Result<Vec<(&'static str, String)>, JsError> {
    Field::ALL
        .into_iter()
        .map(|f| Ok((f.key(), field_value(f)?)))
        .collect()
}

/// Parses the current values of the form.
pub fn parse_form() -> Result<ParseOutcome, JsError> {
    let pairs = read_pairs()?;
    Ok(SweepConfig::parse(
        pairs.iter().map(|(k, v)| (*k, v.as_str())),
    ))
}

/// URL query pairs of the page, decoded.
pub fn url_pairs() -> Result<Vec<(String, String)>, JsError> {
    let search = dom::window()?
        .location()
        .search()
        .map_err(|e| dom::js_error("could not read the URL", e))?;
    let params = UrlSearchParams::new_with_str(&search)
        .map_err(|e| dom::js_error("could not parse the URL", e))?;
    let mut pairs = Vec::new();
    let entries = js_sys::try_iter(&params)
        .map_err(|e| dom::js_error("could not read the URL parameters", e))?
        .ok_or_else(|| JsError::new("URL parameters are not iterable"))?;
    for entry in entries {
        let entry = js_sys::Array::from(
            &entry.map_err(|e| dom::js_error("could not read a URL parameter", e))?,
        );
        let key = entry.get(0).as_string().unwrap_or_default();
        let value = entry.get(1).as_string().unwrap_or_default();
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// Fills the form from the defaults, then from the URL's values as typed,
/// so that an invalid value stays visible beside its message.
pub fn fill_from_url(url: &[(String, String)]) -> Result<(), JsError> {
    let defaults = SweepConfig::default();
    for field in Field::ALL {
        let text = url
            .iter()
            .rev()
            .find(|(k, _)| k == field.key())
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| defaults.text(field));
        set_field_value(field, &text)?;
    }
    Ok(())
}

/// Shows each error beside its field and clears the others. Returns the
/// reason the Run button is disabled, if any.
pub fn show_errors(errors: &[ConfigError]) -> Result<Option<String>, JsError> {
    for field in Field::ALL {
        let messages: Vec<String> = errors
            .iter()
            .filter(|e| e.field() == Some(field))
            .map(|e| e.to_string())
            .collect();
        dom::set_text(&format!("{}-error", field.key()), &messages.join(" "))?;
        let input: Element = by_id(field.key())?;
        if messages.is_empty() {
            input.remove_attribute("aria-invalid").ok();
        } else {
            input.set_attribute("aria-invalid", "true").ok();
        }
    }
    if errors.is_empty() {
        return Ok(None);
    }
    let invalid: Vec<&str> = errors
        .iter()
        .filter_map(|e| e.field())
        .map(|f| f.label())
        .collect();
    let mut reasons = Vec::new();
    if !invalid.is_empty() {
        reasons.push(format!(
            "Run is disabled until these fields are fixed: {}.",
            invalid.join(", ")
        ));
    }
    reasons.extend(
        errors
            .iter()
            .filter(|e| e.field().is_none())
            .map(|e| format!("Run is disabled: {e}.")),
    );
    Ok(Some(reasons.join(" ")))
}

/// Writes the link version, the settings and the page's own link keys
/// into the URL without adding a history entry.
pub fn write_url(config: &SweepConfig) -> Result<(), JsError> {
    let pairs = crate::share::address_pairs(config.pairs());
    let window = dom::window()?;
    let path = window
        .location()
        .pathname()
        .map_err(|e| dom::js_error("could not read the URL", e))?;
    let url = crate::share::build_url(&path, &pairs)?;
    window
        .history()
        .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&url)))
        .map_err(|e| dom::js_error("could not update the URL", e))
}

pub fn set_run_enabled(enabled: bool, reason: Option<&str>) -> Result<(), JsError> {
    by_id::<HtmlButtonElement>("run")?.set_disabled(!enabled);
    dom::set_text("run-reason", reason.unwrap_or(""))
}

/// Lists the config's warnings under the form; an empty list hides it.
pub fn show_warnings(warnings: &[String]) -> Result<(), JsError> {
    let list: Element = by_id("warnings")?;
    list.set_text_content(None);
    dom::append_items(&list, warnings)
}
