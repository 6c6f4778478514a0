//! Downloads of what the page shows: every run as CSV or JSON (the same
//! encoding as the native runner's files), and each plot as PNG (the
//! canvas as drawn) or SVG (drawn again with plotters' SVG backend).

use lrdepth_core::probe::ProbeSummary;
use lrdepth_core::{RunResult, SweepConfig};
use lrdepth_plot::export::{write_csv, write_json};
use lrdepth_plot::{
    BestRateData, PlotData, Style, draw_best_rate_vs_depth, draw_loss_vs_depth, draw_loss_vs_rate,
    draw_probe_profile, draw_probe_vs_depth,
};
use plotters::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{
    Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlSelectElement, Url,
};

use crate::app::listen;
use crate::dom::{self, by_id};
use crate::view;

/// The runs and probe summaries on display when an export starts.
pub struct Snapshot {
    pub config: SweepConfig,
    pub results: Vec<RunResult>,
    /// Depths and summaries of the probe, empty before one has run.
    pub probe_depths: Vec<usize>,
    pub probe_summaries: Vec<ProbeSummary>,
}

/// A plot that can be exported: its canvas id and its file name stem,
/// which matches the native runner's SVG files.
const PLOTS: [(&str, &str); 5] = [
    (view::DEPTH_PLOT_ID, "loss_vs_depth"),
    (view::RATE_PLOT_ID, "loss_vs_rate"),
    (view::BEST_PLOT_ID, "best_rate_vs_depth"),
    (view::PROBE_PLOT_ID, "probe_vs_depth"),
    (view::PROFILE_PLOT_ID, "probe_profile"),
];

/// Saves one kind of export of a snapshot.
type ExportAction = fn(&Snapshot) -> Result<(), JsError>;

/// Smallest SVG size, in CSS pixels, for a canvas that is hidden or tiny.
const MIN_SVG_SIZE: (u32, u32) = (640, 400);

/// Wires the export buttons. `snapshot` returns what the page shows.
pub fn wire(snapshot: impl Fn() -> Result<Snapshot, JsError> + 'static) -> Result<(), JsError> {
    let snapshot = std::rc::Rc::new(snapshot);
    let actions: [(&str, ExportAction); 4] = [
        ("export-csv", export_csv),
        ("export-json", export_json),
        ("export-png", export_png),
        ("export-svg", export_svg),
    ];
    for (id, action) in actions {
        let button: web_sys::HtmlElement = by_id(id)?;
        let snapshot = snapshot.clone();
        listen(&button, "click", move |_| action(&snapshot()?))?;
    }
    Ok(())
}

fn export_csv(snapshot: &Snapshot) -> Result<(), JsError> {
    let mut bytes = Vec::new();
    write_csv(&mut bytes, &snapshot.results)
        .map_err(|e| JsError::new(&format!("could not write the CSV: {e}")))?;
    download_bytes("results.csv", "text/csv", &bytes)?;
    say_exported("results.csv", snapshot.results.len())
}

fn export_json(snapshot: &Snapshot) -> Result<(), JsError> {
    let mut bytes = Vec::new();
    write_json(&mut bytes, &snapshot.config, &snapshot.results)
        .map_err(|e| JsError::new(&format!("could not write the JSON: {e}")))?;
    download_bytes("results.json", "application/json", &bytes)?;
    say_exported("results.json", snapshot.results.len())
}

fn say_exported(name: &str, n_runs: usize) -> Result<(), JsError> {
    let runs = if n_runs == 1 { "run" } else { "runs" };
    dom::set_text("export-status", &format!("Saved {name}: {n_runs} {runs}."))
}

/// Returns the canvas id and file stem of the plot chosen in `#export-plot`.
fn chosen_plot() -> Result<(&'static str, &'static str), JsError> {
    let value = by_id::<HtmlSelectElement>("export-plot")?.value();
    PLOTS
        .into_iter()
        .find(|(id, _)| *id == value)
        .ok_or_else(|| JsError::new(&format!("#export-plot has an unknown value {value:?}")))
}

