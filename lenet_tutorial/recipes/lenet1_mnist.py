"""How the MNIST chapter trains LeNet-1 on MNIST digits shrunk to 16x16, in one place.

The 1998 paper reports LeNet-1's 1.7% on 16x16 MNIST without saying how it was trained.
We keep the USPS chapters' criterion and method (squared error against +-1 targets, SDLM with
mu = 1 and 10 times LeNet-5's per-pattern schedule) and take LeNet-5's 20 passes in a
constant random order, with its mini-batch rule (:func:`lenet_tutorial.sdlm.growing_batch_sizes`).
Updates start every 4 patterns: at this step size 16 saturate the network. The factor and
the first batch were chosen on a validation split with ``tools/lenet1_mnist_settings.py``.
"""

from __future__ import annotations

import torch

from ..models.lenet1 import LeNet1
from ..sdlm import growing_batch_sizes
from ..train import History
from .squared_error import train_squared_error

MU = 1.0
PASSES = 20
SCHEDULE_FACTOR = 10.0  # the USPS chapters' factor on LeNet-5's per-pattern rates
FIRST_BATCH = 4  # patterns per update while the rate is largest (then growing)


def train_lenet1_mnist(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> tuple[LeNet1, History]:
    """A fresh LeNet-1 trained on ``train_data`` (16x16 digits in LeNet-1's 28x28 field)."""
    return train_squared_error(
        LeNet1,
        train_data,
        mu=MU,
        batch_size=growing_batch_sizes(FIRST_BATCH),
        passes=PASSES,
        schedule_factor=SCHEDULE_FACTOR,
        seed=seed,
        test_data=test_data,
        progress=progress,
    )
