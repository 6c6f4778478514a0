//! Prints the one-step probe against depth: mean and median over seeds of
//! (1/n)·||Δz_L||²/η² and Δf/(−rη), beside the first-order estimate.
//!
//! `cargo run --release -p lrdepth-core --example probe_table -- [width] [seeds]`

#![allow(clippy::print_stdout)]

use lrdepth_core::Parametrization;
use lrdepth_core::probe::{ProbeSettings, last_layer_estimate, one_step_probe};
use lrdepth_core::task::Task;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let width = args.first().copied().unwrap_or(256);
    let n_seeds = args.get(1).copied().unwrap_or(200);
    println!("width {width}, {n_seeds} seeds, μP, η = 1e-3");
    println!(
        "{:>6} {:>14} {:>14} {:>14} {:>12}",
        "depth", "mean dz²/η²", "median", "estimate", "df/(-rη)"
    );
    let mut points = Vec::new();
    for depth in [1, 2, 4, 8, 16, 32, 64]
        .into_iter()
        .filter(|&d| 4 * d <= width)
    {
        let mut normalized = Vec::new();
        let mut estimate = 0.0;
        let mut output = 0.0;
        for seed in 0..n_seeds as u64 {
            let probe = one_step_probe(&ProbeSettings {
                parametrization: Parametrization::Mup,
                task: Task::Teacher,
                width,
                depth,
                reference_depth: 4,
                eta0: 1e-3,
                seed,
            });
            normalized.push(probe.last_layer_per_eta2());
            estimate += last_layer_estimate(depth, probe.residual) / n_seeds as f64;
            output += probe.output_per_eta() / n_seeds as f64;
        }
        let mean = normalized.iter().sum::<f64>() / normalized.len() as f64;
        normalized.sort_by(f64::total_cmp);
        let median = normalized[normalized.len() / 2];
        println!("{depth:>6} {mean:>14.4} {median:>14.4} {estimate:>14.4} {output:>12.4}");
        points.push(((depth as f64).ln(), mean.ln()));
    }
    let fit: Vec<_> = points.iter().filter(|p| p.0 >= 4f64.ln()).collect();
    if fit.len() >= 2 {
        let (x0, y0) = *fit[0];
        let (x1, y1) = *fit[fit.len() - 1];
        println!(
            "slope of log mean against log depth, depth 4 to deepest: {:.2}",
            (y1 - y0) / (x1 - x0)
        );
    }
}
