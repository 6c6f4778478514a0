//! The ReLU MLP and its full-batch gradient descent, without allocation per step.
//!
//! Shapes, for a batch of B samples, input dimension n0, width n, depth L
//! (hidden layers): the input is (B, n0); weight matrix k is stored as
//! (fan_in, fan_out), so matrix 0 is (n0, n), matrices 1..L are (n, n) and
//! matrix L is the readout (n, k) for k outputs. Pre-activations z_l are
//! (B, n) and the output f is (B, k). The forward pass is z_1 = a_0·X·W_0,
//! z_(l+1) = a_l·relu(z_l)·W_l, f = a_L·relu(z_L)·W_L, where a_l is the
//! parametrization's multiplier; the loss is ½·mean((f − y)²), the mean
//! running over samples and outputs.

use std::fmt::Debug;

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, LinalgScalar, Zip};
use num_traits::{Float, FromPrimitive};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use crate::param::{LayerGroup, LayerScales, Parametrization, ScalingInputs};
use crate::task::Dataset;

/// Offset of the RNG streams that draw initial weights; stream
/// `WEIGHT_STREAM_BASE + depth` draws the weights of networks of that depth.
const WEIGHT_STREAM_BASE: u64 = 1_000;

/// Floating-point types the network trains in: f32 in the product, f64 in
/// the gradient check.
pub trait Scalar: LinalgScalar + Float + FromPrimitive + Debug + Send + Sync + 'static {}
impl Scalar for f32 {}
impl Scalar for f64 {}

/// Sizes of a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkShape {
    /// Input dimension n0.
    pub input_dim: usize,
    /// Units per hidden layer n.
    pub width: usize,
    /// Hidden layers L; the network has L + 1 weight matrices.
    pub depth: usize,
    /// Outputs k: 1 for regression, one per class for classification.
    pub output_dim: usize,
}

impl NetworkShape {
    /// Returns the group of weight matrix `layer_idx` (0 ..= depth).
    pub fn group(&self, layer_idx: usize) -> LayerGroup {
        if layer_idx == 0 {
            LayerGroup::First
        } else if layer_idx == self.depth {
            LayerGroup::Readout
        } else {
            LayerGroup::Hidden
        }
    }

    /// Returns the (fan_in, fan_out) of weight matrix `layer_idx`.
    pub fn matrix_shape(&self, layer_idx: usize) -> (usize, usize) {
        let fan_in = if layer_idx == 0 {
            self.input_dim
        } else {
            self.width
        };
        let fan_out = if layer_idx == self.depth {
            self.output_dim
        } else {
            self.width
        };
        (fan_in, fan_out)
    }
}

/// A network in training: weights, their scales and every buffer that one
/// gradient step needs, sized once.
pub struct Mlp<F: Scalar> {
    shape: NetworkShape,
    scales: Vec<LayerScales>,
    weights: Vec<Array2<F>>,
    grads: Vec<Array2<F>>,
    inputs: Array2<F>,
    targets: Array2<F>,
    /// Pre-activations z_1 ..= z_L.
    pre: Vec<Array2<F>>,
    /// Activations relu(z_1) ..= relu(z_L).
    post: Vec<Array2<F>>,
    output: Array2<F>,
    grad_output: Array2<F>,
    /// Two (B, n) buffers for the backward pass, used in turn.
    grad_hidden: [Array2<F>; 2],
}

fn cast<F: Scalar>(value: f64) -> F {
    F::from_f64(value).expect("every f64 converts to f32 or f64")
}

