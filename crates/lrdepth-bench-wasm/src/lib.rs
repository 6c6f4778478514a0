//! Times the product's training step and its matrix products in the
//! browser. `crates/lrdepth-bench/web/step-worker.js` loads this module in
//! a dedicated Web Worker, as the page loads its training worker, and the
//! native driver reads the results through the bench page.

use lrdepth_bench::kernels::{self, StepProblem};
use wasm_bindgen::prelude::*;
use web_sys::WorkerGlobalScope;

/// Returns `performance.now()` of the worker, in milliseconds.
fn now_ms() -> f64 {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    scope.performance().map_or(f64::NAN, |p| p.now())
}

fn problem(depth: usize) -> Result<StepProblem, JsError> {
    if !(1..=64).contains(&depth) {
        return Err(JsError::new(&format!(
            "depth {depth} is out of range: expected 1 to 64"
        )));
    }
    Ok(StepProblem::default_sizes(depth))
}

/// Times `steps` training steps at `depth` hidden layers and the default
/// sizes; returns the milliseconds they took.
#[wasm_bindgen(js_name = timeSteps)]
pub fn time_steps(depth: usize, steps: usize) -> Result<f64, JsError> {
    Ok(kernels::time_steps(&problem(depth)?, steps, now_ms))
}

/// Times `repeats` runs of the matrix products of one step; returns the
/// milliseconds they took.
#[wasm_bindgen(js_name = timeProducts)]
pub fn time_products(depth: usize, repeats: usize) -> Result<f64, JsError> {
    Ok(kernels::time_products(&problem(depth)?, repeats, now_ms))
}

/// Times `repeats` runs of the element-wise work of one step; returns the
/// milliseconds they took.
#[wasm_bindgen(js_name = timeElementwise)]
pub fn time_elementwise(depth: usize, repeats: usize) -> Result<f64, JsError> {
    Ok(kernels::time_elementwise(&problem(depth)?, repeats, now_ms))
}

/// Returns the floating-point operations of the matrix products of one step.
#[wasm_bindgen(js_name = productFlops)]
pub fn product_flops(depth: usize) -> Result<f64, JsError> {
    Ok(problem(depth)?.product_flops())
}
