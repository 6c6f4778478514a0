#!/usr/bin/env python3
"""Check the core's MLP maths on small cases against NumPy.

Usage: check_mlp.py CASEFILE

CASEFILE is the JSON written by crates/lrdepth-core/tests/numpy_check.rs. It
contains a list of cases, each with the inputs, targets, weights, multipliers
and learning rates of one network and the core's loss, output,
pre-activations, gradients, weights after one gradient step and loss after
that step. This script recomputes each of those in NumPy from the model
definition alone and compares them to the core's values.

The model, for weight matrices W_0 .. W_L stored (fan_in, fan_out) and
multipliers a_0 .. a_L: h_0 = X, z_(k+1) = a_k·h_k·W_k, h_k = relu(z_k),
f = a_L·h_L·W_L with k outputs, loss = ½·mean((f − y)²), the mean
running over the samples and the outputs. One gradient step is
W_k ← W_k − lr_k·dloss/dW_k.

Exit status: 0 when every quantity matches, 1 on any mismatch, 2 when numpy
is missing or the case file is invalid.
"""

import json
import sys

try:
    import numpy as np
except ImportError:
    print(
        "check_mlp.py: numpy is missing. Run `pip install numpy` "
        "(scripts/setup.sh installs it).",
        file=sys.stderr,
    )
    sys.exit(2)

REL_TOL = 1e-6

# Entries that are sums of order-1 terms cancelling to nearly zero keep a
# rounding error of about 1e-16 times those terms, whatever their own size,
# so their relative error means nothing. Magnitudes below NEAR_ZERO count as
# NEAR_ZERO, which makes the tolerance for them an absolute 1e-12.
NEAR_ZERO = 1e-6


class InvalidCase(Exception):
    """A case file that lacks a field or has inconsistent shapes."""


def relu(x):
    return np.maximum(x, 0.0)


def forward(inputs, weights, multipliers):
    """Run the network and return the activations h_0 .. h_L, the
    pre-activations z_1 .. z_L and the output f of shape (B, k)."""
    activations = [inputs]
    pre_activations = []
    for a, w in zip(multipliers[:-1], weights[:-1]):
        z = a * (activations[-1] @ w)
        pre_activations.append(z)
        activations.append(relu(z))
    output = multipliers[-1] * (activations[-1] @ weights[-1])
    return activations, pre_activations, output


def mse_loss(output, targets):
    return 0.5 * np.mean((output - targets) ** 2)


def gradients(activations, pre_activations, output, targets, weights, multipliers):
    """Backpropagate ½·mean((f − y)²) to every weight matrix.

    Matrix k maps h_k to u_k = a_k·h_k·W_k, where u_k is z_(k+1) for k < L and
    f for k = L. With g = dloss/du_k, the chain rule gives
    dloss/dW_k = a_k·h_kᵀ·g and dloss/dh_k = a_k·g·W_kᵀ, and the ReLU passes
    dloss/dz_k = dloss/dh_k where z_k > 0 and zero elsewhere.
    """
    g = (output - targets) / targets.size
    grads = [None] * len(weights)
    for k in reversed(range(len(weights))):
        grads[k] = multipliers[k] * (activations[k].T @ g)
        if k > 0:
            g = multipliers[k] * (g @ weights[k].T)
            g = g * (pre_activations[k - 1] > 0.0)
    return grads


