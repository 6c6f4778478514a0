//! Plot 3: the best rate of each depth on log-log axes, with the fitted
//! slope, reference slopes −3/2 and −1, and the divergence edge.

use lrdepth_core::analysis::{
    DivergenceEdge, FIT_MIN_DEPTH, RateKind, SlopeFit, divergence_edges, express_rate,
    fit_depth_slope,
};
use lrdepth_core::{BestRate, Parametrization, RunResult, SweepConfig, best_rates};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{DrawResult, Style};

/// Input of plot 3: every seed's runs and how to express their rates.
#[derive(Clone, Copy, Debug)]
pub struct BestRateData<'a> {
    pub results: &'a [RunResult],
    /// Every depth of the sweep, increasing.
    pub depths: &'a [usize],
    pub parametrization: Parametrization,
    pub reference_depth: usize,
}

/// One curve of plot 3: a kind of rate under one parametrization, with
/// its points per seed and its fit.
pub struct RateSeries {
    /// Legend name, such as "best η0" or "μP".
    pub label: String,
    pub kind: RateKind,
    pub parametrization: Parametrization,
    /// (seed, depth, rate) of every best-rate point.
    pub points: Vec<(u64, usize, f64)>,
    pub fit: Option<SlopeFit>,
    pub colour: RGBColor,
}

/// Short names for legends of parametrizations side by side.
fn short_name(parametrization: Parametrization) -> &'static str {
    match parametrization {
        Parametrization::Standard => "SP",
        Parametrization::Ntk => "NTK",
        Parametrization::Mup => "μP",
        Parametrization::MupDepth => "μP + depth rule",
    }
}

/// Colours of the Okabe-Ito palette, apart for colour-blind readers.
fn parametrization_colour(parametrization: Parametrization) -> RGBColor {
    match parametrization {
        Parametrization::Standard => RGBColor(204, 121, 167),
        Parametrization::Ntk => RGBColor(0, 158, 115),
        Parametrization::Mup => RGBColor(0, 114, 178),
        Parametrization::MupDepth => RGBColor(213, 94, 0),
    }
}

impl<'a> BestRateData<'a> {
    /// Returns the input of plot 3 and the slope fits for a sweep: the runs
    /// of every seed, with rates expressed as under the config's
    /// parametrization.
    pub fn of_sweep(config: &'a SweepConfig, results: &'a [RunResult]) -> Self {
        BestRateData {
            results,
            depths: &config.depths,
            parametrization: config.parametrization,
            reference_depth: config.reference_depth,
        }
    }
}

impl BestRateData<'_> {
    /// Returns the parametrizations present in the results, or the chosen
    /// one when there are no results yet.
    fn parametrizations(&self) -> Vec<Parametrization> {
        let mut list: Vec<Parametrization> =
            self.results.iter().map(|r| r.parametrization).collect();
        list.sort_unstable();
        list.dedup();
        if list.is_empty() {
            list.push(self.parametrization);
        }
        list
    }

    /// Returns the curves worth showing. With one parametrization: η0, and
    /// under the depth rule also the plain rate (expected slope −3/2).
    /// With several side by side: the best η0 of each.
    pub fn series(&self) -> Vec<RateSeries> {
        let best: Vec<BestRate> = best_rates(self.results);
        let parametrizations = self.parametrizations();
        let side_by_side = parametrizations.len() > 1;
        let mut curves = Vec::new();
        for parametrization in parametrizations {
            let own: Vec<BestRate> = best
                .iter()
                .filter(|b| b.parametrization == parametrization)
                .copied()
                .collect();
            let kinds = match (side_by_side, parametrization) {
                (false, Parametrization::MupDepth) => vec![RateKind::Base, RateKind::Plain],
                _ => vec![RateKind::Base],
            };
            for kind in kinds {
                let rate = |b: &BestRate| {
                    express_rate(
                        b.refined_eta0,
                        b.depth,
                        kind,
                        parametrization,
                        self.reference_depth,
                    )
                };
                let (label, colour) = match (side_by_side, kind) {
                    (true, _) => (
                        short_name(parametrization).to_string(),
                        parametrization_colour(parametrization),
                    ),
                    (false, RateKind::Base) => ("best η0".to_string(), RGBColor(0, 114, 178)),
                    (false, RateKind::Plain) => ("best plain η".to_string(), RGBColor(213, 94, 0)),
                };
                curves.push(RateSeries {
                    label,
                    kind,
                    parametrization,
                    points: own.iter().map(|b| (b.seed, b.depth, rate(b))).collect(),
                    fit: fit_depth_slope(&own, rate),
                    colour,
                });
            }
        }
        curves
    }
}

