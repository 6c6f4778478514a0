//! The page: wires the form, the worker pool, the table and the plots.
//!
//! State lives in one `App` behind `Rc<RefCell<_>>`; every event handler
//! borrows it briefly. Workers are never dropped inside their own handlers
//! (that would free a running closure): Stop and failures terminate them
//! and park them in `retired` until the next Run.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use lrdepth_core::probe::ProbeSummary;
use lrdepth_core::{RunResult, RunSpec, SweepConfig};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, HtmlButtonElement, HtmlElement, MessageEvent};

use crate::dom::{self, by_id};
use crate::pool::{PoolWorker, worker_count};
use crate::protocol::{self, FromWorker, ToWorker, from_js, to_js};
use crate::{export, form, offline, share, view};

type Shared = Rc<RefCell<App>>;

/// A sweep that is running or has ended.
struct Sweep {
    config: SweepConfig,
    /// Runs not yet sent, largest first so the workers finish together.
    pending: VecDeque<RunSpec>,
    results: Vec<RunResult>,
    n_runs: usize,
    total_flops: f64,
    done_flops: f64,
    started_ms: f64,
}

#[derive(Default)]
struct App {
    /// The sweep on display; kept after Stop or a failure.
    sweep: Option<Sweep>,
    running: bool,
    workers: Vec<PoolWorker>,
    retired: Vec<PoolWorker>,
    /// Counts sweeps, so a start-up check can tell whether its sweep is still on.
    sweep_number: u32,
    /// The one-step probe on display, with its worker while it runs.
    probe: Option<ProbeRun>,
}

/// A one-step probe: one worker, one message per depth.
struct ProbeRun {
    config: SweepConfig,
    summaries: Vec<ProbeSummary>,
    worker: Option<PoolWorker>,
}

/// Seeds per depth of the page's probe: enough for a stable median.
const PROBE_SEEDS: usize = 64;

/// Time the workers have to load their wasm and report ready, in
/// milliseconds. A worker whose module fails to compile rejects a promise
/// and fires no error event, so without this check the page would wait forever.
const WORKER_START_TIMEOUT_MS: i32 = 20_000;

/// Starts the page: fills the form from the URL, wires the controls and
/// starts a sweep at once when the URL requests it.
pub fn start() -> Result<(), JsError> {
    let app: Shared = Rc::new(RefCell::new(App::default()));
    let url = form::url_pairs()?;
    form::fill_from_url(&url)?;
    let link = share::apply_link(&url)?;

    wire_controls(&app)?;
    wire_resize(&app)?;
    wire_teaching(&app)?;
    let valid = validate(&app)?;
    share::release_invalid_controls()?;
    share::wire_panel()?;
    let export_app = app.clone();
    export::wire(move || snapshot(&export_app.borrow()))?;
    offline::register_service_worker()?;
    let config = form::parse_form()?.config;
    view::draw_plots(&config, &[])?;
    view::draw_probe_plots(&config.depths, &[])?;
    view::set_state("idle")?;
    share::show_chosen_plot(&link)?;

    if link.run && valid {
        start_sweep(&app)?;
    }
    Ok(())
}

/// Returns the sweep and the probe on display, runs in sweep order, for
/// the export buttons.
fn snapshot(state: &App) -> Result<export::Snapshot, JsError> {
    let (config, mut results) = match &state.sweep {
        Some(sweep) => (sweep.config.clone(), sweep.results.clone()),
        None => (form::parse_form()?.config, Vec::new()),
    };
    results.sort_by_key(|r| r.index);
    let (probe_depths, probe_summaries) = match &state.probe {
        Some(probe) => (probe.config.depths.clone(), probe.summaries.clone()),
        None => (config.depths.clone(), Vec::new()),
    };
    Ok(export::Snapshot {
        config,
        results,
        probe_depths,
        probe_summaries,
    })
}

