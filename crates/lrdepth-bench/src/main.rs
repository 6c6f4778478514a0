//! `lrdepth-bench`: measures the training step natively and in headless
//! Chromium, the page's default sweep, Stop, the page load, TensorFlow.js on
//! the same training and the native runner, all in one run, and writes
//! the results as Markdown. `scripts/bench.sh` builds what it needs and
//! runs it.

mod bench_page;
mod cpu;
mod machine;
mod native;
mod product_page;
mod report;
mod session;
mod stats;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use lrdepth_tests::{built_page, repo_root};

use machine::Machine;
use report::Results;

/// Depths of the timed training steps: the default sweep's middle and
/// deepest.
const STEP_DEPTHS: [usize; 2] = [8, 32];

/// Steps per timed repetition: one default run.
const TIMED_STEPS: usize = 200;

/// Steps TF.js times per repetition on each backend; its cpu backend is
/// slow enough that fewer steps suffice for a stable median.
const TFJS_STEPS: [(&str, usize); 2] = [("wasm", 50), ("cpu", 10)];

#[derive(Parser, Debug)]
#[command(
    name = "lrdepth-bench",
    about = "Runs every benchmark of lrdepth on this machine and writes the results as Markdown."
)]
struct Options {
    /// File the results are written to, relative to the repository root.
    #[arg(long, default_value = "BENCHMARKS.md")]
    out: PathBuf,

    /// Repetitions of each measurement (1 to 50); the results are medians.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
    repeats: u16,

    /// The native runner, built by `cargo build --release -p lrdepth-cli`.
    #[arg(long, default_value = "target/release/lrdepth")]
    runner: PathBuf,

    /// wasm-bindgen's output for crate lrdepth-bench-wasm (`--target web`).
    #[arg(long, default_value = "target/bench/pkg")]
    wasm_pkg: PathBuf,

    /// node_modules of bench/tfjs, installed by `npm ci`.
    #[arg(long, default_value = "bench/tfjs/node_modules")]
    tfjs_modules: PathBuf,
}

fn main() -> ExitCode {
    let options = Options::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: failed to start the Tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: &Options) -> anyhow::Result<()> {
    let started = Instant::now();
    let root = repo_root();
    let repeats = usize::from(options.repeats);
    let chrome = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    let machine = Machine::read(&chrome);
    eprintln!("bench: load average {} at the start", machine.load_average);

    eprintln!("bench: building the page with trunk");
    let dist = built_page();
    let wasm_sizes = product_page::wasm_sizes(dist)?;

    eprintln!("bench: native step timing");
    let native_steps: Vec<_> = STEP_DEPTHS
        .iter()
        .map(|&depth| native::step_timing(depth, TIMED_STEPS, repeats))
        .collect();

    let site = bench_page::default_site_dir(&root);
    bench_page::assemble(
        &site,
        &root.join(&options.wasm_pkg),
        &root.join(&options.tfjs_modules),
        &STEP_DEPTHS,
    )?;
    let session = bench_page::open(&site).await?;
    let mut wasm_steps = Vec::new();
    for depth in STEP_DEPTHS {
        eprintln!("bench: wasm step timing at depth {depth}");
        wasm_steps.push(bench_page::wasm_step_timing(&session, depth, TIMED_STEPS, repeats).await?);
    }
    let mut tfjs = Vec::new();
    for (backend, steps) in TFJS_STEPS {
        for depth in STEP_DEPTHS {
            eprintln!("bench: TF.js {backend} backend at depth {depth}");
            tfjs.push(bench_page::tfjs_timing(&session, backend, depth, steps, repeats).await?);
        }
    }
    session.close().await;

    eprintln!("bench: default sweep in Chromium, 1 worker and all workers");
    let sweep = product_page::sweep_timing(dist, repeats).await?;
    eprintln!("bench: Stop during a sweep");
    let stop = product_page::stop_timing(dist, repeats).await?;
    eprintln!("bench: page load");
    let load = product_page::load_timing(dist, repeats).await?;
    eprintln!("bench: native runner, 1 thread and all threads");
    let runner = native::runner_timing(&root.join(&options.runner), repeats)?;

    let results = Results {
        machine,
        load_average_end: machine::load_average(),
        date: utc_date(),
        repeats,
        total_seconds: started.elapsed().as_secs_f64(),
        native_steps,
        wasm_steps,
        tfjs,
        sweep,
        stop,
        runner,
        load,
        wasm_sizes,
    };
    let out = root.join(&options.out);
    std::fs::write(&out, report::render(&results))
        .with_context(|| format!("failed to write {}", out.display()))?;
    eprintln!(
        "bench: wrote {} in {:.0} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Returns the current UTC time as `date -u` prints it, or `unknown`.
fn utc_date() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}
