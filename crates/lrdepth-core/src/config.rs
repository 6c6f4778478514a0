//! Sweep settings, their bounds, and parsing from form fields and URLs.
//!
//! The page, the URL and any other front end go through [`SweepConfig::parse`],
//! so one set of bounds decides what can run.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::param::Parametrization;
use crate::task::Task;

/// Inclusive bounds of every setting.
pub mod bounds {
    pub const WIDTH: (usize, usize) = (4, 256);
    pub const DEPTH: (usize, usize) = (1, 64);
    pub const STEPS: (usize, usize) = (1, 5_000);
    pub const SAMPLES: (usize, usize) = (8, 1_024);
    pub const REFERENCE_DEPTH: (usize, usize) = (1, 64);
    pub const ETA0: (f64, f64) = (1e-6, 1e3);
    pub const SEED: (u64, u64) = (0, u32::MAX as u64);
    /// Seeds per sweep: each repeats every run with its own data and weights.
    pub const SEEDS: (usize, usize) = (1, 8);
    /// Training workers the user may ask for; results never depend on it.
    pub const WORKERS: (usize, usize) = (1, 8);
    /// Number of η0 values.
    pub const ETA0_COUNT: (usize, usize) = (1, 16);
    /// Number of depths.
    pub const DEPTH_COUNT: (usize, usize) = (1, 12);
    /// Floating-point operations of a whole sweep, at most. At the few
    /// GFLOP/s that one browser worker reaches, this is several minutes.
    pub const MAX_SWEEP_FLOPS: f64 = 2e12;
    /// Bytes of weights, gradients and activations of one run, at most.
    pub const MAX_RUN_BYTES: f64 = 128.0 * 1024.0 * 1024.0;
}

/// A setting, as named in messages, form fields and URL keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    Eta0,
    Depths,
    Width,
    Steps,
    Samples,
    Task,
    Parametrization,
    ReferenceDepth,
    Seed,
    Seeds,
    Workers,
    Compare,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Eta0,
        Field::Depths,
        Field::Width,
        Field::Steps,
        Field::Samples,
        Field::Task,
        Field::Parametrization,
        Field::ReferenceDepth,
        Field::Seed,
        Field::Seeds,
        Field::Workers,
        Field::Compare,
    ];

    /// Key in URLs and id stem of the form field.
    pub fn key(self) -> &'static str {
        match self {
            Field::Eta0 => "eta0",
            Field::Depths => "depths",
            Field::Width => "width",
            Field::Steps => "steps",
            Field::Samples => "samples",
            Field::Task => "task",
            Field::Parametrization => "param",
            Field::ReferenceDepth => "lref",
            Field::Seed => "seed",
            Field::Seeds => "seeds",
            Field::Workers => "workers",
            Field::Compare => "compare",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Name in messages.
    pub fn label(self) -> &'static str {
        match self {
            Field::Eta0 => "η0",
            Field::Depths => "depths",
            Field::Width => "width",
            Field::Steps => "steps",
            Field::Samples => "samples",
            Field::Task => "task",
            Field::Parametrization => "parametrization",
            Field::ReferenceDepth => "L_ref",
            Field::Seed => "seed",
            Field::Seeds => "seeds",
            Field::Workers => "workers",
            Field::Compare => "compare",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Reason a setting was rejected. Every message names the value and what is allowed.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum ConfigError {
    #[error("{field}: {value:?} is not a number")]
    NotANumber { field: Field, value: String },
    #[error("{field}: {value} is outside the allowed range {min} to {max}")]
    OutOfRange {
        field: Field,
        value: String,
        min: String,
        max: String,
    },
    #[error("{field}: {count} values given, allowed {min} to {max}")]
    WrongCount {
        field: Field,
        count: usize,
        min: usize,
        max: usize,
    },
    #[error("{field}: {value:?} is not one of {allowed}")]
    UnknownChoice {
        field: Field,
        value: String,
        allowed: String,
    },
    #[error(
        "{field}: range {value:?} is invalid: write min:max:count with min < max, e.g. 0.01:10:7"
    )]
    InvalidRange { field: Field, value: String },
    #[error(
        "sweep too large: {flops:.1e} floating-point operations, allowed at most {max:.1e}; \
         use fewer steps, samples, depths or η0 values, or a smaller width"
    )]
    TooMuchWork { flops: f64, max: f64 },
    #[error(
        "width {width} with depth {depth} and {samples} samples needs {mebibytes:.0} MiB, \
         allowed at most {max_mebibytes:.0} MiB; lower the width, the depth or the samples"
    )]
    TooMuchMemory {
        width: usize,
        depth: usize,
        samples: usize,
        mebibytes: f64,
        max_mebibytes: f64,
    },
}

