"""33 years later: the changes Karpathy (2022) made to the 1989 network, as building blocks.

His experiment ("Deep Neural Nets: 33 years ago and 33 years from now") kept the 1989
network's size and applied what three decades taught, one change at a time: softmax and
cross-entropy, AdamW, a random shift of at most one pixel, dropout with ReLU. He ran it on
MNIST digits shrunk to 16x16, believing the USPS set lost; the book runs it on the real one.

- :class:`~lenet_tutorial.models.zip1989_modern.ModernZipCodeNet` -- the 1989 network with logits out, ReLU or the papers'
  squashing inside, and optional dropout after H2 (the layer feeding the 5,790-weight H3);
- :func:`shift_by_one_pixel` -- the augmentation, *without* wrapping pixels around the
  edge (Karpathy's ``torch.roll`` moved the leftmost column to the right edge); what
  enters from outside is background;
- :func:`linear_decay` -- his learning-rate schedule;
- :data:`CHANGES` and :func:`train_change` -- the rows of the experiment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..engine import training as engine
from ..losses import SoftmaxCrossEntropy
from ..models.zip1989_modern import ModernZipCodeNet
from ..models.zipcode1989 import BACKGROUND
from ..reproducibility import seed_everything
from ..sdlm import paper_schedule_1998
from ..train import History, train


def shift_by_one_pixel(images: torch.Tensor, generator: torch.Generator, background: float = BACKGROUND):
    """Move each image (``[N, 16, 16]`` or ``[N, 1, H, W]``) by -1, 0 or +1 pixel in x and in y,
    independently at random; pixels entering from outside are ``background``.

    Batched: the images sharing one of the nine shifts are cut from a padded copy at once.
    """
    if images.ndim not in (3, 4):
        raise ValueError(f"expected [N, H, W] or [N, 1, H, W] images, got {tuple(images.shape)}")
    h, w = images.shape[-2:]
    padded = F.pad(images, (1, 1, 1, 1), value=background)
    shifts = torch.randint(-1, 2, (len(images), 2), generator=generator)
    out = torch.empty_like(images)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            chosen = ((shifts[:, 0] == dy) & (shifts[:, 1] == dx)).nonzero().squeeze(1)
            # output pixel (y, x) reads input (y - dy, x - dx): the content moves by (dy, dx)
            out[chosen] = padded[chosen, ..., 1 - dy : 1 - dy + h, 1 - dx : 1 - dx + w]
    return out


def linear_decay(lr: float, passes: int, final_fraction: float = 1 / 3) -> Callable[[int], float]:
    """``epoch -> rate``: from ``lr`` in the first pass down to ``lr * final_fraction`` in the last
    (Karpathy: 3e-4 to 1e-4)."""

    def rate(epoch: int) -> float:
        alpha = (epoch - 1) / max(passes - 1, 1)
        return (1 - alpha) * lr + alpha * lr * final_fraction

    return rate


@dataclass(frozen=True)
class ZipCodeChange:
    """One row of the experiment: everything the network and its training use, cumulatively."""

    name: str
    passes: int
    logits: bool = True
    optimizer: str = "sdlm"  # "sdlm": the papers' method, per pattern; "adamw": mini-batches
    shift: bool = False
    dropout: float = 0.0
    activation: str = "tanh"


# Karpathy's changes in his order, each row adding to the ones above; his pass counts.
# The faithful starting point is lenet_tutorial.recipes.zip1989. From AdamW on we update every
# BATCH patterns instead of every one (see the chapter: per pattern, 286 passes would take
# 25 minutes here) -- our departure, labelled in the table.
CHANGES = [
    ZipCodeChange("softmax + cross-entropy", passes=23),
    ZipCodeChange("AdamW, mini-batches of 32", passes=46, optimizer="adamw"),
    ZipCodeChange("±1-pixel shifts, no wrap-around", passes=60, optimizer="adamw", shift=True),
    ZipCodeChange("dropout 0.25 after H2", passes=80, optimizer="adamw", shift=True, dropout=0.25),
    ZipCodeChange("ReLU", passes=80, optimizer="adamw", shift=True, dropout=0.25, activation="relu"),
]
BATCH = 32
ADAMW_LR = 1e-3  # chosen on a validation split: tools/zip1989_modern_settings.py
SDLM_SCHEDULE_FACTOR = 30.0  # per-pattern SDLM with cross-entropy; chosen on the same split


def train_change(
    change: ZipCodeChange,
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    lr: float = ADAMW_LR,
    schedule_factor: float = SDLM_SCHEDULE_FACTOR,
    seed: int = 0,
    progress: bool | None = None,
) -> tuple[ModernZipCodeNet, History]:
    """A fresh network with ``change`` (and every change before it) trained on ``train_data``."""
    generator = seed_everything(seed, threads=1)
    model = ModernZipCodeNet(logits=change.logits, activation=change.activation, dropout=change.dropout)
    model = model.to(train_data[0].device)
    transform = shift_by_one_pixel if change.shift else None
    if change.optimizer == "sdlm":
        if transform is not None:
            raise ValueError("the per-pattern SDLM row trains on the digits as they are: no shifts")
        # the 1998 recipe, per pattern, on the compiled engine: the paper's schedule times
        # schedule_factor, mu = 1, h re-estimated on the first 500 digits before each pass
        history = engine.train(
            model,
            train_data,
            criterion="cross_entropy",
            passes=change.passes,
            schedule=lambda epoch: schedule_factor * paper_schedule_1998(epoch),
            mu=1.0,
            curvature=engine.Estimate(patterns=500),
            order="dataset",
            generator=generator,
            test_data=test_data,
        )
    elif change.optimizer == "adamw":
        history = train(
            model,
            train_data,
            loss_fn=SoftmaxCrossEntropy(),
            optimizer=torch.optim.AdamW(model.parameters(), lr=lr),
            epochs=change.passes,
            batch_size=BATCH,
            order="dataset",
            generator=generator,
            lr_schedule=linear_decay(lr, change.passes),
            test_data=test_data,
            transform=transform,
            progress=progress,
        )
    else:
        raise ValueError(f"unknown optimizer {change.optimizer!r}")
    return model, history
