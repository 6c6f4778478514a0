//! Links to the current settings: applying a link's page keys on load,
//! the link builder (chosen plot, hidden and locked controls), Copy link
//! with a fallback, and the embed code.

use std::cell::RefCell;

use lrdepth_core::Field;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

use crate::app::listen;
use crate::dom::{self, by_id};
use crate::link::{LinkOptions, Plot, link_pairs};
use crate::{embed, form};

thread_local! {
    /// The page keys this page was opened with; the address bar keeps them.
    static PAGE_OPTIONS: RefCell<LinkOptions> = RefCell::new(LinkOptions::default());
}

/// Returns the page keys this page was opened with.
pub fn page_options() -> LinkOptions {
    PAGE_OPTIONS.with(|options| options.borrow().clone())
}

/// Reads the page keys of the URL, shows a note for each problem, and
/// applies hidden and locked controls and embed mode.
pub fn apply_link(url: &[(String, String)]) -> Result<LinkOptions, JsError> {
    let parsed = LinkOptions::parse(url);
    for note in &parsed.notes {
        log::info!("link: {note}");
    }
    show_notes(&parsed.notes)?;
    let options = parsed.options;
    for &field in &options.hide {
        field_box(field)?.set_hidden(true);
    }
    for &field in &options.lock {
        lock_field(field)?;
    }
    if options.embed {
        embed::enter(&options)?;
    }
    PAGE_OPTIONS.with(|page| *page.borrow_mut() = options.clone());
    Ok(options)
}

/// Adds notes to the list under the page title, showing it.
fn show_notes(notes: &[String]) -> Result<(), JsError> {
    if notes.is_empty() {
        return Ok(());
    }
    let list: Element = by_id("link-notes-list")?;
    dom::append_items(&list, notes)?;
    by_id::<HtmlElement>("link-notes")?.set_hidden(false);
    Ok(())
}

/// Returns the `.field` box that contains the control of `field`.
fn field_box(field: Field) -> Result<HtmlElement, JsError> {
    let control: Element = by_id(field.key())?;
    control
        .closest(".field")
        .map_err(|e| dom::js_error("could not find a field's box", e))?
        .ok_or_else(|| JsError::new(&format!("#{} is not inside a .field", field.key())))?
        .dyn_into()
        .map_err(|_| JsError::new("a .field box is not an HTML element"))
}

/// Disables the control of `field`, which keeps showing its value, and
/// adds a note beside it.
fn lock_field(field: Field) -> Result<(), JsError> {
    let control: Element = by_id(field.key())?;
    control
        .set_attribute("disabled", "")
        .map_err(|e| dom::js_error("could not lock a control", e))?;
    let field_box = field_box(field)?;
    field_box.class_list().add_1("locked").ok();
    let note = dom::document()?
        .create_element("small")
        .map_err(|e| dom::js_error("could not add a lock note", e))?;
    note.set_class_name("lock-note");
    note.set_text_content(Some("locked by the link"));
    field_box
        .append_child(&note)
        .map_err(|e| dom::js_error("could not add a lock note", e))?;
    Ok(())
}

/// Shows hidden controls whose value is invalid and unlocks locked ones,
/// because the user could not otherwise see or fix what stops Run.
pub fn release_invalid_controls() -> Result<(), JsError> {
    let options = page_options();
    let mut notes = Vec::new();
    for field in Field::ALL {
        let control: Element = by_id(field.key())?;
        if control.get_attribute("aria-invalid").as_deref() != Some("true") {
            continue;
        }
        if options.hide.contains(&field) {
            field_box(field)?.set_hidden(false);
            notes.push(format!(
                "The link hides {}, but its value is invalid, so it is shown.",
                field.label()
            ));
        }
        if options.lock.contains(&field) {
            control.remove_attribute("disabled").ok();
            notes.push(format!(
                "The link locks {}, but its value is invalid, so it is unlocked.",
                field.label()
            ));
        }
    }
    show_notes(&notes)
}

/// Scrolls to the plot the link chose and marks it. In embed mode the
/// other plots are hidden instead.
pub fn show_chosen_plot(options: &LinkOptions) -> Result<(), JsError> {
    let Some(plot) = options.plot else {
        return Ok(());
    };
    if options.embed {
        return embed::show_only(plot);
    }
    let element: Element = by_id(plot.element_id())?;
    let target = element.closest("figure").ok().flatten().unwrap_or(element);
    target.class_list().add_1("chosen").ok();
    target.scroll_into_view();
    Ok(())
}

/// Returns the query pairs of the address bar: the settings and the page
/// keys this page was opened with.
pub fn address_pairs(settings: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    link_pairs(settings, &page_options())
}

/// Builds `base?query` from pairs, percent-encoding each value.
pub fn build_url(base: &str, pairs: &[(&str, String)]) -> Result<String, JsError> {
    let params = web_sys::UrlSearchParams::new()
        .map_err(|e| dom::js_error("could not build the link", e))?;
    for (key, value) in pairs {
        params.append(key, value);
    }
    Ok(format!("{base}?{}", String::from(params.to_string())))
}

/// Returns the page's address without its query, such as
/// `http://127.0.0.1:8080/some/path/`.
pub fn page_base() -> Result<String, JsError> {
    let location = dom::window()?.location();
    let origin = location
        .origin()
        .map_err(|e| dom::js_error("could not read the page origin", e))?;
    let path = location
        .pathname()
        .map_err(|e| dom::js_error("could not read the page path", e))?;
    Ok(format!("{origin}{path}"))
}