impl ConfigError {
    /// Form field the error belongs to; `None` for limits on the whole sweep.
    pub fn field(&self) -> Option<Field> {
        match self {
            ConfigError::NotANumber { field, .. }
            | ConfigError::OutOfRange { field, .. }
            | ConfigError::WrongCount { field, .. }
            | ConfigError::UnknownChoice { field, .. }
            | ConfigError::InvalidRange { field, .. } => Some(*field),
            ConfigError::TooMuchWork { .. } | ConfigError::TooMuchMemory { .. } => None,
        }
    }
}

/// The base rates of a sweep, as the user wrote them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateGrid {
    /// Explicit values, in the order given.
    List(Vec<f64>),
    /// `count` values spaced evenly in log between `min` and `max`, both included.
    LogRange { min: f64, max: f64, count: usize },
}

impl RateGrid {
    /// Returns the rates in increasing order, without duplicates.
    pub fn values(&self) -> Vec<f64> {
        let mut values = match self {
            RateGrid::List(values) => values.clone(),
            RateGrid::LogRange { min, max, count } => {
                if *count == 1 {
                    vec![*min]
                } else {
                    let (lo, hi) = (min.ln(), max.ln());
                    (0..*count)
                        .map(|i| (lo + (hi - lo) * i as f64 / (*count - 1) as f64).exp())
                        .collect()
                }
            }
        };
        values.sort_by(f64::total_cmp);
        values.dedup();
        values
    }
}

impl fmt::Display for RateGrid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RateGrid::List(values) => {
                let text: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                f.write_str(&text.join(", "))
            }
            RateGrid::LogRange { min, max, count } => write!(f, "{min}:{max}:{count}"),
        }
    }
}

/// All settings of a sweep over depth × η0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepConfig {
    pub eta0: RateGrid,
    /// Hidden-layer counts, increasing, without duplicates.
    pub depths: Vec<usize>,
    /// Units per hidden layer.
    pub width: usize,
    /// Gradient steps per run.
    pub steps: usize,
    /// Training examples, all used at every step.
    pub samples: usize,
    pub task: Task,
    pub parametrization: Parametrization,
    /// Depth at which η0 is the plain rate under the depth rule.
    pub reference_depth: usize,
    /// Seed of the data and of the initial weights of the first repeat.
    pub seed: u64,
    /// Repeats of the sweep, with seeds `seed`, `seed + 1`, and so on.
    pub seeds: usize,
    /// Training workers in the page; `None` picks one per core. Results
    /// are the same for any count.
    pub workers: Option<usize>,
    /// Also run SP, μP and μP + depth rule side by side.
    pub compare: bool,
}

impl Default for SweepConfig {
    /// The defaults of the page, chosen by measurement: see the README.
    fn default() -> Self {
        SweepConfig {
            eta0: RateGrid::LogRange {
                min: 0.01,
                max: 30.0,
                count: 8,
            },
            depths: vec![1, 2, 4, 8, 16, 32],
            width: 64,
            steps: 200,
            samples: 128,
            task: Task::Teacher,
            parametrization: Parametrization::Mup,
            reference_depth: 4,
            seed: 0,
            seeds: 1,
            workers: None,
            compare: false,
        }
    }
}

fn parse_integer(
    field: Field,
    text: &str,
    (min, max): (usize, usize),
) -> Result<usize, ConfigError> {
    let text = text.trim();
    let value: u64 = text.parse().map_err(|_| {
        // Say "out of range" rather than "not a number" for negative or huge integers.
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && v.fract() == 0.0 => ConfigError::OutOfRange {
                field,
                value: text.to_string(),
                min: min.to_string(),
                max: max.to_string(),
            },
            _ => ConfigError::NotANumber {
                field,
                value: text.to_string(),
            },
        }
    })?;
    if value < min as u64 || value > max as u64 {
        return Err(ConfigError::OutOfRange {
            field,
            value: value.to_string(),
            min: min.to_string(),
            max: max.to_string(),
        });
    }
    Ok(value as usize)
}

