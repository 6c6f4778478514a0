//! Runs the built `lrdepth` binary on small sweeps and checks its outputs
//! and exit status.

use std::path::Path;
use std::process::{Command, Output};

/// A sweep of 2 seeds × 2 depths × 3 rates that trains in well under a second.
const SMALL_SWEEP: &[&str] = &[
    "--eta0",
    "0.1,1,300",
    "--depths",
    "1,3",
    "--width",
    "8",
    "--steps",
    "20",
    "--samples",
    "16",
    "--seeds",
    "2",
];
const SMALL_SWEEP_RUNS: usize = 2 * 2 * 3;

/// A sweep of 2 seeds with two depths of at least 4, the fewest that the
/// slope fit uses.
const FIT_SWEEP: &[&str] = &[
    "--eta0",
    "0.03,0.1,0.3,1,3",
    "--depths",
    "2,4,8",
    "--width",
    "16",
    "--steps",
    "20",
    "--samples",
    "16",
    "--seeds",
    "2",
];

fn run_lrdepth(args: &[&str], out_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lrdepth"))
        .args(args)
        .arg("--out")
        .arg(out_dir)
        .output()
        .expect("failed to start lrdepth")
}

fn stderr_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn small_sweep_writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_lrdepth(SMALL_SWEEP, dir.path());
    assert!(output.status.success(), "stderr: {}", stderr_text(&output));

    let csv = std::fs::read_to_string(dir.path().join("results.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "seed,param,depth,eta0,rate_first,rate_hidden,rate_readout,initial_loss,final_loss,diverged,steps_run"
    );
    assert_eq!(lines.len(), 1 + SMALL_SWEEP_RUNS, "one row per run");
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 11, "{line}");
        assert!(cells.iter().all(|cell| !cell.is_empty()), "{line}");
    }
    assert!(
        lines.iter().any(|line| line.contains(",inf,true,")),
        "η0 = 300 should diverge and be written as inf:\n{csv}"
    );

    let json_text = std::fs::read_to_string(dir.path().join("results.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), SMALL_SWEEP_RUNS);
    assert_eq!(json["config"]["width"], 8);
    assert_eq!(json["config"]["seeds"], 2);
    assert!(
        runs.iter().any(|run| run["final_loss"] == "inf"),
        "diverged losses are the string \"inf\""
    );
    for run in runs {
        assert!(!run["initial_loss"].is_null(), "{run}");
        assert!(!run["final_loss"].is_null(), "{run}");
        for point in run["loss_curve"].as_array().unwrap() {
            assert!(!point[1].is_null(), "{run}");
        }
    }
    assert_eq!(json["slope_fits"][0]["kind"], "base");
    assert!(
        json["slope_fits"][0]["fit"].is_null(),
        "depths 1 and 3 are below the fit's minimum depth"
    );

    for plot in ["loss_vs_depth.svg", "loss_vs_rate.svg"] {
        let svg = std::fs::read_to_string(dir.path().join(plot)).unwrap();
        assert!(svg.starts_with("<svg"), "{plot} is not SVG");
        assert!(svg.contains("final loss"), "{plot} has no axis label");
    }
    let svg = std::fs::read_to_string(dir.path().join("best_rate_vs_depth.svg")).unwrap();
    assert!(svg.starts_with("<svg"), "best_rate_vs_depth.svg is not SVG");
    assert!(
        svg.contains("Best rate against depth"),
        "best_rate_vs_depth.svg has no title"
    );

    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("seed 0:"), "{table}");
    assert!(table.contains("seed 1:"), "{table}");
    assert!(table.contains("div"), "{table}");
    assert!(
        table.contains("best η0: no fit (needs 2 depths ≥ 4)"),
        "{table}"
    );
}

