//! Training tasks: the data every network of a sweep is trained on.

use ndarray::{Array1, Array2, Axis};
use rand::seq::SliceRandom;
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
    /// The 1797 8×8 handwritten digits of `data/digits.csv.gz` (see
    /// `data/README.md` for source and licence): `samples` images drawn by
    /// the seed, pixels standardised per pixel plus a constant input 1, and
    /// ten outputs with ±1 one-hot targets, fitted with MSE.
    Digits,
}

impl Task {
    pub const ALL: [Task; 3] = [Task::Teacher, Task::Spirals, Task::Digits];

    pub fn key(self) -> &'static str {
        match self {
            Task::Teacher => "teacher",
            Task::Spirals => "spirals",
            Task::Digits => "digits",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Task::Teacher => "teacher regression",
            Task::Spirals => "2-D spirals",
            Task::Digits => "handwritten digits",
        }
    }

    /// Input dimension n0 of the task.
    pub fn input_dim(self) -> usize {
        match self {
            Task::Teacher => TEACHER_INPUT_DIM,
            Task::Spirals => 3,
            Task::Digits => DIGIT_PIXELS + 1,
        }
    }

    /// Outputs of the network: one, or one per class.
    pub fn output_dim(self) -> usize {
        match self {
            Task::Teacher | Task::Spirals => 1,
            Task::Digits => DIGIT_CLASSES,
        }
    }

    /// Most examples the task can give, if it has a limit.
    pub fn max_samples(self) -> Option<usize> {
        match self {
            Task::Teacher | Task::Spirals => None,
            Task::Digits => Some(DIGIT_IMAGES),
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
            Task::Digits => digits(n_samples, &mut rng),
        }
    }
}

/// Inputs and targets of a full batch, in f64; training casts them once.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Shape (samples, input_dim).
    pub inputs: Array2<f64>,
    /// Shape (samples, outputs).
    pub targets: Array2<f64>,
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
    Dataset {
        inputs,
        targets: targets.insert_axis(Axis(1)),
    }
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
    Dataset {
        inputs,
        targets: targets.insert_axis(Axis(1)),
    }
}

/// Images of the digits data set.
const DIGIT_IMAGES: usize = 1797;
/// Pixels per digit image (8×8).
const DIGIT_PIXELS: usize = 64;
/// Digit classes 0 to 9.
const DIGIT_CLASSES: usize = 10;

/// The digits, one record of 64 pixel bytes and one label byte per image,
/// unpacked from `data/digits.csv.gz` by the build script.
static DIGITS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/digits.bin"));

fn digit_pixel(image: usize, pixel: usize) -> f64 {
    f64::from(DIGITS[image * (DIGIT_PIXELS + 1) + pixel])
}

fn digit_label(image: usize) -> usize {
    usize::from(DIGITS[image * (DIGIT_PIXELS + 1) + DIGIT_PIXELS])
}

/// Mean and standard deviation of each pixel over all images; the standard
/// deviation is 1 for pixels that never change, so they standardise to 0.
fn digit_pixel_stats() -> [(f64, f64); DIGIT_PIXELS] {
    let n = DIGIT_IMAGES as f64;
    std::array::from_fn(|p| {
        let mean = (0..DIGIT_IMAGES).map(|i| digit_pixel(i, p)).sum::<f64>() / n;
        let var = (0..DIGIT_IMAGES)
            .map(|i| (digit_pixel(i, p) - mean).powi(2))
            .sum::<f64>()
            / n;
        (mean, if var > 0.0 { var.sqrt() } else { 1.0 })
    })
}

fn digits(n_samples: usize, rng: &mut ChaCha8Rng) -> Dataset {
    assert!(
        n_samples <= DIGIT_IMAGES,
        "the digits task has {DIGIT_IMAGES} images, {n_samples} requested"
    );
    let mut order: Vec<usize> = (0..DIGIT_IMAGES).collect();
    order.shuffle(rng);
    let stats = digit_pixel_stats();

    let mut inputs = Array2::zeros((n_samples, DIGIT_PIXELS + 1));
    let mut targets = Array2::from_elem((n_samples, DIGIT_CLASSES), -1.0);
    for (row, &image) in order[..n_samples].iter().enumerate() {
        for (p, &(mean, std)) in stats.iter().enumerate() {
            inputs[[row, p]] = (digit_pixel(image, p) - mean) / std;
        }
        inputs[[row, DIGIT_PIXELS]] = 1.0;
        targets[[row, digit_label(image)]] = 1.0;
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

    #[test]
    fn digits_match_the_shipped_file() {
        assert_eq!(DIGITS.len(), DIGIT_IMAGES * (DIGIT_PIXELS + 1));
        // The first image of data/digits.csv.gz is a 0; its first row of
        // pixels is 0,0,5,13,9,1,0,0.
        assert_eq!(digit_label(0), 0);
        let first_row: Vec<f64> = (0..8).map(|p| digit_pixel(0, p)).collect();
        assert_eq!(first_row, [0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]);
        let mut counts = [0usize; DIGIT_CLASSES];
        for i in 0..DIGIT_IMAGES {
            counts[digit_label(i)] += 1;
        }
        // Every class contains between 174 and 183 images.
        assert!(
            counts.iter().all(|&c| (174..=183).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn digits_are_standardised_one_hot_examples() {
        let data = Task::Digits.generate(DIGIT_IMAGES, 4);
        assert_eq!(data.inputs.dim(), (DIGIT_IMAGES, Task::Digits.input_dim()));
        assert_eq!(
            data.targets.dim(),
            (DIGIT_IMAGES, Task::Digits.output_dim())
        );
        for row in data.targets.rows() {
            assert_eq!(row.iter().filter(|&&t| t == 1.0).count(), 1);
            assert_eq!(
                row.iter().filter(|&&t| t == -1.0).count(),
                DIGIT_CLASSES - 1
            );
        }
        // Over all images every pixel has mean 0 and variance 1 or 0.
        for p in 0..DIGIT_PIXELS {
            let column = data.inputs.column(p);
            let mean = column.mean().unwrap();
            let var = column.mapv(|v| v * v).mean().unwrap();
            assert!(mean.abs() < 1e-9, "pixel {p}: mean {mean}");
            assert!(
                (var - 1.0).abs() < 1e-9 || var == 0.0,
                "pixel {p}: variance {var}"
            );
        }
        assert!(data.inputs.column(DIGIT_PIXELS).iter().all(|&v| v == 1.0));

        let a = Task::Digits.generate(32, 4);
        let b = Task::Digits.generate(32, 5);
        assert_eq!(a.inputs, Task::Digits.generate(32, 4).inputs);
        assert_ne!(a.inputs, b.inputs);
    }
}