/// Returns the current settings as link pairs: parsed and normalised when
/// valid, else as typed, so the link shows the same error.
fn settings_pairs() -> Result<Vec<(&'static str, String)>, JsError> {
    let outcome = form::parse_form()?;
    if outcome.errors.is_empty() {
        Ok(outcome.config.pairs())
    } else {
        form::read_pairs()
    }
}

/// Reads the builder's choices: the plot and the ticked controls.
fn builder_options() -> Result<LinkOptions, JsError> {
    let plot = Plot::from_key(&by_id::<HtmlSelectElement>("share-plot")?.value());
    let ticked = |prefix: &str| -> Result<Vec<Field>, JsError> {
        let mut fields = Vec::new();
        for field in Field::ALL {
            let id = format!("{prefix}-{}", field.key());
            if by_id::<HtmlInputElement>(&id)?.checked() {
                fields.push(field);
            }
        }
        Ok(fields)
    };
    Ok(LinkOptions {
        plot,
        hide: ticked("hide")?,
        lock: ticked("lock")?,
        ..LinkOptions::default()
    })
}

/// Rewrites the link and the embed code of the share panel.
fn refresh() -> Result<(), JsError> {
    let options = builder_options()?;
    let settings = settings_pairs()?;
    let base = page_base()?;
    let link = build_url(&base, &link_pairs(settings.clone(), &options))?;
    by_id::<HtmlInputElement>("share-link")?.set_value(&link);

    let embedded = LinkOptions {
        embed: true,
        ..options
    };
    let frame_url = build_url(&base, &link_pairs(settings, &embedded))?;
    by_id::<HtmlTextAreaElement>("embed-code")?.set_value(&embed::embed_code(&frame_url));
    Ok(())
}

/// Builds the hide and lock table, then keeps the link and the embed code
/// in step with the form and the builder.
pub fn wire_panel() -> Result<(), JsError> {
    build_builder_table()?;
    let options = page_options();
    let plot_select: HtmlSelectElement = by_id("share-plot")?;
    plot_select.set_value(options.plot.map_or("", Plot::key));
    for field in &options.hide {
        by_id::<HtmlInputElement>(&format!("hide-{}", field.key()))?.set_checked(true);
    }
    for field in &options.lock {
        by_id::<HtmlInputElement>(&format!("lock-{}", field.key()))?.set_checked(true);
    }

    for id in ["controls", "share"] {
        let target: HtmlElement = by_id(id)?;
        for kind in ["input", "change"] {
            listen(&target, kind, |_| refresh())?;
        }
    }
    let copy_link: HtmlElement = by_id("copy-link")?;
    listen(&copy_link, "click", |_| {
        refresh()?;
        copy_from("share-link", "Link copied.")
    })?;
    let copy_embed: HtmlElement = by_id("copy-embed")?;
    listen(&copy_embed, "click", |_| {
        refresh()?;
        copy_from("embed-code", "Embed code copied.")
    })?;
    refresh()
}

/// Fills `#builder-fields` with one row per control: its label and two
/// check boxes, `#hide-<key>` and `#lock-<key>`.
fn build_builder_table() -> Result<(), JsError> {
    let document = dom::document()?;
    let body: Element = by_id("builder-fields")?;
    let mut html = String::new();
    for field in Field::ALL {
        let key = field.key();
        let label = document
            .query_selector(&format!("label[for=\"{key}\"]"))
            .ok()
            .flatten()
            .and_then(|l| l.text_content())
            .unwrap_or_else(|| field.label().to_string());
        html.push_str(&format!(
            "<tr><th scope=\"row\">{label}</th>\
             <td><input type=\"checkbox\" id=\"hide-{key}\" aria-label=\"hide {label}\"></td>\
             <td><input type=\"checkbox\" id=\"lock-{key}\" aria-label=\"lock {label}\"></td></tr>"
        ));
    }
    body.set_inner_html(&html);
    Ok(())
}

/// Copies the text of the field `id` with the asynchronous clipboard API.
/// Where it is missing (not a secure context) or refuses, the field's text
/// is selected so that the user can copy it with the keyboard.
fn copy_from(id: &'static str, done: &'static str) -> Result<(), JsError> {
    let text = match by_id::<Element>(id)?.dyn_into::<HtmlInputElement>() {
        Ok(input) => input.value(),
        Err(element) => element
            .dyn_into::<HtmlTextAreaElement>()
            .map_err(|_| JsError::new(&format!("#{id} is not a text field")))?
            .value(),
    };
    let navigator = dom::window()?.navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|clipboard| !clipboard.is_undefined() && !clipboard.is_null());
    if !has_clipboard {
        return select_for_copy(id, "The clipboard is not available on this page");
    }
    let promise = navigator.clipboard().write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => dom::set_text("share-status", done),
            Err(error) => {
                log::info!("clipboard write failed: {error:?}");
                select_for_copy(id, "The browser did not allow copying")
            }
        };
        if let Err(error) = outcome {
            crate::app::report_error(error);
        }
    });
    Ok(())
}

/// Selects the text of field `id` and shows how to copy it.
fn select_for_copy(id: &str, reason: &str) -> Result<(), JsError> {
    let element: HtmlElement = by_id(id)?;
    element.focus().ok();
    if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        input.select();
    } else if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
        area.select();
    }
    dom::set_text(
        "share-status",
        &format!("{reason}: the text is selected, press Ctrl+C (⌘C on a Mac) to copy it."),
    )
}
