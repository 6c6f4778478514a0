//! Writes the results as Markdown: machine, targets, then one section per
//! measurement with its method.

use std::fmt::Write;

use crate::bench_page::TfjsTiming;
use crate::machine::Machine;
use crate::native::{RunnerTiming, StepTiming};
use crate::product_page::{IDLE_CPU_NS, LoadTiming, StopTiming, SweepTiming, WasmSize};

/// Everything one benchmark run measured.
pub struct Results {
    pub machine: Machine,
    pub load_average_end: String,
    pub date: String,
    pub repeats: usize,
    pub total_seconds: f64,
    pub native_steps: Vec<StepTiming>,
    pub wasm_steps: Vec<StepTiming>,
    pub tfjs: Vec<TfjsTiming>,
    pub sweep: SweepTiming,
    pub stop: StopTiming,
    pub runner: RunnerTiming,
    pub load: LoadTiming,
    pub wasm_sizes: Vec<WasmSize>,
}

/// Target: the step's throughput as a fraction of its products alone.
const STEP_FRACTION_TARGET: f64 = 0.8;
/// Target: all workers against one worker, on 2 cores.
const SCALING_TARGET: f64 = 1.8;
/// Target: TF.js wasm time per step against ours.
const TFJS_RATIO_TARGET: f64 = 3.0;
/// Target: the default sweep in headless Chromium, in seconds.
const SWEEP_TARGET_S: f64 = 10.0;
/// Target: each wasm file gzipped, in kilobytes of 1000 bytes.
const WASM_GZIP_TARGET_KB: f64 = 350.0;
/// Target: Stop ends all work, in milliseconds.
const STOP_TARGET_MS: f64 = 100.0;

fn verdict(met: bool, margin: String) -> String {
    if met {
        format!("met, by {margin}")
    } else {
        format!("**not met**, short by {margin}")
    }
}

fn percent(fraction: f64) -> String {
    format!("{:.1} %", fraction * 100.0)
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1000.0
}

/// Renders the whole results page.
pub fn render(results: &Results) -> String {
    let mut out = String::new();
    header(&mut out, results);
    targets(&mut out, results);
    limits(&mut out, results);
    steps(&mut out, results);
    sweep(&mut out, results);
    tfjs(&mut out, results);
    runner(&mut out, results);
    load(&mut out, results);
    stop(&mut out, results);
    out
}

fn header(out: &mut String, r: &Results) {
    let m = &r.machine;
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `scripts/bench.sh` on {} in {:.0} s; run it again to \
         replace this page. Every number is the median of {} repetitions \
         measured in this one run on this machine, and every ratio compares \
         two numbers of this run.\n",
        r.date, r.total_seconds, r.repeats
    );
    let _ = writeln!(out, "| machine | |\n| --- | --- |");
    let _ = writeln!(out, "| CPU | {} |", m.cpu_model);

    let _ = writeln!(out, "| logical cores | {} |", m.cores);
    let _ = writeln!(out, "| Chromium | {} (headless) |", m.chromium);
    let _ = writeln!(out, "| rustc | {} |", m.rustc);
    let _ = writeln!(out, "| trunk | {} |", m.trunk);
    let _ = writeln!(out, "| Node.js (npm ci only) | {} |", m.node);
    let _ = writeln!(out, "| commit | {} |", m.git_commit);
    let _ = writeln!(
        out,
        "| load average (1, 5, 15 min) | {} at the start, {} at the end |\n",
        m.load_average, r.load_average_end
    );

    let _ = writeln!(
        out,
        "Sizes: the default sweep's network, width 64, 128 samples, teacher \
         task (16 inputs), μP, so a step at depth L multiplies (128×16)·(16×64), \
         L−1 times (128×64)·(64×64) and (128×64)·(64×1) forward, and the \
         transposed products backward. Timed steps use η0 = 0.01, which \
         trains stably at every depth.\n"
    );
}

