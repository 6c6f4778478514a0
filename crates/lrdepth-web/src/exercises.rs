//! Guided exercises: each is a preset sweep, a question, and a check that
//! judges the learner's answer against a real run of the preset.
//!
//! This module contains the definitions and the judging, with no DOM
//! access. `exercise_view` builds the page section and runs the checks.

use lrdepth_core::analysis::{divergence_edges, fit_depth_slope};
use lrdepth_core::config::bounds;
use lrdepth_core::param::DEPTH_EXPONENT;
use lrdepth_core::{BestRate, Parametrization, RunResult, SweepConfig, best_rates};

use crate::dom::format_number;

/// Largest factor by which an η answer may miss the measured value.
pub const RATE_FACTOR: f64 = 2.0;

/// What kind of answer an exercise takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerKind {
    /// A learning rate, within `bounds::ETA0`.
    Rate,
    /// A depth in hidden layers, within `bounds::DEPTH`.
    Depth,
    /// One parametrization out of a fixed list.
    Choice(&'static [Parametrization]),
}

/// A parsed, in-range answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Answer {
    Rate(f64),
    Depth(usize),
    Choice(Parametrization),
}

/// Measurement that judges an exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The refined best η0 at the preset's only depth.
    BestRate,
    /// The best η0 at the deepest preset depth, predicted from the shallowest.
    PredictDeeper,
    /// The first depth of the preset at which its one η0 diverges.
    DivergenceDepth,
    /// The parametrization whose best η0 falls faster with depth.
    FasterShrink,
}

/// One guided exercise.
#[derive(Clone, Copy, Debug)]
pub struct Exercise {
    /// Stable id, used in element ids.
    pub id: &'static str,
    pub title: &'static str,
    /// The question, with the tolerance the check applies.
    pub question: &'static str,
    /// Label of the answer field.
    pub answer_label: &'static str,
    /// Settings of the sweep that the check runs, as URL key and text.
    /// Keys left out take their defaults, except `workers`, which keeps the
    /// learner's choice.
    pub preset: &'static [(&'static str, &'static str)],
    pub answer: AnswerKind,
    pub check: Check,
}

/// The exercises, in the order the page shows them. Each preset finishes
/// in a few seconds: the largest, the comparison, is 48 runs at depths 4
/// and 16.
pub const EXERCISES: [Exercise; 4] = [
    Exercise {
        id: "best-rate",
        title: "Find the best η0 at depth 4",
        question: "Under μP, which base rate η0 gives the lowest final loss for a network of 4 hidden \
                   layers? Load the settings, run them, and read plot 2 or the table. The check \
                   measures the best η0 on a grid of 13 rates, refined by a parabola through the \
                   minimum, and accepts an answer within a factor of 2 of it.",
        answer_label: "best η0 at depth 4",
        preset: &[("param", "mup"), ("depths", "4"), ("eta0", "0.03:30:13")],
        answer: AnswerKind::Rate,
        check: Check::BestRate,
    },
    Exercise {
        id: "predict",
        title: "Predict the best rate at depth 16",
        question: "Under μP the best rate should fall like L^(−3/2). Take the best η0 at depth 4 \
                   (exercise 1) and predict the best η0 at depth 16 from the law: \
                   η16 = η4·(16/4)^(−3/2) = η4/8. The check trains depths 4 and 16 on 11 rates \
                   and accepts a prediction within a factor of 2 of the measured best at depth 16.",
        answer_label: "predicted best η0 at depth 16",
        preset: &[("param", "mup"), ("depths", "4, 16"), ("eta0", "0.01:3:11")],
        answer: AnswerKind::Rate,
        check: Check::PredictDeeper,
    },
    Exercise {
        id: "diverge",
        title: "Find where η0 = 1 starts to diverge",
        question: "Under μP, train every depth of the list 1, 2, 3, 4, 6, 8, 12, 16, 24, 32 at \
                   η0 = 1. At which depth does the run first diverge (loss not finite or above 10× \
                   its start)? The check accepts any depth above the last stable depth of the list \
                   before the first divergence, up to that first diverging depth.",
        answer_label: "first diverging depth L",
        preset: &[
            ("param", "mup"),
            ("depths", "1, 2, 3, 4, 6, 8, 12, 16, 24, 32"),
            ("eta0", "1"),
        ],
        answer: AnswerKind::Depth,
        check: Check::DivergenceDepth,
    },
    Exercise {
        id: "sp-vs-mup",
        title: "Compare SP and μP",
        question: "Whose best η0 shrinks faster with depth: standard parametrization (SP) or μP? \
                   The check trains both at depths 4 and 16 (the comparison also trains μP + depth \
                   rule), fits the slope of ln best η0 against ln depth for each, and accepts the \
                   parametrization with the more negative slope.",
        answer_label: "faster-shrinking parametrization",
        preset: &[
            ("param", "mup"),
            ("compare", "1"),
            ("depths", "4, 16"),
            ("eta0", "0.01:30:8"),
        ],
        answer: AnswerKind::Choice(&[Parametrization::Standard, Parametrization::Mup]),
        check: Check::FasterShrink,
    },
];