fn parse_rate(text: &str) -> Result<f64, ConfigError> {
    let text = text.trim();
    let value: f64 = text.parse().map_err(|_| ConfigError::NotANumber {
        field: Field::Eta0,
        value: text.to_string(),
    })?;
    let (min, max) = bounds::ETA0;
    if !(value.is_finite() && value >= min && value <= max) {
        return Err(ConfigError::OutOfRange {
            field: Field::Eta0,
            value: text.to_string(),
            min: format!("{min:e}"),
            max: format!("{max:e}"),
        });
    }
    Ok(value)
}

fn check_count(field: Field, count: usize, (min, max): (usize, usize)) -> Result<(), ConfigError> {
    if count < min || count > max {
        return Err(ConfigError::WrongCount {
            field,
            count,
            min,
            max,
        });
    }
    Ok(())
}

/// Splits a list on commas and whitespace, dropping empty items.
fn list_items(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|item| !item.is_empty())
        .collect()
}

/// Parses η0 as a list ("0.1, 0.3, 1") or a log range ("0.01:10:7").
pub fn parse_rate_grid(text: &str) -> Result<RateGrid, ConfigError> {
    let text = text.trim();
    if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        let [min, max, count] = parts[..] else {
            return Err(ConfigError::InvalidRange {
                field: Field::Eta0,
                value: text.to_string(),
            });
        };
        let (min, max) = (parse_rate(min)?, parse_rate(max)?);
        let count = parse_integer(Field::Eta0, count, bounds::ETA0_COUNT)?;
        if min >= max && count > 1 {
            return Err(ConfigError::InvalidRange {
                field: Field::Eta0,
                value: text.to_string(),
            });
        }
        return Ok(RateGrid::LogRange { min, max, count });
    }
    let items = list_items(text);
    check_count(Field::Eta0, items.len(), bounds::ETA0_COUNT)?;
    let values = items
        .into_iter()
        .map(parse_rate)
        .collect::<Result<_, _>>()?;
    Ok(RateGrid::List(values))
}

/// Parses a list of depths ("1, 2, 4, 8"), sorted and without duplicates.
pub fn parse_depths(text: &str) -> Result<Vec<usize>, ConfigError> {
    let items = list_items(text);
    check_count(Field::Depths, items.len(), bounds::DEPTH_COUNT)?;
    let mut depths = items
        .into_iter()
        .map(|item| parse_integer(Field::Depths, item, bounds::DEPTH))
        .collect::<Result<Vec<_>, _>>()?;
    depths.sort_unstable();
    depths.dedup();
    Ok(depths)
}

fn parse_choice<T: Copy>(
    field: Field,
    text: &str,
    all: &[T],
    key: impl Fn(T) -> &'static str,
) -> Result<T, ConfigError> {
    let text = text.trim();
    all.iter()
        .copied()
        .find(|&c| key(c) == text)
        .ok_or_else(|| {
            let allowed: Vec<&str> = all.iter().map(|&c| key(c)).collect();
            ConfigError::UnknownChoice {
                field,
                value: text.to_string(),
                allowed: allowed.join(", "),
            }
        })
}

