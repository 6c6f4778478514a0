//! Training workers: each is a dedicated Web Worker with its own wasm
//! instance, started from the worker build that trunk emits beside the page.

use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, ErrorEvent, MessageEvent, Url, Worker};

use crate::dom;

/// Workers at most, whatever the machine reports, because each keeps its own copy
/// of the wasm module and of the data.
pub const MAX_WORKERS: usize = 4;

/// Returns the number of workers to start for `n_runs` runs: `requested`
/// if the user set it, else one per logical core as the browser reports
/// it, capped at `MAX_WORKERS`.
pub fn worker_count(n_runs: usize, requested: Option<usize>) -> usize {
    let automatic = || {
        let cores = web_sys::window()
            .map(|w| w.navigator().hardware_concurrency())
            .filter(|c| c.is_finite() && *c >= 1.0)
            .unwrap_or(1.0) as usize;
        cores.clamp(1, MAX_WORKERS)
    };
    requested.unwrap_or_else(automatic).min(n_runs.max(1))
}

/// Builds the script URL that loads the worker build. Trunk emits the
/// worker as `worker.js` and `worker_bg.wasm` (wasm-bindgen's no-modules
/// output); both are resolved against the document's base URL, so the page
/// works from any sub-path.
fn loader_url() -> Result<String, JsError> {
    let document = dom::document()?;
    let base = document
        .base_uri()
        .map_err(|e| dom::js_error("could not read the base URL", e))?
        .ok_or_else(|| JsError::new("the page has no base URL"))?;
    let resolve = |name: &str| {
        Url::new_with_base(name, &base)
            .map(|u| u.href())
            .map_err(|e| dom::js_error("could not resolve the worker URL", e))
    };
    // A failed wasm load rejects a promise, which the page never hears of;
    // rethrowing it from a timer turns it into the worker's error event.
    let script = format!(
        "importScripts({:?}); wasm_bindgen({{ module_or_path: {:?} }})\
         .catch((error) => setTimeout(() => {{ throw error; }}));",
        resolve("worker.js")?,
        resolve("worker_bg.wasm")?
    );
    let parts = js_sys::Array::of1(&JsValue::from_str(&script));
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| dom::js_error("could not build the worker script", e))?;
    Url::create_object_url_with_blob(&blob)
        .map_err(|e| dom::js_error("could not build the worker URL", e))
}

/// One worker and the handlers that must live as long as it does.
pub struct PoolWorker {
    /// Identifies the worker in the page's own messages.
    pub id: u32,
    pub worker: Worker,
    /// The worker has posted its ready message.
    pub ready: bool,
    /// A run has been sent and its result has not come back.
    pub busy: bool,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(ErrorEvent)>,
}

impl PoolWorker {
    /// Starts a worker whose messages go to `on_message` and whose load or
    /// script errors go to `on_error`.
    pub fn spawn(
        on_message: impl Fn(MessageEvent) + 'static,
        on_error: impl Fn(ErrorEvent) + 'static,
        id: u32,
    ) -> Result<Self, JsError> {
        let url = loader_url()?;
        let worker =
            Worker::new(&url).map_err(|e| dom::js_error("could not start a training worker", e))?;
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(on_message);
        let on_error = Closure::<dyn Fn(ErrorEvent)>::new(on_error);
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(PoolWorker {
            id,
            worker,
            ready: false,
            busy: false,
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}

impl Drop for PoolWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
