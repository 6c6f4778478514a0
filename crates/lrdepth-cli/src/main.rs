//! `lrdepth`: runs the playground's depth × η0 sweeps from the command line,
//! with the same settings, bounds and training code as the page.
//!
//! The table and the slope fits go to stdout; progress, timing and errors
//! go to stderr.

mod options;
mod output;
mod probe;
mod runner;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use clap::Parser;

use lrdepth_core::RunResult;
use lrdepth_core::SweepConfig;
use options::Options;
use runner::run_sweep;

/// Exit status for invalid options, the same as clap's for a malformed
/// command line.
const EXIT_INVALID_OPTIONS: u8 = 2;

fn main() -> ExitCode {
    let options = Options::parse();
    let config = match options.sweep_config() {
        Ok(config) => config,
        Err(messages) => {
            for message in messages {
                eprintln!("error: {message}");
            }
            return ExitCode::from(EXIT_INVALID_OPTIONS);
        }
    };
    match run(&options, &config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options, config: &SweepConfig) -> anyhow::Result<()> {
    // Zero threads lets rayon choose: RAYON_NUM_THREADS, else every core.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .context("failed to start the thread pool")?;

    if let Some(n_seeds) = options.probe {
        let started = Instant::now();
        probe::run_probe(config, n_seeds, &pool, &options.out)?;
        eprintln!(
            "probed {} depths in {:.2} s; wrote {}, {} and {} to {}",
            config.depths.len(),
            started.elapsed().as_secs_f64(),
            probe::PROBE_CSV_FILE,
            probe::PROBE_PLOT_FILE,
            probe::PROFILE_PLOT_FILE,
            options.out.display()
        );
        return Ok(());
    }
    for warning in config.warnings() {
        eprintln!("warning: {warning}");
    }
    let n_runs = config.runs().len();
    eprintln!(
        "running {n_runs} runs ({} seed(s) × {} depth(s) × {} η0 value(s)) on {} thread(s)",
        config.seeds,
        config.depths.len(),
        config.eta0.values().len(),
        pool.current_num_threads()
    );
    let started = Instant::now();
    let results = run_sweep(config, &pool, progress_reporter(n_runs));
    eprintln!(
        "finished {n_runs} runs in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    output::write_files(&options.out, config, &results)?;
    print_tables(config, &results)?;
    eprintln!(
        "wrote {}, {} and {} (all seeds), {} and {} (seed {}) to {}",
        output::CSV_FILE,
        output::JSON_FILE,
        output::BEST_RATE_PLOT_FILE,
        output::DEPTH_PLOT_FILE,
        output::RATE_PLOT_FILE,
        config.seed,
        options.out.display()
    );
    Ok(())
}

/// Returns a callback that counts finished runs and, when stderr is a
/// terminal, shows the count on one line that it rewrites.
fn progress_reporter(n_runs: usize) -> impl Fn() + Sync {
    let done = AtomicUsize::new(0);
    let show = io::stderr().is_terminal();
    move || {
        let count = done.fetch_add(1, Ordering::Relaxed) + 1;
        if show {
            let end = if count == n_runs { "\n" } else { "" };
            eprint!("\r{count}/{n_runs} runs done{end}");
        }
    }
}

fn print_tables(config: &SweepConfig, results: &[RunResult]) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    output::write_tables(&mut stdout, config, results)
        .context("failed to write the table to stdout")?;
    output::write_fits(&mut stdout, config, results)
        .context("failed to write the slope fits to stdout")?;
    stdout
        .flush()
        .context("failed to write the table to stdout")
}