impl SweepConfig {
    /// Builds a config from `(key, text)` pairs, such as form fields or URL
    /// query pairs, starting from the defaults.
    ///
    /// Returns every error found, each tied to its field where it has one,
    /// and the keys it did not recognise in `unknown_keys` of the outcome.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ParseOutcome {
        let mut config = SweepConfig::default();
        let mut errors = Vec::new();
        let mut unknown_keys = Vec::new();
        for (key, text) in pairs {
            let Some(field) = Field::from_key(key) else {
                unknown_keys.push(key.to_string());
                continue;
            };
            if let Err(error) = config.set(field, text) {
                errors.push(error);
            }
        }
        if errors.is_empty() {
            errors.extend(config.check_budget());
        }
        ParseOutcome {
            config,
            errors,
            unknown_keys,
        }
    }

    /// Sets one field from its text form.
    pub fn set(&mut self, field: Field, text: &str) -> Result<(), ConfigError> {
        match field {
            Field::Eta0 => self.eta0 = parse_rate_grid(text)?,
            Field::Depths => self.depths = parse_depths(text)?,
            Field::Width => self.width = parse_integer(field, text, bounds::WIDTH)?,
            Field::Steps => self.steps = parse_integer(field, text, bounds::STEPS)?,
            Field::Samples => self.samples = parse_integer(field, text, bounds::SAMPLES)?,
            Field::ReferenceDepth => {
                self.reference_depth = parse_integer(field, text, bounds::REFERENCE_DEPTH)?
            }
            Field::Seed => {
                let (min, max) = bounds::SEED;
                self.seed = parse_integer(field, text, (min as usize, max as usize))? as u64
            }
            Field::Seeds => self.seeds = parse_integer(field, text, bounds::SEEDS)?,
            Field::Compare => {
                self.compare = match text.trim() {
                    "1" | "true" | "on" => true,
                    "0" | "false" | "off" | "" => false,
                    other => {
                        return Err(ConfigError::UnknownChoice {
                            field,
                            value: other.to_string(),
                            allowed: "0, 1".to_string(),
                        });
                    }
                }
            }
            Field::Workers => {
                let text = text.trim();
                self.workers = if text.is_empty() || text == "auto" {
                    None
                } else {
                    Some(parse_integer(field, text, bounds::WORKERS)?)
                }
            }
            Field::Task => self.task = parse_choice(field, text, &Task::ALL, Task::key)?,
            Field::Parametrization => {
                self.parametrization =
                    parse_choice(field, text, &Parametrization::ALL, Parametrization::key)?
            }
        }
        Ok(())
    }

    /// Returns the text form of one field, as [`SweepConfig::set`] reads it.
    pub fn text(&self, field: Field) -> String {
        match field {
            Field::Eta0 => self.eta0.to_string(),
            Field::Depths => {
                let depths: Vec<String> = self.depths.iter().map(|d| d.to_string()).collect();
                depths.join(", ")
            }
            Field::Width => self.width.to_string(),
            Field::Steps => self.steps.to_string(),
            Field::Samples => self.samples.to_string(),
            Field::Task => self.task.key().to_string(),
            Field::Parametrization => self.parametrization.key().to_string(),
            Field::ReferenceDepth => self.reference_depth.to_string(),
            Field::Seed => self.seed.to_string(),
            Field::Seeds => self.seeds.to_string(),
            Field::Compare => if self.compare { "1" } else { "0" }.to_string(),
            Field::Workers => self
                .workers
                .map_or_else(|| "auto".to_string(), |w| w.to_string()),
        }
    }

    /// Returns every field as `(key, text)`, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        Field::ALL
            .into_iter()
            .map(|f| (f.key(), self.text(f)))
            .collect()
    }

    /// Weights of a network of `depth`: first, hidden and readout matrices.
    fn run_params(&self, depth: usize) -> f64 {
        let n0 = self.task.input_dim() as f64;
        let n = self.width as f64;
        let k = self.task.output_dim() as f64;
        n0 * n + (depth as f64 - 1.0) * n * n + n * k
    }

    /// Floating-point operations of one run of `depth`: forward and backward
    /// are three matrix products per weight matrix, two flops per multiply-add.
    pub fn run_flops(&self, depth: usize) -> f64 {
        let per_sample = self.run_params(depth);
        6.0 * per_sample * self.samples as f64 * self.steps as f64
    }

    /// Floating-point operations of the whole sweep, at most (diverged runs stop early).
    pub fn sweep_flops(&self) -> f64 {
        let per_rate: f64 = self.depths.iter().map(|&d| self.run_flops(d)).sum();
        let repeats = self.seeds * self.parametrizations().len();
        per_rate * self.eta0.values().len() as f64 * repeats as f64
    }

    /// Bytes that one run of `depth` holds: weights and gradients, and
    /// pre-activations, activations and two gradient buffers per sample.
    pub fn run_bytes(&self, depth: usize) -> f64 {
        let n0 = self.task.input_dim() as f64;
        let n = self.width as f64;
        let k = self.task.output_dim() as f64;
        let params = self.run_params(depth);
        let activations = self.samples as f64 * (n * (2.0 * depth as f64 + 2.0) + n0 + 3.0 * k);
        4.0 * (2.0 * params + activations)
    }

    /// Checks the limits on the whole sweep, which no single field shows.
    pub fn check_budget(&self) -> Vec<ConfigError> {
        let mut errors = Vec::new();
        let deepest = self.depths.iter().copied().max().unwrap_or(1);
        let bytes = self.run_bytes(deepest);
        if bytes > bounds::MAX_RUN_BYTES {
            const MIB: f64 = 1024.0 * 1024.0;
            errors.push(ConfigError::TooMuchMemory {
                width: self.width,
                depth: deepest,
                samples: self.samples,
                mebibytes: bytes / MIB,
                max_mebibytes: bounds::MAX_RUN_BYTES / MIB,
            });
        }
        let flops = self.sweep_flops();
        if flops > bounds::MAX_SWEEP_FLOPS {
            errors.push(ConfigError::TooMuchWork {
                flops,
                max: bounds::MAX_SWEEP_FLOPS,
            });
        }
        errors
    }
}

