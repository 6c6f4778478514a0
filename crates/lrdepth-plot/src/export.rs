//! Results as CSV and JSON, written the same way by the native runner and
//! the page. Non-finite numbers are written as the text `inf`, `-inf` or
//! `nan`, never as an empty cell or a JSON null.

use std::io::{self, Write};

use lrdepth_core::analysis::{FIT_MIN_DEPTH, RateKind, SlopeFit};
use lrdepth_core::{BestRate, GroupRates, Parametrization, RunResult, SweepConfig, best_rates};
use serde::{Serialize, Serializer};

use crate::{BestRateData, RateSeries};

pub const CSV_HEADER: &str = "seed,param,depth,eta0,rate_first,rate_hidden,rate_readout,\
                              initial_loss,final_loss,diverged,steps_run";

/// Formats a float for the CSV file: the shortest text that parses back to
/// the same value, and `inf`, `-inf` or `nan` for non-finite values.
fn format_csv_number(value: f64) -> String {
    if value.is_nan() {
        "nan".to_string()
    } else {
        // Display gives "inf" and "-inf" for infinities.
        value.to_string()
    }
}

/// Writes one CSV row per run, in the order of `results`.
pub fn write_csv(out: &mut impl Write, results: &[RunResult]) -> io::Result<()> {
    writeln!(out, "{CSV_HEADER}")?;
    for result in results {
        let numbers = [
            result.eta0,
            result.rates.first,
            result.rates.hidden,
            result.rates.readout,
            result.initial_loss,
            result.final_loss,
        ]
        .map(format_csv_number);
        writeln!(
            out,
            "{},{},{},{},{},{}",
            result.seed,
            result.parametrization.key(),
            result.depth,
            numbers.join(","),
            result.diverged,
            result.steps_run,
        )?;
    }
    Ok(())
}

/// A float in JSON: a number when finite, else the string "inf", "-inf" or
/// "nan", since JSON has no such numbers and serde_json would write null.
#[derive(Clone, Copy, Debug, PartialEq)]
struct JsonNumber(f64);

impl Serialize for JsonNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.0;
        if value.is_finite() {
            serializer.serialize_f64(value)
        } else if value.is_nan() {
            serializer.serialize_str("nan")
        } else if value > 0.0 {
            serializer.serialize_str("inf")
        } else {
            serializer.serialize_str("-inf")
        }
    }
}

/// A [`RunResult`] with its losses as [`JsonNumber`].
#[derive(Debug, Serialize)]
struct JsonRun {
    index: usize,
    seed: u64,
    parametrization: Parametrization,
    depth: usize,
    eta0: f64,
    rates: GroupRates,
    initial_loss: JsonNumber,
    final_loss: JsonNumber,
    diverged: bool,
    steps_run: usize,
    loss_curve: Vec<(usize, JsonNumber)>,
}

impl From<&RunResult> for JsonRun {
    fn from(result: &RunResult) -> Self {
        // Destructured without `..`, so a new field of `RunResult` fails to
        // compile here until it is added to the JSON output.
        let RunResult {
            index,
            seed,
            parametrization,
            depth,
            eta0,
            rates,
            initial_loss,
            final_loss,
            diverged,
            steps_run,
            loss_curve,
        } = result;
        JsonRun {
            index: *index,
            seed: *seed,
            parametrization: *parametrization,
            depth: *depth,
            eta0: *eta0,
            rates: *rates,
            initial_loss: JsonNumber(*initial_loss),
            final_loss: JsonNumber(*final_loss),
            diverged: *diverged,
            steps_run: *steps_run,
            loss_curve: loss_curve
                .iter()
                .map(|&(step, loss)| (step, JsonNumber(loss)))
                .collect(),
        }
    }
}

/// A [`SlopeFit`] with its numbers as [`JsonNumber`].
#[derive(Debug, Serialize)]
struct JsonSlopeFit {
    slope: JsonNumber,
    intercept: JsonNumber,
    per_seed: Vec<JsonNumber>,
    interval: Option<(JsonNumber, JsonNumber)>,
}

impl From<&SlopeFit> for JsonSlopeFit {
    fn from(fit: &SlopeFit) -> Self {
        // Destructured without `..`, so a new field of `SlopeFit` fails to
        // compile here until it is added to the JSON output.
        let SlopeFit {
            slope,
            intercept,
            per_seed,
            interval,
        } = fit;
        JsonSlopeFit {
            slope: JsonNumber(*slope),
            intercept: JsonNumber(*intercept),
            per_seed: per_seed.iter().copied().map(JsonNumber).collect(),
            interval: interval.map(|(lo, hi)| (JsonNumber(lo), JsonNumber(hi))),
        }
    }
}

/// Slope fit of one kind of rate against depth.
#[derive(Debug, Serialize)]
struct JsonRateFit {
    kind: RateKind,
    /// Smallest depth included in the fit.
    min_depth: usize,
    /// Fit of ln rate against ln depth. It is `None`, written as null, when
    /// fewer than two depths of at least `min_depth` have a best rate.
    fit: Option<JsonSlopeFit>,
}

impl From<&RateSeries> for JsonRateFit {
    fn from(series: &RateSeries) -> Self {
        JsonRateFit {
            kind: series.kind,
            min_depth: FIT_MIN_DEPTH,
            fit: series.fit.as_ref().map(JsonSlopeFit::from),
        }
    }
}

