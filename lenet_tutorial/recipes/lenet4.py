"""How we train LeNet-4: LeNet-1's output and criterion, LeNet-5's optimiser and schedule.

The papers report LeNet-4's error but not its training. We keep what the other chapters
established: squared error against +-1 targets on squashed outputs (as LeNet-1; the RBF
output and MAP criterion arrived with LeNet-5), stochastic diagonal Levenberg-Marquardt
with mu = 1, the 1998 schedule's shape over 20 passes in a constant random order, and
mini-batches whose summed step never exceeds a checked value
(:func:`lenet_tutorial.sdlm.growing_batch_sizes`). The two numbers the papers do not give
-- the factor on the schedule and the first batch size -- were chosen on a validation
split with ``tools/lenet4_settings.py`` (the LeNet-4 chapter tabulates the runs).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..checkpoints import cached_training, data_fingerprint
from ..models.lenet4 import LeNet4
from ..reproducibility import thread_count
from ..sdlm import growing_batch_sizes
from ..train import History
from .squared_error import train_squared_error

MU = 1.0
PASSES = 20
SCHEDULE_FACTOR = 6.0  # times LeNet-5's per-pattern rates
FIRST_BATCH = 8  # patterns per update while the rate is largest (then growing)


def train_lenet4(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    schedule_factor: float = SCHEDULE_FACTOR,
    first_batch: int = FIRST_BATCH,
    passes: int = PASSES,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    transform: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None,
    seed: int = 0,
    threads: int | None = None,
    progress: bool | None = None,
) -> tuple[LeNet4, History]:
    """A fresh LeNet-4 trained on ``train_data`` (32x32 inputs); returns it and its history."""
    return train_squared_error(
        LeNet4,
        train_data,
        mu=MU,
        batch_size=growing_batch_sizes(first_batch),
        passes=passes,
        schedule_factor=schedule_factor,
        seed=seed,
        threads=threads,
        test_data=test_data,
        transform=transform,
        progress=progress,
    )


def trained_lenet4(
    train_data: tuple[torch.Tensor, torch.Tensor],
    test_data: tuple[torch.Tensor, torch.Tensor],
    *,
    seed: int = 0,
    progress: bool | None = None,
) -> tuple[LeNet4, History, bool]:
    """The LeNet-4 chapter's network: :func:`train_lenet4` on the 60,000 MNIST training digits,
    kept on disk by :func:`lenet_tutorial.checkpoints.cached_training` so that the boosting
    chapter starts from the same network without training it again.
    Returns ``(model, history, loaded_from_disk)``."""
    settings = {
        "seed": seed,
        "threads": thread_count(),
        "schedule_factor": SCHEDULE_FACTOR,
        "first_batch": FIRST_BATCH,
        "passes": PASSES,
    } | data_fingerprint(train=train_data, test=test_data)
    return cached_training(
        f"lenet4-seed{seed}",
        settings,
        lambda: train_lenet4(train_data, test_data=test_data, seed=seed, progress=progress),
        LeNet4,
    )
