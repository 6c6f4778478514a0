//! Training worker: receives one run at a time from the page, trains it and
//! posts the result back. Loaded by the page through a small blob script.

use std::cell::RefCell;

use lrdepth_web::protocol::{FromWorker, WorkerState, to_js};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Posts a message to the page; a failure to post can only be logged.
fn post(reply: &FromWorker) {
    let sent = to_js(reply)
        .map_err(JsValue::from)
        .and_then(|value| scope().post_message(&value));
    if let Err(error) = sent {
        web_sys::console::error_2(&"worker could not post a message:".into(), &error);
    }
}

fn main() {
    // A panic becomes a message to the page, which shows it; the console
    // still gets the full report.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&FromWorker::Failed {
            message: format!("the training worker panicked: {info}"),
        });
    }));

    let state = RefCell::new(WorkerState::default());
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = state.borrow_mut().handle_js(event.data());
        match reply {
            Ok(value) => {
                if let Err(error) = scope().post_message(&value) {
                    web_sys::console::error_2(&"worker could not post a result:".into(), &error);
                }
            }
            Err(error) => web_sys::console::error_1(&JsValue::from(error)),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();

    // Messages sent before this point would have been dropped, so the page
    // waits for this one before it sends work.
    post(&FromWorker::Ready);
}
