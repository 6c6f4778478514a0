//! The program's outputs: the table and the slope fits on stdout,
//! `results.csv`, `results.json` and the SVG plots.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, anyhow};
use plotters::prelude::{IntoDrawingArea, SVGBackend};

use lrdepth_core::analysis::FIT_MIN_DEPTH;
use lrdepth_core::{RunResult, SweepConfig, best_rates};
use lrdepth_plot::export::{write_csv, write_json};
use lrdepth_plot::{
    BestRateData, PlotData, Style, describe_fit, draw_best_rate_vs_depth, draw_loss_vs_depth,
    draw_loss_vs_rate,
};

pub const CSV_FILE: &str = "results.csv";
pub const JSON_FILE: &str = "results.json";
pub const DEPTH_PLOT_FILE: &str = "loss_vs_depth.svg";
pub const RATE_PLOT_FILE: &str = "loss_vs_rate.svg";
pub const BEST_RATE_PLOT_FILE: &str = "best_rate_vs_depth.svg";

/// Size of each SVG plot, in pixels.
const PLOT_SIZE: (u32, u32) = (800, 480);

/// Width of each table column, in characters.
const COLUMN_WIDTH: usize = 10;

/// Formats a rate or a loss for the table: four decimals between 1e-3 and
/// 1e4, scientific notation elsewhere.
fn format_table_number(value: f64) -> String {
    if (1e-3..1e4).contains(&value.abs()) {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{value:.2e}")
    }
}

