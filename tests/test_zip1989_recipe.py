"""The 1989 recipe as one function: 23 per-pattern passes in the data set's order, repeatable."""

from __future__ import annotations

import torch

from lenet_tutorial.zip1989_recipe import PASSES, train_zip1989


def test_the_1989_recipe_makes_23_passes_and_repeats_itself_exactly():
    g = torch.Generator().manual_seed(0)
    labels = torch.arange(40) % 10
    images = torch.full((40, 16, 16), -1.0)
    for k in range(10):  # one bright row per class, a little noise
        images[labels == k, k + 3, 2:14] = 1.0
    images += 0.05 * torch.randn(images.shape, generator=g)
    (m1, h1), (m2, h2) = (train_zip1989((images, labels), progress=False) for _ in range(2))
    assert len(h1) == PASSES == 23
    assert h1["train_loss"] == h2["train_loss"]
    assert all(torch.equal(p, q) for p, q in zip(m1.parameters(), m2.parameters()))
    assert h1["train_error"][-1] < h1["train_error"][0]
