"""How the 1989 chapter trains the zip-code network, in one place.

Squared error against +-1 targets, stochastic diagonal Levenberg-Marquardt with mu = 1 and
10 times LeNet-5's per-pattern schedule (chosen on a validation split in the 1989 chapter),
one pattern per update, the data set's own constant order, 23 passes: 167,693 presentations,
as in the paper. One thread: single-pattern steps are too small to gain from a second.
"""

from __future__ import annotations

import torch

from .checkpoints import cached_training, data_fingerprint
from .losses import TargetMSELoss
from .models.zipcode1989 import ZipCodeNet1989
from .reproducibility import seed_everything
from .sdlm import train_with_sdlm
from .train import History

PASSES = 23
MU = 1.0
SCHEDULE_FACTOR = 10.0
THREADS = 1


def train_zip1989(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> tuple[ZipCodeNet1989, History]:
    """A fresh 1989 network trained as published; returns it and its per-pass history."""
    generator = seed_everything(seed, threads=THREADS)
    device = train_data[0].device  # the data's device: a GPU if the reader put them there
    model = ZipCodeNet1989().to(device)
    loss = TargetMSELoss(outputs="sum").to(device)
    history = train_with_sdlm(
        model,
        train_data,
        loss_fn=loss,
        curvature=(model, loss.output_curvature),
        mu=MU,
        batch_size=1,
        passes=PASSES,
        generator=generator,
        schedule_factor=SCHEDULE_FACTOR,
        order="dataset",
        test_data=test_data,
        progress=progress,
    )
    return model, history


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
