//! The playground page, compiled to WebAssembly: the settings form, a pool
//! of training workers and the canvas plots.
//!
//! Two binaries share this library: `app` runs on the page's main thread
//! and draws, `worker` trains in each Web Worker (plotters 0.3.7 measures text
//! through the DOM, so drawing cannot happen in a worker).

pub mod announce;
pub mod app;
pub mod dom;
pub mod embed;
pub mod exercise_view;
pub mod exercises;
pub mod export;
pub mod form;
pub mod link;
pub mod offline;
pub mod pool;
pub mod protocol;
pub mod share;
pub mod summary;
pub mod theme;
pub mod tour;
pub mod view;