#[test]
fn two_seeds_give_two_seed_slopes() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_lrdepth(FIT_SWEEP, dir.path());
    assert!(output.status.success(), "stderr: {}", stderr_text(&output));

    let json_text = std::fs::read_to_string(dir.path().join("results.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    let fits = json["slope_fits"].as_array().unwrap();
    assert_eq!(fits.len(), 1, "the default μP fits only η0");
    assert_eq!(fits[0]["kind"], "base");
    assert_eq!(fits[0]["min_depth"], 4);

    let fit = &fits[0]["fit"];
    assert!(fit["slope"].is_f64(), "slope is not a number: {fit}");
    assert!(
        fit["intercept"].is_f64(),
        "intercept is not a number: {fit}"
    );
    let per_seed = fit["per_seed"].as_array().unwrap();
    assert_eq!(per_seed.len(), 2, "{fit}");
    assert!(per_seed.iter().all(|slope| slope.is_f64()), "{fit}");
    let interval = fit["interval"].as_array().unwrap();
    assert_eq!(interval.len(), 2, "{fit}");
    let (lo, hi) = (interval[0].as_f64().unwrap(), interval[1].as_f64().unwrap());
    assert!(lo <= hi, "{fit}");

    let stdout = String::from_utf8(output.stdout).unwrap();
    let fit_line = stdout
        .lines()
        .find(|line| line.starts_with("best η0: "))
        .unwrap_or_else(|| panic!("no fit line:\n{stdout}"));
    assert!(fit_line.starts_with("best η0: slope "), "{fit_line}");
    assert!(fit_line.ends_with(']'), "no interval: {fit_line}");

    let svg = std::fs::read_to_string(dir.path().join("best_rate_vs_depth.svg")).unwrap();
    assert!(
        svg.contains("Best rate against depth"),
        "no title in the SVG"
    );
}

#[test]
fn depth_rule_fits_base_and_plain_rates() {
    let dir = tempfile::tempdir().unwrap();
    let args = [FIT_SWEEP, &["--param", "mup-depth"]].concat();
    let output = run_lrdepth(&args, dir.path());
    assert!(output.status.success(), "stderr: {}", stderr_text(&output));

    let json_text = std::fs::read_to_string(dir.path().join("results.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    let kinds: Vec<&str> = json["slope_fits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|fit| fit["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["base", "plain"]);

    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("best η0: "), "{stdout}");
    assert!(stdout.contains("best plain η: "), "{stdout}");
}

#[test]
fn invalid_width_exits_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_lrdepth(&["--width", "1000"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("width: 1000 is outside the allowed range 4 to 256"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.path().join("results.csv").exists());
}

#[test]
fn sweep_over_work_limit_exits_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_lrdepth(&["--width", "256", "--steps", "5000"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_text(&output);
    assert!(stderr.contains("sweep too large"), "{stderr}");
}

#[test]
fn thread_count_leaves_results_unchanged() {
    let dir_one_thread = tempfile::tempdir().unwrap();
    let dir_two_threads = tempfile::tempdir().unwrap();
    let args_one_thread = [SMALL_SWEEP, &["--threads", "1"]].concat();
    let args_two_threads = [SMALL_SWEEP, &["--threads", "2"]].concat();
    let output_one_thread = run_lrdepth(&args_one_thread, dir_one_thread.path());
    let output_two_threads = run_lrdepth(&args_two_threads, dir_two_threads.path());
    assert!(
        output_one_thread.status.success(),
        "{}",
        stderr_text(&output_one_thread)
    );
    assert!(
        output_two_threads.status.success(),
        "{}",
        stderr_text(&output_two_threads)
    );

    for file in ["results.csv", "results.json"] {
        let bytes_one_thread = std::fs::read(dir_one_thread.path().join(file)).unwrap();
        let bytes_two_threads = std::fs::read(dir_two_threads.path().join(file)).unwrap();
        assert!(
            bytes_one_thread == bytes_two_threads,
            "{file} differs between 1 and 2 threads"
        );
    }
    assert_eq!(
        output_one_thread.stdout, output_two_threads.stdout,
        "tables differ between 1 and 2 threads"
    );
}

#[test]
fn help_lists_ranges_and_json_encoding() {
    let output = Command::new(env!("CARGO_BIN_EXE_lrdepth"))
        .arg("--help")
        .output()
        .expect("failed to start lrdepth");
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "units per hidden layer, 4 to 256",
        "1e-6 to 1e3",
        "--threads",
        "--seeds",
        "\"inf\"",
        "2.0e12",
        "best_rate_vs_depth.svg",
        "slope_fits",
    ] {
        assert!(help.contains(expected), "help lacks {expected:?}:\n{help}");
    }
}

#[test]
fn probe_writes_table_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--probe", "4", "--width", "32", "--depths", "2,4,8"];
    let output = run_lrdepth(&args, dir.path());
    assert!(output.status.success(), "{}", stderr_text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("one-step probe: μP, width 32, 4 seeds"),
        "{stdout}"
    );
    assert!(
        stdout.contains("slope of ln median against ln depth"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(dir.path().join("probe.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        4,
        "header and one row per depth: {csv}"
    );
    for svg in ["probe_vs_depth.svg", "probe_profile.svg"] {
        let text = std::fs::read_to_string(dir.path().join(svg)).unwrap();
        assert!(text.starts_with("<svg"), "{svg} is not an SVG");
    }
}

#[test]
fn probe_rejects_narrow_width() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_lrdepth(
        &["--probe", "4", "--width", "16", "--depths", "2,8"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr_text(&output));
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("width 16 is below 4 × 8 = 32"),
        "stderr should name the width rule: {stderr}"
    );
}