/// Returns a legend label such as "best η0: slope −1.42 [−1.61, −1.20]".
pub fn describe_fit(series: &RateSeries) -> String {
    let name = &series.label;
    match &series.fit {
        None => format!("{name}: no fit (needs 2 depths ≥ {FIT_MIN_DEPTH})"),
        Some(fit) => match fit.interval {
            Some((lo, hi)) => format!("{name}: slope {:.2} [{lo:.2}, {hi:.2}]", fit.slope),
            None => format!("{name}: slope {:.2} (one seed)", fit.slope),
        },
    }
}

/// Geometric mean of the values of each depth, in depth order.
fn per_depth_mean(points: impl Iterator<Item = (usize, f64)>) -> Vec<(f64, f64)> {
    let mut sums: Vec<(usize, f64, usize)> = Vec::new();
    for (depth, value) in points {
        match sums.iter_mut().find(|s| s.0 == depth) {
            Some(sum) => {
                sum.1 += value.ln();
                sum.2 += 1;
            }
            None => sums.push((depth, value.ln(), 1)),
        }
    }
    sums.sort_by_key(|s| s.0);
    sums.into_iter()
        .map(|(d, sum, n)| (d as f64, (sum / n as f64).exp()))
        .collect()
}

/// Draws plot 3. Under the depth rule it shows both the best η0 and the best
/// plain rate; the reference slopes go through the first fitted series.
pub fn draw_best_rate_vs_depth<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &BestRateData,
    style: &Style,
) -> DrawResult<DB> {
    #[cfg(all(feature = "bundled-font", not(target_arch = "wasm32")))]
    crate::register_bundled_font();
    root.fill(&style.background())?;
    let series = data.series();
    // The edge of the chosen parametrization only, also when others run beside it.
    let chosen: Vec<RunResult> = data
        .results
        .iter()
        .filter(|r| r.parametrization == data.parametrization)
        .cloned()
        .collect();
    let edges: Vec<DivergenceEdge> = divergence_edges(&chosen);

    let (width, _) = root.dim_in_pixel();
    let legend_width = style.px(crate::LEGEND_WIDTH * 2.7).min(width * 2 / 5);
    let (plot_area, legend_area) = root.split_horizontally(width - legend_width);

    let depth_lo = data.depths.first().copied().unwrap_or(1) as f64;
    let depth_hi = data.depths.last().copied().unwrap_or(32) as f64;
    let rates = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.2))
        .chain(edges.iter().map(|e| e.eta0));
    let (rate_lo, rate_hi) = rates.fold((f64::INFINITY, 0.0f64), |(lo, hi), r| {
        (lo.min(r), hi.max(r))
    });
    let (rate_lo, rate_hi) = if rate_lo.is_finite() {
        (rate_lo, rate_hi)
    } else {
        (0.01, 1.0)
    };
    let rate_lo = rate_lo.min(rate_hi / 10.0);

    let mut chart = ChartBuilder::on(&plot_area)
        .caption("Best rate against depth", style.font(17.0))
        .margin(style.px(12.0))
        .margin_right(style.px(4.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(style.px(58.0))
        .build_cartesian_2d(
            (depth_lo / 1.25..depth_hi * 1.25)
                .log_scale()
                .with_key_points(data.depths.iter().map(|&d| d as f64).collect()),
            (rate_lo / 2.0..rate_hi * 2.0)
                .log_scale()
                .with_key_points(log_ticks(rate_lo / 2.0, rate_hi * 2.0)),
        )?;
    crate::style_mesh(
        chart
            .configure_mesh()
            .x_desc("depth L (hidden layers)")
            .y_desc("learning rate")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| crate::format_eta(*y)),
        style,
    )
    .draw()?;

    let thin = style.px(1.5);
    // Reference slopes through a fit at the smallest fitted depth.
    // Anchored on μP's fit when it is shown, where the −3/2 law applies.
    let anchor_fit = series
        .iter()
        .filter(|s| s.parametrization == Parametrization::Mup || s.kind == RateKind::Plain)
        .chain(series.iter())
        .find_map(|s| s.fit.as_ref());
    if let Some(fit) = anchor_fit {
        let anchor_depth = FIT_MIN_DEPTH.max(data.depths[0]) as f64;
        let anchor = fit.rate_at(anchor_depth);
        for (exponent, colour) in [
            (-1.5, style.foreground().mix(0.55)),
            (-1.0, style.foreground().mix(0.3)),
        ] {
            let line =
                [depth_lo, depth_hi].map(|d| (d, anchor * (d / anchor_depth).powf(exponent)));
            chart.draw_series(DashedLineSeries::new(
                line,
                style.px(6.0),
                style.px(4.0),
                colour.stroke_width(thin),
            ))?;
        }
    }

    if !edges.is_empty() {
        let edge_line = per_depth_mean(edges.iter().map(|e| (e.depth, e.eta0)));
        let grey = style.foreground().mix(0.6);
        chart.draw_series(LineSeries::new(
            edge_line.iter().copied(),
            grey.stroke_width(thin),
        ))?;
        chart.draw_series(
            edge_line
                .iter()
                .map(|&p| TriangleMarker::new(p, style.px(4.5), grey.filled())),
        )?;
    }

    for s in &series {
        let colour = s.colour;
        chart.draw_series(s.points.iter().map(|&(_, depth, rate)| {
            Circle::new(
                (depth as f64, rate),
                style.px(3.0),
                colour.mix(0.45).filled(),
            )
        }))?;
        let mean = per_depth_mean(s.points.iter().map(|&(_, d, r)| (d, r)));
        chart.draw_series(LineSeries::new(
            mean.iter().copied(),
            colour.stroke_width(style.px(2.0)),
        ))?;
        if let Some(fit) = &s.fit {
            let fitted = [FIT_MIN_DEPTH as f64, depth_hi].map(|d| (d, fit.rate_at(d)));
            chart.draw_series(LineSeries::new(
                fitted,
                colour.mix(0.7).stroke_width(style.px(4.0)),
            ))?;
        }
    }

    if data.results.is_empty() {
        let (w, h) = plot_area.dim_in_pixel();
        plot_area.draw(&Text::new(
            "No runs yet: press Run",
            ((w / 2) as i32 - style.px(70.0) as i32, (h / 2) as i32),
            style.font(14.0),
        ))?;
    }
    draw_best_rate_legend(&legend_area, style, &series, !edges.is_empty())?;
    root.present()
}

