//! Display of a sweep: the progress bar, the results table and the two
//! plots.

use lrdepth_core::probe::ProbeSummary;
use lrdepth_core::{Parametrization, RunResult, SweepConfig, best_rates};
use lrdepth_plot::{
    BestRateData, PlotData, Style, draw_best_rate_vs_depth, draw_loss_vs_depth, draw_loss_vs_rate,
};
use lrdepth_plot::{draw_probe_profile, draw_probe_vs_depth};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlCanvasElement, HtmlProgressElement, HtmlTableSectionElement};

use crate::dom::{self, by_id, format_number};

pub const DEPTH_PLOT_ID: &str = "plot-depth";
pub const RATE_PLOT_ID: &str = "plot-rate";
pub const BEST_PLOT_ID: &str = "plot-best";
pub const PROBE_PLOT_ID: &str = "plot-probe";
pub const PROFILE_PLOT_ID: &str = "plot-profile";

/// Canvas height as a share of its width.
const PLOT_ASPECT: f64 = 0.68;

pub fn show_progress(done: usize, total: usize, text: &str) -> Result<(), JsError> {
    let bar: HtmlProgressElement = by_id("progress")?;
    bar.set_max(total.max(1) as f64);
    bar.set_value(done as f64);
    dom::set_text("progress-text", text)?;
    crate::announce::progress(done, total, text)
}

/// Formats the time left, rounded so that the text does not flicker.
pub fn format_time_left(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "estimating time left".to_string();
    }
    if seconds < 1.0 {
        "under a second left".to_string()
    } else if seconds < 90.0 {
        format!("about {:.0} s left", seconds.ceil())
    } else {
        format!("about {:.0} min left", (seconds / 60.0).ceil())
    }
}

/// Rewrites the results table: one row per run, by depth then η0.
pub fn show_table(results: &[RunResult]) -> Result<(), JsError> {
    let document = dom::document()?;
    let body: HtmlTableSectionElement = document
        .query_selector("#results tbody")
        .map_err(|e| dom::js_error("could not find the results table", e))?
        .ok_or_else(|| JsError::new("the results table has no body"))?
        .unchecked_into();
    body.set_text_content(None);

    let mut sorted: Vec<&RunResult> = results.iter().collect();
    sorted.sort_by(|a, b| {
        (a.seed, a.parametrization, a.depth)
            .cmp(&(b.seed, b.parametrization, b.depth))
            .then(a.eta0.total_cmp(&b.eta0))
    });
    for run in sorted {
        let row = document
            .create_element("tr")
            .map_err(|e| dom::js_error("could not add a table row", e))?;
        if run.diverged {
            row.set_class_name("diverged");
        }
        // Full-precision values for scripts and tests; the cells round them.
        let exact = [
            ("data-seed", run.seed.to_string()),
            ("data-depth", run.depth.to_string()),
            ("data-eta0", format!("{:?}", run.eta0)),
            ("data-final-loss", format!("{:?}", run.final_loss)),
        ];
        for (name, value) in exact {
            row.set_attribute(name, &value)
                .map_err(|e| dom::js_error("could not label a table row", e))?;
        }
        let loss = if run.diverged {
            "diverged".to_string()
        } else {
            format_number(run.final_loss)
        };
        let cells = [
            run.depth.to_string(),
            format_number(run.eta0),
            format_number(run.rates.first),
            format_number(run.rates.hidden),
            format_number(run.rates.readout),
            loss,
            if run.diverged { "yes" } else { "no" }.to_string(),
            run.steps_run.to_string(),
            run.seed.to_string(),
            run.parametrization.key().to_string(),
        ];
        for text in cells {
            let cell = document
                .create_element("td")
                .map_err(|e| dom::js_error("could not add a table cell", e))?;
            cell.set_text_content(Some(&text));
            row.append_child(&cell)
                .map_err(|e| dom::js_error("could not add a table cell", e))?;
        }
        body.append_child(&row)
            .map_err(|e| dom::js_error("could not add a table row", e))?;
    }
    Ok(())
}