fn targets(out: &mut String, r: &Results) {
    let _ = writeln!(out, "## Targets\n");
    let _ = writeln!(out, "| target | measured | result |\n| --- | --- | --- |");
    for (name, timings) in [("native", &r.native_steps), ("wasm", &r.wasm_steps)] {
        for t in timings {
            let fraction = t.fraction_of_products();
            let margin = format!(
                "{:.1} points",
                ((fraction - STEP_FRACTION_TARGET) * 100.0).abs()
            );
            let _ = writeln!(
                out,
                "| step ≥ 80 % of the same products alone, {name}, depth {} | {} | {} |",
                t.depth,
                percent(fraction),
                verdict(fraction >= STEP_FRACTION_TARGET, margin)
            );
        }
    }
    let scaling = r.sweep.one_worker_s / r.sweep.all_workers_s;
    let _ = writeln!(
        out,
        "| all workers ({}) ≥ 1.8× one worker, default sweep in Chromium | {scaling:.3}× | {} |",
        r.sweep.auto_workers,
        verdict(
            scaling >= SCALING_TARGET,
            format!("{:.3}×", (scaling - SCALING_TARGET).abs())
        )
    );
    for t in r.tfjs.iter().filter(|t| t.backend == "wasm") {
        if let Some(ours) = r.wasm_steps.iter().find(|s| s.depth == t.depth) {
            let ratio = t.step_ms / ours.step_ms;
            let _ = writeln!(
                out,
                "| ≥ 3× faster than TF.js wasm backend, depth {} | {ratio:.2}× | {} |",
                t.depth,
                verdict(
                    ratio >= TFJS_RATIO_TARGET,
                    format!("{:.2}×", (ratio - TFJS_RATIO_TARGET).abs())
                )
            );
        }
    }
    let all = r.sweep.all_workers_s;
    let _ = writeln!(
        out,
        "| default sweep < 10 s in headless Chromium, all workers | {all:.1} s | {} |",
        verdict(
            all < SWEEP_TARGET_S,
            format!("{:.1} s", (SWEEP_TARGET_S - all).abs())
        )
    );
    for size in &r.wasm_sizes {
        let gz = kb(size.gzip_bytes);
        let _ = writeln!(
            out,
            "| {} ≤ 350 KB gzipped | {gz:.0} KB | {} |",
            size.name,
            verdict(
                gz <= WASM_GZIP_TARGET_KB,
                format!("{:.0} KB", (WASM_GZIP_TARGET_KB - gz).abs())
            )
        );
    }
    let idle = r.stop.workers_idle_ms;
    let _ = writeln!(
        out,
        "| Stop halts every worker within 100 ms | {idle:.0} ms until the worker threads stop computing | {} |\n",
        verdict(
            idle <= STOP_TARGET_MS,
            format!("{:.0} ms", (STOP_TARGET_MS - idle).abs())
        )
    );
}

