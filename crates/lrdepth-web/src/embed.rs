//! Embed mode (`embed=1`): a compact page for an iframe that reports its
//! height to the parent page, and the code a blog pastes to embed it.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use crate::dom::{self, by_id};
use crate::link::{LinkOptions, Plot, Section};

/// `type` of the message that carries the page's height to its parent.
pub const HEIGHT_MESSAGE_TYPE: &str = "lrdepth:height";

/// Script for the page that embeds the playground: it sets each frame's
/// height to the height that the frame's own page reports. The README
/// quotes it; keep the two the same.
pub const RESIZE_SCRIPT: &str = r#"window.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.type !== "lrdepth:height" || !(data.height > 0)) return;
  for (const frame of document.querySelectorAll("iframe")) {
    if (frame.contentWindow === event.source) frame.style.height = Math.ceil(data.height) + "px";
  }
});"#;

/// Frame height before the first height message arrives, in CSS pixels.
const INITIAL_FRAME_HEIGHT: u32 = 900;

/// Returns the HTML that embeds the page at `frame_url`: the iframe and
/// the resize script.
pub fn embed_code(frame_url: &str) -> String {
    let src = frame_url.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<iframe src=\"{src}\" title=\"Depth and the learning rate: a deep-MLP playground\" \
         style=\"width: 100%; height: {INITIAL_FRAME_HEIGHT}px; border: 0;\" \
         allow=\"clipboard-write\" loading=\"lazy\"></iframe>\n<script>\n{RESIZE_SCRIPT}\n</script>\n"
    )
}

/// Switches the page to embed mode: `body.embed` for the styles, the
/// sections listed in `show=` kept, and height messages to the parent.
pub fn enter(options: &LinkOptions) -> Result<(), JsError> {
    let body: HtmlElement = dom::document()?
        .body()
        .ok_or_else(|| JsError::new("the page has no body"))?;
    body.class_list().add_1("embed").ok();
    for section in Section::ALL {
        if options.show.contains(&section) {
            let selector = section.selector();
            if let Some(element) = dom::document()?.query_selector(selector).ok().flatten() {
                element.class_list().add_1("embed-shown").ok();
            }
        }
    }
    set_full_page_link()?;
    watch_height()
}

/// Points the "Open the full page" link at this page without embed mode.
fn set_full_page_link() -> Result<(), JsError> {
    let window = dom::window()?;
    let href = window
        .location()
        .href()
        .map_err(|e| dom::js_error("could not read the page address", e))?;
    let url = web_sys::Url::new(&href).map_err(|e| dom::js_error("could not read the URL", e))?;
    url.search_params().delete("embed");
    let link: Element = by_id("open-full")?;
    link.set_attribute("href", &url.href()).ok();
    Ok(())
}

/// In embed mode with a chosen plot, hides the other plots.
pub fn show_only(plot: Plot) -> Result<(), JsError> {
    let document = dom::document()?;
    let body: Element = document
        .body()
        .ok_or_else(|| JsError::new("the page has no body"))?
        .into();
    body.set_attribute("data-plot", plot.key()).ok();
    if plot == Plot::Probe {
        by_id::<Element>("probe")?
            .class_list()
            .add_1("embed-shown")
            .ok();
    }
    Ok(())
}

/// Posts the page's height to the parent window now and whenever it
/// changes. Does nothing when the page is not in a frame.
fn watch_height() -> Result<(), JsError> {
    let window = dom::window()?;
    let parent = match window.parent() {
        Ok(Some(parent)) if !js_sys::Object::is(&parent, &window) => parent,
        _ => return Ok(()),
    };
    let root: Element = dom::document()?
        .document_element()
        .ok_or_else(|| JsError::new("the page has no root element"))?;
    let last_height = Cell::new(0.0_f64);
    let measured_root = root.clone();
    let on_resize = Closure::<dyn Fn()>::new(move || {
        // The root element's box is as tall as the content, while its
        // scrollHeight never falls below the frame's own height.
        let height = measured_root.get_bounding_client_rect().height().ceil();
        if height == last_height.get() {
            return;
        }
        last_height.set(height);
        let message = js_sys::Object::new();
        let entries = [
            ("type", JsValue::from_str(HEIGHT_MESSAGE_TYPE)),
            ("height", JsValue::from_f64(height)),
        ];
        for (key, value) in entries {
            js_sys::Reflect::set(&message, &key.into(), &value).ok();
        }
        // The height is no secret, and the page cannot know the embedding
        // origin in advance, so any parent may read it.
        if let Err(error) = parent.post_message(&message, "*") {
            web_sys::console::warn_2(&"could not post the page height:".into(), &error);
        }
    });
    let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref())
        .map_err(|e| dom::js_error("could not watch the page height", e))?;
    observer.observe(&root);
    on_resize.forget();
    Ok(())
}
