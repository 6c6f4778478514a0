//! Tests of the link keys and the embed code, run in headless Chromium
//! with the other browser tests.

#![cfg(target_arch = "wasm32")]

use lrdepth_core::{Field, SweepConfig};
use lrdepth_web::embed::{RESIZE_SCRIPT, embed_code};
use lrdepth_web::link::{LinkOptions, Plot, Section, link_pairs};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[wasm_bindgen_test]
fn old_link_needs_no_note() {
    let parsed = LinkOptions::parse(&pairs(&[("width", "8"), ("run", "1")]));
    assert_eq!(parsed.notes, Vec::<String>::new());
    assert!(parsed.options.run);
    assert_eq!(parsed.options.plot, None);
}

#[wasm_bindgen_test]
fn page_keys_round_trip() {
    let options = LinkOptions {
        plot: Some(Plot::Probe),
        hide: vec![Field::Width, Field::Steps],
        lock: vec![Field::Parametrization],
        embed: true,
        show: vec![Section::Table],
        run: false,
    };
    let written = link_pairs(SweepConfig::default().pairs(), &options);
    assert_eq!(
        written[0],
        ("v", "1".to_string()),
        "the version comes first"
    );
    let text: Vec<(String, String)> = written
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let parsed = LinkOptions::parse(&text);
    assert_eq!(parsed.notes, Vec::<String>::new());
    assert_eq!(parsed.options, options);
    let config = SweepConfig::parse(text.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(config.config, SweepConfig::default());
}

#[wasm_bindgen_test]
fn unknown_names_become_notes() {
    let parsed = LinkOptions::parse(&pairs(&[
        ("v", "2"),
        ("hide", "width, colour"),
        ("lock", "param,param"),
        ("plot", "pie"),
        ("zoom", "3"),
        ("zoom", "4"),
    ]));
    assert_eq!(parsed.options.hide, vec![Field::Width]);
    assert_eq!(parsed.options.lock, vec![Field::Parametrization]);
    assert_eq!(parsed.options.plot, None);
    let notes = parsed.notes.join("\n");
    assert_eq!(parsed.notes.len(), 4, "{notes}");
    assert!(notes.contains("v=2"), "{notes}");
    assert!(notes.contains("\"colour\""), "{notes}");
    assert!(notes.contains("\"pie\""), "{notes}");
    assert!(notes.contains("key \"zoom\","), "{notes}");
}

#[wasm_bindgen_test]
fn long_lists_are_cut_in_notes() {
    let names: Vec<String> = (0..500).map(|i| format!("bogus{i}")).collect();
    let long_name = "x".repeat(1000);
    let parsed = LinkOptions::parse(&pairs(&[("hide", &names.join(",")), (&long_name, "1")]));
    assert_eq!(parsed.notes.len(), 2, "{:?}", parsed.notes);
    assert!(
        parsed.notes[0].contains("and 492 more"),
        "{}",
        parsed.notes[0]
    );
    assert!(parsed.notes[0].len() < 400, "{}", parsed.notes[0]);
    assert!(parsed.notes[1].len() < 200, "{}", parsed.notes[1]);
}

#[wasm_bindgen_test]
fn invalid_version_is_read_as_current() {
    let parsed = LinkOptions::parse(&pairs(&[("v", "one")]));
    assert_eq!(parsed.notes.len(), 1);
    assert!(parsed.notes[0].contains("\"one\""), "{:?}", parsed.notes);
}

#[wasm_bindgen_test]
fn embed_code_escapes_url() {
    let code = embed_code("http://127.0.0.1:8080/?v=1&embed=1&eta0=0.1%2C1");
    assert!(
        code.contains("src=\"http://127.0.0.1:8080/?v=1&amp;embed=1&amp;eta0=0.1%2C1\""),
        "{code}"
    );
    assert!(code.contains(RESIZE_SCRIPT));
    assert!(code.contains("allow=\"clipboard-write\""));
}