/// Writes, for each target not met, the measurements of this run that
/// show what limits it.
fn limits(out: &mut String, r: &Results) {
    let _ = writeln!(out, "## What limits the targets not met\n");
    let mut any = false;
    for (name, timings) in [("native", &r.native_steps), ("wasm", &r.wasm_steps)] {
        for t in timings
            .iter()
            .filter(|t| t.fraction_of_products() < STEP_FRACTION_TARGET)
        {
            any = true;
            let bound = t.products_ms / (t.products_ms + t.elementwise_ms);
            let _ = writeln!(
                out,
                "- Step, {name}, depth {}: the element-wise work (ReLU, mask, update) \
                 alone takes {:.3} ms, {} of the {:.3} ms step, beside {:.3} ms of \
                 products. With that work alone the step could reach at most {} of the \
                 products' throughput. The remaining {:.3} ms (the loss, the output \
                 gradient and whatever the {} `general_mat_mul` calls cost inside the \
                 step but not alone) are not broken down further.",
                t.depth,
                t.elementwise_ms,
                percent(t.elementwise_ms / t.step_ms),
                t.step_ms,
                t.products_ms,
                percent(bound),
                (t.step_ms - t.products_ms - t.elementwise_ms).max(0.0),
                3 * t.depth + 2
            );
        }
    }
    let s = &r.sweep;
    let scaling = s.one_worker_s / s.all_workers_s;
    if scaling < SCALING_TARGET {
        any = true;
        let _ = writeln!(
            out,
            "- Scaling: during the sweeps Chromium kept {:.2} cores busy with one \
             worker and {:.2} with {}, of {} cores. So the workers got {:.2}× the CPU \
             of one worker and could not run {:.1}× faster. Beside the workers, the \
             page's main thread (which redraws the plots after every result) and \
             the browser's other processes need CPU, and so did the machine's other \
             load (load average {} at the start).",
            s.one_worker_busy_cores,
            s.all_workers_busy_cores,
            s.auto_workers,
            r.machine.cores,
            s.all_workers_busy_cores / s.one_worker_busy_cores,
            SCALING_TARGET,
            r.machine.load_average
        );
    }
    if s.all_workers_s >= SWEEP_TARGET_S {
        any = true;
        let _ = writeln!(
            out,
            "- Default sweep: {:.1} s with {:.2} busy cores. The same sweep took \
             {:.1} s in the native runner on one thread, and a wasm step takes {} \
             the time of a native one here, so at full use of {} cores the page \
             would need about {:.1} s.",
            s.all_workers_s,
            s.all_workers_busy_cores,
            r.runner.one_thread_s,
            wasm_to_native(r).map_or("?".to_string(), |ratio| format!("{ratio:.2}×")),
            s.auto_workers,
            wasm_to_native(r).unwrap_or(f64::NAN) * r.runner.one_thread_s / s.auto_workers as f64
        );
    }
    for t in r.tfjs.iter().filter(|t| t.backend == "wasm") {
        let Some(ours) = r.wasm_steps.iter().find(|s| s.depth == t.depth) else {
            continue;
        };
        if t.step_ms / ours.step_ms < TFJS_RATIO_TARGET {
            any = true;
            let _ = writeln!(
                out,
                "- TF.js, depth {}: TF.js takes {:.3} ms per step and ours {:.3} ms; \
                 ours runs the products at {:.1} GFLOP/s, so the remaining gap \
                 is in TF.js's per-operation overhead, which a small network shows most.",
                t.depth,
                t.step_ms,
                ours.step_ms,
                ours.step_gflops()
            );
        }
    }
    if r.stop.workers_idle_ms > STOP_TARGET_MS {
        any = true;
        let _ = writeln!(
            out,
            "- Stop: the page's click handler returns in {:.0} ms, its main thread is \
             free in {:.0} ms and no result arrives after Stop, but the worker threads \
             keep computing for {:.0} ms. Chromium 156 terminates a worker that is \
             running script only after a grace period of 2 s (`kForcibleTerminationDelay` \
             in Blink's `worker_thread.cc`), or once its current task ends, and the \
             product's worker trains one whole run per task. A worker that yields to \
             its event loop between chunks of steps should end sooner (not measured).",
            r.stop.handler_ms, r.stop.main_thread_free_ms, r.stop.workers_idle_ms
        );
    }
    if !any {
        let _ = writeln!(out, "Every target was met in this run.");
    }
    let _ = writeln!(out);
}

/// Returns how many times longer a wasm step takes than a native one at
/// the deepest timed depth.
fn wasm_to_native(r: &Results) -> Option<f64> {
    let native = r.native_steps.last()?;
    let wasm = r.wasm_steps.iter().find(|w| w.depth == native.depth)?;
    Some(wasm.step_ms / native.step_ms)
}

