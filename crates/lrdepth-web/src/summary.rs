//! Text summaries of the plots for screen readers: what each plot's
//! result is, in words, updated as runs arrive.

use lrdepth_core::{Parametrization, RunResult, best_rates};
use lrdepth_plot::{RateSeries, describe_fit};

use crate::dom::format_number;

/// Describes plot 3: the best η0 of each depth (geometric mean over seeds)
/// for each parametrization, then the fitted slopes.
pub fn best_rate_label(results: &[RunResult], series: &[RateSeries]) -> String {
    if results.is_empty() {
        return "Best rate against depth: no runs yet".to_string();
    }
    let best = best_rates(results);
    let mut parametrizations: Vec<Parametrization> =
        best.iter().map(|b| b.parametrization).collect();
    parametrizations.sort_unstable();
    parametrizations.dedup();
    let several = parametrizations.len() > 1;
    let mut parts = Vec::new();
    for parametrization in parametrizations {
        let mut depths: Vec<usize> = best
            .iter()
            .filter(|b| b.parametrization == parametrization)
            .map(|b| b.depth)
            .collect();
        depths.sort_unstable();
        depths.dedup();
        let per_depth: Vec<String> = depths
            .iter()
            .map(|&depth| {
                let logs: Vec<f64> = best
                    .iter()
                    .filter(|b| b.parametrization == parametrization && b.depth == depth)
                    .map(|b| b.refined_eta0.ln())
                    .collect();
                let mean = (logs.iter().sum::<f64>() / logs.len() as f64).exp();
                format!("{} at depth {depth}", format_number(round_to_two(mean)))
            })
            .collect();
        let name = if several {
            format!("{}: best η0", parametrization.label())
        } else {
            "Best η0".to_string()
        };
        parts.push(format!("{name} {}", per_depth.join(", ")));
    }
    let fits: Vec<String> = series.iter().map(describe_fit).collect();
    format!(
        "Best rate against depth. {}. Slopes fitted over depths of at least 4: {}.",
        parts.join(". "),
        fits.join("; ")
    )
}

/// Rounds to two significant digits, enough to read a rate aloud.
fn round_to_two(value: f64) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powf(value.log10().floor() - 1.0);
    (value / scale).round() * scale
}
