//! The one-step probe: how far one small gradient step on one example moves
//! each layer's pre-activations and the output.
//!
//! For residual r = f − y and plain rate η, the probe reports
//! (1/n)·||Δz_l||² for every hidden layer l and Δf. The quantities the
//! depth law is about are (1/n)·||Δz_L||²/η² and Δf/(−rη).

use serde::{Deserialize, Serialize};

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

/// What one step moved.
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
        residual: output_before - data.targets[0],
        per_layer,
        delta_output: mlp.output()[[0, 0]] - output_before,
    }
}

/// First-order estimate of E[(1/n)·||Δz_L||²]/η² at large width for
/// residual r: (r²/2)·[L² + (L − 1)·L·(2L − 1)/3], about r²·L³/3.
///
/// NOTE: an estimate derived for this project (correlated updates of the L
/// layers add up; the spread of a product of k ReLU layers grows like
/// 1 + 2k), not a published result; the probe measures the real quantity.
pub fn last_layer_estimate(depth: usize, residual: f64) -> f64 {
    let l = depth as f64;
    0.5 * residual * residual * (l * l + (l - 1.0) * l * (2.0 * l - 1.0) / 3.0)
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
}