fn steps(out: &mut String, r: &Results) {
    let _ = writeln!(out, "## 1. Training step: native against wasm\n");
    let _ = writeln!(
        out,
        "Method: `Mlp::step` of `lrdepth-core` (forward, backward, update) \
         timed over {} steps after 5 warm-up steps, on one thread natively \
         (release build) and in one dedicated Web Worker of headless Chromium \
         (crate `lrdepth-bench-wasm`, built for wasm32 with `+simd128` like the \
         page's worker). In the same environment and the same repetition, the \
         step's matrix products alone (the same `general_mat_mul` calls, shapes \
         and transposes on fixed data) and its element-wise work alone (ReLU, \
         ReLU mask, weight update) are timed too. GFLOP/s counts the products' \
         2·m·k·n operations only; \"fraction\" is products-alone time ÷ step \
         time, the step's throughput as a share of the same sgemm calls.\n",
        r.native_steps.first().map_or(0, |t| t.steps)
    );
    let _ = writeln!(
        out,
        "| environment | depth | step (ms) | products alone (ms) | element-wise alone (ms) \
         | step GFLOP/s | products GFLOP/s | fraction |"
    );
    let _ = writeln!(
        out,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (name, timings) in [
        ("native, 1 thread", &r.native_steps),
        ("wasm, 1 worker", &r.wasm_steps),
    ] {
        for t in timings {
            let _ = writeln!(
                out,
                "| {name} | {} | {:.3} | {:.3} | {:.3} | {:.1} | {:.1} | {} |",
                t.depth,
                t.step_ms,
                t.products_ms,
                t.elementwise_ms,
                t.step_gflops(),
                t.products_gflops(),
                percent(t.fraction_of_products())
            );
        }
    }
    let _ = writeln!(out);
    for native in &r.native_steps {
        if let Some(wasm) = r.wasm_steps.iter().find(|w| w.depth == native.depth) {
            let _ = writeln!(
                out,
                "- depth {}: a wasm step takes {:.2}× the native step; the wasm \
                 products alone take {:.2}× the native ones. Products + element-wise \
                 alone add up to {} of the step natively and {} in wasm.",
                native.depth,
                wasm.step_ms / native.step_ms,
                wasm.products_ms / native.products_ms,
                percent((native.products_ms + native.elementwise_ms) / native.step_ms),
                percent((wasm.products_ms + wasm.elementwise_ms) / wasm.step_ms),
            );
        }
    }
    let _ = writeln!(out);
}

fn sweep(out: &mut String, r: &Results) {
    let s = &r.sweep;
    let _ = writeln!(out, "## 2. Default sweep in headless Chromium\n");
    let _ = writeln!(
        out,
        "Method: the built page (`trunk build --release`) served on loopback, \
         opened as `/?workers=1&run=1` and `/?workers=auto&run=1` alternately; \
         the time is the one the page prints when it is done (from Run to the \
         last result, worker start-up included). `auto` started {} workers \
         (`navigator.hardwareConcurrency`, at most 4). Busy cores: CPU time of \
         all Chromium processes from /proc while the sweep ran, divided by its \
         wall time.\n",
        s.auto_workers
    );
    let _ = writeln!(out, "| workers | median (s) | range (s) | busy cores |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: |");
    let _ = writeln!(
        out,
        "| 1 | {:.2} | {:.2} to {:.2} | {:.2} |",
        s.one_worker_s, s.one_worker_range.0, s.one_worker_range.1, s.one_worker_busy_cores
    );
    let _ = writeln!(
        out,
        "| auto ({}) | {:.2} | {:.2} to {:.2} | {:.2} |\n",
        s.auto_workers,
        s.all_workers_s,
        s.all_workers_range.0,
        s.all_workers_range.1,
        s.all_workers_busy_cores
    );
    let _ = writeln!(
        out,
        "Scaling: {:.2}× with {} workers.\n",
        s.one_worker_s / s.all_workers_s,
        s.auto_workers
    );
}

fn tfjs(out: &mut String, r: &Results) {
    let version = r.tfjs.first().map_or("?", |t| t.version.as_str());
    let _ = writeln!(out, "## 3. The same training in TensorFlow.js\n");
    let _ = writeln!(
        out,
        "Method: TF.js {version} (`@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm` \
         from `bench/tfjs/package-lock.json`, served from loopback) in one dedicated \
         Web Worker of the same Chromium. It trains the same network: the product's \
         data, initial weights, per-layer multipliers and learning rates (μP, \
         η0 = 0.01), full-batch gradient descent on ½·mean((f − y)²) with \
         `tf.variableGrads`, reading the loss back after every step as the \
         product does. The page is not cross-origin isolated, as a blog embed \
         is not, so the wasm backend runs its single-threaded SIMD build. Time \
         per step after 3 warm-up steps. The last loss checks that both \
         trained the same network (f32 rounding differs).\n"
    );
    let _ = writeln!(
        out,
        "| backend | depth | steps timed | TF.js (ms/step) | ours, wasm (ms/step) | TF.js ÷ ours \
         | last loss TF.js | last loss ours (native) |"
    );
    let _ = writeln!(
        out,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for t in &r.tfjs {
        let ours = r.wasm_steps.iter().find(|s| s.depth == t.depth);
        let ours_ms = ours.map_or(f64::NAN, |s| s.step_ms);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.3} | {:.3} | {:.2}× | {:.6} | {:.6} |",
            t.backend,
            t.depth,
            t.timed_steps,
            t.step_ms,
            ours_ms,
            t.step_ms / ours_ms,
            t.last_loss,
            t.native_last_loss
        );
    }
    let _ = writeln!(out);
}

