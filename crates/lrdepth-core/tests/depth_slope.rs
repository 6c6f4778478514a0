//! The fitted depth exponent of the best rate under SP, μP and μP + depth
//! rule, on the default task at width 64, depths 4 to 32, three seeds.

#![allow(clippy::print_stdout)]

use lrdepth_core::analysis::{RateKind, SlopeFit, express_rate, fit_depth_slope};
use lrdepth_core::{BestRate, Parametrization, SweepConfig, best_rates};

fn fitted_slope(parametrization: Parametrization, kind: RateKind) -> SlopeFit {
    let config = SweepConfig {
        parametrization,
        depths: vec![4, 8, 16, 32],
        seeds: 3,
        ..SweepConfig::default()
    };
    let best = best_rates(&config.run_all());
    let rate = |b: &BestRate| {
        express_rate(
            b.refined_eta0,
            b.depth,
            kind,
            parametrization,
            config.reference_depth,
        )
    };
    fit_depth_slope(&best, rate).expect("four depths of at least 4")
}

/// Bands and reasons: L^(-3/2) predicts −1.5 for μP, but small networks
/// trained for 200 steps follow the one-step law only roughly, so μP must
/// only be clearly negative (below −0.8). SP's best rate sits at the edge of
/// divergence and shrinks more slowly, so its slope must be above μP's.
/// Under the depth rule the base rate must stay nearly flat (|slope| < 0.5).
#[test]
fn slopes_order_sp_mup_rule() {
    let sp = fitted_slope(Parametrization::Standard, RateKind::Base);
    let mup = fitted_slope(Parametrization::Mup, RateKind::Base);
    let rule = fitted_slope(Parametrization::MupDepth, RateKind::Base);
    let rule_plain = fitted_slope(Parametrization::MupDepth, RateKind::Plain);
    for (name, fit) in [
        ("SP", &sp),
        ("μP", &mup),
        ("μP + depth rule, η0", &rule),
        ("μP + depth rule, plain η", &rule_plain),
    ] {
        println!(
            "{name}: slope {:.3}, per seed {:?}, interval {:?}",
            fit.slope, fit.per_seed, fit.interval
        );
    }
    assert!(
        mup.slope < -0.8,
        "μP slope {:.3} is not clearly negative",
        mup.slope
    );
    assert!(
        sp.slope > mup.slope,
        "SP slope {:.3} is not above μP's {:.3}",
        sp.slope,
        mup.slope
    );
    assert!(
        rule.slope.abs() < 0.5,
        "depth-rule slope {:.3} is not near 0",
        rule.slope
    );
}
