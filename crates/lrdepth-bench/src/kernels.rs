//! Timed kernels of the benchmarks, the same natively and in a browser
//! worker: training steps of the product's MLP, and the same matrix
//! products on their own.
//!
//! Timing takes a clock in milliseconds as an argument, because
//! `std::time::Instant` panics on wasm32-unknown-unknown and the worker
//! reads `performance.now()` instead.

use lrdepth_core::mlp::Mlp;
use lrdepth_core::param::ScalingInputs;
use lrdepth_core::task::Dataset;
use lrdepth_core::{Parametrization, SweepConfig};
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, Zip};

/// Base rate of the timed steps: the smallest η0 of the default grid,
/// which trains stably at every default depth, so no step works on
/// infinities or NaNs.
pub const TIMING_ETA0: f64 = 0.01;

/// Steps run before timing starts, to fill caches and branch predictors.
const WARM_UP_STEPS: usize = 5;

/// Network and data of the default sweep at one depth, under μP.
pub struct StepProblem {
    pub config: SweepConfig,
    pub data: Dataset,
    pub scaling: ScalingInputs,
}

impl StepProblem {
    /// Builds the default sweep's problem (width 64, 128 samples, teacher
    /// task, seed 0) at `depth` hidden layers.
    pub fn default_sizes(depth: usize) -> StepProblem {
        let config = SweepConfig::default();
        let data = config.dataset(config.seed);
        let scaling = ScalingInputs {
            input_dim: config.task.input_dim(),
            width: config.width,
            depth,
            reference_depth: config.reference_depth,
            eta0: TIMING_ETA0,
        };
        StepProblem {
            config,
            data,
            scaling,
        }
    }

    /// Builds a fresh network with the product's initial weights.
    pub fn network(&self) -> Mlp<f32> {
        Mlp::new(
            Parametrization::Mup,
            self.scaling,
            &self.data,
            self.config.seed,
        )
    }

    pub fn n_samples(&self) -> usize {
        self.data.targets.len()
    }

    /// Returns the floating-point operations of the matrix products of one
    /// step: 2·m·k·n for each (m, k)·(k, n) product, the forward pass and
    /// the backward pass together.
    pub fn product_flops(&self) -> f64 {
        product_shapes(self)
            .iter()
            .map(|&(m, k, n)| 2.0 * (m * k * n) as f64)
            .sum()
    }
}

/// Returns (m, k, n) of every matrix product of one training step, in the
/// order [`Mlp::step`] runs them.
fn product_shapes(problem: &StepProblem) -> Vec<(usize, usize, usize)> {
    let b = problem.n_samples();
    let n0 = problem.scaling.input_dim;
    let n = problem.scaling.width;
    let depth = problem.scaling.depth;
    let mut shapes = vec![(b, n0, n)];
    shapes.extend((1..depth).map(|_| (b, n, n)));
    shapes.push((b, n, 1));
    shapes.push((n, b, 1));
    shapes.push((b, 1, n));
    for _ in 1..depth {
        shapes.push((n, b, n));
        shapes.push((b, n, n));
    }
    shapes.push((n0, b, n));
    shapes
}

/// Times `steps` training steps and returns the milliseconds they took.
///
/// The network is built and warmed up before the clock starts.
pub fn time_steps(problem: &StepProblem, steps: usize, clock_ms: impl Fn() -> f64) -> f64 {
    let mut mlp = problem.network();
    for _ in 0..WARM_UP_STEPS {
        mlp.step();
    }
    let start = clock_ms();
    let mut loss_sum = 0.0f32;
    for _ in 0..steps {
        loss_sum += mlp.step();
    }
    let elapsed = clock_ms() - start;
    // Using the losses keeps the optimiser from dropping any step.
    std::hint::black_box(loss_sum);
    elapsed
}

/// Buffers with the shapes and memory layouts that one training step
/// multiplies, filled with fixed values.
pub struct ProductReplay {
    inputs: Array2<f32>,
    hidden_weights: Vec<Array2<f32>>,
    first_weights: Array2<f32>,
    readout_weights: Array2<f32>,
    activations: Vec<Array2<f32>>,
    output: Array2<f32>,
    grad_output: Array2<f32>,
    grad_hidden: [Array2<f32>; 2],
    first_grad: Array2<f32>,
    hidden_grads: Vec<Array2<f32>>,
    readout_grad: Array2<f32>,
}

impl ProductReplay {
    pub fn new(problem: &StepProblem) -> ProductReplay {
        let b = problem.n_samples();
        let n0 = problem.scaling.input_dim;
        let n = problem.scaling.width;
        let depth = problem.scaling.depth;
        // Small values that neither overflow nor become subnormal.
        let filled = |rows: usize, cols: usize| {
            Array2::from_shape_fn((rows, cols), |(i, j)| {
                ((i * 7 + j * 13) % 17) as f32 / 17.0 - 0.5
            })
        };
        ProductReplay {
            inputs: filled(b, n0),
            hidden_weights: (1..depth).map(|_| filled(n, n)).collect(),
            first_weights: filled(n0, n),
            readout_weights: filled(n, 1),
            activations: (0..depth).map(|_| filled(b, n)).collect(),
            output: filled(b, 1),
            grad_output: filled(b, 1),
            grad_hidden: [filled(b, n), filled(b, n)],
            first_grad: filled(n0, n),
            hidden_grads: (1..depth).map(|_| filled(n, n)).collect(),
            readout_grad: filled(n, 1),
        }
    }