/// Writes the table of each seed: a row per depth with the final loss at
/// each η0 ("div" for diverged runs) and the refined best η0 ("-" when every
/// run of the depth diverged).
pub fn write_tables(
    out: &mut impl Write,
    config: &SweepConfig,
    results: &[RunResult],
) -> io::Result<()> {
    let best = best_rates(results);
    for seed in config.seed_list() {
        for parametrization in config.parametrizations() {
            writeln!(
                out,
                "seed {seed}: {}, {}, width {}, {} steps, {} samples, L_ref {}",
                parametrization.label(),
                config.task.label(),
                config.width,
                config.steps,
                config.samples,
                config.reference_depth,
            )?;
            write!(out, "{:>6}", "depth")?;
            for eta0 in config.eta0.values() {
                write!(out, "{:>COLUMN_WIDTH$}", format_table_number(eta0))?;
            }
            writeln!(out, "{:>COLUMN_WIDTH$}", "best η0")?;

            for &depth in &config.depths {
                write!(out, "{depth:>6}")?;
                let same_group = |seed_of: u64, param_of, depth_of| {
                    seed_of == seed && param_of == parametrization && depth_of == depth
                };
                let runs = results
                    .iter()
                    .filter(|r| same_group(r.seed, r.parametrization, r.depth));
                for result in runs {
                    let cell = if result.diverged {
                        "div".to_string()
                    } else {
                        format_table_number(result.final_loss)
                    };
                    write!(out, "{cell:>COLUMN_WIDTH$}")?;
                }
                let best_cell = match best
                    .iter()
                    .find(|b| same_group(b.seed, b.parametrization, b.depth))
                {
                    Some(best) => format_table_number(best.refined_eta0),
                    None => "-".to_string(),
                };
                writeln!(out, "{best_cell:>COLUMN_WIDTH$}")?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

/// Writes the fitted slope of ln best rate against ln depth, one line per
/// kind of rate, such as "best η0: slope -1.48 [-2.00, -0.95]".
pub fn write_fits(
    out: &mut impl Write,
    config: &SweepConfig,
    results: &[RunResult],
) -> io::Result<()> {
    writeln!(
        out,
        "Slope of ln best rate against ln depth, fitted over depths ≥ {FIT_MIN_DEPTH} \
         with all seeds pooled."
    )?;
    writeln!(
        out,
        "The brackets give the 95 % interval of the mean per-seed slope."
    )?;
    for series in BestRateData::of_sweep(config, results).series() {
        writeln!(out, "{}", describe_fit(&series))?;
    }
    Ok(())
}

/// Creates `path` and writes it through `write`, buffered.
fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file =
        File::create(path).with_context(|| format!("failed to create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    write(&mut out)
        .and_then(|()| Ok(out.flush()?))
        .with_context(|| format!("failed to write {}", path.display()))
}

/// Draws the two loss plots of the first seed's runs and the best-rate plot
/// of every seed's runs as SVG files in `dir`.
fn write_plots(dir: &Path, config: &SweepConfig, results: &[RunResult]) -> anyhow::Result<()> {
    let first_seed_results: Vec<RunResult> = results
        .iter()
        .filter(|result| result.seed == config.seed)
        .cloned()
        .collect();
    let eta0s = config.eta0.values();
    let data = PlotData {
        results: &first_seed_results,
        depths: &config.depths,
        eta0s: &eta0s,
    };
    let style = Style::default();

    let path = dir.join(DEPTH_PLOT_FILE);
    let root = SVGBackend::new(&path, PLOT_SIZE).into_drawing_area();
    draw_loss_vs_depth(&root, &data, &style)
        .map_err(|error| anyhow!("failed to draw {}: {error}", path.display()))?;

    let path = dir.join(RATE_PLOT_FILE);
    let root = SVGBackend::new(&path, PLOT_SIZE).into_drawing_area();
    draw_loss_vs_rate(&root, &data, &style)
        .map_err(|error| anyhow!("failed to draw {}: {error}", path.display()))?;

    let path = dir.join(BEST_RATE_PLOT_FILE);
    let root = SVGBackend::new(&path, PLOT_SIZE).into_drawing_area();
    draw_best_rate_vs_depth(&root, &BestRateData::of_sweep(config, results), &style)
        .map_err(|error| anyhow!("failed to draw {}: {error}", path.display()))?;
    Ok(())
}

/// Writes the CSV and JSON files and the best-rate plot of every seed and
/// the loss plots of the first seed into `dir`, creating it if missing.
pub fn write_files(dir: &Path, config: &SweepConfig, results: &[RunResult]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create output folder {}", dir.display()))?;
    write_file(&dir.join(CSV_FILE), |out| Ok(write_csv(out, results)?))?;
    write_file(&dir.join(JSON_FILE), |out| {
        Ok(write_json(out, config, results)?)
    })?;
    write_plots(dir, config, results)
}

#[cfg(test)]
mod tests {
    use lrdepth_core::{GroupRates, Parametrization};

    use super::*;

    fn run(depth: usize, eta0: f64, final_loss: f64, diverged: bool) -> RunResult {
        RunResult {
            index: 0,
            seed: 0,
            parametrization: Parametrization::Mup,
            depth,
            eta0,
            rates: GroupRates {
                first: eta0,
                hidden: eta0 / 2.0,
                readout: eta0,
            },
            initial_loss: 1.0,
            final_loss,
            diverged,
            steps_run: 3,
            loss_curve: vec![(0, 1.0), (2, f64::NAN)],
        }
    }

    fn config() -> SweepConfig {
        SweepConfig::parse([("eta0", "0.1, 1"), ("depths", "2")]).config
    }

    /// Runs of seeds 0 and 1 at depths 4 and 8 whose best η0 halves with
    /// depth for seed 0 and quarters for seed 1: per-seed slopes -1 and -2.
    fn two_seed_results() -> Vec<RunResult> {
        vec![
            run(4, 1.0, 0.25, false),
            run(8, 0.5, 0.25, false),
            RunResult {
                seed: 1,
                ..run(4, 1.0, 0.25, false)
            },
            RunResult {
                seed: 1,
                ..run(8, 0.25, 0.25, false)
            },
        ]
    }

    #[test]
    fn fits_list_each_rate_kind() {
        let outcome = SweepConfig::parse([
            ("eta0", "0.25, 0.5, 1"),
            ("depths", "4, 8"),
            ("param", "mup-depth"),
        ]);
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        let mut out = Vec::new();
        // The runs must carry the config's parametrization: plot 3 groups by it.
        let results: Vec<RunResult> = two_seed_results()
            .into_iter()
            .map(|r| RunResult {
                parametrization: Parametrization::MupDepth,
                ..r
            })
            .collect();
        write_fits(&mut out, &outcome.config, &results).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[2].starts_with("best η0: slope -1.50 ["), "{text}");
        assert!(
            lines[3].starts_with("best plain η: slope -3.00 ["),
            "{text}"
        );
    }

    #[test]
    fn fits_report_missing_depths() {
        let results = [run(2, 0.1, 0.25, false)];
        let mut out = Vec::new();
        write_fits(&mut out, &config(), &results).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.lines().last(),
            Some("best η0: no fit (needs 2 depths ≥ 4)")
        );
    }

    #[test]
    fn table_marks_diverged_and_best() {
        let results = [run(2, 0.1, 0.25, false), run(2, 1.0, f64::INFINITY, true)];
        let mut out = Vec::new();
        write_tables(&mut out, &config(), &results).unwrap();
        let text = String::from_utf8(out).unwrap();
        let row = text.lines().nth(2).unwrap();
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells, vec!["2", "0.25", "div", "0.1"]);
    }

    #[test]
    fn table_numbers_switch_to_scientific() {
        assert_eq!(format_table_number(0.01), "0.01");
        assert_eq!(format_table_number(0.0099999999), "0.01");
        assert_eq!(format_table_number(30.0), "30");
        assert_eq!(format_table_number(2.5e-5), "2.50e-5");
        assert_eq!(format_table_number(1e6), "1.00e6");
    }
}
