//! Deep ReLU MLPs trained by full-batch gradient descent under several
//! parametrizations, and sweeps over depth × base learning rate.
//!
//! This crate has no browser dependency: the page, its worker and native
//! programs all train through it.

pub mod analysis;
pub mod config;
pub mod mlp;
pub mod param;
pub mod probe;
pub mod sweep;
pub mod task;
pub mod train;

pub use config::{ConfigError, Field, ParseOutcome, RateGrid, SweepConfig};
pub use param::Parametrization;
pub use sweep::{BestRate, RunSpec, best_rates};
pub use task::Task;
pub use train::{GroupRates, RunResult};
