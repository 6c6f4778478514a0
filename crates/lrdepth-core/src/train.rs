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
    let mut trainer = Trainer::<F>::new(settings, data, index, depth, eta0);
    while !trainer.advance(usize::MAX) {}
    trainer.finish()
}

/// A run in progress, trained a slice of steps at a time, so a caller can
/// return to its event loop between slices; [`train_run`] runs it to the end.
pub struct Trainer<F: Scalar> {
    settings: TrainSettings,
    index: usize,
    depth: usize,
    eta0: f64,
    input_dim: usize,
    mlp: Mlp<F>,
    stride: usize,
    /// Index of the next loss to measure, 0 ..= steps.
    next_step: usize,
    initial_loss: f64,
    last_losses: Vec<f64>,
    loss_curve: Vec<(usize, f64)>,
    diverged: bool,
    steps_run: usize,
    done: bool,
}

impl<F: Scalar> Trainer<F> {
    /// Builds the network of one run; no step is taken yet.
    pub fn new(
        settings: &TrainSettings,
        data: &Dataset,
        index: usize,
        depth: usize,
        eta0: f64,
    ) -> Self {
        let input_dim = data.inputs.ncols();
        let scaling = scaling_inputs(settings, input_dim, depth, eta0);
        Trainer {
            settings: *settings,
            index,
            depth,
            eta0,
            input_dim,
            mlp: Mlp::new(settings.parametrization, scaling, data, settings.seed),
            stride: settings.steps.div_ceil(CURVE_POINTS).max(1),
            next_step: 0,
            initial_loss: f64::NAN,
            last_losses: Vec::with_capacity(FINAL_WINDOW),
            loss_curve: Vec::with_capacity(CURVE_POINTS + 2),
            diverged: false,
            steps_run: 0,
            done: false,
        }
    }

    /// Measures up to `max_losses` more losses, taking a gradient step after
    /// each but the last of the run, and returns whether the run has ended.
    pub fn advance(&mut self, max_losses: usize) -> bool {
        let steps = self.settings.steps;
        let mut measured = 0;
        // Loss number `step` is measured after `step` updates; the last one
        // needs a forward pass without an update.
        while !self.done && measured < max_losses {
            let step = self.next_step;
            let loss = if step < steps {
                self.mlp.step().to_f64().unwrap_or(f64::NAN)
            } else {
                self.mlp.forward().to_f64().unwrap_or(f64::NAN)
            };
            measured += 1;
            self.next_step += 1;
            if step == 0 {
                self.initial_loss = loss;
            }
            if step.is_multiple_of(self.stride) || step == steps {
                self.loss_curve.push((step, loss));
            }
            // At `step < steps`, `mlp.step()` has applied update number
            // `step + 1`; the last measurement applies none.
            self.steps_run = (step + 1).min(steps);
            if !loss.is_finite() || loss > DIVERGENCE_FACTOR * self.initial_loss {
                self.diverged = true;
                if self.loss_curve.last().map(|&(s, _)| s) != Some(step) {
                    self.loss_curve.push((step, loss));
                }
                self.done = true;
                break;
            }
            if self.last_losses.len() == FINAL_WINDOW {
                self.last_losses.remove(0);
            }
            self.last_losses.push(loss);
            self.done = step == steps;
        }
        self.done
    }

    /// Returns the result of the run; a run not yet ended reports the
    /// losses measured so far.
    pub fn finish(self) -> RunResult {
        let final_loss = if self.diverged {
            f64::INFINITY
        } else {
            self.last_losses.iter().sum::<f64>() / self.last_losses.len() as f64
        };
        RunResult {
            index: self.index,
            seed: self.settings.seed,
            parametrization: self.settings.parametrization,
            depth: self.depth,
            eta0: self.eta0,
            rates: group_rates(&self.settings, self.input_dim, self.depth, self.eta0),
            initial_loss: self.initial_loss,
            final_loss,
            diverged: self.diverged,
            steps_run: self.steps_run,
            loss_curve: self.loss_curve,
        }
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

    #[test]
    fn slices_match_one_go() {
        let data = Task::Teacher.generate(32, 3);
        for eta0 in [0.1, 1e3] {
            let settings = settings(Parametrization::Mup);
            let whole = train_run(&settings, &data, 0, 3, eta0);
            let mut trainer = Trainer::<f32>::new(&settings, &data, 0, 3, eta0);
            let mut slices = 1;
            while !trainer.advance(7) {
                slices += 1;
            }
            assert!(slices > 1 || whole.diverged, "η0 {eta0}: one slice only");
            // Debug text, because a diverged run's NaN losses never compare equal.
            let sliced = format!("{:?}", trainer.finish());
            assert_eq!(sliced, format!("{whole:?}"), "η0 {eta0}");
        }
    }
}