/// Short name of a parametrization, as the answer choices show it.
pub fn choice_name(parametrization: Parametrization) -> &'static str {
    match parametrization {
        Parametrization::Standard => "SP",
        Parametrization::Ntk => "NTK",
        Parametrization::Mup => "μP",
        Parametrization::MupDepth => "μP + depth rule",
    }
}

/// Parses a number in `min..=max`. The error messages end with `range`,
/// the instruction to the learner.
fn parse_in_range(text: &str, (min, max): (f64, f64), range: &str) -> Result<f64, String> {
    if text.is_empty() {
        return Err(format!("The answer is missing: {range}."));
    }
    let value: f64 = text
        .parse()
        .map_err(|_| format!("The answer {text:?} is not a number: {range}."))?;
    if !(value.is_finite() && (min..=max).contains(&value)) {
        return Err(format!("The answer {text} is out of range: {range}."));
    }
    Ok(value)
}

/// Parses the learner's answer. Errors name the value and the allowed range.
pub fn parse_answer(kind: AnswerKind, text: &str) -> Result<Answer, String> {
    let text = text.trim();
    match kind {
        AnswerKind::Rate => {
            let (min, max) = bounds::ETA0;
            let range = format!("enter a rate from {min:e} to {max:e}, such as 0.5");
            parse_in_range(text, (min, max), &range).map(Answer::Rate)
        }
        AnswerKind::Depth => {
            let (min, max) = bounds::DEPTH;
            let range = format!("enter a whole number of hidden layers from {min} to {max}");
            let value = parse_in_range(text, (min as f64, max as f64), &range)?;
            if value.fract() != 0.0 {
                return Err(format!("The answer {text} is not a whole number: {range}."));
            }
            Ok(Answer::Depth(value as usize))
        }
        AnswerKind::Choice(choices) => {
            let names: Vec<&str> = choices.iter().map(|&p| choice_name(p)).collect();
            choices
                .iter()
                .find(|p| p.key() == text)
                .map(|&p| Answer::Choice(p))
                .ok_or_else(|| {
                    if text.is_empty() {
                        format!("The answer is missing: choose one of {}.", names.join(", "))
                    } else {
                        format!(
                            "The answer {text:?} is not a choice: choose one of {}.",
                            names.join(", ")
                        )
                    }
                })
        }
    }
}

/// Outcome of a check.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Whether the answer holds; `None` when the run gave nothing to judge
    /// by, such as every rate diverging.
    pub holds: Option<bool>,
    /// The verdict and the measured values it rests on, as a sentence or two.
    pub text: String,
}

impl Verdict {
    fn undecided(text: String) -> Verdict {
        Verdict { holds: None, text }
    }

    fn judged(holds: bool, reason: String) -> Verdict {
        let lead = if holds {
            "Your answer holds."
        } else {
            "Your answer does not hold."
        };
        Verdict {
            holds: Some(holds),
            text: format!("{lead} {reason}"),
        }
    }
}

/// Judges `answer` to `exercise` from the runs of its preset sweep.
pub fn judge(
    exercise: &Exercise,
    answer: Answer,
    config: &SweepConfig,
    results: &[RunResult],
) -> Verdict {
    match (exercise.check, answer) {
        (Check::BestRate, Answer::Rate(rate)) => judge_best_rate(rate, config, results),
        (Check::PredictDeeper, Answer::Rate(rate)) => judge_prediction(rate, config, results),
        (Check::DivergenceDepth, Answer::Depth(depth)) => {
            judge_divergence_depth(depth, config, results)
        }
        (Check::FasterShrink, Answer::Choice(choice)) => judge_faster_shrink(choice, results),
        _ => Verdict::undecided("This answer does not fit the exercise.".to_string()),
    }
}

/// Returns the best rate of `depth` for the config's first seed and
/// parametrization.
fn best_at(config: &SweepConfig, results: &[RunResult], depth: usize) -> Option<BestRate> {
    best_rates(results).into_iter().find(|b| {
        b.depth == depth && b.seed == config.seed && b.parametrization == config.parametrization
    })
}

/// Returns whether `value` is within a factor of `RATE_FACTOR` of `target`.
fn within_factor(value: f64, target: f64) -> bool {
    let ratio = value / target;
    (1.0 / RATE_FACTOR..=RATE_FACTOR).contains(&ratio)
}

fn judge_best_rate(rate: f64, config: &SweepConfig, results: &[RunResult]) -> Verdict {
    let depth = config.depths[0];
    let Some(best) = best_at(config, results, depth) else {
        return Verdict::undecided(format!(
            "Every rate diverged at depth {depth}, so this run has no best η0."
        ));
    };
    let measured = best.refined_eta0;
    Verdict::judged(
        within_factor(rate, measured),
        format!(
            "Measured best η0 at depth {depth}: {} (grid minimum {}, final loss {}); \
             your {} is {} of it, and the check accepts {} to {}.",
            format_number(measured),
            format_number(best.grid_eta0),
            format_number(best.grid_loss),
            format_number(rate),
            describe_ratio(rate / measured),
            format_number(measured / RATE_FACTOR),
            format_number(measured * RATE_FACTOR),
        ),
    )
}