/// Saves the chosen canvas as it is drawn, at the device pixel ratio.
fn export_png(_: &Snapshot) -> Result<(), JsError> {
    let (id, stem) = chosen_plot()?;
    let canvas: HtmlCanvasElement = by_id(id)?;
    let name = format!("{stem}.png");
    let on_blob = Closure::once_into_js(move |blob: Option<Blob>| {
        let saved = match blob {
            Some(blob) => download_blob(&name, &blob)
                .and_then(|()| dom::set_text("export-status", &format!("Saved {name}."))),
            None => Err(JsError::new(&format!(
                "the browser could not encode #{id} as PNG"
            ))),
        };
        if let Err(error) = saved {
            crate::app::report_error(error);
        }
    });
    canvas
        .to_blob(on_blob.unchecked_ref())
        .map_err(|e| dom::js_error("could not encode the plot as PNG", e))
}

/// Draws the chosen plot again into an SVG document, light, at the
/// canvas's size in CSS pixels.
fn export_svg(snapshot: &Snapshot) -> Result<(), JsError> {
    let (id, stem) = chosen_plot()?;
    let canvas: HtmlCanvasElement = by_id(id)?;
    let rect = canvas.get_bounding_client_rect();
    let size = (
        (rect.width().round() as u32).max(MIN_SVG_SIZE.0),
        (rect.height().round() as u32).max(MIN_SVG_SIZE.1),
    );
    let svg = draw_svg(id, snapshot, size)?;
    let name = format!("{stem}.svg");
    download_bytes(&name, "image/svg+xml", svg.as_bytes())?;
    dom::set_text("export-status", &format!("Saved {name}."))
}

/// Draws the plot of canvas `id` with plotters' SVG backend. Text is
/// measured through the DOM, so this runs on the page's main thread only.
pub fn draw_svg(id: &str, snapshot: &Snapshot, size: (u32, u32)) -> Result<String, JsError> {
    let config = &snapshot.config;
    let first_seed = view::first_seed_runs(config, &snapshot.results);
    let eta0s = config.eta0.values();
    let data = PlotData {
        results: &first_seed,
        depths: &config.depths,
        eta0s: &eta0s,
    };
    let best = BestRateData::of_sweep(config, &snapshot.results);
    let (depths, summaries) = (&snapshot.probe_depths, &snapshot.probe_summaries);
    let style = Style::default();

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let drawn = match id {
            view::DEPTH_PLOT_ID => draw_loss_vs_depth(&root, &data, &style),
            view::RATE_PLOT_ID => draw_loss_vs_rate(&root, &data, &style),
            view::BEST_PLOT_ID => draw_best_rate_vs_depth(&root, &best, &style),
            view::PROBE_PLOT_ID => draw_probe_vs_depth(&root, summaries, depths, &style),
            view::PROFILE_PLOT_ID => draw_probe_profile(&root, summaries, depths, &style),
            _ => return Err(JsError::new(&format!("no plot has the id {id:?}"))),
        };
        drawn.map_err(|e| JsError::new(&format!("could not draw #{id} as SVG: {e}")))?;
    }
    Ok(svg)
}

fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), JsError> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| dom::js_error("could not build the download", e))?;
    download_blob(name, &blob)
}

/// Saves `blob` as file `name` through a temporary link.
fn download_blob(name: &str, blob: &Blob) -> Result<(), JsError> {
    let url = Url::create_object_url_with_blob(blob)
        .map_err(|e| dom::js_error("could not build the download URL", e))?;
    let document = dom::document()?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| dom::js_error("could not build the download link", e))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_hidden(true);
    let body = document
        .body()
        .ok_or_else(|| JsError::new("the page has no body"))?;
    body.append_child(&anchor)
        .map_err(|e| dom::js_error("could not add the download link", e))?;
    anchor.click();
    anchor.remove();
    // The browser reads the blob after this handler returns, so the URL
    // is released a little later.
    let release = Closure::once_into_js(move || {
        Url::revoke_object_url(&url).ok();
    });
    dom::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(release.unchecked_ref(), 10_000)
        .map_err(|e| dom::js_error("could not schedule the download clean-up", e))?;
    Ok(())
}
