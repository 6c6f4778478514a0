//! The one-step probe: how far one small gradient step on one example moves
//! each layer's pre-activations and the output.
//!
//! For residual r = f − y and plain rate η, the probe reports
//! (1/n)·||Δz_l||² for every hidden layer l and Δf. The quantities the
//! depth law is about are (1/n)·||Δz_L||²/η² and Δf/(−rη).

use serde::{Deserialize, Serialize};

use crate::config::SweepConfig;
use crate::mlp::Mlp;
use crate::param::{Parametrization, ScalingInputs};
use crate::task::Task;

/// Settings of one probe.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProbeSettings {
    pub parametrization: Parametrization,
    pub task: Task,
    pub width: usize,
    pub depth: usize,
    pub reference_depth: usize,
    pub eta0: f64,
    /// Seed of the example and of the initial weights.
    pub seed: u64,
}

/// Moves caused by one gradient step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    pub depth: usize,
    /// Plain rate η of the hidden layers during the step.
    pub eta: f64,
    /// r = f − y before the step.
    pub residual: f64,
    /// (1/n)·||Δz_l||² for l = 1 ..= L.
    pub per_layer: Vec<f64>,
    /// Change of the output Δf.
    pub delta_output: f64,
}

impl ProbeResult {
    /// Returns (1/n)·||Δz_L||²/η².
    pub fn last_layer_per_eta2(&self) -> f64 {
        self.per_layer.last().copied().unwrap_or(0.0) / (self.eta * self.eta)
    }

    /// Returns Δf/(−rη).
    pub fn output_per_eta(&self) -> f64 {
        self.delta_output / (-self.residual * self.eta)
    }
}

/// Runs one gradient step of a fresh network on one example, in f64.
pub fn one_step_probe(settings: &ProbeSettings) -> ProbeResult {
    let data = settings.task.generate(1, settings.seed);
    let scaling = ScalingInputs {
        input_dim: settings.task.input_dim(),
        width: settings.width,
        depth: settings.depth,
        reference_depth: settings.reference_depth,
        eta0: settings.eta0,
    };
    let mut mlp = Mlp::<f64>::new(settings.parametrization, scaling, &data, settings.seed);
    mlp.forward();
    let before: Vec<_> = mlp.pre_activations().to_vec();
    let output_before = mlp.output()[[0, 0]];
    mlp.backward();
    mlp.apply_gradients();
    mlp.forward();

    let per_layer = before
        .iter()
        .zip(mlp.pre_activations())
        .map(|(old, new)| (new - old).mapv(|d| d * d).mean().unwrap_or(0.0))
        .collect();
    ProbeResult {
        depth: settings.depth,
        eta: settings.parametrization.plain_rate(&scaling),
        residual: output_before - data.targets[[0, 0]],
        per_layer,
        delta_output: mlp.output()[[0, 0]] - output_before,
    }
}

/// First-order estimate of E[(1/n)·||Δz_L||²]/η² at large width for
/// residual r: (r²/2)·[L² + (L − 1)·L·(2L − 1)/3], about r²·L³/3.
///
/// NOTE: this is an estimate derived for this project, not a published
/// result. It assumes the correlated updates of the L layers add up and the
/// spread of a product of k ReLU layers grows like 1 + 2k. The probe
/// measures the real quantity.
pub fn last_layer_estimate(depth: usize, residual: f64) -> f64 {
    let l = depth as f64;
    0.5 * residual * residual * (l * l + (l - 1.0) * l * (2.0 * l - 1.0) / 3.0)
}

/// Base rate of the probe's step: small enough that the step is linear
/// in it (doubling it multiplies the squared move by 4 within 5 %, tested
/// below), large enough to stay far from f64 rounding.
pub const PROBE_ETA0: f64 = 1e-3;

/// The probe at one depth, summarised over seeds. Moves are divided by η0
/// (not the plain rate), so under the depth rule a flat curve means the
/// rule cancels the depth dependence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeSummary {
    pub depth: usize,
    pub n_seeds: usize,
    /// Mean and median of (1/n)·||Δz_L||²/η0².
    pub mean_last: f64,
    pub median_last: f64,
    /// Mean of the first-order estimate for each seed's residual, times
    /// (η/η0)², so it compares with `mean_last`.
    pub estimate_last: f64,
    /// Mean and median of Δf/(−r·η0).
    pub mean_output: f64,
    pub median_output: f64,
    /// Mean over seeds of (1/n)·||Δz_l||²/η0² for l = 1 ..= L.
    pub per_layer_mean: Vec<f64>,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Runs the probe at `depth` for seeds `seed .. seed + n_seeds` and
