//! Native measurements: the training step on one thread, and the native
//! runner's default sweep on one thread and on every core.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use lrdepth_bench::kernels::{self, StepProblem};
use serde_json::{Value, json};

use crate::stats::median;

/// Median times of one step and of its parts at one depth, per step.
#[derive(Clone, Debug)]
pub struct StepTiming {
    pub depth: usize,
    /// Steps timed in one repetition.
    pub steps: usize,
    /// Milliseconds per training step.
    pub step_ms: f64,
    /// Milliseconds per run of the step's matrix products alone.
    pub products_ms: f64,
    /// Milliseconds per run of the step's element-wise work alone.
    pub elementwise_ms: f64,
    /// Floating-point operations of the step's matrix products.
    pub product_flops: f64,
}

impl StepTiming {
    /// Returns the products' share of the step's time, which is the step's
    /// throughput as a fraction of the same products timed alone.
    pub fn fraction_of_products(&self) -> f64 {
        self.products_ms / self.step_ms
    }

    pub fn step_gflops(&self) -> f64 {
        self.product_flops / self.step_ms / 1e6
    }

    pub fn products_gflops(&self) -> f64 {
        self.product_flops / self.products_ms / 1e6
    }
}

fn now_ms(origin: Instant) -> impl Fn() -> f64 {
    move || origin.elapsed().as_secs_f64() * 1e3
}

/// Times the step, its products and its element-wise work at `depth` on
/// this thread, `repeats` times each, interleaved.
pub fn step_timing(depth: usize, steps: usize, repeats: usize) -> StepTiming {
    let problem = StepProblem::default_sizes(depth);
    let origin = Instant::now();
    let (mut step, mut products, mut elementwise) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..repeats {
        step.push(kernels::time_steps(&problem, steps, now_ms(origin)) / steps as f64);
        products.push(kernels::time_products(&problem, steps, now_ms(origin)) / steps as f64);
        elementwise.push(kernels::time_elementwise(&problem, steps, now_ms(origin)) / steps as f64);
    }
    StepTiming {
        depth,
        steps,
        step_ms: median(&step),
        products_ms: median(&products),
        elementwise_ms: median(&elementwise),
        product_flops: problem.product_flops(),
    }
}

/// Returns the loss that the product's step reports at step `steps`
/// (before its update) from the default initial weights at `depth`.
pub fn last_step_loss(depth: usize, steps: usize) -> f64 {
    let problem = StepProblem::default_sizes(depth);
    let mut mlp = problem.network();
    let mut loss = f32::NAN;
    for _ in 0..steps {
        loss = mlp.step();
    }
    f64::from(loss)
}

/// Returns the training problem at `depth` as JSON for the TF.js
/// benchmark: inputs, targets, initial raw weights, and each matrix's
/// multiplier and learning rate, all as the product's step uses them.
pub fn problem_json(depth: usize) -> Value {
    let problem = StepProblem::default_sizes(depth);
    let mlp = problem.network();
    let as_f32 =
        |values: &mut dyn Iterator<Item = f64>| -> Vec<f32> { values.map(|v| v as f32).collect() };
    let weights: Vec<Value> = mlp
        .weights()
        .iter()
        .map(|w| json!({ "rows": w.nrows(), "cols": w.ncols(), "values": w.iter().collect::<Vec<_>>() }))
        .collect();
    json!({
        "depth": depth,
        "samples": problem.n_samples(),
        "inputDim": problem.scaling.input_dim,
        "inputs": as_f32(&mut problem.data.inputs.iter().copied()),
        "targets": as_f32(&mut problem.data.targets.iter().copied()),
        "weights": weights,
        "multipliers": mlp.scales().iter().map(|s| s.multiplier as f32).collect::<Vec<_>>(),
        "rates": mlp.scales().iter().map(|s| s.learning_rate as f32).collect::<Vec<_>>(),
    })
}

/// Median times, in seconds, of the native runner's default sweep.
#[derive(Clone, Debug)]
pub struct RunnerTiming {
    /// Training time that the runner prints ("finished N runs in X s").
    pub one_thread_s: f64,
    pub all_threads_s: f64,
    /// Wall time of the whole process, writing its files included.
    pub one_thread_wall_s: f64,
    pub all_threads_wall_s: f64,
    pub threads: usize,
}

/// Runs `runner` with no options (the page's default sweep) `repeats`
/// times with RAYON_NUM_THREADS=1 and as many times on every core,
/// alternating, and returns the median wall times.
pub fn runner_timing(runner: &Path, repeats: usize) -> anyhow::Result<RunnerTiming> {
    let out = tempfile::tempdir().context("failed to create a folder for the runner's files")?;
    let (mut one, mut all) = (Vec::new(), Vec::new());
    let (mut one_wall, mut all_wall) = (Vec::new(), Vec::new());
    for _ in 0..repeats {
        let (training, wall) = run_runner(runner, out.path(), Some(1))?;
        one.push(training);
        one_wall.push(wall);
        let (training, wall) = run_runner(runner, out.path(), None)?;
        all.push(training);
        all_wall.push(wall);
    }
    Ok(RunnerTiming {
        one_thread_s: median(&one),
        all_threads_s: median(&all),
        one_thread_wall_s: median(&one_wall),
        all_threads_wall_s: median(&all_wall),
        threads: std::thread::available_parallelism().map_or(1, usize::from),
    })
}

/// Runs the runner once and returns its training time, parsed from its
/// stderr, and the process's wall time, both in seconds.
fn run_runner(runner: &Path, out: &Path, threads: Option<usize>) -> anyhow::Result<(f64, f64)> {
    let mut command = Command::new(runner);
    command
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove("RAYON_NUM_THREADS");
    if let Some(threads) = threads {
        command.env("RAYON_NUM_THREADS", threads.to_string());
    }
    let start = Instant::now();
    let output = command.output().with_context(|| {
        format!(
            "failed to start the native runner {}; build it with \
             `cargo build --release -p lrdepth-cli`",
            runner.display()
        )
    })?;
    let seconds = start.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!(
            "the native runner {} failed with {}: {}",
            runner.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let training = stderr
        .lines()
        .find_map(|line| {
            let rest = line.strip_prefix("finished ")?;
            rest.split(" in ").nth(1)?.strip_suffix(" s")?.parse().ok()
        })
        .with_context(|| {
            format!("the runner printed no \"finished N runs in X s\" line: {stderr}")
        })?;
    Ok((training, seconds))
}
