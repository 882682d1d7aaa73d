"""The 1989 recipe as one function: SN2.8's standard training, 23 per-pattern passes in the data
set's order, repeatable; and the same criterion and method for the networks that followed."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.engine.training import RunningAverage, train
from lenet_tutorial.layers import sn28_initialisation_
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