impl SweepConfig {
    /// Lists the settings that run but leave the range where the
    /// measurement means something, each as a sentence for the user.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let limit = self.width / 4;
        let too_deep: Vec<String> = self
            .depths
            .iter()
            .filter(|&&d| d > limit)
            .map(|d| d.to_string())
            .collect();
        if !too_deep.is_empty() {
            let subject = if too_deep.len() == 1 {
                "Depth"
            } else {
                "Depths"
            };
            let verb = if too_deep.len() == 1 {
                "exceeds"
            } else {
                "exceed"
            };
            warnings.push(format!(
                "{subject} {} {verb} width/4 = {limit}: products of that many random ReLU layers have heavy tails \
                 at width {}, so slopes there are only qualitative. Raise the width to {} or more.",
                too_deep.join(", "),
                self.width,
                4 * self.depths.iter().max().copied().unwrap_or(1)
            ));
        }
        let fitted = self
            .depths
            .iter()
            .filter(|&&d| d >= crate::analysis::FIT_MIN_DEPTH)
            .count();
        if fitted < 2 {
            warnings.push(format!(
                "The slope is fitted over depths of at least {}: give two or more such depths.",
                crate::analysis::FIT_MIN_DEPTH
            ));
        }
        if self.seeds < 3 {
            warnings.push(format!(
                "{} seed{}: the slope has {} interval. Use 3 or more seeds for an interval worth reading.",
                self.seeds,
                if self.seeds == 1 { "" } else { "s" },
                if self.seeds == 1 { "no" } else { "a very wide" }
            ));
        }
        warnings
    }
}

/// Result of [`SweepConfig::parse`]: the config with every valid field
/// applied, and what was wrong with the rest.
#[derive(Clone, Debug)]
pub struct ParseOutcome {
    pub config: SweepConfig,
    pub errors: Vec<ConfigError>,
    pub unknown_keys: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(pairs: &[(&str, &str)]) -> String {
        let outcome = SweepConfig::parse(pairs.iter().copied());
        assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
        outcome.errors[0].to_string()
    }

    #[test]
    fn defaults_are_valid() {
        let config = SweepConfig::default();
        assert!(config.check_budget().is_empty());
        for (key, text) in config.pairs() {
            let outcome = SweepConfig::parse([(key, text.as_str())]);
            assert!(
                outcome.errors.is_empty(),
                "{key}={text}: {:?}",
                outcome.errors
            );
            assert_eq!(outcome.config, config, "{key}={text}");
        }
    }

    #[test]
    fn rate_list_and_range() {
        assert_eq!(
            parse_rate_grid("0.3, 0.1 1").unwrap().values(),
            vec![0.1, 0.3, 1.0]
        );
        let range = parse_rate_grid("0.01:1:3").unwrap().values();
        assert_eq!(range.len(), 3);
        assert!((range[1] - 0.1).abs() < 1e-12);
        assert_eq!(parse_rate_grid("0.5:0.5:1").unwrap().values(), vec![0.5]);
    }

    #[test]
    fn depths_sorted_and_deduplicated() {
        assert_eq!(parse_depths("8, 2 2,4").unwrap(), vec![2, 4, 8]);
    }

