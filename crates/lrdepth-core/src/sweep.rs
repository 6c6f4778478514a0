//! Sweeps over depth × η0: the list of runs, running them, and reading off
//! the best rate of each depth.

use serde::{Deserialize, Serialize};

use crate::config::SweepConfig;
use crate::task::Dataset;
use crate::train::{RunResult, TrainSettings, train_run};

/// One run of a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    /// Position in [`SweepConfig::runs`].
    pub index: usize,
    pub depth: usize,
    pub eta0: f64,
}

impl SweepConfig {
    /// Lists the runs, depth-major, η0 increasing within a depth.
    pub fn runs(&self) -> Vec<RunSpec> {
        let rates = self.eta0.values();
        let mut runs = Vec::with_capacity(self.depths.len() * rates.len());
        for &depth in &self.depths {
            for &eta0 in &rates {
                runs.push(RunSpec {
                    index: runs.len(),
                    depth,
                    eta0,
                });
            }
        }
        runs
    }

    /// Generates the data set that every run of the sweep shares.
    pub fn dataset(&self) -> Dataset {
        self.task.generate(self.samples, self.seed)
    }

    pub fn train_settings(&self) -> TrainSettings {
        TrainSettings {
            parametrization: self.parametrization,
            width: self.width,
            steps: self.steps,
            reference_depth: self.reference_depth,
            seed: self.seed,
        }
    }

    /// Trains one run of the sweep on `data` (from [`SweepConfig::dataset`]).
    pub fn train(&self, data: &Dataset, run: RunSpec) -> RunResult {
        train_run(&self.train_settings(), data, run.index, run.depth, run.eta0)
    }

    /// Runs every run in turn on this thread.
    pub fn run_all(&self) -> Vec<RunResult> {
        let data = self.dataset();
        self.runs()
            .into_iter()
            .map(|run| self.train(&data, run))
            .collect()
    }
}

/// The best base rate of one depth.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BestRate {
    pub depth: usize,
    /// η0 at the grid minimum of the final loss.
    pub grid_eta0: f64,
    pub grid_loss: f64,
    /// η0 at the minimum of a parabola through log-loss against log-η0 at
    /// the grid minimum and its two neighbours; the grid value when the
    /// minimum sits at an end of the grid or the parabola opens downwards.
    pub refined_eta0: f64,
}

/// Finds the best base rate of each depth in `results`, ignoring diverged runs.
///
/// Depths whose runs all diverged have no best rate and are left out.
pub fn best_rates(results: &[RunResult]) -> Vec<BestRate> {
    let mut depths: Vec<usize> = results.iter().map(|r| r.depth).collect();
    depths.sort_unstable();
    depths.dedup();
    depths
        .into_iter()
        .filter_map(|depth| {
            let mut runs: Vec<&RunResult> = results.iter().filter(|r| r.depth == depth).collect();
            runs.sort_by(|a, b| a.eta0.total_cmp(&b.eta0));
            best_rate_of_depth(depth, &runs)
        })
        .collect()
}

/// `runs` are one depth's runs sorted by η0.
fn best_rate_of_depth(depth: usize, runs: &[&RunResult]) -> Option<BestRate> {
    let finite = |r: &RunResult| !r.diverged && r.final_loss.is_finite() && r.final_loss > 0.0;
    let (best_idx, best) = runs
        .iter()
        .enumerate()
        .filter(|(_, r)| finite(r))
        .min_by(|(_, a), (_, b)| a.final_loss.total_cmp(&b.final_loss))?;

    let mut refined_eta0 = best.eta0;
    if best_idx > 0 && best_idx + 1 < runs.len() {
        let (left, right) = (runs[best_idx - 1], runs[best_idx + 1]);
        if finite(left) && finite(right) {
            let xs = [left.eta0.ln(), best.eta0.ln(), right.eta0.ln()];
            let ys = [
                left.final_loss.ln(),
                best.final_loss.ln(),
                right.final_loss.ln(),
            ];
            if let Some(x) = parabola_vertex(xs, ys) {
                // The vertex lies between the neighbours for a convex parabola
                // through a minimum; clamp it in case of rounding.
                refined_eta0 = x.clamp(xs[0], xs[2]).exp();
            }
        }
    }
    Some(BestRate {
        depth,
        grid_eta0: best.eta0,
        grid_loss: best.final_loss,
        refined_eta0,
    })
}

/// Returns the x of the vertex of the parabola through three points, if it
/// opens upwards.
fn parabola_vertex(xs: [f64; 3], ys: [f64; 3]) -> Option<f64> {
    let d1 = (ys[1] - ys[0]) / (xs[1] - xs[0]);
    let d2 = (ys[2] - ys[1]) / (xs[2] - xs[1]);
    let curvature = (d2 - d1) / (xs[2] - xs[0]);
    if curvature.is_nan() || curvature <= 0.0 {
        return None;
    }
    // y = y0 + d1 (x - x0) + c (x - x0)(x - x1); dy/dx = 0 at the vertex.
    Some((xs[0] + xs[1]) / 2.0 - d1 / (2.0 * curvature))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::GroupRates;

    fn result(depth: usize, eta0: f64, final_loss: f64, diverged: bool) -> RunResult {
        RunResult {
            index: 0,
            depth,
            eta0,
            rates: GroupRates {
                first: eta0,
                hidden: eta0,
                readout: eta0,
            },
            initial_loss: 1.0,
            final_loss,
            diverged,
            steps_run: 1,
            loss_curve: Vec::new(),
        }
    }

    #[test]
    fn parabola_finds_exact_vertex() {
        // log-loss = (log η − log 0.2)² exactly.
        let curve = |eta: f64| ((eta.ln() - 0.2f64.ln()).powi(2)).exp();
        let results: Vec<RunResult> = [0.05, 0.1, 0.3, 1.0]
            .into_iter()
            .map(|eta| result(4, eta, curve(eta), false))
            .collect();
        let best = best_rates(&results);
        assert_eq!(best.len(), 1);
        assert_eq!(best[0].grid_eta0, 0.3);
        assert!(
            (best[0].refined_eta0 - 0.2).abs() < 1e-9,
            "{}",
            best[0].refined_eta0
        );
    }

    #[test]
    fn diverged_runs_are_never_best() {
        let results = vec![
            result(2, 0.1, 0.5, false),
            result(2, 1.0, f64::INFINITY, true),
            result(8, 1.0, f64::INFINITY, true),
        ];
        let best = best_rates(&results);
        assert_eq!(best.len(), 1, "depth 8 has no finite run");
        assert_eq!(best[0].grid_eta0, 0.1);
        assert_eq!(best[0].refined_eta0, 0.1, "edge of grid is not refined");
    }

    #[test]
    fn runs_are_depth_major() {
        let config = SweepConfig::default();
        let runs = config.runs();
        assert_eq!(runs.len(), config.depths.len() * config.eta0.values().len());
        assert!(runs.iter().enumerate().all(|(i, r)| r.index == i));
        assert!(runs.windows(2).all(|w| w[0].depth <= w[1].depth));
    }
}
