//! Runs every run of a sweep in parallel on a rayon thread pool.

use rayon::ThreadPool;
use rayon::prelude::*;

use lrdepth_core::{RunResult, SweepConfig};

/// Trains every run of `config` on `pool` and returns the results in the
/// order of [`SweepConfig::runs`]: seed, then depth, then η0.
///
/// Each run depends only on the config and its spec, so the results are the
/// same for every thread count. `on_run_done` is called once after each run,
/// from the worker thread that trained it.
pub fn run_sweep(
    config: &SweepConfig,
    pool: &ThreadPool,
    on_run_done: impl Fn() + Sync,
) -> Vec<RunResult> {
    let seeds = config.seed_list();
    let datasets: Vec<_> =
        pool.install(|| seeds.par_iter().map(|&seed| config.dataset(seed)).collect());

    let mut runs = config.runs();
    // Largest runs first, so that no long run starts last while the other
    // threads sit idle.
    runs.sort_by(|a, b| {
        config
            .run_flops(b.depth)
            .total_cmp(&config.run_flops(a.depth))
    });

    let mut results: Vec<RunResult> = pool.install(|| {
        runs.par_iter()
            .with_max_len(1)
            .map(|&run| {
                let seed_idx = (run.seed - config.seed) as usize;
                let result = config.train(&datasets[seed_idx], run);
                on_run_done();
                result
            })
            .collect()
    });
    results.sort_by_key(|result| result.index);
    results
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn small_config() -> SweepConfig {
        let outcome = SweepConfig::parse([
            ("eta0", "0.1, 1, 100"),
            ("depths", "1, 3"),
            ("width", "8"),
            ("steps", "5"),
            ("samples", "16"),
            ("seeds", "2"),
        ]);
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        outcome.config
    }

    fn pool(threads: usize) -> ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
    }

    #[test]
    fn results_match_sequential_run() {
        let config = small_config();
        let results = run_sweep(&config, &pool(2), || {});
        assert_eq!(results, config.run_all());
    }

    #[test]
    fn callback_counts_every_run() {
        let config = small_config();
        let done = AtomicUsize::new(0);
        run_sweep(&config, &pool(2), || {
            done.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(done.into_inner(), 12);
    }
}