impl<F: Scalar> Mlp<F> {
    /// Builds a network for `data`, with weights drawn from `seed`.
    ///
    /// The raw weights depend only on `seed`, the depth and the shape, never
    /// on η0 or on the parametrization's learning rates, so the runs of one
    /// depth start from the same point (common random numbers).
    pub fn new(
        parametrization: Parametrization,
        scaling: ScalingInputs,
        data: &Dataset,
        seed: u64,
    ) -> Self {
        let shape = NetworkShape {
            input_dim: scaling.input_dim,
            width: scaling.width,
            depth: scaling.depth,
            output_dim: data.targets.ncols(),
        };
        let n_samples = data.targets.nrows();
        assert_eq!(data.inputs.dim(), (n_samples, shape.input_dim));

        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(WEIGHT_STREAM_BASE + shape.depth as u64);
        let n_matrices = shape.depth + 1;
        let scales: Vec<LayerScales> = (0..n_matrices)
            .map(|k| parametrization.scales(shape.group(k), &scaling))
            .collect();
        let weights: Vec<Array2<F>> = (0..n_matrices)
            .map(|k| {
                let std = scales[k].init_std;
                Array2::from_shape_simple_fn(shape.matrix_shape(k), || {
                    let z: f64 = rng.sample(StandardNormal);
                    cast(z * std)
                })
            })
            .collect();
        let grads = weights.iter().map(|w| Array2::zeros(w.dim())).collect();

        let hidden = || Array2::zeros((n_samples, shape.width));
        Mlp {
            shape,
            scales,
            weights,
            grads,
            inputs: data.inputs.mapv(cast),
            targets: data.targets.mapv(cast),
            pre: (0..shape.depth).map(|_| hidden()).collect(),
            post: (0..shape.depth).map(|_| hidden()).collect(),
            output: Array2::zeros((n_samples, shape.output_dim)),
            grad_output: Array2::zeros((n_samples, shape.output_dim)),
            grad_hidden: [hidden(), hidden()],
        }
    }

    pub fn shape(&self) -> NetworkShape {
        self.shape
    }

    /// Scales of each weight matrix, first to readout.
    pub fn scales(&self) -> &[LayerScales] {
        &self.scales
    }

    /// Raw weight matrices, first to readout, each (fan_in, fan_out).
    pub fn weights(&self) -> &[Array2<F>] {
        &self.weights
    }

    pub fn weights_mut(&mut self) -> &mut [Array2<F>] {
        &mut self.weights
    }

    /// Gradients of the loss with respect to the raw weights, as left by the
    /// last call to [`Mlp::backward`].
    pub fn grads(&self) -> &[Array2<F>] {
        &self.grads
    }

    /// Network output of the last forward pass, shape (B, k).
    pub fn output(&self) -> ArrayView2<'_, F> {
        self.output.view()
    }

    /// Pre-activations z_1 ..= z_L of the last forward pass, each (B, n).
    pub fn pre_activations(&self) -> &[Array2<F>] {
        &self.pre
    }

    /// Runs the forward pass and returns the loss ½·mean((f − y)²).
    pub fn forward(&mut self) -> F {
        let depth = self.shape.depth;
        for k in 0..depth {
            let a = cast::<F>(self.scales[k].multiplier);
            let input = if k == 0 {
                &self.inputs
            } else {
                &self.post[k - 1]
            };
            general_mat_mul(a, input, &self.weights[k], F::zero(), &mut self.pre[k]);
            Zip::from(&mut self.post[k])
                .and(&self.pre[k])
                .for_each(|h, &z| *h = z.max(F::zero()));
        }
        let a = cast::<F>(self.scales[depth].multiplier);
        general_mat_mul(
            a,
            &self.post[depth - 1],
            &self.weights[depth],
            F::zero(),
            &mut self.output,
        );

        let entries = cast::<F>(self.targets.len() as f64);
        let half = cast::<F>(0.5);
        let sum = Zip::from(&self.output)
            .and(&self.targets)
            .fold(F::zero(), |acc, &f, &y| acc + (f - y) * (f - y));
        half * sum / entries
    }

    /// Computes the gradients of the loss of the last forward pass.
    pub fn backward(&mut self) {
        let depth = self.shape.depth;
        let entries = cast::<F>(self.targets.len() as f64);
        Zip::from(&mut self.grad_output)
            .and(&self.output)
            .and(&self.targets)
            .for_each(|g, &f, &y| *g = (f - y) / entries);

        // Readout: dW_L = a_L·relu(z_L)ᵀ·g, and the gradient reaching z_L.
        let a = cast::<F>(self.scales[depth].multiplier);
        general_mat_mul(
            a,
            &self.post[depth - 1].t(),
            &self.grad_output,
            F::zero(),
            &mut self.grads[depth],
        );
        let [current, previous] = &mut self.grad_hidden;
        general_mat_mul(
            a,
            &self.grad_output,
            &self.weights[depth].t(),
            F::zero(),
            current,
        );
        mask_relu(current, &self.pre[depth - 1]);

        // Hidden layers, from the top down. `current` contains dLoss/dz_(k+1).
        for k in (1..depth).rev() {
            let a = cast::<F>(self.scales[k].multiplier);
            general_mat_mul(
                a,
                &self.post[k - 1].t(),
                &*current,
                F::zero(),
                &mut self.grads[k],
            );
            general_mat_mul(
                a,
                &*current,
                &self.weights[k].t(),
                F::zero(),
                &mut *previous,
            );
            mask_relu(previous, &self.pre[k - 1]);
            std::mem::swap(current, previous);
        }

        let a = cast::<F>(self.scales[0].multiplier);
        general_mat_mul(
            a,
            &self.inputs.t(),
            &*current,
            F::zero(),
            &mut self.grads[0],
        );
    }

    /// Applies one gradient descent step with each layer's own learning rate.
    pub fn apply_gradients(&mut self) {
        for (k, (w, g)) in self.weights.iter_mut().zip(&self.grads).enumerate() {
            let rate = cast::<F>(self.scales[k].learning_rate);
            w.scaled_add(-rate, g);
        }
    }

    /// Runs one full-batch gradient step and returns the loss before it.
    pub fn step(&mut self) -> F {
        let loss = self.forward();
        self.backward();
        self.apply_gradients();
        loss
    }
}