/// Shows every field's error, updates the Run button and, when the form is
/// valid, the URL. Returns whether the form is valid.
fn validate(app: &Shared) -> Result<bool, JsError> {
    let outcome = form::parse_form()?;
    let reason = form::show_errors(&outcome.errors)?;
    let running = app.borrow().running;
    let reason = match (reason, running) {
        (Some(reason), _) => Some(reason),
        (None, true) => Some("A sweep is running: stop it to start another.".to_string()),
        (None, false) => None,
    };
    form::set_run_enabled(reason.is_none(), reason.as_deref())?;
    if outcome.errors.is_empty() {
        form::write_url(&outcome.config)?;
        form::show_warnings(&outcome.config.warnings())?;
        view::show_formulas(&outcome.config)?;
    } else {
        form::show_warnings(&[])?;
    }
    Ok(outcome.errors.is_empty())
}

/// Wires the exercises, the tour and the colour-scheme listener.
fn wire_teaching(app: &Shared) -> Result<(), JsError> {
    let (validate_app, run_app, busy_app) = (app.clone(), app.clone(), app.clone());
    crate::exercise_view::wire(crate::exercise_view::Hooks {
        validate: Rc::new(move || validate(&validate_app).map(|_| ())),
        run: Rc::new(move || {
            let can_run = validate(&run_app)? && !run_app.borrow().running;
            if can_run {
                start_sweep(&run_app)?;
            }
            Ok(can_run)
        }),
        busy: Rc::new(move || busy_app.borrow().running),
    })?;
    crate::tour::wire()?;
    let redraw_app = app.clone();
    crate::theme::on_scheme_change(move || redraw(&redraw_app))
}

/// Adds an event listener that lives as long as the page and reports its
/// errors in the page.
pub(crate) fn listen(
    target: &web_sys::EventTarget,
    kind: &str,
    handler: impl Fn(Event) -> Result<(), JsError> + 'static,
) -> Result<(), JsError> {
    let closure = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        if let Err(error) = handler(event) {
            report_error(error);
        }
    });
    target
        .add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())
        .map_err(|e| dom::js_error("could not listen for events", e))?;
    closure.forget();
    Ok(())
}

fn wire_controls(app: &Shared) -> Result<(), JsError> {
    let form: HtmlElement = by_id("controls")?;
    for kind in ["input", "change"] {
        let app = app.clone();
        listen(&form, kind, move |_| validate(&app).map(|_| ()))?;
    }
    let submit_app = app.clone();
    listen(&form, "submit", move |event| {
        event.prevent_default();
        if validate(&submit_app)? && !submit_app.borrow().running {
            start_sweep(&submit_app)?;
        }
        Ok(())
    })?;
    let probe_button: HtmlButtonElement = by_id("probe-run")?;
    let probe_app = app.clone();
    listen(&probe_button, "click", move |_| start_probe(&probe_app))?;
    let stop: HtmlButtonElement = by_id("stop")?;
    let stop_app = app.clone();
    listen(&stop, "click", move |_| stop_sweep(&stop_app, "Stopped."))?;
    Ok(())
}

fn wire_resize(app: &Shared) -> Result<(), JsError> {
    let app = app.clone();
    let on_resize = Closure::<dyn Fn()>::new(move || {
        if let Err(error) = redraw(&app) {
            report_error(error);
        }
    });
    let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref())
        .map_err(|e| dom::js_error("could not watch the plot sizes", e))?;
    for id in [
        view::DEPTH_PLOT_ID,
        view::RATE_PLOT_ID,
        view::BEST_PLOT_ID,
        view::PROBE_PLOT_ID,
        view::PROFILE_PLOT_ID,
    ] {
        observer.observe(&by_id::<web_sys::Element>(id)?);
    }
    on_resize.forget();
    Ok(())
}

fn redraw(app: &Shared) -> Result<(), JsError> {
    let state = app.borrow();
    match &state.sweep {
        Some(sweep) => view::draw_plots(&sweep.config, &sweep.results)?,
        None => view::draw_plots(&form::parse_form()?.config, &[])?,
    }
    match &state.probe {
        Some(probe) => view::draw_probe_plots(&probe.config.depths, &probe.summaries),
        None => view::draw_probe_plots(&form::parse_form()?.config.depths, &[]),
    }
}