    /// Runs the matrix products of one step: the same shapes, transposes
    /// and `general_mat_mul` calls as [`Mlp::step`], without the ReLU,
    /// the loss and the weight update.
    pub fn run(&mut self) {
        let depth = self.activations.len();
        let (one, zero) = (1.0f32, 0.0f32);

        general_mat_mul(
            one,
            &self.inputs,
            &self.first_weights,
            zero,
            &mut self.activations[0],
        );
        for k in 1..depth {
            let (done, rest) = self.activations.split_at_mut(k);
            general_mat_mul(
                one,
                &done[k - 1],
                &self.hidden_weights[k - 1],
                zero,
                &mut rest[0],
            );
        }
        let top = &self.activations[depth - 1];
        general_mat_mul(one, top, &self.readout_weights, zero, &mut self.output);

        general_mat_mul(
            one,
            &top.t(),
            &self.grad_output,
            zero,
            &mut self.readout_grad,
        );
        let [current, previous] = &mut self.grad_hidden;
        general_mat_mul(
            one,
            &self.grad_output,
            &self.readout_weights.t(),
            zero,
            current,
        );
        for k in (1..depth).rev() {
            general_mat_mul(
                one,
                &self.activations[k - 1].t(),
                &*current,
                zero,
                &mut self.hidden_grads[k - 1],
            );
            general_mat_mul(
                one,
                &*current,
                &self.hidden_weights[k - 1].t(),
                zero,
                &mut *previous,
            );
            std::mem::swap(current, previous);
        }
        general_mat_mul(one, &self.inputs.t(), &*current, zero, &mut self.first_grad);
    }

    /// Runs the element-wise work of one step that [`ProductReplay::run`]
    /// leaves out, on buffers of the same sizes: a ReLU and a ReLU mask per
    /// hidden layer, and a scaled add per weight matrix.
    pub fn run_elementwise(&mut self) {
        let [current, _] = &mut self.grad_hidden;
        for activation in &mut self.activations {
            activation.mapv_inplace(|z| z.max(0.0));
            Zip::from(&mut *current)
                .and(&*activation)
                .for_each(|g, &z| {
                    if z <= 0.0 {
                        *g = 0.0;
                    }
                });
        }
        self.first_weights.scaled_add(-1e-6, &self.first_grad);
        for (w, g) in self.hidden_weights.iter_mut().zip(&self.hidden_grads) {
            w.scaled_add(-1e-6, g);
        }
        self.readout_weights.scaled_add(-1e-6, &self.readout_grad);
    }
}

/// Times `repeats` runs of the matrix products of one step and returns the
/// milliseconds they took.
pub fn time_products(problem: &StepProblem, repeats: usize, clock_ms: impl Fn() -> f64) -> f64 {
    let mut replay = ProductReplay::new(problem);
    for _ in 0..WARM_UP_STEPS {
        replay.run();
    }
    let start = clock_ms();
    for _ in 0..repeats {
        replay.run();
    }
    let elapsed = clock_ms() - start;
    std::hint::black_box(&replay.first_grad);
    elapsed
}

/// Times `repeats` runs of the element-wise work of one step and returns
/// the milliseconds they took.
pub fn time_elementwise(problem: &StepProblem, repeats: usize, clock_ms: impl Fn() -> f64) -> f64 {
    let mut replay = ProductReplay::new(problem);
    replay.run();
    let start = clock_ms();
    for _ in 0..repeats {
        replay.run_elementwise();
    }
    let elapsed = clock_ms() - start;
    std::hint::black_box(&replay.first_weights);
    elapsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_flops_at_depth_two() {
        // B = 128, n0 = 16, n = 64: forward 128·16·64 + 128·64·64 + 128·64,
        // backward 64·128 + 128·64 + 64·128·64 + 128·64·64 + 16·128·64.
        let problem = StepProblem::default_sizes(2);
        let forward = 128 * 16 * 64 + 128 * 64 * 64 + 128 * 64;
        let backward = 64 * 128 + 128 * 64 + 64 * 128 * 64 + 128 * 64 * 64 + 16 * 128 * 64;
        assert_eq!(problem.product_flops(), 2.0 * (forward + backward) as f64);
    }

    #[test]
    fn products_per_step() {
        for depth in [1, 8, 32] {
            let problem = StepProblem::default_sizes(depth);
            assert_eq!(
                product_shapes(&problem).len(),
                3 * depth + 2,
                "depth {depth}"
            );
        }
    }

    #[test]
    fn replay_matches_step_shapes() {
        // ndarray panics on a shape mismatch, so running the replay checks
        // that every buffer fits its product.
        for depth in [1, 2, 8] {
            let problem = StepProblem::default_sizes(depth);
            let mut replay = ProductReplay::new(&problem);
            replay.run();
            replay.run_elementwise();
            assert!(replay.first_grad.iter().all(|v| v.is_finite()));
        }
    }
}