/// Sizes the canvas backing store to its CSS size times the device pixel
/// ratio, because plotters-canvas draws in backing-store pixels.
fn fit_canvas(canvas: &HtmlCanvasElement) -> f64 {
    let ratio = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    // The CSS sets each canvas's aspect ratio; `PLOT_ASPECT` applies only
    // when it sets no height.
    let rect = canvas.get_bounding_client_rect();
    let css_width = rect.width().max(200.0);
    let css_height = if rect.height() > 0.0 {
        rect.height()
    } else {
        css_width * PLOT_ASPECT
    };
    let (width, height) = (
        (css_width * ratio).round() as u32,
        (css_height * ratio).round() as u32,
    );
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    ratio
}

/// Returns the runs that plots 1 and 2 show: the first seed's, under the
/// chosen parametrization.
pub fn first_seed_runs(config: &SweepConfig, results: &[RunResult]) -> Vec<RunResult> {
    results
        .iter()
        .filter(|r| r.seed == config.seed && r.parametrization == config.parametrization)
        .cloned()
        .collect()
}

/// Draws the three plots and updates their text summaries for screen
/// readers. Plots 1 and 2 show the first seed; plot 3 shows every seed.
pub fn draw_plots(config: &SweepConfig, results: &[RunResult]) -> Result<(), JsError> {
    let eta0s = config.eta0.values();
    let first_seed = first_seed_runs(config, results);
    let data = PlotData {
        results: &first_seed,
        depths: &config.depths,
        eta0s: &eta0s,
    };
    let best_data = BestRateData {
        results,
        depths: &config.depths,
        parametrization: config.parametrization,
        reference_depth: config.reference_depth,
    };
    let dark = crate::theme::prefers_dark();
    let seed_note = if config.seeds > 1 {
        format!(" (seed {})", config.seed)
    } else {
        String::new()
    };

    let depth_label = summary(&format!("Final loss against depth{seed_note}"), &first_seed);
    draw_canvas(DEPTH_PLOT_ID, dark, &depth_label, |root, style| {
        draw_loss_vs_depth(root, &data, style)
    })?;
    let rate_label = summary(&format!("Final loss against η0{seed_note}"), &first_seed);
    draw_canvas(RATE_PLOT_ID, dark, &rate_label, |root, style| {
        draw_loss_vs_rate(root, &data, style)
    })?;

    let best_label = crate::summary::best_rate_label(results, &best_data.series());
    draw_canvas(BEST_PLOT_ID, dark, &best_label, |root, style| {
        draw_best_rate_vs_depth(root, &best_data, style)
    })?;
    if !results.is_empty() {
        dom::set_text("slope-summary", &best_label)?;
    }
    Ok(())
}

/// Draws the probe's two plots and their text summaries.
pub fn draw_probe_plots(depths: &[usize], summaries: &[ProbeSummary]) -> Result<(), JsError> {
    let dark = crate::theme::prefers_dark();
    let mut sorted: Vec<&ProbeSummary> = summaries.iter().collect();
    sorted.sort_by_key(|s| s.depth);
    let label = if sorted.is_empty() {
        "One-step move of the last layer: no probe yet".to_string()
    } else {
        let parts: Vec<String> = sorted
            .iter()
            .map(|s| format!("depth {}: median {}", s.depth, format_number(s.median_last)))
            .collect();
        format!(
            "One-step move of the last layer divided by η0²: {}.",
            parts.join("; ")
        )
    };
    draw_canvas(PROBE_PLOT_ID, dark, &label, |root, style| {
        draw_probe_vs_depth(root, summaries, depths, style)
    })?;
    draw_canvas(
        PROFILE_PLOT_ID,
        dark,
        "Move of each layer after one step, one curve per depth",
        |root, style| draw_probe_profile(root, summaries, depths, style),
    )
}

/// Result of drawing on a canvas.
type CanvasResult = Result<(), DrawingAreaErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>;