fn start_sweep(app: &Shared) -> Result<(), JsError> {
    let config = form::parse_form()?.config;
    let mut pending: Vec<RunSpec> = config.runs();
    pending.sort_by(|a, b| {
        config
            .run_flops(b.depth)
            .total_cmp(&config.run_flops(a.depth))
    });
    let n_runs = pending.len();
    let n_workers = worker_count(n_runs, config.workers);
    log::info!("sweep started: runs {n_runs}, workers {n_workers}");

    {
        let mut state = app.borrow_mut();
        state.retired.clear();
        state.sweep = Some(Sweep {
            total_flops: config.sweep_flops(),
            config: config.clone(),
            pending: pending.into(),
            results: Vec::new(),
            n_runs,
            done_flops: 0.0,
            started_ms: dom::now_ms(),
        });
        state.running = true;
        state.sweep_number += 1;
        if state.workers.len() > n_workers {
            let extra = state.workers.split_off(n_workers);
            state.retired.extend(extra);
        }
    }
    let missing = n_workers - app.borrow().workers.len();
    for _ in 0..missing {
        let worker = spawn_worker(app)?;
        app.borrow_mut().workers.push(worker);
    }

    watch_worker_start(app)?;
    set_running_controls(true)?;
    view::set_state("running")?;
    view::show_table(&[])?;
    view::show_progress(
        0,
        n_runs,
        &format!("0 / {n_runs} runs · starting {n_workers} workers"),
    )?;
    view::draw_plots(&config, &[])?;
    dispatch(app)
}

fn spawn_worker(app: &Shared) -> Result<PoolWorker, JsError> {
    let id = next_worker_id();
    let message_app = app.clone();
    let error_app = app.clone();
    let worker = PoolWorker::spawn(
        move |event: MessageEvent| {
            if let Err(error) = on_worker_message(&message_app, id, event) {
                report_error(error);
            }
        },
        move |event: ErrorEvent| {
            event.prevent_default();
            let message = format!(
                "A training worker failed: {}. Finished runs are kept; press Run to try again.",
                event.message()
            );
            if let Err(error) = stop_sweep(&error_app, &message) {
                report_error(error);
            }
        },
        id,
    )?;
    Ok(worker)
}

/// Starts the one-step probe on a worker of its own, at every depth of the form.
fn start_probe(app: &Shared) -> Result<(), JsError> {
    let outcome = form::parse_form()?;
    if !outcome.errors.is_empty() {
        return dom::set_text("probe-status", "Fix the highlighted fields first.");
    }
    let config = outcome.config;
    if let Some(reason) = protocol::probe_blocker(&config) {
        return dom::set_text("probe-status", &reason);
    }
    {
        let mut state = app.borrow_mut();
        let previous = state.probe.take().and_then(|p| p.worker);
        state.retired.extend(previous);
    }
    let message_app = app.clone();
    let error_app = app.clone();
    let worker = PoolWorker::spawn(
        move |event: MessageEvent| {
            if let Err(error) = on_probe_message(&message_app, event) {
                report_error(error);
            }
        },
        move |event: ErrorEvent| {
            event.prevent_default();
            finish_probe(
                &error_app,
                &format!("The probe worker failed: {}.", event.message()),
            );
        },
        next_worker_id(),
    )?;
    app.borrow_mut().probe = Some(ProbeRun {
        config: config.clone(),
        summaries: Vec::new(),
        worker: Some(worker),
    });
    log::info!(
        "probe started: depths {}, seeds {PROBE_SEEDS}",
        config.depths.len()
    );
    dom::set_text(
        "probe-status",
        &format!("0 / {} depths", config.depths.len()),
    )?;
    view::draw_probe_plots(&config.depths, &[])
}