fn runner(out: &mut String, r: &Results) {
    let t = &r.runner;
    let _ = writeln!(out, "## 4. Native runner\n");
    let _ = writeln!(
        out,
        "Method: `target/release/lrdepth --out <temporary folder>` (the page's \
         default sweep, written to CSV, JSON and three SVG plots), alternating \
         `RAYON_NUM_THREADS=1` with rayon's default of one thread per core ({} \
         here). Training is the time the runner prints for its runs; wall is the \
         whole process, which also writes the files on one thread.\n",
        t.threads
    );
    let _ = writeln!(
        out,
        "| threads | training, median (s) | wall, median (s) |\n| --- | ---: | ---: |"
    );
    let _ = writeln!(
        out,
        "| 1 | {:.2} | {:.2} |",
        t.one_thread_s, t.one_thread_wall_s
    );
    let _ = writeln!(
        out,
        "| {} | {:.2} | {:.2} |\n",
        t.threads, t.all_threads_s, t.all_threads_wall_s
    );
    let _ = writeln!(
        out,
        "Scaling of the training: {:.2}× ({:.2}× in wall time). The page's sweep with all \
         workers takes {:.2}× the runner's training on all cores.\n",
        t.one_thread_s / t.all_threads_s,
        t.one_thread_wall_s / t.all_threads_wall_s,
        r.sweep.all_workers_s / t.all_threads_s
    );
}

fn load(out: &mut String, r: &Results) {
    let _ = writeln!(out, "## 5. Page load and wasm size\n");
    let _ = writeln!(
        out,
        "Method: the files `trunk build --release` wrote (no wasm-opt, as \
         `index.html` sets), gzipped at level 9 with flate2. Load: a fresh \
         browser profile (empty cache) per repetition opens the page from \
         loopback; the time runs from navigation start to the moment the page \
         sets `body[data-state=\"idle\"]` (form filled, plots drawn), recorded \
         in the page by a MutationObserver that DevTools installs before any \
         page script.\n"
    );
    let _ = writeln!(
        out,
        "| file | raw (KB) | gzipped (KB) |\n| --- | ---: | ---: |"
    );
    for size in &r.wasm_sizes {
        let _ = writeln!(
            out,
            "| {} | {:.0} | {:.0} |",
            size.name,
            kb(size.raw_bytes),
            kb(size.gzip_bytes)
        );
    }
    let l = &r.load;
    let _ = writeln!(out, "\n| load milestone | median (ms) |\n| --- | ---: |");
    let _ = writeln!(out, "| HTML response end | {:.0} |", l.response_end_ms);
    let _ = writeln!(
        out,
        "| interactive (`data-state=idle`) | {:.0} |",
        l.interactive_ms
    );
    let _ = writeln!(out, "| `load` event end | {:.0} |\n", l.load_event_ms);
}

fn stop(out: &mut String, r: &Results) {
    let s = &r.stop;
    let _ = writeln!(out, "## Stop during a sweep\n");
    let _ = writeln!(
        out,
        "Method: a sweep of 16 η0 × depths 1, 8, 16, 24 × 600 steps on every \
         worker ({} worker threads found); once two runs are done, a script in \
         the page clicks Stop and times the click handler (which terminates \
         every worker) and the next task of the main thread. Meanwhile the \
         bench reads the CPU time of the browser's `DedicatedWorker` threads \
         from /proc/PID/task/TID/schedstat every millisecond. Both times below \
         run from just before the bench sends the click through WebDriver, so \
         they include part of the WebDriver round trip: \"workers idle\" until \
         the worker threads use at most {:.0} ms of CPU together for the rest of \
         the watch, \"worker threads gone\" until none of them exists.\n",
        s.workers,
        IDLE_CPU_NS as f64 / 1e6
    );
    let _ = writeln!(out, "| measure | median |\n| --- | ---: |");
    let _ = writeln!(
        out,
        "| busy cores before Stop | {:.2} |",
        s.busy_cores_before
    );
    let _ = writeln!(out, "| click handler (ms) | {:.1} |", s.handler_ms);
    let _ = writeln!(
        out,
        "| main thread free again (ms) | {:.1} |",
        s.main_thread_free_ms
    );
    let _ = writeln!(out, "| workers idle (ms) | {:.1} |", s.workers_idle_ms);
    let _ = writeln!(
        out,
        "| worker threads gone (ms) | {:.1} |",
        s.workers_gone_ms
    );
    let _ = writeln!(
        out,
        "| WebDriver round trip of the click (ms) | {:.1} |",
        s.click_round_trip_ms
    );
    let _ = writeln!(
        out,
        "| results arriving after Stop, all repetitions | {} |",
        s.late_results
    );
}