def compare(core, expected):
    """Compare the core's values to NumPy's.

    Return the largest relative error, with magnitudes below NEAR_ZERO taken
    as NEAR_ZERO, and a description of the entry where it occurs. A NaN in
    either array, or a shape that differs, gives an infinite error.
    """
    core = np.asarray(core, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if core.shape != expected.shape:
        return float("inf"), f"shape {core.shape} in the core, {expected.shape} in NumPy"
    if core.size == 0:
        return 0.0, "no entries"
    scale = np.maximum(np.maximum(np.abs(core), np.abs(expected)), NEAR_ZERO)
    errors = np.abs(core - expected) / scale
    errors = np.where(np.isnan(errors), np.inf, errors)
    index = np.unravel_index(np.argmax(errors), errors.shape)
    position = f" at {tuple(int(i) for i in index)}" if index else ""
    detail = f"core {float(core[index])!r}, NumPy {float(expected[index])!r}{position}"
    return float(errors[index]), detail


def field(case, name):
    try:
        return case[name]
    except KeyError:
        raise InvalidCase(f"missing field {name!r}") from None


def check_case(case):
    """Recompute one case and return (quantity, core value, NumPy value) triples."""
    inputs = np.array(field(case, "inputs"), dtype=float)
    targets = np.array(field(case, "targets"), dtype=float)
    weights = [np.array(w, dtype=float) for w in field(case, "weights")]
    multipliers = [float(a) for a in field(case, "multipliers")]
    rates = [float(r) for r in field(case, "learning_rates")]
    depth = int(field(case, "depth"))
    core = field(case, "core")
    core_pre = field(core, "pre_activations")
    core_grads = field(core, "gradients")
    core_stepped = [np.array(w, dtype=float) for w in field(core, "weights_after_step")]

    if inputs.ndim != 2 or targets.ndim != 2 or targets.shape[0] != inputs.shape[0]:
        raise InvalidCase(
            f"inputs of shape {inputs.shape} do not fit targets of shape {targets.shape}"
        )
    expected_counts = [
        ("weights", weights, depth + 1),
        ("multipliers", multipliers, depth + 1),
        ("learning_rates", rates, depth + 1),
        ("core.pre_activations", core_pre, depth),
        ("core.gradients", core_grads, depth + 1),
        ("core.weights_after_step", core_stepped, depth + 1),
    ]
    for name, values, count in expected_counts:
        if len(values) != count:
            raise InvalidCase(
                f"{name} has {len(values)} entries at depth {depth}, expected {count}"
            )

    activations, pre, output = forward(inputs, weights, multipliers)
    loss = mse_loss(output, targets)
    grads = gradients(activations, pre, output, targets, weights, multipliers)
    updates = [lr * g for lr, g in zip(rates, grads)]
    stepped = [w - u for w, u in zip(weights, updates)]
    _, _, stepped_output = forward(inputs, stepped, multipliers)
    stepped_loss = mse_loss(stepped_output, targets)
    # The update is far smaller than the weights, so comparing only the weights
    # after the step could hide a small error in the learning rate.
    core_updates = [w - c for w, c in zip(weights, core_stepped)]

    pairs = [
        ("loss", field(core, "loss"), loss),
        ("output", field(core, "output"), output),
    ]
    for k in range(depth):
        pairs.append((f"z_{k + 1}", core_pre[k], pre[k]))
    for k in range(depth + 1):
        pairs.append((f"grad W_{k}", core_grads[k], grads[k]))
    for k in range(depth + 1):
        pairs.append((f"W_{k} update", core_updates[k], updates[k]))
    for k in range(depth + 1):
        pairs.append((f"W_{k} after step", core_stepped[k], stepped[k]))
    pairs.append(("loss after step", field(core, "loss_after_step"), stepped_loss))
    return pairs


def main(argv):
    if len(argv) != 2:
        print("usage: check_mlp.py CASEFILE", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        with open(path, encoding="utf-8") as file:
            cases = json.load(file)["cases"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"check_mlp.py: failed to read cases from {path}: {error}", file=sys.stderr)
        return 2

    mismatches = []
    for case in cases:
        label = (
            f"{case.get('parametrization', '?')} depth {case.get('depth', '?')}, "
            f"{case.get('outputs', '?')} outputs"
        )
        try:
            results = [(name, *compare(c, e)) for name, c, e in check_case(case)]
        except (InvalidCase, ValueError, TypeError) as error:
            print(f"check_mlp.py: invalid case {label} in {path}: {error}", file=sys.stderr)
            return 2
        print(f"{label}: worst relative error per quantity")
        for name, error, detail in results:
            if error <= REL_TOL:
                print(f"  {name:<16} {error:.2e}")
            else:
                print(f"  {name:<16} {error:.2e}  MISMATCH")
                mismatches.append(f"{label}, {name}: {detail}, relative error {error:.2e}")

    if mismatches:
        print(
            f"FAILED: quantities that differ by more than {REL_TOL:g} relative: "
            f"{len(mismatches)}"
        )
        for line in mismatches:
            print(f"  {line}")
        return 1
    print(f"all {len(cases)} cases match NumPy to {REL_TOL:g} relative")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
