//! Messages between the page and its training workers, and the worker's
//! side of the exchange.
//!
//! The page sends one [`ToWorker::Train`] at a time to each worker and waits
//! for its [`FromWorker::Finished`] before sending the next, so a worker
//! never queues work and Stop only has to terminate it. Chromium lets a
//! terminated worker finish its current task for up to 2 s before it stops
//! the task by force. So the worker trains in slices of a few milliseconds
//! and returns to its event loop between them (BENCHMARKS.md measures Stop).

pub use lrdepth_core::probe::{MAX_PROBE_SEEDS, probe_blocker};
use lrdepth_core::probe::{ProbeSummary, probe_settings, probe_summary};
use lrdepth_core::task::Dataset;
use lrdepth_core::train::Trainer;
use lrdepth_core::{RunResult, RunSpec, SweepConfig};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ToWorker {
    /// Train one run of the sweep described by `config`.
    Train { config: SweepConfig, run: RunSpec },
    /// Run the one-step probe at `depth` over `n_seeds` seeds, with the
    /// network settings of `config`.
    Probe {
        config: SweepConfig,
        depth: usize,
        n_seeds: usize,
    },
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FromWorker {
    /// The worker's wasm is loaded and it listens for messages.
    Ready,
    Finished {
        result: RunResult,
    },
    Probed {
        summary: ProbeSummary,
    },
    /// The message could not be read or the worker panicked.
    Failed {
        message: String,
    },
}

/// Converts a message to a JS value: plain objects, numbers (never BigInt),
/// and non-finite losses kept as JS `Infinity` or `NaN`.
pub fn to_js<T: Serialize>(message: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    message
        .serialize(&serializer)
        .map_err(|e| JsError::new(&format!("message could not be encoded: {e}")))
}

pub fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| JsError::new(&format!("message could not be decoded: {e}")))
}

/// A worker's state between messages: the data set of the last sweep and
/// seed, so the runs of one seed generate it once, and the run in training.
#[derive(Default)]
pub struct WorkerState {
    cached: Option<((SweepConfig, u64), Dataset)>,
    training: Option<Trainer<f32>>,
}

impl WorkerState {
    /// Handles one page message and returns the reply, training a run to
    /// its end at once.
    pub fn handle(&mut self, message: ToWorker) -> FromWorker {
        if let Some(reply) = self.start(message) {
            return reply;
        }
        loop {
            if let Some(reply) = self.advance(usize::MAX) {
                return reply;
            }
        }
    }

    /// Handles one page message. Returns the reply, or `None` when a run has
    /// started, which [`WorkerState::advance`] then trains.
    ///
    /// The config is validated again here, because a worker must never train
    /// a sweep that the bounds reject, from any sender.
    pub fn start(&mut self, message: ToWorker) -> Option<FromWorker> {
        let (config, run) = match message {
            ToWorker::Train { config, run } => (config, run),
            ToWorker::Probe {
                config,
                depth,
                n_seeds,
            } => return Some(probe(&config, depth, n_seeds)),
        };
        let errors = revalidate(&config);
        if !errors.is_empty() {
            return Some(FromWorker::Failed {
                message: errors.join("; "),
            });
        }
        if !config.runs().contains(&run) {
            return Some(FromWorker::Failed {
                message: format!(
                    "run {} (depth {}, η0 {}) is not part of the sweep",
                    run.index, run.depth, run.eta0
                ),
            });
        }
        let same_data = |cached: &(SweepConfig, u64)| {
            let (cached_config, cached_seed) = cached;
            cached_config.task == config.task
                && cached_config.samples == config.samples
                && *cached_seed == run.seed
        };
        let data = match &self.cached {
            Some((key, data)) if same_data(key) => data,
            _ => {
                let data = config.dataset(run.seed);
                &self.cached.insert(((config.clone(), run.seed), data)).1
            }
        };
        self.training = Some(config.trainer(data, run));
        None
    }

    /// Trains the current run for up to `max_losses` more loss measurements.
    /// Returns its result once it has ended, and `None` while it goes on or
    /// when no run is in training.
    pub fn advance(&mut self, max_losses: usize) -> Option<FromWorker> {
        let trainer = self.training.as_mut()?;
        if !trainer.advance(max_losses) {
            return None;
        }
        let result = self.training.take()?.finish();
        Some(FromWorker::Finished { result })
    }

    /// Decodes a JS message and starts it; returns the encoded reply, or
    /// `None` when a run has started.
    pub fn start_js(&mut self, value: JsValue) -> Result<Option<JsValue>, JsError> {
        let reply = match serde_wasm_bindgen::from_value::<ToWorker>(value) {
            Ok(message) => self.start(message),
            Err(error) => Some(FromWorker::Failed {
                message: format!("message could not be decoded: {error}"),
            }),
        };
        reply.as_ref().map(to_js).transpose()
    }

    /// Decodes a JS message, handles it and encodes the reply.
    pub fn handle_js(&mut self, value: JsValue) -> Result<JsValue, JsError> {
        let reply = match serde_wasm_bindgen::from_value::<ToWorker>(value) {
            Ok(message) => self.handle(message),
            Err(error) => FromWorker::Failed {
                message: format!("message could not be decoded: {error}"),
            },
        };
        to_js(&reply)
    }
}

/// Validates a probe request like a sweep, then runs it.
fn probe(config: &SweepConfig, depth: usize, n_seeds: usize) -> FromWorker {
    let mut errors = revalidate(config);
    errors.extend(probe_blocker(config));
    if !config.depths.contains(&depth) {
        errors.push(format!(
            "probe depth {depth} is not one of the sweep's depths"
        ));
    }
    if !(1..=MAX_PROBE_SEEDS).contains(&n_seeds) {
        errors.push(format!(
            "probe seeds: {n_seeds} is outside the allowed range 1 to {MAX_PROBE_SEEDS}"
        ));
    }
    if !errors.is_empty() {
        return FromWorker::Failed {
            message: errors.join("; "),
        };
    }
    let template = probe_settings(config, depth);
    FromWorker::Probed {
        summary: probe_summary(&template, depth, n_seeds),
    }
}

/// Runs every field of `config` through the parser again, so values that
/// bypassed the form (a hand-made message) meet the same bounds.
fn revalidate(config: &SweepConfig) -> Vec<String> {
    let pairs = config.pairs();
    let outcome = SweepConfig::parse(pairs.iter().map(|(k, v)| (*k, v.as_str())));
    let mut errors: Vec<String> = outcome.errors.iter().map(|e| e.to_string()).collect();
    if errors.is_empty() && outcome.config != *config {
        errors.push("settings do not round-trip through their text form".to_string());
    }
    errors
}
