//! Command-line options and their conversion into validated sweep configs.
//!
//! The sweep settings keep the page's keys and arrive at the core as text,
//! so [`SweepConfig::parse`] applies the same bounds and messages as on the
//! page. Help texts take their ranges from [`bounds`].

use std::path::PathBuf;

use clap::Parser;
use clap::builder::RangedU64ValueParser;
use lrdepth_core::analysis::FIT_MIN_DEPTH;
use lrdepth_core::config::bounds;
use lrdepth_core::{Field, Parametrization, SweepConfig, Task};

/// Options of the `lrdepth` program.
#[derive(Clone, Debug, Parser)]
#[command(
    name = "lrdepth",
    version,
    about = "Trains deep ReLU MLPs over a grid of depth × base learning rate η0 \
             and reports the final loss of every run and the best η0 per depth.",
    after_help = after_help()
)]
pub struct Options {
    #[arg(long, value_name = "RATES", allow_hyphen_values = true, help = eta0_help())]
    pub eta0: Option<String>,

    #[arg(long, value_name = "LIST", allow_hyphen_values = true, help = depths_help())]
    pub depths: Option<String>,

    #[arg(long, value_name = "UNITS", allow_hyphen_values = true, help = width_help())]
    pub width: Option<String>,

    #[arg(long, value_name = "N", allow_hyphen_values = true, help = steps_help())]
    pub steps: Option<String>,

    #[arg(long, value_name = "N", allow_hyphen_values = true, help = samples_help())]
    pub samples: Option<String>,

    #[arg(long, value_name = "TASK", help = task_help())]
    pub task: Option<String>,

    #[arg(long, value_name = "NAME", help = param_help())]
    pub param: Option<String>,

    #[arg(long, value_name = "DEPTH", allow_hyphen_values = true, help = lref_help())]
    pub lref: Option<String>,

    #[arg(long, value_name = "SEED", allow_hyphen_values = true, help = seed_help())]
    pub seed: Option<String>,

    #[arg(long, value_name = "N", allow_hyphen_values = true, help = seeds_help())]
    pub seeds: Option<String>,

    /// Also train SP, μP and μP + depth rule side by side (0 or 1); the
    /// best-rate plot and the slope fits then show each of them
    #[arg(long, value_name = "0|1", allow_hyphen_values = true)]
    pub compare: Option<String>,

    /// Run the one-step probe instead of the sweep: one step of η0 = 0.001
    /// on one example, for N seeds per depth (1 to 256); needs width of at
    /// least 4 × the deepest depth. Writes probe.csv and two SVG plots
    #[arg(long, value_name = "N", value_parser = RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub probe: Option<usize>,

    /// Worker threads that train runs in parallel, at least 1
    /// [default: all cores, or RAYON_NUM_THREADS when set]
    #[arg(long, value_name = "N", value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    pub threads: Option<usize>,

    /// Output folder, created if missing. Result files already in it are
    /// overwritten
    #[arg(long, value_name = "DIR", default_value = "lrdepth-out")]
    pub out: PathBuf,
}

impl Options {
    /// Returns the sweep settings given on the command line as `(key, text)`
    /// pairs for [`SweepConfig::parse`], in a fixed order.
    pub fn setting_pairs(&self) -> Vec<(&'static str, &str)> {
        let settings = [
            (Field::Eta0, &self.eta0),
            (Field::Depths, &self.depths),
            (Field::Width, &self.width),
            (Field::Steps, &self.steps),
            (Field::Samples, &self.samples),
            (Field::Task, &self.task),
            (Field::Parametrization, &self.param),
            (Field::ReferenceDepth, &self.lref),
            (Field::Seed, &self.seed),
            (Field::Seeds, &self.seeds),
            (Field::Compare, &self.compare),
        ];
        settings
            .into_iter()
            .filter_map(|(field, text)| Some((field.key(), text.as_deref()?)))
            .collect()
    }

