//! `--probe`: the one-step probe at every depth instead of a sweep, with
//! the same core code as the page's probe section.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use lrdepth_core::SweepConfig;
use lrdepth_core::analysis::least_squares;
use lrdepth_core::probe::{ProbeSummary, probe_blocker, probe_settings, probe_summary};
use lrdepth_plot::{Style, draw_probe_profile, draw_probe_vs_depth};
use plotters::prelude::*;
use rayon::prelude::*;

pub const PROBE_CSV_FILE: &str = "probe.csv";
pub const PROBE_PLOT_FILE: &str = "probe_vs_depth.svg";
pub const PROFILE_PLOT_FILE: &str = "probe_profile.svg";
const PLOT_SIZE: (u32, u32) = (960, 600);

/// Runs the probe at every depth of `config` over `n_seeds` seeds on
/// `pool`, prints a table and writes the CSV and both plots into `dir`.
pub fn run_probe(
    config: &SweepConfig,
    n_seeds: usize,
    pool: &rayon::ThreadPool,
    dir: &Path,
) -> anyhow::Result<()> {
    if let Some(reason) = probe_blocker(config) {
        bail!("{reason}");
    }
    let summaries: Vec<ProbeSummary> = pool.install(|| {
        config
            .depths
            .par_iter()
            .map(|&depth| probe_summary(&probe_settings(config, depth), depth, n_seeds))
            .collect()
    });

    let mut stdout = std::io::stdout().lock();
    write_table(&mut stdout, config, &summaries)?;
    if let Some(slope) = median_slope(&summaries) {
        writeln!(
            stdout,
            "slope of ln median against ln depth, depths ≥ 4: {slope:.2}"
        )?;
    }

    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create output folder {}", dir.display()))?;
    let csv_path = dir.join(PROBE_CSV_FILE);
    let mut csv = std::fs::File::create(&csv_path)
        .with_context(|| format!("failed to create {}", csv_path.display()))?;
    writeln!(
        csv,
        "depth,seeds,mean_last,median_last,estimate_last,mean_output,median_output"
    )?;
    for s in &summaries {
        writeln!(
            csv,
            "{},{},{:?},{:?},{:?},{:?},{:?}",
            s.depth,
            s.n_seeds,
            s.mean_last,
            s.median_last,
            s.estimate_last,
            s.mean_output,
            s.median_output
        )?;
    }

    let style = Style::default();
    let path = dir.join(PROBE_PLOT_FILE);
    let root = SVGBackend::new(&path, PLOT_SIZE).into_drawing_area();
    draw_probe_vs_depth(&root, &summaries, &config.depths, &style)
        .map_err(|error| anyhow!("failed to draw {}: {error}", path.display()))?;
    let path = dir.join(PROFILE_PLOT_FILE);
    let root = SVGBackend::new(&path, PLOT_SIZE).into_drawing_area();
    draw_probe_profile(&root, &summaries, &config.depths, &style)
        .map_err(|error| anyhow!("failed to draw {}: {error}", path.display()))?;
    Ok(())
}

fn write_table(
    out: &mut impl Write,
    config: &SweepConfig,
    summaries: &[ProbeSummary],
) -> std::io::Result<()> {
    writeln!(
        out,
        "one-step probe: {}, width {}, {} seeds per depth; moves divided by η0² (η0 = {})",
        config.parametrization.label(),
        config.width,
        summaries.first().map_or(0, |s| s.n_seeds),
        lrdepth_core::probe::PROBE_ETA0
    )?;
    writeln!(
        out,
        "{:>6} {:>14} {:>14} {:>14} {:>14}",
        "depth", "mean dz²", "median dz²", "estimate", "df/(-r·η0)"
    )?;
    for s in summaries {
        writeln!(
            out,
            "{:>6} {:>14.4e} {:>14.4e} {:>14.4e} {:>14.4}",
            s.depth, s.mean_last, s.median_last, s.estimate_last, s.mean_output
        )?;
    }
    Ok(())
}

/// Returns the least-squares slope of ln median against ln depth over
/// depths of at least 4, or `None` with fewer than two such depths.
fn median_slope(summaries: &[ProbeSummary]) -> Option<f64> {
    let points: Vec<(f64, f64)> = summaries
        .iter()
        .filter(|s| s.depth >= 4 && s.median_last > 0.0)
        .map(|s| ((s.depth as f64).ln(), s.median_last.ln()))
        .collect();
    least_squares(&points).map(|(slope, _)| slope)
}