/// Contents of `results.json`.
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    config: &'a SweepConfig,
    /// Best η0 of each seed and depth with a finite run, so every number
    /// here is finite.
    best_rates: Vec<BestRate>,
    /// Slope fit of each kind of rate that the parametrization defines.
    slope_fits: Vec<JsonRateFit>,
    runs: Vec<JsonRun>,
}

/// Writes the config, the best rates, the slope fits and every run result
/// as pretty-printed JSON.
pub fn write_json(
    out: &mut impl Write,
    config: &SweepConfig,
    results: &[RunResult],
) -> io::Result<()> {
    let series = BestRateData::of_sweep(config, results).series();
    let report = JsonReport {
        config,
        best_rates: best_rates(results),
        slope_fits: series.iter().map(JsonRateFit::from).collect(),
        runs: results.iter().map(JsonRun::from).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn csv_writes_non_finite_losses_as_text() {
        let results = [
            run(2, 0.1, f64::NAN, false),
            run(2, 1.0, f64::INFINITY, true),
        ];
        let mut out = Vec::new();
        write_csv(&mut out, &results).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines[1], "0,mup,2,0.1,0.1,0.05,0.1,1,nan,false,3");
        assert_eq!(lines[2], "0,mup,2,1,1,0.5,1,1,inf,true,3");
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn json_writes_non_finite_losses_as_strings() {
        let results = [run(2, 0.1, 0.25, false), run(2, 1.0, f64::INFINITY, true)];
        let mut out = Vec::new();
        write_json(&mut out, &config(), &results).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let runs = &json["runs"];
        assert_eq!(runs[0]["final_loss"], 0.25);
        assert_eq!(runs[1]["final_loss"], "inf");
        assert_eq!(runs[1]["loss_curve"][1][1], "nan");
        assert_eq!(runs.as_array().map(Vec::len), Some(2));
        assert_eq!(json["best_rates"][0]["grid_eta0"], 0.1);
        assert_eq!(json["config"]["width"], 64);
    }

    #[test]
    fn json_run_has_every_run_result_field() {
        let result = RunResult {
            loss_curve: vec![(0, 1.0), (2, 0.5)],
            ..run(2, 0.1, 0.25, false)
        };
        let plain = serde_json::to_value(&result).unwrap();
        let encoded = serde_json::to_value(JsonRun::from(&result)).unwrap();
        assert_eq!(plain, encoded, "finite results serialize unchanged");
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
    fn json_has_slope_fit_of_each_seed() {
        let mut out = Vec::new();
        write_json(&mut out, &config(), &two_seed_results()).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let fits = json["slope_fits"].as_array().unwrap();
        assert_eq!(fits.len(), 1, "μP has only the base rate");
        assert_eq!(fits[0]["kind"], "base");
        assert_eq!(fits[0]["min_depth"], 4);

        let fit = &fits[0]["fit"];
        let slope = fit["slope"].as_f64().unwrap();
        assert!((slope + 1.5).abs() < 1e-12, "pooled slope {slope}");
        let intercept = fit["intercept"].as_f64().unwrap();
        assert!((intercept - 1.5 * 4f64.ln()).abs() < 1e-12, "{intercept}");
        let per_seed: Vec<f64> = fit["per_seed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|value| value.as_f64().unwrap())
            .collect();
        assert_eq!(per_seed.len(), 2);
        assert!((per_seed[0] + 1.0).abs() < 1e-12, "{per_seed:?}");
        assert!((per_seed[1] + 2.0).abs() < 1e-12, "{per_seed:?}");
        let lo = fit["interval"][0].as_f64().unwrap();
        let hi = fit["interval"][1].as_f64().unwrap();
        assert!(lo < -2.0, "interval ({lo}, {hi}) misses the slope -2");
        assert!(hi > -1.0, "interval ({lo}, {hi}) misses the slope -1");
    }

    #[test]
    fn json_fit_is_null_below_min_depth() {
        let results = [run(2, 0.1, 0.25, false)];
        let mut out = Vec::new();
        write_json(&mut out, &config(), &results).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["slope_fits"][0]["kind"], "base");
        assert!(json["slope_fits"][0]["fit"].is_null());
    }

    #[test]
    fn json_writes_non_finite_fit_as_strings() {
        let fit = SlopeFit {
            slope: f64::NAN,
            intercept: f64::INFINITY,
            per_seed: vec![-1.5, f64::NEG_INFINITY],
            interval: Some((f64::NEG_INFINITY, 2.0)),
        };
        let json = serde_json::to_value(JsonSlopeFit::from(&fit)).unwrap();
        assert_eq!(json["slope"], "nan");
        assert_eq!(json["intercept"], "inf");
        assert_eq!(json["per_seed"], serde_json::json!([-1.5, "-inf"]));
        assert_eq!(json["interval"], serde_json::json!(["-inf", 2.0]));
    }

    #[test]
    fn json_slope_fit_has_every_field() {
        for interval in [Some((-2.0, -1.0)), None] {
            let fit = SlopeFit {
                slope: -1.5,
                intercept: 0.5,
                per_seed: vec![-1.0, -2.0],
                interval,
            };
            let plain = serde_json::to_value(&fit).unwrap();
            let encoded = serde_json::to_value(JsonSlopeFit::from(&fit)).unwrap();
            assert_eq!(plain, encoded, "finite fits serialize unchanged");
        }
    }
}