fn judge_prediction(rate: f64, config: &SweepConfig, results: &[RunResult]) -> Verdict {
    let shallow = config.depths[0];
    let deep = *config.depths.last().unwrap_or(&shallow);
    let (Some(best_shallow), Some(best_deep)) = (
        best_at(config, results, shallow),
        best_at(config, results, deep),
    ) else {
        return Verdict::undecided(format!(
            "Every rate diverged at depth {shallow} or {deep}, so there is nothing to compare with."
        ));
    };
    let law = best_shallow.refined_eta0 * (deep as f64 / shallow as f64).powf(DEPTH_EXPONENT);
    let measured = best_deep.refined_eta0;
    Verdict::judged(
        within_factor(rate, measured),
        format!(
            "Measured best η0: {} at depth {shallow}, {} at depth {deep}. The L^(−3/2) law \
             applied to depth {shallow} predicts {} ({} of the measured value). Your {} is {} \
             of the measured value, and the check accepts {} to {}.",
            format_number(best_shallow.refined_eta0),
            format_number(measured),
            format_number(law),
            describe_ratio(law / measured),
            format_number(rate),
            describe_ratio(rate / measured),
            format_number(measured / RATE_FACTOR),
            format_number(measured * RATE_FACTOR),
        ),
    )
}

fn judge_divergence_depth(answer: usize, config: &SweepConfig, results: &[RunResult]) -> Verdict {
    let diverging: Vec<usize> = divergence_edges(results)
        .iter()
        .filter(|e| e.seed == config.seed)
        .map(|e| e.depth)
        .collect();
    let Some(&first) = diverging.iter().min() else {
        return Verdict::undecided(format!(
            "No depth of {:?} diverged in this run, so there is no edge to find.",
            config.depths
        ));
    };
    // The edge lies between the last stable depth before `first` and `first`.
    let last_stable = config.depths.iter().copied().filter(|&d| d < first).max();
    let lower = last_stable.unwrap_or(0);
    let holds = answer > lower && answer <= first;
    let accepted = match last_stable {
        Some(stable) => format!("depths above {stable} up to {first}"),
        None => format!("depths up to {first}"),
    };
    let later: Vec<String> = diverging
        .iter()
        .filter(|&&d| d > first)
        .map(|d| d.to_string())
        .collect();
    let later_note = if later.is_empty() {
        String::new()
    } else {
        format!(" Deeper runs that also diverged: {}.", later.join(", "))
    };
    Verdict::judged(
        holds,
        format!(
            "Measured: the run first diverges at depth {first}{}; the check accepts {accepted}, \
             and your answer is {answer}.{later_note}",
            match last_stable {
                Some(stable) => format!(" and is stable at depth {stable}"),
                None => String::new(),
            },
        ),
    )
}

fn judge_faster_shrink(choice: Parametrization, results: &[RunResult]) -> Verdict {
    let best = best_rates(results);
    let slope_of = |parametrization: Parametrization| {
        let own: Vec<BestRate> = best
            .iter()
            .filter(|b| b.parametrization == parametrization)
            .copied()
            .collect();
        fit_depth_slope(&own, |b| b.refined_eta0).map(|fit| fit.slope)
    };
    let (Some(sp), Some(mup)) = (
        slope_of(Parametrization::Standard),
        slope_of(Parametrization::Mup),
    ) else {
        return Verdict::undecided(
            "SP or μP has no best η0 at two depths of at least 4, so there is no slope to compare."
                .to_string(),
        );
    };
    let faster = if mup < sp {
        Parametrization::Mup
    } else {
        Parametrization::Standard
    };
    Verdict::judged(
        choice == faster,
        format!(
            "Measured slopes of ln best η0 against ln depth: SP {sp:.2}, μP {mup:.2}, so the best \
             η0 of {} shrinks faster; you chose {}.",
            choice_name(faster),
            choice_name(choice),
        ),
    )
}

/// Describes a ratio as "1.3× " or "1/2.5 ×", readable at a glance.
fn describe_ratio(ratio: f64) -> String {
    if ratio >= 1.0 {
        format!("{ratio:.2}×")
    } else {
        format!("1/{:.2}×", 1.0 / ratio)
    }
}

/// Returns the preset's settings as (key, text) pairs for every key it sets,
/// plus `workers` as given, so the learner's worker count stays.
pub fn preset_pairs(exercise: &Exercise, workers: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = exercise
        .preset
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    pairs.push(("workers".to_string(), workers.to_string()));
    pairs
}

/// Returns the config of the exercise's preset, or the errors as text.
pub fn preset_config(exercise: &Exercise, workers: &str) -> Result<SweepConfig, String> {
    let pairs = preset_pairs(exercise, workers);
    let outcome = SweepConfig::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if outcome.errors.is_empty() {
        Ok(outcome.config)
    } else {
        let messages: Vec<String> = outcome.errors.iter().map(|e| e.to_string()).collect();
        Err(messages.join(" "))
    }
}
