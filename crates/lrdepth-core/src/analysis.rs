//! The depth law read off a sweep: the slope of log best rate against
//! log depth, its spread over seeds, and where runs start to diverge.

use serde::{Deserialize, Serialize};

use crate::param::{DEPTH_EXPONENT, Parametrization};
use crate::sweep::BestRate;
use crate::train::RunResult;

/// Depths below this are left out of slope fits, because at small depths
/// the result depends on whether the first and readout layers are counted.
pub const FIT_MIN_DEPTH: usize = 4;

/// Two-sided 95 % Student t quantiles for 1 to 7 degrees of freedom.
const T_975: [f64; 7] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365];

/// Least-squares line through (ln depth, ln rate).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlopeFit {
    /// Fitted exponent: the rate scales like depth^slope.
    pub slope: f64,
    /// ln rate at depth 1 on the fitted line.
    pub intercept: f64,
    /// Slope fitted to each seed alone, in seed order.
    pub per_seed: Vec<f64>,
    /// 95 % interval of the mean per-seed slope (Student t); `None` with one seed.
    pub interval: Option<(f64, f64)>,
}

impl SlopeFit {
    /// Returns the rate on the fitted line at `depth`.
    pub fn rate_at(&self, depth: f64) -> f64 {
        (self.intercept + self.slope * depth.ln()).exp()
    }
}

/// Kind of rate a best-rate point is expressed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateKind {
    /// The base rate η0 the user picks.
    Base,
    /// The plain rate η of the hidden layers: η0, or η0·(L/L_ref)^(-3/2)
    /// under the depth rule.
    Plain,
}

/// Converts a best η0 to the requested kind of rate.
pub fn express_rate(
    eta0: f64,
    depth: usize,
    kind: RateKind,
    parametrization: Parametrization,
    reference_depth: usize,
) -> f64 {
    match (kind, parametrization) {
        (RateKind::Plain, Parametrization::MupDepth) => {
            eta0 * (depth as f64 / reference_depth as f64).powf(DEPTH_EXPONENT)
        }
        _ => eta0,
    }
}

/// Returns (slope, intercept) of the least-squares line through `points`,
/// or `None` with fewer than two distinct x values.
pub fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    Some((slope, mean_y - slope * mean_x))
}

/// Fits ln(rate) against ln(depth) over depths of at least
/// [`FIT_MIN_DEPTH`], pooled over seeds, with a per-seed interval.
///
/// `rate` maps each best-rate point to the rate to fit (see [`express_rate`]).
/// Returns `None` when fewer than two such depths have a best rate.
pub fn fit_depth_slope(best: &[BestRate], rate: impl Fn(&BestRate) -> f64) -> Option<SlopeFit> {
    let point = |b: &BestRate| ((b.depth as f64).ln(), rate(b).ln());
    let usable: Vec<&BestRate> = best
        .iter()
        .filter(|b| b.depth >= FIT_MIN_DEPTH && rate(b) > 0.0 && rate(b).is_finite())
        .collect();
    let pooled: Vec<(f64, f64)> = usable.iter().map(|b| point(b)).collect();
    let (slope, intercept) = least_squares(&pooled)?;

    let mut seeds: Vec<u64> = usable.iter().map(|b| b.seed).collect();
    seeds.sort_unstable();
    seeds.dedup();
    let per_seed: Vec<f64> = seeds
        .iter()
        .filter_map(|&seed| {
            let points: Vec<(f64, f64)> = usable
                .iter()
                .filter(|b| b.seed == seed)
                .map(|b| point(b))
                .collect();
            least_squares(&points).map(|(s, _)| s)
        })
        .collect();
    Some(SlopeFit {
        slope,
        intercept,
        interval: mean_interval(&per_seed),
        per_seed,
    })
}

/// Returns the 95 % Student t interval of the mean, for 2 to 8 values.
fn mean_interval(values: &[f64]) -> Option<(f64, f64)> {
    let n = values.len();
    let t = *T_975.get(n.checked_sub(2)?)?;
    let mean = values.iter().sum::<f64>() / n as f64;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half_width = t * (variance / n as f64).sqrt();
    Some((mean - half_width, mean + half_width))
}

/// Smallest diverging η0 of one seed and depth.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DivergenceEdge {
    pub seed: u64,
    pub depth: usize,
    pub eta0: f64,
}

/// Finds, for each seed and depth, the smallest η0 whose run diverged.
pub fn divergence_edges(results: &[RunResult]) -> Vec<DivergenceEdge> {
    let mut edges: Vec<DivergenceEdge> = Vec::new();
    for run in results.iter().filter(|r| r.diverged) {
        match edges
            .iter_mut()
            .find(|e| e.seed == run.seed && e.depth == run.depth)
        {
            Some(edge) => edge.eta0 = edge.eta0.min(run.eta0),
            None => edges.push(DivergenceEdge {
                seed: run.seed,
                depth: run.depth,
                eta0: run.eta0,
            }),
        }
    }
    edges.sort_by_key(|e| (e.seed, e.depth));
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(seed: u64, depth: usize, eta0: f64) -> BestRate {
        BestRate {
            parametrization: Parametrization::Mup,
            seed,
            depth,
            grid_eta0: eta0,
            grid_loss: 0.1,
            refined_eta0: eta0,
        }
    }

    #[test]
    fn exact_power_law_slope() {
        let points: Vec<BestRate> = [1, 2, 4, 8, 16, 32]
            .into_iter()
            .map(|d| best(0, d, 3.0 * (d as f64).powf(-1.5)))
            .collect();
        let fit = fit_depth_slope(&points, |b| b.refined_eta0).expect("four depths of at least 4");
        assert!((fit.slope + 1.5).abs() < 1e-12, "slope {}", fit.slope);
        assert!((fit.rate_at(1.0) - 3.0).abs() < 1e-9);
        assert_eq!(fit.interval, None, "one seed has no interval");
    }

    #[test]
    fn interval_covers_seed_slopes() {
        let mut points = Vec::new();
        for (seed, exponent) in [(0, -1.4), (1, -1.6), (2, -1.5)] {
            for depth in [4, 8, 16] {
                points.push(best(seed, depth, (depth as f64).powf(exponent)));
            }
        }
        let fit = fit_depth_slope(&points, |b| b.refined_eta0).unwrap();
        let (lo, hi) = fit.interval.expect("three seeds give an interval");
        assert!(
            lo < -1.6,
            "interval ({lo}, {hi}) misses the seed slope -1.6"
        );
        assert!(
            hi > -1.4,
            "interval ({lo}, {hi}) misses the seed slope -1.4"
        );
        assert_eq!(fit.per_seed.len(), 3);
    }

    #[test]
    fn small_depths_are_not_fitted() {
        let points = vec![best(0, 1, 1.0), best(0, 2, 0.5), best(0, 4, 0.1)];
        assert_eq!(fit_depth_slope(&points, |b| b.refined_eta0), None);
    }

    #[test]
    fn plain_rate_under_depth_rule() {
        let plain = express_rate(1.0, 16, RateKind::Plain, Parametrization::MupDepth, 4);
        assert!((plain - 0.125).abs() < 1e-12);
        assert_eq!(
            express_rate(1.0, 16, RateKind::Plain, Parametrization::Mup, 4),
            1.0
        );
    }
}