fn draw_best_rate_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    series: &[RateSeries],
    has_edges: bool,
) -> DrawResult<DB> {
    let row = style.px(18.0) as i32;
    let left = style.px(4.0) as i32;
    let swatch = style.px(16.0) as i32;
    let text_x = left + swatch + style.px(5.0) as i32;
    let font = style.font(11.5);
    let mut y = style.px(44.0) as i32;

    for s in series {
        let colour = s.colour;
        area.draw(&PathElement::new(
            [(left, y), (left + swatch, y)],
            colour.stroke_width(style.px(2.5)),
        ))?;
        area.draw(&Text::new(
            describe_fit(s),
            (text_x, y - row / 3),
            font.clone(),
        ))?;
        y += row;
    }

    let fg = style.foreground();
    let entries: [(&str, RGBAColor); 2] = [("slope −3/2", fg.mix(0.55)), ("slope −1", fg.mix(0.3))];
    for (label, colour) in entries {
        area.draw(&PathElement::new(
            [(left, y), (left + swatch, y)],
            colour.stroke_width(style.px(1.5)),
        ))?;
        area.draw(&Text::new(label, (text_x, y - row / 3), font.clone()))?;
        y += row;
    }
    if has_edges {
        area.draw(&TriangleMarker::new(
            (left + swatch / 2, y),
            style.px(4.5),
            fg.mix(0.6).filled(),
        ))?;
        area.draw(&Text::new(
            "smallest diverging η0",
            (text_x, y - row / 3),
            font.clone(),
        ))?;
        y += row;
    }
    area.draw(&Text::new(
        format!("fit over L ≥ {FIT_MIN_DEPTH}; thick line"),
        (left, y),
        font,
    ))?;
    Ok(())
}

/// Returns the tick values of a log axis from `lo` to `hi`: the powers of
/// ten, plus 2× and 5× each when the axis spans fewer than three of them.
/// plotters' own choice labels every 0.1 step of a short range, and on a
/// phone those labels overlap.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let first = lo.log10().ceil() as i32;
    let last = hi.log10().floor() as i32;
    let powers: Vec<f64> = (first..=last).map(|e| 10f64.powi(e)).collect();
    if powers.len() >= 3 {
        return powers;
    }
    (first - 1..=last)
        .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
        .filter(|&t| (lo..=hi).contains(&t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= 1e-12 * y.abs())
    }

    #[test]
    fn log_ticks_short_and_long_ranges() {
        let short = log_ticks(0.05, 2.0);
        assert!(close(&short, &[0.05, 0.1, 0.2, 0.5, 1.0, 2.0]), "{short:?}");
        let long = log_ticks(1e-4, 30.0);
        assert!(
            close(&long, &[1e-4, 1e-3, 0.01, 0.1, 1.0, 10.0]),
            "{long:?}"
        );
        assert!(log_ticks(0.3, 0.4).is_empty());
    }
}
