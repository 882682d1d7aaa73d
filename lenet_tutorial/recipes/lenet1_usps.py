"""LeNet-1 on USPS (1990): trained exactly as the 1989 network was, with SN2.8's standard
settings (:func:`lenet_tutorial.recipes.zip1989.train_as_in_1989`), on the digits in LeNet-1's
28x28 field."""

from __future__ import annotations

import torch

from ..models.lenet1 import LeNet1
from ..train import History
from .zip1989 import train_as_in_1989


def train_lenet1_usps(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
) -> tuple[LeNet1, History]:
    """A fresh LeNet-1 trained as the LeNet-1 chapter trains it; returns it and its history."""
    return train_as_in_1989(LeNet1, train_data, test_data=test_data, seed=seed)
