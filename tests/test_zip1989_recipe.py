"""The 1989 recipe as one function: 23 per-pattern passes in the data set's order, repeatable;
and the same criterion and method for the networks that followed."""

from __future__ import annotations

import torch

from lenet_tutorial.models import LeNet1
from lenet_tutorial.recipes import lenet1_mnist as lenet1_mnist_recipe
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
    (m1, h1), (m2, h2) = (train_zip1989((images, labels), progress=False) for _ in range(2))
    assert len(h1) == PASSES == 23
    assert h1["train_loss"] == h2["train_loss"]
    assert all(torch.equal(p, q) for p, q in zip(m1.parameters(), m2.parameters()))
    assert h1["train_error"][-1] < h1["train_error"][0]


def test_the_1989_recipe_trains_lenet1_as_the_lenet1_chapter_does():
    # LeNet-1's chapter: "the same method for both networks", the same function with another network
    images, labels = _bright_rows(40, 28)
    model, history = train_as_in_1989(LeNet1, (images, labels), progress=False)
    assert isinstance(model, LeNet1) and len(history) == PASSES
    assert history["train_error"][-1] < history["train_error"][0]


def test_lenet1_on_mnist_makes_lenet5s_20_passes_in_batches_growing_from_4():
    images, labels = _bright_rows(64, 28)
    model, history = train_lenet1_mnist((images, labels), progress=False)
    assert isinstance(model, LeNet1) and len(history) == lenet1_mnist_recipe.PASSES == 20
    assert lenet1_mnist_recipe.FIRST_BATCH == 4
    assert history["train_loss"][-1] < history["train_loss"][0]
