//! The exercises section of the page: builds each exercise's question,
//! answer field and buttons, and runs its check through the page's own
//! sweep, so the verdict rests on runs the learner can see in the plots.

use std::cell::RefCell;
use std::rc::Rc;

use lrdepth_core::{RunResult, SweepConfig};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlButtonElement, HtmlInputElement, HtmlSelectElement};

use crate::dom::{self, by_id};
use crate::exercises::{self, AnswerKind, EXERCISES, Exercise, choice_name};
use crate::form;

/// Callbacks into the page that the section needs.
pub struct Hooks {
    /// Validates the form and updates the URL, after the preset filled it.
    pub validate: Rc<dyn Fn() -> Result<(), JsError>>,
    /// Starts a sweep of the form's settings. Returns false without
    /// starting when a sweep is already running or the form is invalid.
    pub run: Rc<dyn Fn() -> Result<bool, JsError>>,
    /// Whether a sweep is running.
    pub busy: Rc<dyn Fn() -> bool>,
}

/// A check waiting for its sweep to finish.
struct PendingCheck {
    exercise: &'static Exercise,
    answer: exercises::Answer,
    config: SweepConfig,
}

thread_local! {
    static PENDING: RefCell<Option<PendingCheck>> = const { RefCell::new(None) };
}

fn element_id(exercise: &Exercise, part: &str) -> String {
    format!("exercise-{}-{part}", exercise.id)
}

/// Builds the section in `#exercises-list` and wires its buttons.
pub fn wire(hooks: Hooks) -> Result<(), JsError> {
    let list: Element = by_id("exercises-list")?;
    let html: String = EXERCISES
        .iter()
        .enumerate()
        .map(|(idx, exercise)| exercise_html(idx + 1, exercise))
        .collect();
    list.set_inner_html(&html);
    let hooks = Rc::new(hooks);
    for exercise in &EXERCISES {
        let load: HtmlButtonElement = by_id(&element_id(exercise, "load"))?;
        let load_hooks = hooks.clone();
        crate::app::listen(&load, "click", move |_| {
            load_preset(exercise)?;
            (load_hooks.validate)()
        })?;
        let check: HtmlButtonElement = by_id(&element_id(exercise, "check"))?;
        let check_hooks = hooks.clone();
        crate::app::listen(&check, "click", move |_| {
            start_check(exercise, &check_hooks)
        })?;
    }
    Ok(())
}

/// Returns the markup of one exercise. Every text in it is a constant of
/// this crate, so nothing needs escaping.
fn exercise_html(number: usize, exercise: &Exercise) -> String {
    let id = |part: &str| element_id(exercise, part);
    let settings: Vec<String> = exercise
        .preset
        .iter()
        .map(|(key, value)| format!("<code>{key}={value}</code>"))
        .collect();
    let field = match exercise.answer {
        AnswerKind::Rate => format!(
            "<input id=\"{}\" inputmode=\"decimal\" autocomplete=\"off\" spellcheck=\"false\" \
             aria-describedby=\"{}\">",
            id("answer"),
            id("error")
        ),
        AnswerKind::Depth => format!(
            "<input id=\"{}\" inputmode=\"numeric\" autocomplete=\"off\" aria-describedby=\"{}\">",
            id("answer"),
            id("error")
        ),
        AnswerKind::Choice(choices) => {
            let options: String = choices
                .iter()
                .map(|&p| format!("<option value=\"{}\">{}</option>", p.key(), choice_name(p)))
                .collect();
            format!(
                "<select id=\"{}\" aria-describedby=\"{}\"><option value=\"\">choose…</option>{options}</select>",
                id("answer"),
                id("error")
            )
        }
    };
    format!(
        "<article class=\"exercise\" id=\"{article}\" aria-labelledby=\"{title_id}\">\
         <h3 id=\"{title_id}\">{number}. {title}</h3>\
         <p>{question}</p>\
         <p class=\"preset\">Settings: {settings} (others at their defaults).</p>\
         <div class=\"answer\">\
         <label for=\"{answer_id}\">{label}</label>{field}\
         <button type=\"button\" class=\"secondary\" id=\"{load_id}\">Load settings</button>\
         <button type=\"button\" id=\"{check_id}\">Check</button>\
         </div>\
         <output id=\"{error_id}\" class=\"error\" for=\"{answer_id}\"></output>\
         <p id=\"{verdict_id}\" class=\"verdict\" role=\"status\" aria-live=\"polite\"></p>\
         </article>",
        article = id("card"),
        title_id = id("title"),
        title = exercise.title,
        question = exercise.question,
        settings = settings.join(" "),
        answer_id = id("answer"),
        label = exercise.answer_label,
        load_id = id("load"),
        check_id = id("check"),
        error_id = id("error"),
        verdict_id = id("verdict"),
    )
}

