//! Sweeps over depth × η0: the list of runs, running them, and reading off
//! the best rate of each depth.

use serde::{Deserialize, Serialize};

use crate::config::SweepConfig;
use crate::param::Parametrization;
use crate::task::Dataset;
use crate::train::{RunResult, TrainSettings, Trainer, train_run};

/// One run of a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    /// Position in [`SweepConfig::runs`].
    pub index: usize,
    /// Seed of the run's data and initial weights.
    pub seed: u64,
    pub parametrization: Parametrization,
    pub depth: usize,
    pub eta0: f64,
}

impl SweepConfig {
    /// Returns the seeds of the sweep's repeats.
    pub fn seed_list(&self) -> Vec<u64> {
        (0..self.seeds as u64)
            .map(|offset| self.seed + offset)
            .collect()
    }

    /// Returns the parametrizations the sweep trains: the chosen one, and
    /// with `compare` also SP, μP and μP + depth rule, in a fixed order.
    pub fn parametrizations(&self) -> Vec<Parametrization> {
        let mut list = vec![self.parametrization];
        if self.compare {
            list.extend([
                Parametrization::Standard,
                Parametrization::Mup,
                Parametrization::MupDepth,
            ]);
        }
        list.sort_unstable();
        list.dedup();
        list
    }

    /// Lists the runs: seed-major, then parametrization, depth, and η0
    /// increasing.
    pub fn runs(&self) -> Vec<RunSpec> {
        let rates = self.eta0.values();
        let parametrizations = self.parametrizations();
        let capacity = self.seeds * parametrizations.len() * self.depths.len() * rates.len();
        let mut runs = Vec::with_capacity(capacity);
        for seed in self.seed_list() {
            for &parametrization in &parametrizations {
                for &depth in &self.depths {
                    for &eta0 in &rates {
                        runs.push(RunSpec {
                            index: runs.len(),
                            seed,
                            parametrization,
                            depth,
                            eta0,
                        });
                    }
                }
            }
        }
        runs
    }

    /// Generates the data set that every run of one seed shares.
    pub fn dataset(&self, seed: u64) -> Dataset {
        self.task.generate(self.samples, seed)
    }

    pub fn train_settings(&self, parametrization: Parametrization, seed: u64) -> TrainSettings {
        TrainSettings {
            parametrization,
            width: self.width,
            steps: self.steps,
            reference_depth: self.reference_depth,
            seed,
        }
    }

    /// Trains one run of the sweep on `data`, which must be
    /// [`SweepConfig::dataset`] of the run's seed.
    pub fn train(&self, data: &Dataset, run: RunSpec) -> RunResult {
        let settings = self.train_settings(run.parametrization, run.seed);
        train_run(&settings, data, run.index, run.depth, run.eta0)
    }

    /// Starts one run of the sweep on `data`, to be trained in slices.
    pub fn trainer(&self, data: &Dataset, run: RunSpec) -> Trainer<f32> {
        let settings = self.train_settings(run.parametrization, run.seed);
        Trainer::new(&settings, data, run.index, run.depth, run.eta0)
    }

    /// Runs every run in turn on this thread.
    pub fn run_all(&self) -> Vec<RunResult> {
        let mut results = Vec::new();
        for seed in self.seed_list() {
            let data = self.dataset(seed);
            let runs = self.runs().into_iter().filter(|r| r.seed == seed);
            results.extend(runs.map(|run| self.train(&data, run)));
        }
        results
    }
}

/// The best base rate of one depth.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BestRate {
    pub parametrization: Parametrization,
    pub seed: u64,
    pub depth: usize,
    /// η0 at the grid minimum of the final loss.
    pub grid_eta0: f64,
    pub grid_loss: f64,
    /// η0 at the minimum of a parabola through log-loss against log-η0 at
    /// the grid minimum and its two neighbours; the grid value when the
    /// minimum sits at an end of the grid or the parabola opens downwards.
    pub refined_eta0: f64,
}

/// Finds the best base rate of each parametrization, seed and depth in
/// `results`, ignoring diverged runs, in that order.
///
/// A group whose runs all diverged has no best rate and is left out.
pub fn best_rates(results: &[RunResult]) -> Vec<BestRate> {
    let mut keys: Vec<(Parametrization, u64, usize)> = results
        .iter()
        .map(|r| (r.parametrization, r.seed, r.depth))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (parametrization, seed, depth) = key;
            let mut runs: Vec<&RunResult> = results
                .iter()
                .filter(|r| {
                    r.parametrization == parametrization && r.seed == seed && r.depth == depth
                })
                .collect();
            runs.sort_by(|a, b| a.eta0.total_cmp(&b.eta0));
            best_rate_of_depth(key, &runs)
        })
        .collect()
}

/// `runs` are one group's runs sorted by η0.
fn best_rate_of_depth(
    (parametrization, seed, depth): (Parametrization, u64, usize),
    runs: &[&RunResult],
) -> Option<BestRate> {
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
        parametrization,
        seed,
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
            seed: 0,
            parametrization: Parametrization::Mup,
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
    fn compare_adds_three_parametrizations() {
        let config = SweepConfig {
            parametrization: Parametrization::Ntk,
            compare: true,
            ..SweepConfig::default()
        };
        let expected = [
            Parametrization::Standard,
            Parametrization::Ntk,
            Parametrization::Mup,
            Parametrization::MupDepth,
        ];
        assert_eq!(config.parametrizations(), expected);
        let per_parametrization = config.depths.len() * config.eta0.values().len();
        assert_eq!(config.runs().len(), 4 * per_parametrization);
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