/// summarises it. `template` supplies everything but the depth and seed.
pub fn probe_summary(template: &ProbeSettings, depth: usize, n_seeds: usize) -> ProbeSummary {
    let mut last = Vec::with_capacity(n_seeds);
    let mut output = Vec::with_capacity(n_seeds);
    let mut estimate = 0.0;
    let mut per_layer_mean = vec![0.0; depth];
    let eta0 = template.eta0;
    for offset in 0..n_seeds as u64 {
        let probe = one_step_probe(&ProbeSettings {
            depth,
            seed: template.seed + offset,
            ..*template
        });
        last.push(probe.per_layer[depth - 1] / (eta0 * eta0));
        output.push(probe.delta_output / (-probe.residual * eta0));
        let rate_ratio = probe.eta / eta0;
        estimate += last_layer_estimate(depth, probe.residual) * rate_ratio * rate_ratio;
        for (sum, value) in per_layer_mean.iter_mut().zip(&probe.per_layer) {
            *sum += value / (eta0 * eta0);
        }
    }
    let count = n_seeds.max(1) as f64;
    per_layer_mean.iter_mut().for_each(|v| *v /= count);
    ProbeSummary {
        depth,
        n_seeds,
        mean_last: last.iter().sum::<f64>() / count,
        median_last: median(&mut last),
        estimate_last: estimate / count,
        mean_output: output.iter().sum::<f64>() / count,
        median_output: median(&mut output),
        per_layer_mean,
    }
}

/// Seeds of the one-step probe per depth, at most.
pub const MAX_PROBE_SEEDS: usize = 256;

/// Returns why the probe cannot run with `config`, if it cannot: it measures
/// a scalar output, and its slopes need width of at least four times the
/// deepest depth.
pub fn probe_blocker(config: &SweepConfig) -> Option<String> {
    if config.task.output_dim() != 1 {
        return Some(format!(
            "The probe needs a task with one output, and {} has {}: choose teacher regression or 2-D spirals.",
            config.task.label(),
            config.task.output_dim()
        ));
    }
    let deepest = config.depths.iter().max().copied().unwrap_or(1);
    (config.width < 4 * deepest).then(|| {
        format!(
            "The probe needs width of at least 4 × the deepest depth: width {} is below 4 × {deepest} = {}.",
            config.width,
            4 * deepest
        )
    })
}

/// Returns the probe settings of `config` at `depth`, with step size
/// [`PROBE_ETA0`] and the config's first seed.
pub fn probe_settings(config: &SweepConfig, depth: usize) -> ProbeSettings {
    ProbeSettings {
        parametrization: config.parametrization,
        task: config.task,
        width: config.width,
        depth,
        reference_depth: config.reference_depth,
        eta0: PROBE_ETA0,
        seed: config.seed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(depth: usize, eta0: f64, seed: u64) -> ProbeSettings {
        ProbeSettings {
            parametrization: Parametrization::Mup,
            task: Task::Teacher,
            width: 128,
            depth,
            reference_depth: 4,
            eta0,
            seed,
        }
    }

    /// At small η the step is linear in η, so the squared move is quadratic.
    #[test]
    fn probe_is_quadratic_in_small_rate() {
        for depth in [2, 8] {
            let small = one_step_probe(&settings(depth, 1e-4, 3));
            let double = one_step_probe(&settings(depth, 2e-4, 3));
            let ratio = double.per_layer[depth - 1] / small.per_layer[depth - 1];
            assert!(
                (ratio / 4.0 - 1.0).abs() < 0.05,
                "depth {depth}: ratio {ratio}"
            );
        }
    }

    #[test]
    fn default_probe_rate_is_linear() {
        let double = one_step_probe(&settings(8, 2.0 * PROBE_ETA0, 5));
        let single = one_step_probe(&settings(8, PROBE_ETA0, 5));
        let ratio = double.per_layer[7] / single.per_layer[7];
        assert!((ratio / 4.0 - 1.0).abs() < 0.05, "ratio {ratio}");
    }

    /// Under μP the move grows steeply with depth; under the depth rule, at
    /// the same η0, the growth from depth 4 to 16 is cancelled to within a
    /// factor 4 (the rule divides by (16/4)³ = 64 in expectation).
    #[test]
    fn depth_rule_flattens_probe() {
        let growth = |parametrization| {
            let template = ProbeSettings {
                parametrization,
                ..settings(4, PROBE_ETA0, 0)
            };
            let shallow = probe_summary(&template, 4, 32);
            let deep = probe_summary(&template, 16, 32);
            deep.median_last / shallow.median_last
        };
        let mup = growth(Parametrization::Mup);
        let rule = growth(Parametrization::MupDepth);
        assert!(mup > 16.0, "μP growth from depth 4 to 16 is only {mup}");
        assert!((0.25..4.0).contains(&rule), "depth-rule growth {rule}");
    }
}