fn answer_text(exercise: &Exercise) -> Result<String, JsError> {
    let element: Element = by_id(&element_id(exercise, "answer"))?;
    if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        Ok(input.value())
    } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
        Ok(select.value())
    } else {
        Err(JsError::new(
            "an exercise's answer field is not an input or a select",
        ))
    }
}

/// Puts the preset into the form, keeping the learner's worker count.
fn load_preset(exercise: &Exercise) -> Result<(), JsError> {
    let workers = form::field_value(lrdepth_core::Field::Workers)?;
    form::fill_from_url(&exercises::preset_pairs(exercise, &workers))
}

/// Shows the verdict of `exercise` with `state` in `data-verdict`: holds,
/// fails, undecided, running or empty.
fn show_verdict(exercise: &Exercise, state: &str, text: &str) -> Result<(), JsError> {
    let verdict: Element = by_id(&element_id(exercise, "verdict"))?;
    verdict.set_text_content(Some(text));
    verdict
        .set_attribute("data-verdict", state)
        .map_err(|e| dom::js_error("could not mark a verdict", e))
}

/// Validates the answer, loads the preset and runs it. The verdict is
/// shown when the sweep finishes.
fn start_check(exercise: &'static Exercise, hooks: &Hooks) -> Result<(), JsError> {
    let answer_field: Element = by_id(&element_id(exercise, "answer"))?;
    let answer = match exercises::parse_answer(exercise.answer, &answer_text(exercise)?) {
        Ok(answer) => answer,
        Err(message) => {
            answer_field.set_attribute("aria-invalid", "true").ok();
            dom::set_text(&element_id(exercise, "error"), &message)?;
            return show_verdict(exercise, "", "");
        }
    };
    answer_field.remove_attribute("aria-invalid").ok();
    dom::set_text(&element_id(exercise, "error"), "")?;

    if (hooks.busy)() {
        return show_verdict(
            exercise,
            "undecided",
            "A sweep is already running: stop it or let it finish, then press Check again.",
        );
    }
    let workers = form::field_value(lrdepth_core::Field::Workers)?;
    let config = match exercises::preset_config(exercise, &workers) {
        Ok(config) => config,
        Err(message) => {
            return show_verdict(
                exercise,
                "undecided",
                &format!("The exercise's settings are invalid: {message}"),
            );
        }
    };
    load_preset(exercise)?;
    (hooks.validate)()?;
    PENDING.with(|p| {
        *p.borrow_mut() = Some(PendingCheck {
            exercise,
            answer,
            config,
        })
    });
    if (hooks.run)()? {
        log::info!("exercise check started: {}", exercise.id);
        show_verdict(
            exercise,
            "running",
            "Running the exercise's sweep; the verdict appears when it finishes.",
        )
    } else {
        PENDING.with(|p| p.borrow_mut().take());
        show_verdict(
            exercise,
            "undecided",
            "The sweep did not start: see the message beside the Run button.",
        )
    }
}

/// Judges the pending check, if this sweep is the one it waits for. A
/// sweep of other settings cancels the check.
pub fn sweep_finished(config: &SweepConfig, results: &[RunResult]) -> Result<(), JsError> {
    let Some(pending) = PENDING.with(|p| p.borrow_mut().take()) else {
        return Ok(());
    };
    if pending.config != *config {
        return show_verdict(
            pending.exercise,
            "undecided",
            "The settings changed before the check's sweep ran, so there is no verdict: press \
             Check again.",
        );
    }
    let verdict = exercises::judge(pending.exercise, pending.answer, config, results);
    let state = match verdict.holds {
        Some(true) => "holds",
        Some(false) => "fails",
        None => "undecided",
    };
    log::info!("exercise checked: {}, verdict {state}", pending.exercise.id);
    show_verdict(pending.exercise, state, &verdict.text)
}

/// Tells a waiting check that its sweep stopped before the end.
pub fn sweep_stopped() -> Result<(), JsError> {
    let Some(pending) = PENDING.with(|p| p.borrow_mut().take()) else {
        return Ok(());
    };
    show_verdict(
        pending.exercise,
        "undecided",
        "The check's sweep stopped before it finished, so there is no verdict: press Check again.",
    )
}
