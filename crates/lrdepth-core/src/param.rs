//! Parametrizations: how each layer's weights are initialised, multiplied in
//! the forward pass and updated.
//!
//! Every parametrization is written in the abc form: layer `l` stores raw
//! weights drawn from N(0, init_std²), multiplies them by `multiplier` in the
//! forward pass and updates them with its own `learning_rate`. The table is the
//! standard one for plain gradient descent (He init for SP; μP as in Yang and
//! Hu, Tensor Programs V, SGD column), with the depth rule of Jelassi, Hanin
//! et al. (2023): η = η0·(L/L_ref)^(-3/2) on the first and hidden layers.

use serde::{Deserialize, Serialize};

/// Exponent of the depth rule: the μP learning rate scales like L^(-3/2).
pub const DEPTH_EXPONENT: f64 = -1.5;

/// Scheme of weight initialisation and of learning-rate scaling with width and depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Parametrization {
    /// Standard parametrization with He init: one learning rate everywhere.
    Standard,
    /// Neural tangent parametrization: unit Gaussian weights, sqrt(2/fan_in)
    /// multipliers (sqrt(1/n) on the readout), one learning rate everywhere.
    Ntk,
    /// Maximal update (mean-field) parametrization, no depth correction.
    Mup,
    /// μP with the base rate scaled by (L/L_ref)^(-3/2) on the first and
    /// hidden layers.
    MupDepth,
}

impl Parametrization {
    pub const ALL: [Parametrization; 4] = [
        Parametrization::Standard,
        Parametrization::Ntk,
        Parametrization::Mup,
        Parametrization::MupDepth,
    ];

    /// Short key used in URLs and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Parametrization::Standard => "sp",
            Parametrization::Ntk => "ntk",
            Parametrization::Mup => "mup",
            Parametrization::MupDepth => "mup-depth",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// Human-readable name for labels and legends.
    pub fn label(self) -> &'static str {
        match self {
            Parametrization::Standard => "standard (SP, He init)",
            Parametrization::Ntk => "NTK",
            Parametrization::Mup => "μP",
            Parametrization::MupDepth => "μP + depth rule",
        }
    }
}

/// Group of a weight matrix. Matrices of one group share their scaling rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LayerGroup {
    /// Input to first hidden layer, shape n0 → n.
    First,
    /// Hidden to hidden, shape n → n.
    Hidden,
    /// Last hidden layer to the scalar output, shape n → 1.
    Readout,
}

/// Scaling of one weight matrix.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerScales {
    /// Standard deviation of the raw weights at initialisation.
    pub init_std: f64,
    /// Factor applied to the raw weights in the forward pass.
    pub multiplier: f64,
    /// Learning rate applied to the raw weights.
    pub learning_rate: f64,
}

/// Shape of a network and the base rate, all that the scaling rules depend on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScalingInputs {
    /// Input dimension n0.
    pub input_dim: usize,
    /// Units per hidden layer n.
    pub width: usize,
    /// Number of hidden layers L.
    pub depth: usize,
    /// Depth at which η0 equals the plain rate under the depth rule.
    pub reference_depth: usize,
    /// Base learning rate η0 picked by the user.
    pub eta0: f64,
}

impl Parametrization {
    /// Returns the plain rate η of the first and hidden layers: η0 itself,
    /// except under the depth rule, where it is η0·(L/L_ref)^(-3/2).
    pub fn plain_rate(self, inputs: &ScalingInputs) -> f64 {
        match self {
            Parametrization::MupDepth => {
                let ratio = inputs.depth as f64 / inputs.reference_depth as f64;
                inputs.eta0 * ratio.powf(DEPTH_EXPONENT)
            }
            _ => inputs.eta0,
        }
    }

    /// Returns the init, multiplier and learning rate of one layer group.
    pub fn scales(self, group: LayerGroup, inputs: &ScalingInputs) -> LayerScales {
        let n0 = inputs.input_dim as f64;
        let n = inputs.width as f64;
        let eta = self.plain_rate(inputs);
        let plain = |init_var: f64, learning_rate: f64| LayerScales {
            init_std: init_var.sqrt(),
            multiplier: 1.0,
            learning_rate,
        };
        match (self, group) {
            (Parametrization::Standard, LayerGroup::First) => plain(2.0 / n0, eta),
            (Parametrization::Standard, LayerGroup::Hidden) => plain(2.0 / n, eta),
            (Parametrization::Standard, LayerGroup::Readout) => plain(1.0 / n, eta),
            (Parametrization::Ntk, group) => {
                let gain = match group {
                    LayerGroup::First => 2.0 / n0,
                    LayerGroup::Hidden => 2.0 / n,
                    LayerGroup::Readout => 1.0 / n,
                };
                LayerScales {
                    init_std: 1.0,
                    multiplier: gain.sqrt(),
                    learning_rate: eta,
                }
            }
            (_, LayerGroup::First) => plain(2.0 / n0, eta * n / n0),
            (_, LayerGroup::Hidden) => plain(2.0 / n, eta),
            // The depth rule scales the first and hidden layers only; the
            // readout keeps η0/n.
            (_, LayerGroup::Readout) => plain(1.0 / (n * n), inputs.eta0 / n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(depth: usize) -> ScalingInputs {
        ScalingInputs {
            input_dim: 16,
            width: 64,
            depth,
            reference_depth: 4,
            eta0: 0.5,
        }
    }

    #[test]
    fn keys_round_trip() {
        for p in Parametrization::ALL {
            assert_eq!(Parametrization::from_key(p.key()), Some(p));
        }
        assert_eq!(Parametrization::from_key("adam"), None);
    }

    #[test]
    fn depth_rule_is_identity_at_reference_depth() {
        let p = Parametrization::MupDepth;
        assert_eq!(p.plain_rate(&inputs(4)), 0.5);
        let deep = p.plain_rate(&inputs(32));
        assert!((deep - 0.5 * 8f64.powf(-1.5)).abs() < 1e-12);
    }

    #[test]
    fn depth_rule_spares_readout() {
        let s = |g| Parametrization::MupDepth.scales(g, &inputs(16));
        let rule = 0.5 * 4f64.powf(-1.5);
        assert!((s(LayerGroup::Hidden).learning_rate - rule).abs() < 1e-12);
        assert!((s(LayerGroup::First).learning_rate - rule * 64.0 / 16.0).abs() < 1e-12);
        assert_eq!(s(LayerGroup::Readout).learning_rate, 0.5 / 64.0);
    }

    #[test]
    fn mup_rates_scale_with_width() {
        let s = |g| Parametrization::Mup.scales(g, &inputs(8));
        assert_eq!(s(LayerGroup::First).learning_rate, 0.5 * 64.0 / 16.0);
        assert_eq!(s(LayerGroup::Hidden).learning_rate, 0.5);
        assert_eq!(s(LayerGroup::Readout).learning_rate, 0.5 / 64.0);
        assert_eq!(s(LayerGroup::Readout).init_std, 1.0 / 64.0);
    }
}
