"""33 years later: the modernised 1989 network, the one-pixel shift, cross-entropy's curvature."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.layers import ScaledTanh, count_parameters
from lenet_tutorial.losses import SoftmaxCrossEntropy
from lenet_tutorial.models.zip1989_modern import ModernZipCodeNet
from lenet_tutorial.recipes.zip1989_modern import (
    CHANGES,
    ZipCodeChange,
    linear_decay,
    shift_by_one_pixel,
    train_change,
)


def test_every_modern_variant_keeps_the_9760_parameters_of_1989():
    for kwargs in ({}, {"activation": "relu"}, {"dropout": 0.25}, {"logits": False}):
        assert count_parameters(ModernZipCodeNet(**kwargs)) == 9_760


def test_relu_replaces_every_squashing_unit_and_logits_are_unbounded():
    model = ModernZipCodeNet(activation="relu")
    assert not any(isinstance(m, ScaledTanh) for m in model.modules())
    with torch.no_grad():
        model.output.bias.fill_(5.0)
    assert model(torch.zeros(2, 16, 16)).max() > 1.7159  # no squashing on the way out


def test_dropout_acts_only_while_training():
    model = ModernZipCodeNet(dropout=0.5)
    x = torch.randn(4, 16, 16)
    model.eval()
    assert torch.equal(model(x), model(x))
    model.train()
    torch.manual_seed(0)
    assert not torch.equal(model(x), model(x))


def test_bad_settings_are_clear_errors():
    with pytest.raises(ValueError, match="activation"):
        ModernZipCodeNet(activation="gelu")
    with pytest.raises(ValueError, match="probability"):
        ModernZipCodeNet(dropout=1.0)
    with pytest.raises(ValueError, match="images"):
        shift_by_one_pixel(torch.zeros(16, 16), torch.Generator())
    data = (torch.zeros(4, 16, 16), torch.arange(4))
    with pytest.raises(
        ValueError, match="no shifts"
    ):  # the per-pattern engine row trains on the digits as they are
        train_change(ZipCodeChange("shifted SDLM", 1, shift=True), data)


def test_a_shift_moves_each_digit_by_at_most_one_pixel_and_never_wraps_around():
    images = torch.full((500, 16, 16), -1.0)
    images[:, 0, 5] = 1.0  # ink on the top edge
    images[:, 8, 15] = 0.5  # and on the right edge
    shifted = shift_by_one_pixel(images, torch.Generator().manual_seed(0))
    for after in shifted:
        # where the right-edge pixel survived, it moved by at most one pixel
        ink = (after == 0.5).nonzero()
        if len(ink):
            (y, x) = ink[0].tolist()
            assert abs(y - 8) <= 1 and x in (14, 15)
        # nothing ever appears on the opposite edge: no wrap-around
        assert (after[-1] == -1).all() and (after[:, 0] == -1).all()
    moved = (shifted != images).flatten(1).any(1).double().mean()
    assert 0.8 < moved < 0.95  # 8 of the 9 shifts move the digit
    # the total ink is kept unless it was pushed out
    assert set(shifted.unique().tolist()) <= {-1.0, 0.5, 1.0}


def test_shifts_are_reproducible_from_the_generator_and_keep_shapes():
    images = torch.randn(10, 1, 16, 16)
    a = shift_by_one_pixel(images, torch.Generator().manual_seed(4))
    b = shift_by_one_pixel(images, torch.Generator().manual_seed(4))
    assert a.shape == images.shape and torch.equal(a, b)


def test_cross_entropy_curvature_is_the_diagonal_of_its_hessian():
    loss = SoftmaxCrossEntropy()
    outputs = torch.randn(1, 10, dtype=torch.double)
    label = torch.tensor([3])
    hessian = torch.autograd.functional.hessian(lambda o: loss(o, label), outputs)
    assert torch.allclose(loss.output_curvature(outputs)[0], hessian.reshape(10, 10).diagonal())


def test_linear_decay_goes_from_the_rate_to_a_third_of_it():
    rate = linear_decay(3e-4, 46)
    assert rate(1) == pytest.approx(3e-4) and rate(46) == pytest.approx(1e-4)
    assert rate(1) > rate(20) > rate(46)


def test_the_changes_accumulate_in_karpathys_order():
    assert [c.passes for c in CHANGES] == [23, 46, 60, 80, 80]
    assert CHANGES[-1] == ZipCodeChange(
        CHANGES[-1].name, passes=80, optimizer="adamw", shift=True, dropout=0.25, activation="relu"
    )
    for before, after in zip(CHANGES, CHANGES[1:]):
        assert after.shift >= before.shift and after.dropout >= before.dropout


@pytest.mark.parametrize("change", [CHANGES[0], CHANGES[-1]], ids=["sdlm", "adamw"])
def test_each_kind_of_row_trains_deterministically(change):
    g = torch.Generator().manual_seed(0)
    data = (torch.rand(64, 16, 16, generator=g) * 2 - 1, torch.arange(64) % 10)
    short = ZipCodeChange(
        change.name, 2, change.logits, change.optimizer, change.shift, change.dropout, change.activation
    )
    (m1, h1), (m2, h2) = (train_change(short, data, progress=False) for _ in range(2))
    assert len(h1) == 2 and h1["train_loss"] == h2["train_loss"]
    assert all(torch.equal(p, q) for p, q in zip(m1.parameters(), m2.parameters()))
