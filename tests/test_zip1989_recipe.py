"""The 1989 recipe as one function: SN2.8's standard training, 23 per-pattern passes in the data
set's order, repeatable; and the same criterion and method for the networks that followed."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.engine.training import RunningAverage, train
from lenet_tutorial.layers import FullyConnected, ScaledTanh, sn28_initialisation_
from lenet_tutorial.models import LeNet1, ZipCodeNet1989
from lenet_tutorial.recipes import lenet1_mnist as lenet1_mnist_recipe
from lenet_tutorial.recipes import zip1989 as zip1989_recipe
from lenet_tutorial.recipes.lenet1_mnist import train_lenet1_mnist
from lenet_tutorial.recipes.zip1989 import PASSES, train_as_in_1989, train_zip1989


def _bright_rows(n: int, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` digits of ``size`` x ``size``: one bright row per class, a little noise."""
    g = torch.Generator().manual_seed(0)
    labels = torch.arange(n) % 10
    images = torch.full((n, 1, size, size), -1.0)
    for k in range(10):
        images[labels == k, 0, k + 3, 2 : size - 2] = 1.0
    return images + 0.05 * torch.randn(images.shape, generator=g), labels


def test_the_1989_recipe_makes_23_passes_and_repeats_itself_exactly():
    images, labels = _bright_rows(40, 16)
    images = images[:, 0]  # the 1989 network reads [N, 16, 16]
    (m1, h1), (m2, h2) = (train_zip1989((images, labels)) for _ in range(2))
    assert len(h1) == PASSES == 23
    assert h1["train_loss"] == h2["train_loss"]
    assert all(torch.equal(p, q) for p, q in zip(m1.parameters(), m2.parameters()))
    assert h1["train_error"][-1] < h1["train_error"][0]


def test_the_1989_recipe_is_sn28s_standard_training_on_the_engine():
    # sn28.hlp's standard values, for SN2.8's criterion 1/2 sum (d - y)^2
    assert (zip1989_recipe.EPSILON, zip1989_recipe.MU, zip1989_recipe.GAMMA) == (0.0005, 0.05, 0.05)
    images, labels = _bright_rows(30, 16)
    images = images[:, 0]
    model, history = train_as_in_1989(ZipCodeNet1989, (images, labels), seed=3, passes=2)
    torch.manual_seed(3)
    by_hand = sn28_initialisation_(ZipCodeNet1989())
    again = train(by_hand, (images, labels), criterion="squared_error", passes=2, schedule=lambda e: 0.0005,
                  mu=2 * 0.05, curvature=RunningAverage(0.05), order="dataset")  # fmt: skip
    assert history.rows[-1]["train_loss"] == again.rows[-1]["train_loss"]
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), by_hand.parameters()))
    assert history.train_error_measured == "on_the_fly"


def test_the_1989_recipe_trains_lenet1_as_the_lenet1_chapter_does():
    # LeNet-1's chapter: "the same method for both networks", the same function with another network
    images, labels = _bright_rows(40, 28)
    model, history = train_as_in_1989(LeNet1, (images, labels))
    assert isinstance(model, LeNet1) and len(history) == PASSES
    assert history["train_error"][-1] < history["train_error"][0]


def test_lenet1_on_mnist_is_the_usps_recipe_for_40_passes_in_one_kept_random_order():
    # 40 passes, chosen on validation over LeNet-5's 20 (the MNIST chapter's table)
    images, labels = _bright_rows(40, 28)
    model, history = train_lenet1_mnist((images, labels), seed=2, passes=3)
    again, _ = train_as_in_1989(LeNet1, (images, labels), seed=2, passes=3, order="fixed")
    assert isinstance(model, LeNet1) and lenet1_mnist_recipe.PASSES == 40 and len(history) == 3
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), again.parameters()))
    in_dataset_order, _ = train_as_in_1989(LeNet1, (images, labels), seed=2, passes=3)
    assert not torch.equal(model.output.weight, in_dataset_order.output.weight)  # the order matters


def test_the_1998_schedule_lowers_sn28s_epsilon_in_the_proportions_of_lenet5s():
    from lenet_tutorial.recipes.zip1989 import decrease_1998

    assert [decrease_1998(epoch) for epoch in (1, 2, 3, 6, 9, 13, 20)] == [1, 1, 0.4, 0.2, 0.1, 0.02, 0.02]
    images, labels = _bright_rows(30, 16)
    images = images[:, 0]
    _, constant = train_as_in_1989(ZipCodeNet1989, (images, labels), passes=3)
    _, decreasing = train_as_in_1989(ZipCodeNet1989, (images, labels), passes=3, schedule="1998")
    assert constant.rows[1]["train_loss"] == decreasing.rows[1]["train_loss"]  # the same first 2 passes
    assert constant.rows[2]["train_loss"] != decreasing.rows[2]["train_loss"]
    with pytest.raises(ValueError, match="schedule must be one of"):
        train_as_in_1989(ZipCodeNet1989, (images, labels), schedule="cosine")