fn on_probe_message(app: &Shared, event: MessageEvent) -> Result<(), JsError> {
    match from_js::<FromWorker>(event.data())? {
        FromWorker::Ready => {
            let state = app.borrow();
            let Some(probe) = &state.probe else {
                return Ok(());
            };
            let Some(slot) = &probe.worker else {
                return Ok(());
            };
            for &depth in probe.config.depths.iter().rev() {
                let message = to_js(&ToWorker::Probe {
                    config: probe.config.clone(),
                    depth,
                    n_seeds: PROBE_SEEDS,
                })?;
                slot.worker
                    .post_message(&message)
                    .map_err(|e| dom::js_error("could not send a probe to its worker", e))?;
            }
            Ok(())
        }
        FromWorker::Probed { summary } => {
            let (depths, summaries) = {
                let mut state = app.borrow_mut();
                let Some(probe) = state.probe.as_mut() else {
                    return Ok(());
                };
                probe.summaries.push(summary);
                (probe.config.depths.clone(), probe.summaries.clone())
            };
            view::draw_probe_plots(&depths, &summaries)?;
            if summaries.len() == depths.len() {
                finish_probe(
                    app,
                    &format!("Done: {} depths, {PROBE_SEEDS} seeds each.", depths.len()),
                );
                Ok(())
            } else {
                dom::set_text(
                    "probe-status",
                    &format!("{} / {} depths", summaries.len(), depths.len()),
                )
            }
        }
        FromWorker::Failed { message } => {
            finish_probe(app, &format!("The probe failed: {message}."));
            Ok(())
        }
        FromWorker::Finished { .. } => Ok(()),
    }
}

/// Ends the probe: parks its worker (never dropped inside its own handler)
/// and shows `message`.
fn finish_probe(app: &Shared, message: &str) {
    let mut state = app.borrow_mut();
    let worker = state.probe.as_mut().and_then(|p| p.worker.take());
    if let Some(slot) = &worker {
        slot.worker.terminate();
    }
    state.retired.extend(worker);
    drop(state);
    log::info!("probe ended: {message}");
    if let Err(error) = dom::set_text("probe-status", message) {
        report_error(error);
    }
}

/// Stops the sweep if no worker has reported ready in time.
fn watch_worker_start(app: &Shared) -> Result<(), JsError> {
    let sweep_number = app.borrow().sweep_number;
    let app = app.clone();
    let check = Closure::once_into_js(move || {
        let stalled = {
            let state = app.borrow();
            state.running
                && state.sweep_number == sweep_number
                && !state.workers.iter().any(|w| w.ready)
        };
        if stalled {
            let message = format!(
                "The training workers did not start within {} s: the worker files may have failed \
                 to load, or the browser may lack WebAssembly SIMD (Chrome 91, Firefox 89, \
                 Safari 16.4 or newer)",
                WORKER_START_TIMEOUT_MS / 1000
            );
            if let Err(error) = stop_sweep(&app, &message) {
                report_error(error);
            }
        }
    });
    dom::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            check.unchecked_ref(),
            WORKER_START_TIMEOUT_MS,
        )
        .map_err(|e| dom::js_error("could not schedule the worker start-up check", e))?;
    Ok(())
}

/// Sends the next pending run to every idle, ready worker.
fn dispatch(app: &Shared) -> Result<(), JsError> {
    let mut state = app.borrow_mut();
    let App {
        sweep,
        workers,
        running,
        ..
    } = &mut *state;
    let Some(sweep) = sweep else { return Ok(()) };
    if !*running {
        return Ok(());
    }
    for slot in workers.iter_mut().filter(|w| w.ready && !w.busy) {
        let Some(run) = sweep.pending.pop_front() else {
            break;
        };
        let message = to_js(&ToWorker::Train {
            config: sweep.config.clone(),
            run,
        })?;
        slot.worker
            .post_message(&message)
            .map_err(|e| dom::js_error("could not send a run to a worker", e))?;
        slot.busy = true;
    }
    Ok(())
}

fn on_worker_message(app: &Shared, worker_id: u32, event: MessageEvent) -> Result<(), JsError> {
    let message: FromWorker = from_js(event.data())?;
    match message {
        FromWorker::Ready => {
            if let Some(slot) = find_worker(&mut app.borrow_mut(), worker_id) {
                slot.ready = true;
            }
            dispatch(app)
        }
        FromWorker::Finished { result } => {
            if let Some(slot) = find_worker(&mut app.borrow_mut(), worker_id) {
                slot.busy = false;
            }
            record_result(app, result)?;
            dispatch(app)
        }
        FromWorker::Failed { message } => stop_sweep(
            app,
            &format!("A training worker reported an error: {message}. Finished runs are kept."),
        ),
        FromWorker::Probed { .. } => Ok(()),
    }
}

