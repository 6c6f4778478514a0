//! Benchmarks of lrdepth: the timed kernels, shared by the native driver
//! (`src/main.rs`) and the browser part (crate `lrdepth-bench-wasm`).

pub mod kernels;
