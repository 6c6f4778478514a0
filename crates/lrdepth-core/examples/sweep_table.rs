//! Prints the final loss of a sweep as a depth × η0 table, with the best η0
//! per depth, for μP and μP + depth rule.
//!
//! Settings come as `key=value` arguments, the same keys as the page's URL:
//! `cargo run --release -p lrdepth-core --example sweep_table -- width=64 steps=100`

#![allow(clippy::print_stdout)]

use std::time::Instant;

use lrdepth_core::{Parametrization, SweepConfig, best_rates};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pairs = args.iter().filter_map(|a| a.split_once('='));
    let outcome = SweepConfig::parse(pairs);
    if !outcome.errors.is_empty() {
        for error in &outcome.errors {
            eprintln!("error: {error}");
        }
        std::process::exit(2);
    }
    for parametrization in [Parametrization::Mup, Parametrization::MupDepth] {
        let config = SweepConfig {
            parametrization,
            ..outcome.config.clone()
        };
        let started = Instant::now();
        let results = config.run_all();
        let seconds = started.elapsed().as_secs_f64();
        println!("\n{} ({seconds:.2} s)", parametrization.label());
        let rates = config.eta0.values();
        print!("{:>6}", "depth");
        for eta in &rates {
            print!("{eta:>10.3}");
        }
        println!("{:>10}", "best");
        let best = best_rates(&results);
        for &depth in &config.depths {
            print!("{depth:>6}");
            for r in results.iter().filter(|r| r.depth == depth) {
                if r.diverged {
                    print!("{:>10}", "div");
                } else {
                    print!("{:>10.4}", r.final_loss);
                }
            }
            match best.iter().find(|b| b.depth == depth) {
                Some(b) => println!("{:>10.3}", b.refined_eta0),
                None => println!("{:>10}", "-"),
            }
        }
    }
}