fn record_result(app: &Shared, result: RunResult) -> Result<(), JsError> {
    let mut state = app.borrow_mut();
    let Some(sweep) = state.sweep.as_mut() else {
        return Ok(());
    };
    if sweep.results.iter().any(|r| r.index == result.index) {
        return Ok(());
    }
    sweep.done_flops += sweep.config.run_flops(result.depth);
    sweep.results.push(result);
    let done = sweep.results.len();
    let finished = done == sweep.n_runs;

    let elapsed_s = (dom::now_ms() - sweep.started_ms) / 1000.0;
    let text = if finished {
        format!(
            "{done} / {} runs · finished in {elapsed_s:.1} s",
            sweep.n_runs
        )
    } else {
        let left = elapsed_s * (sweep.total_flops - sweep.done_flops) / sweep.done_flops.max(1.0);
        format!(
            "{done} / {} runs · {}",
            sweep.n_runs,
            view::format_time_left(left)
        )
    };
    view::show_progress(done, sweep.n_runs, &text)?;
    view::show_table(&sweep.results)?;
    view::draw_plots(&sweep.config, &sweep.results)?;
    if finished {
        log::info!("sweep finished: runs {done}, time {elapsed_s:.2} s");
        if let Err(error) = crate::exercise_view::sweep_finished(&sweep.config, &sweep.results) {
            report_error(error);
        }
        state.running = false;
        drop(state);
        set_running_controls(false)?;
        view::set_state("done")?;
        validate(app)?;
    }
    Ok(())
}

/// Stops the sweep: terminates every worker, keeps every finished run.
fn stop_sweep(app: &Shared, message: &str) -> Result<(), JsError> {
    {
        let mut state = app.borrow_mut();
        if !state.running && state.workers.is_empty() {
            return Ok(());
        }
        let was_running = state.running;
        state.running = false;
        let workers = std::mem::take(&mut state.workers);
        for slot in &workers {
            slot.worker.terminate();
        }
        state.retired.extend(workers);
        if let Some(sweep) = &state.sweep {
            let done = sweep.results.len();
            view::show_progress(
                done,
                sweep.n_runs,
                &format!("{done} / {} runs · {message}", sweep.n_runs),
            )?;
        }
        if !was_running {
            return Ok(());
        }
    }
    log::info!("sweep stopped: {message}");
    crate::announce::say(&format!("Sweep stopped: {message}"))?;
    crate::exercise_view::sweep_stopped()?;
    set_running_controls(false)?;
    view::set_state("stopped")?;
    validate(app).map(|_| ())
}

fn set_running_controls(running: bool) -> Result<(), JsError> {
    by_id::<HtmlButtonElement>("stop")?.set_disabled(!running);
    by_id::<HtmlButtonElement>("run")?.set_disabled(running);
    Ok(())
}

fn find_worker(app: &mut App, worker_id: u32) -> Option<&mut PoolWorker> {
    app.workers.iter_mut().find(|w| w.id == worker_id)
}

fn next_worker_id() -> u32 {
    thread_local!(static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
    NEXT.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

/// Shows an error in the status line and the console, keeping the page usable.
pub fn report_error(error: JsError) {
    let value = JsValue::from(error);
    let text = value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| format!("{value:?}"));
    web_sys::console::error_1(&value);
    let _ = dom::set_text("progress-text", &format!("Error: {text}"));
}

/// Panic hook of the page: the console gets the report, the page a
/// readable message instead of silently freezing.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Ok(panel) = by_id::<HtmlElement>("panic") {
            panel.set_text_content(Some(&format!(
                "The page hit an internal error and stopped responding to input: {info}. \
                 Reload the page to continue; the URL keeps your settings."
            )));
            panel.set_hidden(false);
        }
        let _ = view::set_state("panicked");
    }));
}