    #[test]
    fn every_validation_message() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[("width", "1000")],
                "width: 1000 is outside the allowed range 4 to 256",
            ),
            (
                &[("width", "-3")],
                "width: -3 is outside the allowed range 4 to 256",
            ),
            (&[("width", "wide")], "width: \"wide\" is not a number"),
            (&[("width", "")], "width: \"\" is not a number"),
            (
                &[("steps", "0")],
                "steps: 0 is outside the allowed range 1 to 5000",
            ),
            (
                &[("samples", "4")],
                "samples: 4 is outside the allowed range 8 to 1024",
            ),
            (
                &[("lref", "65")],
                "L_ref: 65 is outside the allowed range 1 to 64",
            ),
            (
                &[("seeds", "0")],
                "seeds: 0 is outside the allowed range 1 to 8",
            ),
            (
                &[("workers", "9")],
                "workers: 9 is outside the allowed range 1 to 8",
            ),
            (&[("compare", "yes")], "compare: \"yes\" is not one of 0, 1"),
            (&[("workers", "many")], "workers: \"many\" is not a number"),
            (
                &[("seed", "4294967296")],
                "seed: 4294967296 is outside the allowed range 0 to 4294967295",
            ),
            (
                &[("depths", "1, 100")],
                "depths: 100 is outside the allowed range 1 to 64",
            ),
            (&[("depths", "")], "depths: 0 values given, allowed 1 to 12"),
            (
                &[("depths", "1 2 3 4 5 6 7 8 9 10 11 12 13")],
                "depths: 13 values given, allowed 1 to 12",
            ),
            (&[("depths", "2.5")], "depths: \"2.5\" is not a number"),
            (
                &[("eta0", "0")],
                "η0: 0 is outside the allowed range 1e-6 to 1e3",
            ),
            (
                &[("eta0", "-1")],
                "η0: -1 is outside the allowed range 1e-6 to 1e3",
            ),
            (
                &[("eta0", "inf")],
                "η0: inf is outside the allowed range 1e-6 to 1e3",
            ),
            (
                &[("eta0", "NaN")],
                "η0: NaN is outside the allowed range 1e-6 to 1e3",
            ),
            (&[("eta0", "0.1, fast")], "η0: \"fast\" is not a number"),
            (&[("eta0", "")], "η0: 0 values given, allowed 1 to 16"),
            (
                &[("eta0", "1:0.1:5")],
                "η0: range \"1:0.1:5\" is invalid: write min:max:count with min < max, e.g. 0.01:10:7",
            ),
            (
                &[("eta0", "0.1:1")],
                "η0: range \"0.1:1\" is invalid: write min:max:count with min < max, e.g. 0.01:10:7",
            ),
            (
                &[("eta0", "0.1:1:40")],
                "η0: 40 is outside the allowed range 1 to 16",
            ),
            (
                &[("task", "mnist")],
                "task: \"mnist\" is not one of teacher, spirals, digits",
            ),
            (
                &[("param", "adam")],
                "parametrization: \"adam\" is not one of sp, ntk, mup, mup-depth",
            ),
            (
                &[
                    ("width", "256"),
                    ("depths", "64"),
                    ("samples", "1024"),
                    ("steps", "1"),
                    ("eta0", "1"),
                ],
                "width 256 with depth 64 and 1024 samples needs 162 MiB, allowed at most 128 MiB; \
                 lower the width, the depth or the samples",
            ),
            (
                &[
                    ("width", "256"),
                    ("steps", "5000"),
                    ("depths", "1,2,4,8,16,32"),
                    ("eta0", "0.01:30:7"),
                ],
                "sweep too large: 1.0e14 floating-point operations, allowed at most 2.0e12; \
                 use fewer steps, samples, depths or η0 values, or a smaller width",
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(&message(pairs), expected, "{pairs:?}");
        }
    }

    #[test]
    fn errors_name_their_field() {
        let outcome = SweepConfig::parse([("width", "0"), ("eta0", "x"), ("seed", "1")]);
        let fields: Vec<_> = outcome.errors.iter().map(|e| e.field()).collect();
        assert_eq!(fields, vec![Some(Field::Width), Some(Field::Eta0)]);
        assert_eq!(outcome.config.seed, 1, "valid fields still apply");
    }

    #[test]
    fn warnings_name_the_problem() {
        let config = SweepConfig::default();
        let warnings = config.warnings();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].starts_with("Depth 32 exceeds width/4 = 16"),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[1].starts_with("1 seed: the slope has no interval"),
            "{}",
            warnings[1]
        );

        let careful = SweepConfig {
            width: 128,
            seeds: 3,
            ..SweepConfig::default()
        };
        assert_eq!(careful.warnings(), Vec::<String>::new());

        let shallow = SweepConfig {
            depths: vec![1, 2, 4],
            seeds: 3,
            ..SweepConfig::default()
        };
        assert_eq!(shallow.warnings().len(), 1);
        assert!(shallow.warnings()[0].contains("at least 4"));
    }

    #[test]
    fn unknown_keys_are_reported_not_rejected() {
        let outcome = SweepConfig::parse([("run", "1"), ("colour", "red")]);
        assert!(outcome.errors.is_empty());
        assert_eq!(outcome.unknown_keys, vec!["run", "colour"]);
    }
}
