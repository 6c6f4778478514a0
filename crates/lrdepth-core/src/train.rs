//! One training run: a network of one depth at one base rate, trained by
//! full-batch gradient descent until its step budget ends or it diverges.

use serde::{Deserialize, Serialize};

use crate::mlp::{Mlp, Scalar};
use crate::param::{LayerGroup, Parametrization, ScalingInputs};
use crate::task::Dataset;

/// A run has diverged once its loss exceeds this multiple of its initial loss.
pub const DIVERGENCE_FACTOR: f64 = 10.0;
/// The final loss is the mean of the losses after this many last steps.
pub const FINAL_WINDOW: usize = 10;
/// Points kept of each loss curve.
pub const CURVE_POINTS: usize = 64;

/// Everything a run needs besides its depth and base rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainSettings {
    pub parametrization: Parametrization,
    pub width: usize,
    pub steps: usize,
    pub reference_depth: usize,
    /// Seed of the initial weights.
    pub seed: u64,
}

/// Learning rates applied to each layer group's raw weights.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRates {
    pub first: f64,
    pub hidden: f64,
    pub readout: f64,
}

/// Outcome of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Position of the run in the sweep's run list.
    pub index: usize,
    /// Seed of the run's data and initial weights.
    pub seed: u64,
    pub parametrization: Parametrization,
    /// Hidden layers L.
    pub depth: usize,
    /// Base learning rate η0.
    pub eta0: f64,
    /// Effective learning rate of each layer group.
    pub rates: GroupRates,
    /// Loss of the initial network.
    pub initial_loss: f64,
    /// Mean loss over the last steps; infinite when the run diverged.
    pub final_loss: f64,
    /// Loss became non-finite or exceeded `DIVERGENCE_FACTOR` × initial loss.
    pub diverged: bool,
    /// Gradient steps applied before the budget ended or the run diverged.
    pub steps_run: usize,
    /// Loss after evenly spaced steps, as (step, loss), at most `CURVE_POINTS`.
    pub loss_curve: Vec<(usize, f64)>,
}

/// Returns the learning rates of each layer group for one depth and rate.
pub fn group_rates(
    settings: &TrainSettings,
    input_dim: usize,
    depth: usize,
    eta0: f64,
) -> GroupRates {
    let scaling = scaling_inputs(settings, input_dim, depth, eta0);
    let rate = |group| {
        settings
            .parametrization
            .scales(group, &scaling)
            .learning_rate
    };
    GroupRates {
        first: rate(LayerGroup::First),
        hidden: rate(LayerGroup::Hidden),
        readout: rate(LayerGroup::Readout),
    }
}

fn scaling_inputs(
    settings: &TrainSettings,
    input_dim: usize,
    depth: usize,
    eta0: f64,
) -> ScalingInputs {
    ScalingInputs {
        input_dim,
        width: settings.width,
        depth,
        reference_depth: settings.reference_depth,
        eta0,
    }
}

/// Trains one network in f32 and reports its final loss.
///
/// A run that diverges stops at once and is reported with `diverged` set and
/// an infinite final loss; it never panics on non-finite values.
pub fn train_run(
    settings: &TrainSettings,
    data: &Dataset,
    index: usize,
    depth: usize,
    eta0: f64,
) -> RunResult {
    train_run_in::<f32>(settings, data, index, depth, eta0)
}

/// [`train_run`] in any supported float type.
pub fn train_run_in<F: Scalar>(
    settings: &TrainSettings,
    data: &Dataset,
    index: usize,
    depth: usize,
    eta0: f64,
) -> RunResult {
    let input_dim = data.inputs.ncols();
    let scaling = scaling_inputs(settings, input_dim, depth, eta0);
    let mut mlp = Mlp::<F>::new(settings.parametrization, scaling, data, settings.seed);
    let stride = settings.steps.div_ceil(CURVE_POINTS).max(1);

    let mut initial_loss = f64::NAN;
    let mut last_losses = Vec::with_capacity(FINAL_WINDOW);
    let mut loss_curve = Vec::with_capacity(CURVE_POINTS + 1);
    let mut diverged = false;
    let mut steps_run = 0;

    // Loss number `step` is measured after `step` updates; the last one
    // needs a forward pass without an update.
    for step in 0..=settings.steps {
        let loss = if step < settings.steps {
            mlp.step().to_f64().unwrap_or(f64::NAN)
        } else {
            mlp.forward().to_f64().unwrap_or(f64::NAN)
        };
        if step == 0 {
            initial_loss = loss;
        }
        if step % stride == 0 || step == settings.steps {
            loss_curve.push((step, loss));
        }
        // At iteration `step < steps`, `mlp.step()` has applied update
        // number `step + 1`; the last iteration only measures.
        steps_run = (step + 1).min(settings.steps);
        if !loss.is_finite() || loss > DIVERGENCE_FACTOR * initial_loss {
            diverged = true;
            if loss_curve.last().map(|&(s, _)| s) != Some(step) {
                loss_curve.push((step, loss));
            }
            break;
        }
        if last_losses.len() == FINAL_WINDOW {
            last_losses.remove(0);
        }
        last_losses.push(loss);
    }

    let final_loss = if diverged {
        f64::INFINITY
    } else {
        last_losses.iter().sum::<f64>() / last_losses.len() as f64
    };
    RunResult {
        index,
        seed: settings.seed,
        parametrization: settings.parametrization,
        depth,
        eta0,
        rates: group_rates(settings, input_dim, depth, eta0),
        initial_loss,
        final_loss,
        diverged,
        steps_run,
        loss_curve,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::Task;

    fn settings(parametrization: Parametrization) -> TrainSettings {
        TrainSettings {
            parametrization,
            width: 32,
            steps: 50,
            reference_depth: 4,
            seed: 3,
        }
    }

    #[test]
    fn same_seed_same_result() {
        let data = Task::Teacher.generate(64, 3);
        let s = settings(Parametrization::Mup);
        let a = train_run(&s, &data, 0, 4, 0.3);
        let b = train_run(&s, &data, 0, 4, 0.3);
        assert_eq!(a, b);
    }

    #[test]
    fn small_rate_trains() {
        let data = Task::Teacher.generate(64, 3);
        let r = train_run(&settings(Parametrization::Mup), &data, 0, 4, 0.3);
        assert!(!r.diverged);
        assert_eq!(r.steps_run, 50);
        assert!(
            r.final_loss < r.initial_loss,
            "{} -> {}",
            r.initial_loss,
            r.final_loss
        );
    }

    #[test]
    fn huge_rate_diverges_and_stops_early() {
        let data = Task::Teacher.generate(64, 3);
        for parametrization in Parametrization::ALL {
            let r = train_run(&settings(parametrization), &data, 0, 8, 1e3);
            assert!(r.diverged, "{parametrization:?} did not diverge");
            assert!(
                r.steps_run < 50,
                "{parametrization:?} ran {} steps",
                r.steps_run
            );
            assert!(r.final_loss.is_infinite());
        }
    }

    #[test]
    fn curve_is_bounded() {
        let data = Task::Teacher.generate(16, 3);
        let mut s = settings(Parametrization::Mup);
        s.steps = 1000;
        let r = train_run(&s, &data, 0, 2, 0.1);
        assert!(r.loss_curve.len() <= CURVE_POINTS + 1);
        assert_eq!(r.loss_curve.last().map(|p| p.0), Some(1000));
    }
}
