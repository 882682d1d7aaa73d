"""LeNet-5 trained on distortions (1998, section III-C): the LeNet-5 chapter's recipe, one
pattern at a time with the compiled engine, except that each pass presents a fresh random
affine distortion of every training digit (:mod:`lenet_tutorial.distortions`), filled with
LeNet-5's background: 20 passes of 60,000 distorted digits, none seen twice.

The distortions are drawn and resampled with the same bits on every machine
(:func:`lenet_tutorial.distortions.engine_distorter`), so this network, like the LeNet-5
chapter's, is the same on every machine. Their sizes are not published: the package's
defaults (:class:`lenet_tutorial.distortions.DistortionStrength`), fixed before training.
"""

from __future__ import annotations

import torch

from ..data.preprocess import LENET5_BACKGROUND
from ..distortions import DistortionStrength, engine_distorter
from ..models.lenet5 import LeNet5
from ..train import History
from .lenet5 import train_lenet5


def train_lenet5_distorted(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    strength: DistortionStrength | None = None,
    seed: int = 0,
    **options,
) -> tuple[LeNet5, History]:
    """A fresh LeNet-5 trained per pattern on fresh distortions of ``strength`` each pass (the
    package's default ones if not given); ``options`` go to :func:`train_lenet5`. The
    history's training error is counted on the fly, on the distorted digits."""
    strength = DistortionStrength() if strength is None else strength
    return train_lenet5(
        train_data, transform=engine_distorter(strength, background=LENET5_BACKGROUND), seed=seed, **options
    )