/// Fits canvas `id` to its CSS size, draws on it and sets its text label.
fn draw_canvas(
    id: &str,
    dark: bool,
    label: &str,
    draw: impl FnOnce(&DrawingArea<CanvasBackend, plotters::coord::Shift>, &Style) -> CanvasResult,
) -> Result<(), JsError> {
    let canvas: HtmlCanvasElement = by_id(id)?;
    let scale = fit_canvas(&canvas) * crate::theme::plot_zoom();
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| JsError::new(&format!("canvas #{id} has no 2-D context")))?;
    let root = backend.into_drawing_area();
    draw(&root, &Style { scale, dark })
        .map_err(|e| JsError::new(&format!("could not draw #{id}: {e}")))?;
    canvas.set_attribute("aria-label", label).ok();
    let draws: u32 = canvas
        .get_attribute("data-draws")
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    canvas
        .set_attribute("data-draws", &(draws + 1).to_string())
        .ok();
    Ok(())
}

/// Describes a plot's result in words: the best η0 at each depth and how
/// many runs diverged.
pub fn summary(title: &str, results: &[RunResult]) -> String {
    if results.is_empty() {
        return format!("{title}: no runs yet");
    }
    let best: Vec<String> = best_rates(results)
        .iter()
        .map(|b| format!("depth {}: η0 {}", b.depth, format_number(b.grid_eta0)))
        .collect();
    let diverged = results.iter().filter(|r| r.diverged).count();
    format!(
        "{title}: {} runs finished, {diverged} diverged. Best η0 by depth: {}.",
        results.len(),
        if best.is_empty() {
            "none".to_string()
        } else {
            best.join("; ")
        }
    )
}

/// Sets the page state that tests and styles read from `body[data-state]`.
pub fn set_state(state: &str) -> Result<(), JsError> {
    let body: Element = dom::document()?
        .body()
        .ok_or_else(|| JsError::new("the page has no body"))?
        .into();
    body.set_attribute("data-state", state)
        .map_err(|e| dom::js_error("could not set the page state", e))
}

/// Writes the init variances and learning rates of the chosen
/// parametrization, as formulas and as numbers for the current settings.
pub fn show_formulas(config: &SweepConfig) -> Result<(), JsError> {
    let n0 = config.task.input_dim();
    let n = config.width;
    let reference = config.reference_depth;
    let (rule, rows): (&str, [(&str, &str, &str); 3]) = match config.parametrization {
        Parametrization::Standard => (
            "η = η0 at every depth.",
            [
                ("first", "2/n<sub>0</sub>", "η"),
                ("hidden", "2/n", "η"),
                ("readout", "1/n", "η"),
            ],
        ),
        Parametrization::Ntk => (
            "Weights are unit Gaussians multiplied by √(2/fan-in) (readout √(1/n)); η = η0.",
            [
                ("first", "1, multiplier √(2/n<sub>0</sub>)", "η"),
                ("hidden", "1, multiplier √(2/n)", "η"),
                ("readout", "1, multiplier √(1/n)", "η"),
            ],
        ),
        Parametrization::Mup => (
            "η = η0 at every depth.",
            [
                ("first", "2/n<sub>0</sub>", "η·n/n<sub>0</sub>"),
                ("hidden", "2/n", "η"),
                ("readout", "1/n²", "η/n"),
            ],
        ),
        Parametrization::MupDepth => (
            "η = η0·(L/L<sub>ref</sub>)<sup>−3/2</sup> on the first and hidden layers; the readout keeps η0/n.",
            [
                ("first", "2/n<sub>0</sub>", "η·n/n<sub>0</sub>"),
                ("hidden", "2/n", "η"),
                ("readout", "1/n²", "η0/n"),
            ],
        ),
    };
    let mut html = format!(
        "<p><b>{}</b>, here n<sub>0</sub> = {n0}, n = {n}, L<sub>ref</sub> = {reference}. {rule}</p>\
         <table class=\"formulas\"><thead><tr><th scope=\"col\">layer group</th>\
         <th scope=\"col\">init variance</th><th scope=\"col\">learning rate</th></tr></thead><tbody>",
        config.parametrization.label()
    );
    for (group, variance, rate) in rows {
        html.push_str(&format!(
            "<tr><td>{group}</td><td>{variance}</td><td>{rate}</td></tr>"
        ));
    }
    html.push_str("</tbody></table>");
    by_id::<Element>("formulas")?.set_inner_html(&html);
    Ok(())
}
