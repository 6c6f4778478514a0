//! Offline use: registers the service worker `sw.js`, which trunk copies
//! beside the page, so the page loads and trains without a network once it
//! has loaded.

use wasm_bindgen::prelude::*;

use crate::dom;

/// Registers `sw.js` from the page's folder, so that its scope is that
/// folder, whatever sub-path the page is served from. Browsers offer
/// service workers only in secure contexts (HTTPS or loopback). Elsewhere
/// the page works online only, and logs that to the console.
pub fn register_service_worker() -> Result<(), JsError> {
    let window = dom::window()?;
    let navigator = window.navigator();
    let available = js_sys::Reflect::get(&navigator, &"serviceWorker".into())
        .is_ok_and(|container| !container.is_undefined());
    if !available {
        log::info!("no service worker: this page is not a secure context, so it needs the network");
        return Ok(());
    }
    let promise = navigator.service_worker().register("sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => log::info!("service worker registered: the page works offline once loaded"),
            Err(error) => log::warn!("service worker registration failed: {error:?}"),
        }
    });
    Ok(())
}
