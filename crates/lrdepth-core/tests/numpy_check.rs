//! Checks the forward pass, the gradients and one gradient step of
//! `Mlp<f64>` against an independent NumPy implementation,
//! tests/numpy/check_mlp.py at the workspace root, for every
//! parametrization at depths 1 and 3 with one output and at depth 2 with
//! three outputs.
//!
//! Each test writes the networks and the core's results to a JSON case file
//! in the system temp folder and runs `python3 check_mlp.py CASEFILE`, which
//! needs numpy (`pip install numpy`, or scripts/setup.sh). The case file is
//! deleted when the check passes and kept for inspection when it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use lrdepth_core::Parametrization;
use lrdepth_core::mlp::Mlp;
use lrdepth_core::param::ScalingInputs;
use lrdepth_core::task::Dataset;
use ndarray::Array2;
use serde_json::{Value, json};

const INPUT_DIM: usize = 3;
const WIDTH: usize = 5;
const SAMPLES: usize = 4;
/// (depth, outputs) of each case.
const SHAPES: [(usize, usize); 3] = [(1, 1), (3, 1), (2, 3)];
/// Differs from both depths, so the depth rule changes the rates at each.
const REFERENCE_DEPTH: usize = 2;
const ETA0: f64 = 0.1;
/// Pre-activations closer to zero than this could change sign between the
/// core and NumPy through rounding, which would flip the ReLU derivative.
const MIN_ABS_PRE_ACTIVATION: f64 = 1e-6;

/// Returns fixed inputs and targets, smooth functions of the indices, so the
/// case file never depends on a random number generator.
fn fixed_dataset(outputs: usize) -> Dataset {
    let inputs = Array2::from_shape_fn((SAMPLES, INPUT_DIM), |(s, i)| {
        (0.9 + 1.3 * s as f64 + 2.1 * i as f64).sin()
    });
    let targets = Array2::from_shape_fn((SAMPLES, outputs), |(s, o)| {
        (0.4 + 1.7 * s as f64 + 0.8 * o as f64).cos()
    });
    Dataset { inputs, targets }
}

/// Returns entry (row, col) of fixed weight matrix `layer`, of order
/// `init_std` like the core's own initial weights.
fn fixed_weight(layer: usize, row: usize, col: usize, init_std: f64) -> f64 {
    let (layer, row, col) = (layer as f64, row as f64, col as f64);
    // Without the row·col term the phase is a plain sum, and at depth 3 one
    // sample then has every unit of z_2 inactive.
    let phase = 1.0 + 2.3 * layer + 1.1 * row + 0.7 * col + 0.6 * row * col;
    1.5 * init_std * phase.sin()
}

fn matrix_json(matrix: &Array2<f64>) -> Value {
    let rows: Vec<Vec<f64>> = matrix.rows().into_iter().map(|r| r.to_vec()).collect();
    json!(rows)
}

fn matrices_json(matrices: &[Array2<f64>]) -> Value {
    Value::Array(matrices.iter().map(matrix_json).collect())
}

