"""The modern LeNet-5: its size, its rows, its one-cycle schedule, its determinism."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.layers import count_parameters
from lenet_tutorial.models.modern_lenet5 import ModernLeNet5
from lenet_tutorial.recipes.modern_lenet5 import (
    CHANGES,
    MODERN,
    LeNet5Change,
    build,
    make_optimizer,
    train_modern_lenet5,
)


def test_the_modern_lenet5_has_52044_parameters_fewer_than_lenet5s_60000():
    # C1 6x25 weights + BN 12, C3 16x150 + 32, C5 120x400 + 240, output 120x10 + 10
    assert count_parameters(build(MODERN)) == 52_044 <= 60_000


def test_every_row_stays_under_lenet5s_60000_parameters():
    for change in CHANGES:
        assert count_parameters(build(change)) <= 60_000, change.name


def test_every_row_maps_32x32_digits_to_10_logits():
    x = torch.randn(3, 1, 32, 32)
    for change in CHANGES:
        model = build(change)
        model.eval()
        assert model(x).shape == (3, 10), change.name


def test_rows_change_one_thing_at_a_time_in_order():
    fields = ("activation", "pooling", "batch_norm", "optimizer", "affine", "dropout")  # lr: tuned per row
    for before, after in zip(CHANGES, CHANGES[1:]):
        changed = [f for f in fields if getattr(before, f) != getattr(after, f)]
        assert len(changed) == 1, (after.name, changed)


def test_relu_and_max_pooling_replace_the_papers_layers():
    model = ModernLeNet5(activation="relu", pooling="max")
    kinds = {type(m).__name__ for m in model.modules()}
    assert {"ReLU", "MaxPool2d", "BatchNorm2d"} <= kinds
    assert not {"ScaledTanh", "SubsamplingLayer"} & kinds
    old = ModernLeNet5(activation="tanh", pooling="subsampling", batch_norm=False)
    assert {"ScaledTanh", "SubsamplingLayer"} <= {type(m).__name__ for m in old.modules()}


def test_bad_input_and_settings_are_clear_errors():
    with pytest.raises(ValueError, match=r"\[N, 1, 32, 32\]"):
        ModernLeNet5()(torch.zeros(2, 1, 28, 28))
    with pytest.raises(ValueError, match="activation"):
        ModernLeNet5(activation="gelu")
    with pytest.raises(ValueError, match="pooling"):
        ModernLeNet5(pooling="average")
    with pytest.raises(ValueError, match="probability"):
        ModernLeNet5(dropout=1.0)
    with pytest.raises(ValueError, match="optimizer"):
        make_optimizer(LeNet5Change("x", "", optimizer="lbfgs"), ModernLeNet5(), updates=10)


def test_the_one_cycle_rate_rises_to_its_peak_then_falls_to_almost_nothing():
    model = ModernLeNet5()
    optimizer = make_optimizer(MODERN, model, updates=100, lr=1e-2)
    rates = []
    for _ in range(100):  # exactly the planned number of updates: no error at the end
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
    peak = max(range(100), key=rates.__getitem__)
    assert 20 <= peak <= 40 and rates[peak] == pytest.approx(1e-2, rel=0.05)
    assert rates[0] < rates[peak] / 10 and rates[-1] < rates[peak] / 1000
    optimizer.step()  # an extra update keeps the last rate instead of failing


def small_mnist_like(n=256, seed=0):
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 10, (n,), generator=g)
    images = torch.full((n, 1, 32, 32), -0.1)
    for digit in range(10):  # a different bar per class: learnable in a few passes
        images[labels == digit, :, 4 + 2 * digit : 6 + 2 * digit, 6:26] = 1.175
    return images, labels


def test_training_a_row_twice_gives_identical_networks_and_learns():
    data = small_mnist_like()
    a, history = train_modern_lenet5(MODERN, data, passes=3, test_data=data, progress=False)
    b, _ = train_modern_lenet5(MODERN, data, passes=3, test_data=data, progress=False)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert history["train_error"][:-1] == [None, None]  # measured after the last pass only
    assert history.last["train_error"] < 0.5


def test_the_first_row_trains_with_the_papers_layers_and_sgd():
    data = small_mnist_like()
    model, history = train_modern_lenet5(CHANGES[0], data, passes=2, progress=False)
    assert isinstance(model, ModernLeNet5) and len(history) == 2
