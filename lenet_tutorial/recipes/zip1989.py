"""How the 1989 chapter trains the zip-code network, in one place.

Squared error against +-1 targets, stochastic diagonal Levenberg-Marquardt with mu = 1 and
10 times LeNet-5's per-pattern schedule (chosen on a validation split in the 1989 chapter),
one pattern per update, the data set's own constant order, 23 passes: 167,693 presentations,
as in the paper. One thread: single-pattern steps are too small to gain from a second.

The same criterion and method trained the networks that followed until LeNet-5 (LeNet-1 and
LeNet-4, on USPS and MNIST), with other settings: :func:`~lenet_tutorial.recipes.squared_error.train_squared_error`
is that recipe for any of them, :func:`train_as_in_1989` this chapter's settings for any
network (LeNet-1 on USPS, ``lenet1_usps``, is trained with it).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..checkpoints import cached_training, data_fingerprint
from ..models.zipcode1989 import ZipCodeNet1989
from ..train import History
from .squared_error import train_squared_error

PASSES = 23
MU = 1.0
SCHEDULE_FACTOR = 10.0
THREADS = 1


def train_as_in_1989(
    network: Callable[[], nn.Module],
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> tuple[nn.Module, History]:
    """A fresh ``network()`` trained as this chapter trains the 1989 network (LeNet-1's chapter
    trains LeNet-1 the same way); returns it and its per-pass history."""
    return train_squared_error(
        network,
        train_data,
        mu=MU,
        batch_size=1,
        passes=PASSES,
        schedule_factor=SCHEDULE_FACTOR,
        order="dataset",
        seed=seed,
        threads=THREADS,
        test_data=test_data,
        progress=progress,
    )


def train_zip1989(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> tuple[ZipCodeNet1989, History]:
    """A fresh 1989 network trained as published; returns it and its per-pass history."""
    return train_as_in_1989(ZipCodeNet1989, train_data, test_data=test_data, seed=seed, progress=progress)


def trained_zip1989(
    train_data: tuple[torch.Tensor, torch.Tensor],
    test_data: tuple[torch.Tensor, torch.Tensor],
    *,
    seed: int = 0,
    progress: bool | None = None,
) -> tuple[ZipCodeNet1989, History, bool]:
    """The 1989 chapter's network, kept on disk (:mod:`lenet_tutorial.checkpoints`) so that
    the "33 years later" chapter starts from the same one. Returns ``(model, history, loaded)``."""
    settings = {
        "seed": seed,
        "threads": THREADS,
        "passes": PASSES,
        "mu": MU,
        "schedule_factor": SCHEDULE_FACTOR,
    } | data_fingerprint(train=train_data, test=test_data)
    return cached_training(
        f"zip1989-seed{seed}",
        settings,
        lambda: train_zip1989(train_data, test_data=test_data, seed=seed, progress=progress),
        ZipCodeNet1989,
    )
