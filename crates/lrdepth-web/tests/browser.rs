//! Tests of the web crate in headless Chromium: the worker protocol and
//! drawing into a real canvas.

#![cfg(target_arch = "wasm32")]

use lrdepth_core::{RunSpec, SweepConfig};
use lrdepth_plot::{PlotData, Style, draw_loss_vs_depth, draw_loss_vs_rate};
use lrdepth_web::protocol::{FromWorker, ToWorker, WorkerState, from_js, to_js};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn small_config() -> SweepConfig {
    let pairs = [
        ("eta0", "0.1, 100"),
        ("depths", "1, 3"),
        ("width", "8"),
        ("steps", "20"),
        ("samples", "16"),
    ];
    let outcome = SweepConfig::parse(pairs);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome.config
}

fn train(state: &mut WorkerState, config: &SweepConfig, run: RunSpec) -> FromWorker {
    let message = to_js(&ToWorker::Train {
        config: config.clone(),
        run,
    })
    .expect("a train message encodes");
    let reply = state.handle_js(message).expect("the reply encodes");
    from_js(reply).expect("the reply decodes")
}

#[wasm_bindgen_test]
fn worker_trains_every_run() {
    let config = small_config();
    let mut state = WorkerState::default();
    for run in config.runs() {
        match train(&mut state, &config, run) {
            FromWorker::Finished { result } => {
                assert_eq!(result.index, run.index);
                assert_eq!(result.depth, run.depth);
                assert_eq!(result.eta0, run.eta0);
                assert!(result.initial_loss.is_finite());
            }
            other => panic!("run {run:?} gave {other:?}"),
        }
    }
}

#[wasm_bindgen_test]
fn worker_matches_native_training() {
    // The worker's reply must equal a direct call of the core in the same
    // wasm instance: the protocol neither loses nor rounds values.
    let config = small_config();
    let run = config.runs()[1];
    let expected = config.train(&config.dataset(run.seed), run);
    match train(&mut WorkerState::default(), &config, run) {
        FromWorker::Finished { result } => assert_eq!(result, expected),
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
fn diverged_loss_survives_the_protocol() {
    let config = small_config();
    let run = *config
        .runs()
        .iter()
        .find(|r| r.eta0 == 100.0)
        .expect("η0 100 is in the sweep");
    match train(&mut WorkerState::default(), &config, run) {
        FromWorker::Finished { result } => {
            assert!(result.diverged, "η0 100 should diverge: {result:?}");
            assert_eq!(result.final_loss, f64::INFINITY);
        }
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
fn worker_rejects_out_of_bounds_config() {
    let mut config = small_config();
    config.width = 100_000;
    let run = config.runs()[0];
    match train(&mut WorkerState::default(), &config, run) {
        FromWorker::Failed { message } => {
            assert!(
                message.contains("width: 100000 is outside the allowed range 4 to 256"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
fn worker_rejects_foreign_run() {
    let config = small_config();
    let run = RunSpec {
        index: 0,
        seed: 0,
        parametrization: lrdepth_core::Parametrization::Mup,
        depth: 7,
        eta0: 0.1,
    };
    match train(&mut WorkerState::default(), &config, run) {
        FromWorker::Failed { message } => {
            assert!(message.contains("not part of the sweep"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
fn worker_rejects_garbage() {
    let mut state = WorkerState::default();
    for garbage in [
        JsValue::from_str("train"),
        JsValue::NULL,
        js_sys::Object::new().into(),
    ] {
        let reply: FromWorker =
            from_js(state.handle_js(garbage).expect("the reply encodes")).expect("decodes");
        match reply {
            FromWorker::Failed { message } => {
                assert!(message.contains("could not be decoded"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

/// Counts the distinct colours of the canvas, sampled on a coarse grid.
fn distinct_colours(canvas: &HtmlCanvasElement) -> usize {
    let context: CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let (w, h) = (canvas.width(), canvas.height());
    let pixels = context
        .get_image_data(0.0, 0.0, w as f64, h as f64)
        .unwrap()
        .data()
        .0;
    let mut colours: Vec<[u8; 4]> = pixels
        .chunks_exact(4)
        .step_by(7)
        .map(|p| [p[0], p[1], p[2], p[3]])
        .collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len()
}

#[wasm_bindgen_test]
fn plots_draw_into_canvas() {
    let config = small_config();
    let results = config.run_all();
    let eta0s = config.eta0.values();
    let data = PlotData {
        results: &results,
        depths: &config.depths,
        eta0s: &eta0s,
    };
    for dark in [false, true] {
        let style = Style { scale: 2.0, dark };
        let depth_canvas = canvas(800, 540);
        assert_eq!(distinct_colours(&depth_canvas), 1, "a new canvas is blank");
        let root = CanvasBackend::with_canvas_object(depth_canvas.clone())
            .unwrap()
            .into_drawing_area();
        draw_loss_vs_depth(&root, &data, &style).expect("plot 1 draws");
        assert!(
            distinct_colours(&depth_canvas) > 10,
            "plot 1 left the canvas nearly blank"
        );

        let rate_canvas = canvas(800, 540);
        let root = CanvasBackend::with_canvas_object(rate_canvas.clone())
            .unwrap()
            .into_drawing_area();
        draw_loss_vs_rate(&root, &data, &style).expect("plot 2 draws");
        assert!(
            distinct_colours(&rate_canvas) > 10,
            "plot 2 left the canvas nearly blank"
        );
    }
}

#[wasm_bindgen_test]
fn empty_plots_draw() {
    let config = small_config();
    let eta0s = config.eta0.values();
    let data = PlotData {
        results: &[],
        depths: &config.depths,
        eta0s: &eta0s,
    };
    let target = canvas(400, 270);
    let root = CanvasBackend::with_canvas_object(target.clone())
        .unwrap()
        .into_drawing_area();
    draw_loss_vs_depth(&root, &data, &Style::default()).expect("an empty plot draws");
    assert!(distinct_colours(&target) > 2);
}
