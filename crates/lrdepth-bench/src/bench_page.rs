//! The bench page: a loopback site with the in-browser step timer (crate
//! lrdepth-bench-wasm) and TensorFlow.js, each in its own dedicated worker.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::json;

use crate::native::{self, StepTiming};
use crate::session::Session;
use crate::stats::median;

const BENCH_HTML: &str = include_str!("../web/bench.html");
const STEP_WORKER_JS: &str = include_str!("../web/step-worker.js");
const TFJS_WORKER_JS: &str = include_str!("../web/tfjs-worker.js");

/// Files the bench page needs from wasm-bindgen's output folder.
const WASM_PKG_FILES: &[&str] = &["lrdepth_bench_wasm.js", "lrdepth_bench_wasm_bg.wasm"];

/// Files the bench page needs from the TF.js packages, as
/// (package folder under node_modules, file under its `dist`).
const TFJS_FILES: &[(&str, &str)] = &[
    ("@tensorflow/tfjs", "tf.min.js"),
    ("@tensorflow/tfjs-backend-wasm", "tf-backend-wasm.min.js"),
    ("@tensorflow/tfjs-backend-wasm", "tfjs-backend-wasm.wasm"),
    (
        "@tensorflow/tfjs-backend-wasm",
        "tfjs-backend-wasm-simd.wasm",
    ),
    (
        "@tensorflow/tfjs-backend-wasm",
        "tfjs-backend-wasm-threaded-simd.wasm",
    ),
];

/// Writes the bench site into `site`: the page, its two workers, the wasm
/// package, the TF.js files and one training problem per depth.
pub fn assemble(
    site: &Path,
    wasm_pkg: &Path,
    tfjs_modules: &Path,
    depths: &[usize],
) -> anyhow::Result<()> {
    if site.exists() {
        fs::remove_dir_all(site).with_context(|| format!("failed to remove {}", site.display()))?;
    }
    for dir in [site.join("pkg"), site.join("tfjs")] {
        fs::create_dir_all(&dir).with_context(|| format!("failed to create {}", dir.display()))?;
    }
    write(&site.join("index.html"), BENCH_HTML)?;
    write(&site.join("step-worker.js"), STEP_WORKER_JS)?;
    write(&site.join("tfjs-worker.js"), TFJS_WORKER_JS)?;

    for name in WASM_PKG_FILES {
        copy(
            &wasm_pkg.join(name),
            &site.join("pkg").join(name),
            "run scripts/bench.sh, which builds crate lrdepth-bench-wasm with wasm-bindgen",
        )?;
    }
    for (package, name) in TFJS_FILES {
        copy(
            &tfjs_modules.join(package).join("dist").join(name),
            &site.join("tfjs").join(name),
            "run `npm ci` in bench/tfjs",
        )?;
    }
    for &depth in depths {
        let problem = native::problem_json(depth).to_string();
        write(&site.join(format!("problem-{depth}.json")), &problem)?;
    }
    Ok(())
}

fn write(path: &Path, contents: &str) -> anyhow::Result<()> {
    fs::write(path, contents).with_context(|| format!("failed to write {}", path.display()))
}

fn copy(from: &Path, to: &Path, hint: &str) -> anyhow::Result<()> {
    fs::copy(from, to)
        .map(|_| ())
        .with_context(|| format!("failed to copy {} ({hint})", from.display()))
}

/// Opens the bench page served from `site`.
pub async fn open(site: &Path) -> anyhow::Result<Session> {
    let session = Session::start("bench-page", site, &[]).await?;
    session.open("/").await;
    session
        .wait_for_state(&["idle"], std::time::Duration::from_secs(30))
        .await?;
    Ok(session)
}

/// Times the product's step, its products and its element-wise work in
/// one worker of the bench page, as [`native::step_timing`] does natively.
pub async fn wasm_step_timing(
    session: &Session,
    depth: usize,
    steps: usize,
    repeats: usize,
) -> anyhow::Result<StepTiming> {
    let (mut step, mut products, mut elementwise) = (Vec::new(), Vec::new(), Vec::new());
    let mut flops = f64::NAN;
    // V8 first runs wasm with its baseline compiler and swaps in optimised
    // code later, so one untimed call of each kind comes first.
    for kind in ["steps", "products", "elementwise"] {
        let message = json!({ "kind": kind, "depth": depth, "count": steps });
        session.call_bench("ours", message).await?;
    }
    for _ in 0..repeats {
        for (kind, times) in [
            ("steps", &mut step),
            ("products", &mut products),
            ("elementwise", &mut elementwise),
        ] {
            let message = json!({ "kind": kind, "depth": depth, "count": steps });
            let value = session.call_bench("ours", message).await?;
            let ms = value["ms"].as_f64().context("the step worker sent no ms")?;
            flops = value["flops"].as_f64().unwrap_or(f64::NAN);
            times.push(ms / steps as f64);
        }
    }
    Ok(StepTiming {
        depth,
        steps,
        step_ms: median(&step),
        products_ms: median(&products),
        elementwise_ms: median(&elementwise),
        product_flops: flops,
    })
}

/// Median time per step of the same training in TF.js on one backend.
#[derive(Clone, Debug)]
pub struct TfjsTiming {
    /// `wasm` or `cpu`.
    pub backend: String,
    pub depth: usize,
    /// Steps timed in one repetition, after the warm-up steps.
    pub timed_steps: usize,
    pub step_ms: f64,
    /// Loss of the last step in TF.js and in the product's native step,
    /// which must agree if both train the same network.
    pub last_loss: f64,
    pub native_last_loss: f64,
    pub version: String,
}

/// Trains the product's problem at `depth` with TF.js `backend` in the
/// bench page's worker, `repeats` times, and checks that it reaches the
/// product's loss.
pub async fn tfjs_timing(
    session: &Session,
    backend: &str,
    depth: usize,
    timed_steps: usize,
    repeats: usize,
) -> anyhow::Result<TfjsTiming> {
    let warm_up = 3;
    let steps = warm_up + timed_steps;
    let mut times = Vec::new();
    let (mut last_loss, mut version) = (f64::NAN, String::new());
    for _ in 0..repeats {
        let message =
            json!({ "backend": backend, "depth": depth, "steps": steps, "warmUp": warm_up });
        let value = session.call_bench("tfjs", message).await?;
        let used = value["backend"].as_str().unwrap_or_default();
        if used != backend {
            bail!("TF.js ran on backend {used:?} instead of {backend:?}");
        }
        let ms = value["ms"]
            .as_f64()
            .context("the TF.js worker sent no ms")?;
        times.push(ms / timed_steps as f64);
        last_loss = value["lastLoss"].as_f64().unwrap_or(f64::NAN);
        version = value["tfjs"].as_str().unwrap_or_default().to_string();
    }
    Ok(TfjsTiming {
        backend: backend.to_string(),
        depth,
        timed_steps,
        step_ms: median(&times),
        last_loss,
        native_last_loss: native::last_step_loss(depth, steps),
        version,
    })
}

/// Returns the default folder of the bench site, under `target/bench`.
pub fn default_site_dir(repo_root: &Path) -> PathBuf {
    repo_root.join("target").join("bench").join("site")
}
