"""LeNet-5 trained on distortions (1998): each pass on a fresh random affine distortion of every
training digit (:mod:`lenet_tutorial.distortions`), filled with LeNet-5's background. It still
trains with the summed-mini-batch stand-in of :mod:`lenet_tutorial.recipes.lenet5`
(:func:`~lenet_tutorial.recipes.lenet5.train_lenet5_summed_batches`): the per-pattern engine
does not distort yet."""

from __future__ import annotations

import torch

from ..data.preprocess import LENET5_BACKGROUND
from ..distortions import DistortionStrength, distorter
from ..models.lenet5 import LeNet5
from ..train import History
from .lenet5 import train_lenet5_summed_batches


def train_lenet5_distorted(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    strength: DistortionStrength | None = None,
    seed: int = 0,
    **options,
) -> tuple[LeNet5, History]:
    """A fresh LeNet-5 trained on distortions of ``strength`` (the package's default ones if
    not given); ``options`` go to :func:`train_lenet5_summed_batches`."""
    strength = DistortionStrength() if strength is None else strength
    return train_lenet5_summed_batches(
        train_data, transform=distorter(strength, background=LENET5_BACKGROUND), seed=seed, **options
    )
