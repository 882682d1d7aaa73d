"""A modern LeNet-5: the 1998 plan, trained with what the next twenty years added.

The layers keep LeNet-5's plan -- a 32x32 input, C1 with 6 maps of 5x5 kernels, a 2x2
subsampling, C3 with 16 maps of 5x5 kernels, a subsampling, C5 with 120 units -- and
swap in, one change at a time (:data:`CHANGES`):

- a softmax output with cross-entropy on C5, in place of F6 and the RBF units (F6's 84
  units existed to be compared with the RBF's 7x12 bitmaps; with a softmax they have no
  reason to be there, and dropping them leaves room under LeNet-5's 60,000 parameters);
- ReLU for the scaled tanh (Nair & Hinton 2010; AlexNet 2012);
- max pooling for the trainable subsampling (AlexNet 2012);
- batch normalisation after each convolution (Ioffe & Szegedy 2015);
- Adam (Kingma & Ba 2015) with a one-cycle learning rate (Smith & Topin 2019), for SGD;
- the 1998 paper's own distortions, which LeNet-5 itself trained on in its best run.

Dropout (Hinton et al. 2012; Srivastava et al. 2014) is available (``dropout=``) but not a
row: on the validation split it did not help a network this small once it trains on
distortions (the chapter gives the runs).

Every row trains with mini-batches in a fresh random order each pass, the same seed and
the same number of passes: :func:`train_modern_lenet5`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from ..data.preprocess import LENET5_BACKGROUND
from ..distortions import DistortionStrength, distorter
from ..models.modern_lenet5 import ModernLeNet5
from ..reproducibility import seed_everything
from ..train import History, train


@dataclass(frozen=True)
class LeNet5Change:
    """One row of the ablation: the network and training after this change and all before it."""

    name: str
    year: str  # when the idea came into common use, for the table
    activation: str = "tanh"
    pooling: str = "subsampling"
    batch_norm: bool = False
    optimizer: str = "sgd"  # "sgd": momentum 0.9, constant rate; "adam": Adam, one-cycle rate
    affine: bool = False  # the 1998 paper's distortions
    dropout: float = 0.0
    lr: float | None = None  # SGD's rate or Adam's peak; None: SGD_LR or ADAM_LR


CHANGES = [
    LeNet5Change("LeNet-5's layers, softmax + cross-entropy, SGD", "1998"),
    # 0.05 drove this row's network to a constant answer on the validation split
    LeNet5Change("ReLU", "2010", activation="relu", lr=0.02),
    LeNet5Change("max pooling", "2012", activation="relu", pooling="max"),
    LeNet5Change("batch normalisation", "2015", activation="relu", pooling="max", batch_norm=True),
    LeNet5Change(
        "Adam, one-cycle schedule",
        "2015 / 2019",
        activation="relu",
        pooling="max",
        batch_norm=True,
        optimizer="adam",
    ),
    LeNet5Change(
        "affine distortions",
        "1998",
        activation="relu",
        pooling="max",
        batch_norm=True,
        optimizer="adam",
        affine=True,
    ),
]
MODERN = CHANGES[-1]  # the modern LeNet-5: every change

# Chosen on a validation split (tools/modern_lenet5_settings.py; the chapter lists the runs).
BATCH = 128
PASSES = 20  # the modern LeNet-5's training
ABLATION_PASSES = 5  # each row of the ablation: an equal, short budget
SGD_LR = 0.05  # rows 1, 3 and 4 (each row's best of 0.01, 0.02, 0.05 and 0.1)
ADAM_LR = 3e-3  # the one-cycle schedule's peak


def build(change: LeNet5Change) -> ModernLeNet5:
    return ModernLeNet5(
        activation=change.activation,
        pooling=change.pooling,
        batch_norm=change.batch_norm,
        dropout=change.dropout,
    )


def make_optimizer(change: LeNet5Change, model: nn.Module, *, updates: int, lr: float | None = None):
    """The row's optimizer; Adam's one-cycle schedule moves the rate after every update.

    The rate: ``lr`` if given, else the row's own, else the optimizer's default.
    """
    lr = lr if lr is not None else change.lr
    if change.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=SGD_LR if lr is None else lr, momentum=0.9)
    if change.optimizer != "adam":
        raise ValueError(f"optimizer must be 'sgd' or 'adam', not {change.optimizer!r}")
    optimizer = torch.optim.Adam(model.parameters(), lr=ADAM_LR if lr is None else lr)
    # one cycle: the rate warms up over the first 30% of the updates to its peak, then
    # anneals to almost nothing (Smith & Topin 2019)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=optimizer.param_groups[0]["lr"], total_steps=updates
    )
    optimizer.register_step_post_hook(lambda *_: schedule.step() if schedule.last_epoch < updates else None)
    return optimizer


def transform_of(change: LeNet5Change):
    return distorter(DistortionStrength(), LENET5_BACKGROUND) if change.affine else None


def train_modern_lenet5(
    change: LeNet5Change,
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    passes: int,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    lr: float | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> tuple[ModernLeNet5, History]:
    """A fresh network with ``change`` (and every change before it) trained on ``train_data``.

    The training error is measured after the last pass only (and on undistorted digits).
    """
    generator = seed_everything(seed)
    model = build(change).to(train_data[0].device)
    updates = passes * math.ceil(len(train_data[0]) / BATCH)
    history = train(
        model,
        train_data,
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=make_optimizer(change, model, updates=updates, lr=lr),
        epochs=passes,
        batch_size=BATCH,
        order="shuffle",
        generator=generator,
        test_data=test_data,
        transform=transform_of(change),
        progress=progress,
        train_error="after_last_pass",
    )
    return model, history
