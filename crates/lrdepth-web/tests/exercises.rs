//! Tests of the exercises' answer parsing and judging, on hand-made run
//! results whose best rate and divergence edge are known by construction.

#![cfg(target_arch = "wasm32")]

use lrdepth_core::{GroupRates, Parametrization, RunResult, SweepConfig};
use lrdepth_web::exercises::{Answer, AnswerKind, EXERCISES, judge, parse_answer, preset_config};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Builds a finished run of seed 0 under μP. An infinite `loss` marks it diverged.
fn run(depth: usize, eta0: f64, loss: f64) -> RunResult {
    RunResult {
        index: 0,
        seed: 0,
        parametrization: Parametrization::Mup,
        depth,
        eta0,
        rates: GroupRates {
            first: eta0,
            hidden: eta0,
            readout: eta0,
        },
        initial_loss: 1.0,
        final_loss: loss,
        diverged: !loss.is_finite(),
        steps_run: 10,
        loss_curve: Vec::new(),
    }
}

fn exercise(id: &str) -> &'static lrdepth_web::exercises::Exercise {
    EXERCISES
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no exercise {id}"))
}

#[wasm_bindgen_test]
fn every_preset_is_valid() {
    for exercise in &EXERCISES {
        let config = preset_config(exercise, "auto");
        assert!(config.is_ok(), "{}: {:?}", exercise.id, config.err());
    }
}

#[wasm_bindgen_test]
fn answer_parsing_names_value_and_range() {
    let cases = [
        (AnswerKind::Rate, "abc", "\"abc\" is not a number"),
        (AnswerKind::Rate, "0", "0 is out of range"),
        (AnswerKind::Rate, "inf", "inf is out of range"),
        (AnswerKind::Depth, "65", "65 is out of range"),
        (AnswerKind::Depth, "3.5", "3.5 is not a whole number"),
        (AnswerKind::Depth, " ", "missing"),
    ];
    for (kind, text, expected) in cases {
        let message = parse_answer(kind, text).expect_err(text);
        assert!(
            message.contains(expected),
            "{text:?}: {message:?} should contain {expected:?}"
        );
    }
    assert_eq!(
        parse_answer(AnswerKind::Rate, " 0.5 "),
        Ok(Answer::Rate(0.5))
    );
    assert_eq!(parse_answer(AnswerKind::Depth, "12"), Ok(Answer::Depth(12)));
}

#[wasm_bindgen_test]
fn best_rate_judged_within_factor_two() {
    let ex = exercise("best-rate");
    let config: SweepConfig = preset_config(ex, "auto").expect("valid preset");
    // A symmetric basin in log-η around η0 = 1, so the refined best is 1.
    let results: Vec<RunResult> = [0.25, 0.5, 1.0, 2.0, 4.0]
        .iter()
        .map(|&eta0: &f64| run(4, eta0, 0.01 * (1.0 + eta0.ln().powi(2))))
        .collect();
    for (answer, holds) in [
        (1.0, true),
        (0.6, true),
        (1.9, true),
        (0.4, false),
        (3.0, false),
    ] {
        let verdict = judge(ex, Answer::Rate(answer), &config, &results);
        assert_eq!(
            verdict.holds,
            Some(holds),
            "answer {answer}: {}",
            verdict.text
        );
    }
}

#[wasm_bindgen_test]
fn divergence_edge_judged_between_depths() {
    let ex = exercise("diverge");
    let config = preset_config(ex, "auto").expect("valid preset");
    let results = vec![
        run(1, 1.0, 0.1),
        run(2, 1.0, 0.1),
        run(4, 1.0, 0.1),
        run(6, 1.0, f64::INFINITY),
        run(8, 1.0, 0.3),
        run(12, 1.0, f64::INFINITY),
    ];
    for (answer, holds) in [(5, true), (6, true), (4, false), (8, false), (12, false)] {
        let verdict = judge(ex, Answer::Depth(answer), &config, &results);
        assert_eq!(
            verdict.holds,
            Some(holds),
            "answer {answer}: {}",
            verdict.text
        );
    }
    let stable: Vec<RunResult> = results.iter().filter(|r| !r.diverged).cloned().collect();
    let verdict = judge(ex, Answer::Depth(6), &config, &stable);
    assert_eq!(
        verdict.holds, None,
        "no divergence, no verdict: {}",
        verdict.text
    );
}