    /// Validates the settings and returns the sweep config.
    ///
    /// Returns every error message when a setting is invalid or when the
    /// sweep exceeds the page's limits on work or memory.
    pub fn sweep_config(&self) -> Result<SweepConfig, Vec<String>> {
        let outcome = SweepConfig::parse(self.setting_pairs());
        // Every key comes from `Field::key`, so the core recognizes all of them.
        debug_assert!(
            outcome.unknown_keys.is_empty(),
            "{:?}",
            outcome.unknown_keys
        );
        // The limits on a whole sweep's work and memory do not apply to the
        // probe, which trains one step on one example per seed.
        let errors: Vec<String> = outcome
            .errors
            .iter()
            .filter(|error| self.probe.is_none() || error.field().is_some())
            .map(ToString::to_string)
            .collect();
        if errors.is_empty() {
            Ok(outcome.config)
        } else {
            Err(errors)
        }
    }
}

fn default_text(field: Field) -> String {
    SweepConfig::default().text(field)
}

fn eta0_help() -> String {
    let (min, max) = bounds::ETA0;
    let (min_count, max_count) = bounds::ETA0_COUNT;
    format!(
        "Base learning rates η0: a list such as 0.1,0.3,1 or a log-spaced range \
         min:max:count with both ends included; each rate {min:e} to {max:e}, \
         {min_count} to {max_count} rates [default: {}]",
        default_text(Field::Eta0)
    )
}

fn depths_help() -> String {
    let (min, max) = bounds::DEPTH;
    let (min_count, max_count) = bounds::DEPTH_COUNT;
    format!(
        "Depths L, in hidden layers, as a comma-separated list; each {min} to {max}, \
         {min_count} to {max_count} depths [default: {}]",
        default_text(Field::Depths)
    )
}

fn width_help() -> String {
    let (min, max) = bounds::WIDTH;
    format!(
        "Width, in units per hidden layer, {min} to {max} [default: {}]",
        default_text(Field::Width)
    )
}

fn steps_help() -> String {
    let (min, max) = bounds::STEPS;
    format!(
        "Full-batch gradient steps per run, {min} to {max} [default: {}]",
        default_text(Field::Steps)
    )
}

fn samples_help() -> String {
    let (min, max) = bounds::SAMPLES;
    format!(
        "Training examples, all used at every step, {min} to {max} [default: {}]",
        default_text(Field::Samples)
    )
}

fn task_help() -> String {
    let choices: Vec<String> = Task::ALL
        .iter()
        .map(|task| format!("{} = {}", task.key(), task.label()))
        .collect();
    format!(
        "Training task: {} [default: {}]",
        choices.join("; "),
        default_text(Field::Task)
    )
}

fn param_help() -> String {
    let choices: Vec<String> = Parametrization::ALL
        .iter()
        .map(|param| format!("{} = {}", param.key(), param.label()))
        .collect();
    format!(
        "Parametrization: {} [default: {}]",
        choices.join("; "),
        default_text(Field::Parametrization)
    )
}

fn lref_help() -> String {
    let (min, max) = bounds::REFERENCE_DEPTH;
    format!(
        "Reference depth L_ref, in hidden layers, at which η0 is the plain rate \
         under the depth rule of mup-depth; {min} to {max} [default: {}]",
        default_text(Field::ReferenceDepth)
    )
}

fn seed_help() -> String {
    let (min, max) = bounds::SEED;
    format!(
        "Seed of the data set and the initial weights (the first seed with --seeds), \
         {min} to {max} [default: {}]",
        default_text(Field::Seed)
    )
}

fn seeds_help() -> String {
    let (min, max) = bounds::SEEDS;
    format!(
        "Number of seeds, {min} to {max}: repeats the sweep for seeds SEED, SEED+1, ..., \
         SEED+N−1, each with its own data set and initial weights [default: {}]",
        default_text(Field::Seeds)
    )
}

