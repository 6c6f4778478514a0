//! Training tasks: the data every network of a sweep is trained on.

use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// Input dimension of the teacher task.
pub const TEACHER_INPUT_DIM: usize = 16;
/// Hidden units of the random teacher network.
const TEACHER_WIDTH: usize = 32;
/// Turns of each spiral arm.
const SPIRAL_TURNS: f64 = 1.5;
/// Standard deviation of the noise added to spiral points.
const SPIRAL_NOISE: f64 = 0.03;

/// RNG streams, so that data and weights never share random numbers.
pub(crate) const DATA_STREAM: u64 = 1;

/// Training task of a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Task {
    /// Regression on the output of a random one-hidden-layer ReLU teacher,
    /// Gaussian inputs in 16 dimensions, targets scaled to unit variance.
    Teacher,
    /// Two interleaved 2-D spirals with ±1 targets, fitted with MSE. The input
    /// carries a constant third coordinate 1, so the first layer can act as a
    /// bias (the networks have no bias terms).
    Spirals,
}

impl Task {
    pub const ALL: [Task; 2] = [Task::Teacher, Task::Spirals];

    pub fn key(self) -> &'static str {
        match self {
            Task::Teacher => "teacher",
            Task::Spirals => "spirals",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Task::Teacher => "teacher regression",
            Task::Spirals => "2-D spirals",
        }
    }

    /// Input dimension n0 of the task.
    pub fn input_dim(self) -> usize {
        match self {
            Task::Teacher => TEACHER_INPUT_DIM,
            Task::Spirals => 3,
        }
    }

    /// Generates `n_samples` examples from `seed`; the same arguments give the
    /// same data on every platform.
    pub fn generate(self, n_samples: usize, seed: u64) -> Dataset {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(DATA_STREAM);
        match self {
            Task::Teacher => teacher(n_samples, &mut rng),
            Task::Spirals => spirals(n_samples, &mut rng),
        }
    }
}

/// Inputs and targets of a full batch, in f64; training casts them once.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Shape (samples, input_dim).
    pub inputs: Array2<f64>,
    /// Shape (samples,).
    pub targets: Array1<f64>,
}

fn gaussian(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

fn teacher(n_samples: usize, rng: &mut ChaCha8Rng) -> Dataset {
    let n0 = TEACHER_INPUT_DIM;
    let hidden = Array2::from_shape_simple_fn((n0, TEACHER_WIDTH), || gaussian(rng));
    let readout = Array1::from_shape_simple_fn(TEACHER_WIDTH, || gaussian(rng));
    let inputs = Array2::from_shape_simple_fn((n_samples, n0), || gaussian(rng));

    let pre = inputs.dot(&hidden) / (n0 as f64).sqrt();
    let mut targets = pre.mapv(|v| v.max(0.0)).dot(&readout);

    // Centre and scale to unit variance, so the initial loss is about 1/2
    // whatever the teacher draws.
    let mean = targets.mean().unwrap_or(0.0);
    targets -= mean;
    let std = targets.mapv(|v| v * v).mean().unwrap_or(1.0).sqrt();
    if std > 0.0 {
        targets /= std;
    }
    Dataset { inputs, targets }
}

fn spirals(n_samples: usize, rng: &mut ChaCha8Rng) -> Dataset {
    let mut inputs = Array2::zeros((n_samples, 3));
    let mut targets = Array1::zeros(n_samples);
    for i in 0..n_samples {
        let arm = i % 2;
        let t = (i / 2) as f64 / n_samples.div_ceil(2).max(1) as f64;
        let radius = 0.1 + 0.9 * t;
        let angle =
            2.0 * std::f64::consts::PI * SPIRAL_TURNS * t + std::f64::consts::PI * arm as f64;
        inputs[[i, 0]] = radius * angle.cos() + SPIRAL_NOISE * gaussian(rng);
        inputs[[i, 1]] = radius * angle.sin() + SPIRAL_NOISE * gaussian(rng);
        inputs[[i, 2]] = 1.0;
        targets[i] = if arm == 0 { 1.0 } else { -1.0 };
    }
    Dataset { inputs, targets }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let a = Task::Teacher.generate(64, 7);
        let b = Task::Teacher.generate(64, 7);
        assert_eq!(a.inputs, b.inputs);
        assert_eq!(a.targets, b.targets);
        let c = Task::Teacher.generate(64, 8);
        assert_ne!(a.targets, c.targets);
    }

    #[test]
    fn teacher_targets_are_standardised() {
        let data = Task::Teacher.generate(512, 3);
        let mean = data.targets.mean().unwrap();
        let var = data.targets.mapv(|v| v * v).mean().unwrap();
        assert!(mean.abs() < 1e-9, "mean {mean}");
        assert!((var - 1.0).abs() < 1e-9, "variance {var}");
    }

    #[test]
    fn spirals_have_balanced_labels() {
        let data = Task::Spirals.generate(200, 1);
        assert_eq!(data.inputs.ncols(), Task::Spirals.input_dim());
        assert_eq!(data.targets.sum(), 0.0);
    }
}
