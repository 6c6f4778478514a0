//! Plots of the one-step probe: the last layer's move against depth, and
//! each layer's move for every depth.

use lrdepth_core::probe::ProbeSummary;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{DrawResult, Style};

fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo.is_finite() {
        (lo, hi.max(lo * 10.0))
    } else {
        (1e-3, 1.0)
    }
}

fn draw_empty<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        "No probe yet: press Run probe",
        ((w / 2) as i32 - style.px(90.0) as i32, (h / 2) as i32),
        style.font(14.0),
    ))
}

/// Draws (1/n)·||Δz_L||²/η0² against depth on log-log axes: mean, median,
/// the first-order estimate and a slope-3 guide through the first median.
pub fn draw_probe_vs_depth<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    summaries: &[ProbeSummary],
    depths: &[usize],
    style: &Style,
) -> DrawResult<DB> {
    #[cfg(all(feature = "bundled-font", not(target_arch = "wasm32")))]
    crate::register_bundled_font();
    root.fill(&style.background())?;
    let mut sorted: Vec<&ProbeSummary> = summaries.iter().collect();
    sorted.sort_by_key(|s| s.depth);

    let (width, _) = root.dim_in_pixel();
    let legend_width = style.px(crate::LEGEND_WIDTH * 1.9).min(width * 2 / 5);
    let (plot_area, legend_area) = root.split_horizontally(width - legend_width);
    let depth_lo = depths.first().copied().unwrap_or(1) as f64;
    let depth_hi = depths.last().copied().unwrap_or(32) as f64;
    let (y_lo, y_hi) = extent(
        sorted
            .iter()
            .flat_map(|s| [s.mean_last, s.median_last, s.estimate_last]),
    );

    let mut chart = ChartBuilder::on(&plot_area)
        .caption("One-step move of the last layer", style.font(17.0))
        .margin(style.px(12.0))
        .margin_right(style.px(4.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(style.px(64.0))
        .build_cartesian_2d(
            (depth_lo / 1.25..depth_hi * 1.25)
                .log_scale()
                .with_key_points(depths.iter().map(|&d| d as f64).collect()),
            (y_lo / 3.0..y_hi * 3.0).log_scale(),
        )?;
    crate::style_mesh(
        chart
            .configure_mesh()
            .x_desc("depth L (hidden layers)")
            .y_desc("(1/n)·‖Δz_L‖² / η0²")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0e}")),
        style,
    )
    .draw()?;

    let mean_colour = RGBColor(0, 114, 178);
    let median_colour = RGBColor(213, 94, 0);
    let guide = style.foreground().mix(0.45);
    if let Some(first) = sorted.first() {
        let anchor = (first.depth as f64, first.median_last);
        let line = [depth_lo, depth_hi].map(|d| (d, anchor.1 * (d / anchor.0).powi(3)));
        chart.draw_series(DashedLineSeries::new(
            line,
            style.px(6.0),
            style.px(4.0),
            guide.stroke_width(style.px(1.5)),
        ))?;
        let estimate: Vec<(f64, f64)> = sorted
            .iter()
            .map(|s| (s.depth as f64, s.estimate_last))
            .collect();
        chart.draw_series(DashedLineSeries::new(
            estimate,
            style.px(2.0),
            style.px(3.0),
            style.foreground().stroke_width(style.px(2.0)),
        ))?;
    }
    let mean: Vec<(f64, f64)> = sorted
        .iter()
        .map(|s| (s.depth as f64, s.mean_last))
        .collect();
    chart.draw_series(LineSeries::new(
        mean.iter().copied(),
        mean_colour.stroke_width(style.px(2.0)),
    ))?;
    chart.draw_series(
        mean.iter()
            .map(|&p| Circle::new(p, style.px(3.5), mean_colour.filled())),
    )?;
    let median: Vec<(f64, f64)> = sorted
        .iter()
        .map(|s| (s.depth as f64, s.median_last))
        .collect();
    chart.draw_series(LineSeries::new(
        median.iter().copied(),
        median_colour.stroke_width(style.px(2.0)),
    ))?;
    chart.draw_series(
        median
            .iter()
            .map(|&p| Circle::new(p, style.px(3.5), median_colour.stroke_width(style.px(2.0)))),
    )?;

    if sorted.is_empty() {
        draw_empty(&plot_area, style)?;
    }

    let row = style.px(18.0) as i32;
    let left = style.px(4.0) as i32;
    let swatch = style.px(16.0) as i32;
    let text_x = left + swatch + style.px(5.0) as i32;
    let font = style.font(11.5);
    let mut y = style.px(44.0) as i32;
    let over_seeds = match sorted.first() {
        Some(first) => format!(" over {} seeds", first.n_seeds),
        None => String::new(),
    };
    let entries: [(String, ShapeStyle); 4] = [
        (
            format!("mean{over_seeds}"),
            mean_colour.stroke_width(style.px(2.5)),
        ),
        (
            format!("median{over_seeds}"),
            median_colour.stroke_width(style.px(2.5)),
        ),
        (
            "first-order estimate".to_string(),
            style.foreground().stroke_width(style.px(2.0)),
        ),
        (
            "slope 3 guide".to_string(),
            guide.stroke_width(style.px(1.5)),
        ),
    ];
    for (label, line_style) in entries {
        legend_area.draw(&PathElement::new(
            [(left, y), (left + swatch, y)],
            line_style,
        ))?;
        legend_area.draw(&Text::new(label, (text_x, y - row / 3), font.clone()))?;
        y += row;
    }
    root.present()
}

/// Draws the per-layer profile: (1/n)·||Δz_l||²/η0² (mean over seeds)
/// against the layer index l, one curve per depth.
pub fn draw_probe_profile<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    summaries: &[ProbeSummary],
    depths: &[usize],
    style: &Style,
) -> DrawResult<DB> {
    #[cfg(all(feature = "bundled-font", not(target_arch = "wasm32")))]
    crate::register_bundled_font();
    root.fill(&style.background())?;
    let (width, _) = root.dim_in_pixel();
    let legend_width = style.px(crate::LEGEND_WIDTH).min(width / 3);
    let (plot_area, legend_area) = root.split_horizontally(width - legend_width);
    let max_depth = depths.last().copied().unwrap_or(1).max(2) as f64;
    let (y_lo, y_hi) = extent(
        summaries
            .iter()
            .flat_map(|s| s.per_layer_mean.iter().copied()),
    );

    let mut chart = ChartBuilder::on(&plot_area)
        .caption("Move of each layer", style.font(17.0))
        .margin(style.px(12.0))
        .margin_right(style.px(4.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(style.px(64.0))
        .build_cartesian_2d(
            (0.8..max_depth * 1.25).log_scale().with_key_points(
                [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]
                    .into_iter()
                    .filter(|&l| l <= max_depth)
                    .collect(),
            ),
            (y_lo / 3.0..y_hi * 3.0).log_scale(),
        )?;
    crate::style_mesh(
        chart
            .configure_mesh()
            .x_desc("layer l")
            .y_desc("(1/n)·‖Δz_l‖² / η0²")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0e}")),
        style,
    )
    .draw()?;

    let row = style.px(18.0) as i32;
    let left = style.px(4.0) as i32;
    let swatch = style.px(16.0) as i32;
    let font = style.font(11.5);
    let mut legend_y = style.px(44.0) as i32;
    for (idx, &depth) in depths.iter().enumerate() {
        let colour = style.series_colour(idx, depths.len());
        if let Some(summary) = summaries.iter().find(|s| s.depth == depth) {
            let points: Vec<(f64, f64)> = summary
                .per_layer_mean
                .iter()
                .enumerate()
                .map(|(l, &v)| ((l + 1) as f64, v))
                .filter(|p| p.1 > 0.0)
                .collect();
            chart.draw_series(LineSeries::new(points, colour.stroke_width(style.px(2.0))))?;
        }
        legend_area.draw(&PathElement::new(
            [(left, legend_y), (left + swatch, legend_y)],
            colour.stroke_width(style.px(2.5)),
        ))?;
        legend_area.draw(&Text::new(
            format!("L = {depth}"),
            (left + swatch + style.px(5.0) as i32, legend_y - row / 3),
            font.clone(),
        ))?;
        legend_y += row;
    }
    if summaries.is_empty() {
        draw_empty(&plot_area, style)?;
    }
    root.present()
}