fn after_help() -> String {
    format!(
        "Limits, as on the page: a sweep, all seeds together, may take at most {:.1e}\n\
         floating-point operations, and one run at most {:.0} MiB of weights, gradients\n\
         and activations.\n\
         \n\
         Output files in DIR:\n  \
         results.csv             one row per run: seed, depth, eta0, rate_first,\n                          \
         rate_hidden, rate_readout, initial_loss, final_loss,\n                          \
         diverged, steps_run; a diverged run's final loss is\n                          \
         written as inf, a NaN loss as nan\n  \
         results.json            the config, the best η0 of each seed and depth, the\n                          \
         slope fits and every run result with its loss curve;\n                          \
         JSON has no infinity or NaN, so non-finite numbers\n                          \
         are the strings \"inf\", \"-inf\" and \"nan\"\n  \
         loss_vs_depth.svg       final loss against depth, one curve per η0 (first seed)\n  \
         loss_vs_rate.svg        final loss against η0, one curve per depth (first seed)\n  \
         best_rate_vs_depth.svg  best rate against depth on log-log axes, with the\n                          \
         fitted slope and the smallest diverging η0 (all seeds)\n\
         \n\
         Slope fits, printed after the table and written to results.json as slope_fits:\n\
         least squares of ln best rate against ln depth over depths of at least {min_depth},\n\
         all seeds pooled. Each fit has the slope, the intercept (ln rate at depth 1),\n\
         the slope of each seed and the 95 % Student t interval of the mean per-seed\n\
         slope, which is null unless 2 or more seeds have a slope. The base rate η0 is\n\
         fitted under every parametrization, and under mup-depth also the plain rate of\n\
         the hidden layers. A fit is null with fewer than 2 depths of at least {min_depth}.\n\
         \n\
         Exit status: 0 on success, 2 for invalid options, 1 when writing an output fails.",
        bounds::MAX_SWEEP_FLOPS,
        bounds::MAX_RUN_BYTES / (1024.0 * 1024.0),
        min_depth = FIT_MIN_DEPTH,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Options {
        Options::try_parse_from(std::iter::once("lrdepth").chain(args.iter().copied()))
            .expect("valid command line")
    }

    #[test]
    fn clap_definition_is_consistent() {
        Options::command().debug_assert();
    }

    #[test]
    fn no_options_give_default_config() {
        let config = parse(&[]).sweep_config().expect("defaults are valid");
        assert_eq!(config, SweepConfig::default());
    }

    #[test]
    fn settings_reach_the_config() {
        let options = parse(&[
            "--eta0",
            "0.1,1",
            "--depths",
            "2,4",
            "--width",
            "16",
            "--steps",
            "5",
            "--samples",
            "32",
            "--task",
            "spirals",
            "--param",
            "mup-depth",
            "--lref",
            "2",
            "--seed",
            "7",
            "--seeds",
            "3",
        ]);
        let config = options.sweep_config().expect("valid settings");

        assert_eq!(config.eta0.values(), vec![0.1, 1.0]);
        assert_eq!(config.depths, vec![2, 4]);
        assert_eq!(config.width, 16);
        assert_eq!(config.steps, 5);
        assert_eq!(config.samples, 32);
        assert_eq!(config.task, Task::Spirals);
        assert_eq!(config.parametrization, Parametrization::MupDepth);
        assert_eq!(config.reference_depth, 2);
        assert_eq!(config.seed, 7);
        assert_eq!(config.seeds, 3);
        assert_eq!(config.seed_list(), vec![7, 8, 9]);
    }

    #[test]
    fn negative_width_gets_core_message() {
        let errors = parse(&["--width", "-3"]).sweep_config().unwrap_err();
        assert_eq!(
            errors,
            vec!["width: -3 is outside the allowed range 4 to 256"]
        );
    }

    #[test]
    fn every_invalid_setting_is_reported() {
        let errors = parse(&["--width", "1000", "--task", "mnist"])
            .sweep_config()
            .unwrap_err();
        assert_eq!(
            errors,
            vec![
                "width: 1000 is outside the allowed range 4 to 256",
                "task: \"mnist\" is not one of teacher, spirals, digits",
            ]
        );
    }

    #[test]
    fn too_many_seeds_get_core_message() {
        let errors = parse(&["--seeds", "9"]).sweep_config().unwrap_err();
        assert_eq!(errors, vec!["seeds: 9 is outside the allowed range 1 to 8"]);
    }

    #[test]
    fn too_much_work_is_rejected() {
        let errors = parse(&["--width", "256", "--steps", "5000"])
            .sweep_config()
            .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("sweep too large: "), "{}", errors[0]);
    }

    #[test]
    fn zero_threads_is_rejected() {
        for args in [["--threads", "0"], ["--threads", "-1"]] {
            let parsed =
                Options::try_parse_from(std::iter::once("lrdepth").chain(args.iter().copied()));
            assert!(parsed.is_err(), "{args:?} was accepted");
        }
    }
}
