//! Training worker: receives one run at a time from the page, trains it and
//! posts the result back. Loaded by the page through a small blob script.
//!
//! A run trains in slices of about [`SLICE_MS`]; between slices the worker
//! posts itself a message on a `MessageChannel` and returns to its event
//! loop. A terminated worker then stops at the end of the current slice,
//! where a run trained in one task would go on for up to 2 s in Chromium.

use std::cell::RefCell;
use std::rc::Rc;

use lrdepth_web::protocol::{FromWorker, WorkerState, to_js};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

/// Time one slice of training may take before the worker yields, in
/// milliseconds; one gradient step always runs whole.
const SLICE_MS: f64 = 10.0;

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

    let state = Rc::new(RefCell::new(WorkerState::default()));
    let channel = match MessageChannel::new() {
        Ok(channel) => channel,
        Err(error) => {
            post(&FromWorker::Failed {
                message: format!(
                    "the training worker failed to create a MessageChannel: {error:?}"
                ),
            });
            return;
        }
    };
    let wake = channel.port2();

    let slice_state = Rc::clone(&state);
    let slice_wake = wake.clone();
    let on_slice = Closure::<dyn Fn(MessageEvent)>::new(move |_: MessageEvent| {
        let started = js_sys::Date::now();
        loop {
            if let Some(reply) = slice_state.borrow_mut().advance(1) {
                post(&reply);
                return;
            }
            if js_sys::Date::now() - started >= SLICE_MS {
                break;
            }
        }
        if let Err(error) = slice_wake.post_message(&JsValue::NULL) {
            post(&FromWorker::Failed {
                message: format!(
                    "the training worker failed to schedule its next slice: {error:?}"
                ),
            });
        }
    });
    channel
        .port1()
        .set_onmessage(Some(on_slice.as_ref().unchecked_ref()));
    on_slice.forget();

    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        match state.borrow_mut().start_js(event.data()) {
            Ok(Some(value)) => {
                if let Err(error) = scope().post_message(&value) {
                    web_sys::console::error_2(&"worker could not post a result:".into(), &error);
                }
            }
            Ok(None) => {
                if let Err(error) = wake.post_message(&JsValue::NULL) {
                    post(&FromWorker::Failed {
                        message: format!("the training worker failed to start its run: {error:?}"),
                    });
                }
            }
            Err(error) => web_sys::console::error_1(&JsValue::from(error)),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Both handlers live as long as the worker.
    on_message.forget();

    // Messages sent before this point would have been dropped, so the page
    // waits for this one before it sends work.
    post(&FromWorker::Ready);
}
