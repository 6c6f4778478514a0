//! Guided exercises: the check runs the preset in the page's workers and
//! judges the answer from the measured runs, so a right and a wrong answer
//! get different verdicts.

// The measured values are this test's output, read with --nocapture.
#![allow(clippy::print_stdout)]

use crate::fixture::{INPUT_TIMEOUT, LOAD_TIMEOUT, Page, RUN_TIMEOUT};
use crate::keys::wait_for_verdict;

/// Returns the η0 with the lowest finite final loss among the table's rows.
async fn grid_best_rate(page: &Page) -> f64 {
    let rows = page.exact_rows().await;
    let finite: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|(_, _, eta0, loss)| loss.parse::<f64>().ok().map(|loss| (*eta0, loss)))
        .filter(|(_, loss)| loss.is_finite())
        .collect();
    assert!(
        !finite.is_empty(),
        "the preset sweep should leave finite losses: {rows:?}"
    );
    finite
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(eta0, _)| *eta0)
        .unwrap_or_default()
}

#[tokio::test]
async fn exercise_right_and_wrong_answers() {
    let page = Page::open("exercises", "/").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;

    // Measure the answer the way a learner would: load the preset, run it,
    // and read the best η0 off the table.
    page.click("#exercise-best-rate-load").await;
    assert_eq!(page.value("#depths").await, "4", "the preset sets depth 4");
    page.wait_for_run_enabled(INPUT_TIMEOUT).await;
    page.click("#run").await;
    page.wait_for_state("done", RUN_TIMEOUT).await;
    let best = grid_best_rate(&page).await;
    println!("grid best η0 at depth 4: {best}");

    page.set_field("exercise-best-rate-answer", &best.to_string())
        .await;
    page.click("#exercise-best-rate-check").await;
    let (state, text) = wait_for_verdict(&page, "best-rate", RUN_TIMEOUT).await;
    println!("verdict for {best}: {state}: {text}");
    assert_eq!(state, "holds", "the measured best should hold: {text}");
    assert!(
        text.contains("Measured best η0 at depth 4"),
        "the verdict should show the measured value: {text}"
    );

    let wrong = best / 20.0;
    page.set_field("exercise-best-rate-answer", &wrong.to_string())
        .await;
    page.click("#exercise-best-rate-check").await;
    let (state, text) = wait_for_verdict(&page, "best-rate", RUN_TIMEOUT).await;
    println!("verdict for {wrong}: {state}: {text}");
    assert_eq!(state, "fails", "20× below the best should not hold: {text}");
    page.close().await;
}

/// An in-range answer to each exercise, right or wrong: the test checks
/// that every preset gives the check something to judge.
const SOME_ANSWERS: [(&str, &str); 4] = [
    ("best-rate", "0.1"),
    ("predict", "0.1"),
    ("diverge", "6"),
    ("sp-vs-mup", "mup"),
];

#[tokio::test]
async fn every_exercise_reaches_verdict() {
    let page = Page::open("exercise-all", "/").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    for (id, answer) in SOME_ANSWERS {
        let field = format!("exercise-{id}-answer");
        if id == "sp-vs-mup" {
            page.browser
                .execute(
                    "document.getElementById(arguments[0]).value = arguments[1];",
                    vec![field.clone().into(), answer.into()],
                )
                .await;
        } else {
            page.set_field(&field, answer).await;
        }
        let start = std::time::Instant::now();
        page.click(&format!("#exercise-{id}-check")).await;
        let (state, text) = wait_for_verdict(&page, id, RUN_TIMEOUT).await;
        println!(
            "exercise {id}, answer {answer}: {state} after {:.1} s: {text}",
            start.elapsed().as_secs_f64()
        );
        assert!(
            state == "holds" || state == "fails",
            "exercise {id}: the preset sweep should give a verdict: {state}: {text}"
        );
    }
    page.close().await;
}

#[tokio::test]
async fn exercise_rejects_bad_answers() {
    let page = Page::open("exercise-input", "/").await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;

    let cases = [
        ("abc", "not a number"),
        ("5000", "out of range"),
        ("", "missing"),
    ];
    for (typed, expected) in cases {
        page.set_field("exercise-predict-answer", typed).await;
        page.click("#exercise-predict-check").await;
        let message = page.text("#exercise-predict-error").await;
        assert!(
            message.contains(expected),
            "answer {typed:?}: message should say {expected:?}: {message:?}"
        );
        assert!(
            message.contains("1e-6") && message.contains("1e3"),
            "answer {typed:?}: message should name the range: {message:?}"
        );
        assert_eq!(
            page.attribute("#exercise-predict-answer", "aria-invalid")
                .await
                .as_deref(),
            Some("true"),
            "answer {typed:?} should mark the field invalid"
        );
    }
    page.set_field("exercise-diverge-answer", "2.5").await;
    page.click("#exercise-diverge-check").await;
    let message = page.text("#exercise-diverge-error").await;
    assert!(
        message.contains("2.5") && message.contains("1 to 64"),
        "a fractional depth should be rejected with the range: {message:?}"
    );
    let status = page.status().await;
    assert_eq!(status.state, "idle", "a bad answer must not start a sweep");
    assert!(status.panic.is_none(), "no panic: {:?}", status.panic);
    page.close().await;
}