/// Builds one network with fixed weights, runs forward, backward and one
/// gradient step, and returns the case with the core's results.
fn build_case(parametrization: Parametrization, depth: usize, outputs: usize) -> Value {
    let data = fixed_dataset(outputs);
    let scaling = ScalingInputs {
        input_dim: INPUT_DIM,
        width: WIDTH,
        depth,
        reference_depth: REFERENCE_DEPTH,
        eta0: ETA0,
    };
    let mut mlp = Mlp::<f64>::new(parametrization, scaling, &data, 0);
    let init_stds: Vec<f64> = mlp.scales().iter().map(|s| s.init_std).collect();
    for (layer, weights) in mlp.weights_mut().iter_mut().enumerate() {
        for ((row, col), w) in weights.indexed_iter_mut() {
            *w = fixed_weight(layer, row, col, init_stds[layer]);
        }
    }
    let weights_before = mlp.weights().to_vec();
    let label = format!("{} depth {depth}, {outputs} outputs", parametrization.key());

    let loss = mlp.forward();
    let output = mlp.output().to_owned();
    let pre_activations = mlp.pre_activations().to_vec();
    for (k, z) in pre_activations.iter().enumerate() {
        let layer = k + 1;
        for (sample, row) in z.rows().into_iter().enumerate() {
            assert!(
                row.iter().any(|&v| v > 0.0),
                "{label}: sample {sample} has every unit of z_{layer} inactive, \
                 so it adds nothing to the gradients of the layers below"
            );
        }
        assert!(
            z.iter().any(|&v| v < 0.0),
            "{label}: every entry of z_{layer} is positive, so the case cannot test the ReLU"
        );
        let min_abs = z.iter().fold(f64::INFINITY, |m, &v| m.min(v.abs()));
        assert!(
            min_abs > MIN_ABS_PRE_ACTIVATION,
            "{label}: z_{layer} has an entry of magnitude {min_abs:e}, too close to the ReLU kink"
        );
    }

    mlp.backward();
    let grads = mlp.grads().to_vec();
    for (k, g) in grads.iter().enumerate() {
        assert!(
            g.iter().any(|&v| v != 0.0),
            "{label}: the gradient of W_{k} is zero, so the case cannot test it"
        );
    }

    mlp.apply_gradients();
    let weights_after_step = mlp.weights().to_vec();
    let loss_after_step = mlp.forward();

    let scales = mlp.scales();
    json!({
        "parametrization": parametrization.key(),
        "depth": depth,
        "outputs": outputs,
        "inputs": matrix_json(&data.inputs),
        "targets": matrix_json(&data.targets),
        "weights": matrices_json(&weights_before),
        "multipliers": scales.iter().map(|s| s.multiplier).collect::<Vec<_>>(),
        "learning_rates": scales.iter().map(|s| s.learning_rate).collect::<Vec<_>>(),
        "core": {
            "loss": loss,
            "output": matrix_json(&output),
            "pre_activations": matrices_json(&pre_activations),
            "gradients": matrices_json(&grads),
            "weights_after_step": matrices_json(&weights_after_step),
            "loss_after_step": loss_after_step,
        },
    })
}

fn check_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/numpy/check_mlp.py")
}

/// Writes the cases of `parametrization` to a case file, runs the NumPy
/// check on it and panics with the script's output unless it exits 0.
fn check_against_numpy(parametrization: Parametrization) {
    let cases: Vec<Value> = SHAPES
        .iter()
        .map(|&(depth, outputs)| build_case(parametrization, depth, outputs))
        .collect();
    let case_file = std::env::temp_dir().join(format!(
        "lrdepth-numpy-check-{}-{}.json",
        parametrization.key(),
        std::process::id()
    ));
    let text = serde_json::to_string_pretty(&json!({ "cases": cases }))
        .expect("the cases serialise to JSON");
    std::fs::write(&case_file, text)
        .unwrap_or_else(|e| panic!("failed to write {}: {e}", case_file.display()));

    let script = check_script();
    let result = Command::new("python3")
        .arg(&script)
        .arg(&case_file)
        .output();
    let output = match result {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "python3 not found on PATH. This test needs Python 3 with numpy, so \
             install Python 3, then run `pip install numpy` (or scripts/setup.sh)."
        ),
        Err(e) => panic!("failed to run python3 {}: {e}", script.display()),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The script exits 2 when numpy is missing or the case file is invalid,
    // and 1 when a quantity differs.
    let hint = if output.status.code() == Some(2) {
        "If numpy is missing, run `pip install numpy` (or scripts/setup.sh).\n"
    } else {
        ""
    };
    assert!(
        output.status.success(),
        "python3 {} {} exited with {}. The case file is kept.\n{hint}\
         stdout:\n{stdout}\nstderr:\n{stderr}",
        script.display(),
        case_file.display(),
        output.status,
    );
    eprint!("{stdout}");
    // A leftover file in the temp folder does no harm, so a failed removal is ignored.
    let _ = std::fs::remove_file(&case_file);
}

#[test]
fn sp_matches_numpy() {
    check_against_numpy(Parametrization::Standard);
}

#[test]
fn ntk_matches_numpy() {
    check_against_numpy(Parametrization::Ntk);
}

#[test]
fn mup_matches_numpy() {
    check_against_numpy(Parametrization::Mup);
}

#[test]
fn mup_depth_matches_numpy() {
    check_against_numpy(Parametrization::MupDepth);
}