def test_the_papers_mse_is_sn28s_half_squared_error_averaged_over_patterns_and_outputs():
    outputs = -torch.ones(2, 10).numpy()
    outputs[0, 3] = 1.0  # pattern 0 (a 3) answered exactly
    labels = torch.tensor([3, 7])  # pattern 1 (a 7): its one +1 target missed by 2
    # SN2.8: 1/2 * 2^2 = 2 for pattern 1, over its 10 outputs 0.2; averaged with pattern 0's 0
    assert zip1989_recipe.mean_squared_error(outputs, labels) == pytest.approx(0.1)


def test_sn28s_per_unit_rates_follow_each_units_fan_in_and_sharing():
    # sn28.hlp: (epsi x) x / F_i, (epsi-sqrt x) x / sqrt(F_i), (mask-epsi x) x / sqrt(F_i s_i);
    # F_i counts the bias unit, s_i the connections sharing the unit's weights
    rates = {
        rule: zip1989_recipe.unit_rates(ZipCodeNet1989(), (16, 16), rule)
        for rule in ("epsi", "epsi-sqrt", "mask-epsi")
    }
    fan_in = {"h1": 26, "h2": 8 * 25 + 1, "h3": 192 + 1, "output": 30 + 1}
    sharing = {"h1": 64, "h2": 16, "h3": 1, "output": 1}  # H1's weights at 8x8 places, H2's at 4x4
    for layer, f in fan_in.items():
        for kind in ("weight", "bias"):  # a bias is a connection into the unit, at its rate
            name = f"{layer}.{kind}"
            assert rates["epsi"][name] == pytest.approx(1 / f)
            assert rates["epsi-sqrt"][name] == pytest.approx(f**-0.5)
            assert rates["mask-epsi"][name] == pytest.approx((f * sharing[layer]) ** -0.5)
    lenet1 = zip1989_recipe.unit_rates(LeNet1(), (1, 28, 28), "epsi-sqrt")
    assert lenet1["h2.weight"] == pytest.approx(5**-0.5)  # a 2x2 block through one coefficient, and a bias
    # H3's maps read one H2 map or two: 1 + 25 or 1 + 50 inputs
    assert sorted(set(lenet1["h3.bias"].round(6))) == pytest.approx([51**-0.5, 26**-0.5], abs=1e-6)
    with pytest.raises(ValueError, match="rule must be one of"):
        zip1989_recipe.unit_rates(ZipCodeNet1989(), (16, 16), "uniform")


def test_a_per_unit_rate_is_the_standard_rule_with_that_units_epsilon():
    # A network whose units all have one fan-in: epsi-sqrt with x is the uniform rule with x / sqrt(F)
    data = _bright_rows(30, 16)

    def network():
        return torch.nn.Sequential(torch.nn.Flatten(), FullyConnected(256, 10), ScaledTanh())

    per_unit, _ = train_as_in_1989(network, data, passes=2, epsilon=0.01, rates="epsi-sqrt")
    uniform, _ = train_as_in_1989(network, data, passes=2, epsilon=0.01 / 257**0.5)
    for p, q in zip(per_unit.parameters(), uniform.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-7)
    one_rate, _ = train_as_in_1989(network, data, passes=2, epsilon=0.01)
    assert not torch.allclose(per_unit[1].weight, one_rate[1].weight, rtol=1e-3)
    with pytest.raises(ValueError, match="rates must be one of"):
        train_as_in_1989(network, data, rates="per-layer")


def test_the_comparison_row_is_the_1989_recipe_with_sn28s_rates_over_the_square_root_of_the_fan_in():
    from lenet_tutorial.recipes import zip1989_unit_rates
    from lenet_tutorial.recipes.zip1989_unit_rates import train_zip1989_unit_rates

    rule, x = zip1989_unit_rates.RATES, zip1989_unit_rates.EPSILON
    assert (rule, x) == ("epsi-sqrt", 0.0025)  # chosen on validation
    images, labels = _bright_rows(30, 16)
    images = images[:, 0]
    model, history = train_zip1989_unit_rates((images, labels), seed=1)
    again, _ = train_as_in_1989(ZipCodeNet1989, (images, labels), seed=1, epsilon=0.0025, rates="epsi-sqrt")
    assert len(history) == PASSES
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), again.parameters()))