/// Zeroes the gradient where the ReLU was inactive.
fn mask_relu<F: Scalar>(grad: &mut Array2<F>, pre: &Array2<F>) {
    Zip::from(grad).and(pre).for_each(|g, &z| {
        if z <= F::zero() {
            *g = F::zero();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::Task;

    fn small(parametrization: Parametrization, depth: usize) -> Mlp<f64> {
        small_on(Task::Teacher, parametrization, depth)
    }

    fn small_on(task: Task, parametrization: Parametrization, depth: usize) -> Mlp<f64> {
        let data = task.generate(6, 11);
        let scaling = ScalingInputs {
            input_dim: data.inputs.ncols(),
            width: 7,
            depth,
            reference_depth: 2,
            eta0: 0.1,
        };
        Mlp::new(parametrization, scaling, &data, 5)
    }

    /// Central differences on every weight, against the backward pass.
    #[test]
    fn gradients_match_finite_differences() {
        let cases = Parametrization::ALL.into_iter().flat_map(|p| {
            [
                (Task::Teacher, 1),
                (Task::Teacher, 2),
                (Task::Teacher, 4),
                (Task::Digits, 2),
            ]
            .map(|(task, depth)| (p, task, depth))
        });
        for (parametrization, task, depth) in cases {
            let mut mlp = small_on(task, parametrization, depth);
            mlp.forward();
            mlp.backward();
            let analytic: Vec<Array2<f64>> = mlp.grads().to_vec();
            let h = 1e-6;
            #[allow(clippy::needless_range_loop)] // `k` also indexes the weights
            for k in 0..=depth {
                let (rows, cols) = mlp.weights()[k].dim();
                for i in 0..rows {
                    for j in 0..cols {
                        let original = mlp.weights()[k][[i, j]];
                        mlp.weights_mut()[k][[i, j]] = original + h;
                        let up = mlp.forward();
                        mlp.weights_mut()[k][[i, j]] = original - h;
                        let down = mlp.forward();
                        mlp.weights_mut()[k][[i, j]] = original;
                        let numeric = (up - down) / (2.0 * h);
                        let exact = analytic[k][[i, j]];
                        // Central differences carry a rounding error of
                        // about ε·loss/h ≈ 1e-10, hence the absolute term.
                        let scale = numeric.abs().max(exact.abs());
                        assert!(
                            (numeric - exact).abs() <= 1e-5 * scale + 1e-9,
                            "{parametrization:?} {task:?} depth {depth} matrix {k} [{i},{j}]: \
                                 finite difference {numeric}, backward {exact}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn gradient_step_lowers_small_rate_loss() {
        for parametrization in Parametrization::ALL {
            let mut mlp = small(parametrization, 3);
            let before = mlp.step();
            let after = mlp.forward();
            assert!(after < before, "{parametrization:?}: {before} -> {after}");
        }
    }

    #[test]
    fn same_seed_same_weights_across_rates() {
        let data = Task::Teacher.generate(6, 1);
        let scaling = |eta0| ScalingInputs {
            input_dim: data.inputs.ncols(),
            width: 8,
            depth: 3,
            reference_depth: 4,
            eta0,
        };
        let a = Mlp::<f32>::new(Parametrization::Mup, scaling(0.1), &data, 9);
        let b = Mlp::<f32>::new(Parametrization::Mup, scaling(3.0), &data, 9);
        assert_eq!(a.weights(), b.weights());
    }
}
