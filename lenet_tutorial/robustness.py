"""Controlled transformations of test digits, for the robustness curves of the 1998 paper.

Figure 13 of the paper shows LeNet-5 still recognising digits scaled by up to a factor 2,
shifted vertically by half a character height, rotated by +-30 degrees, and buried in
salt-and-pepper noise. Each function below applies *one* such change, of a given size,
to a whole batch at once; :func:`accuracy_sweep` measures a model's accuracy along a range
of sizes. Unlike :mod:`lenet_tutorial.distortions` (random, for training), these are
deterministic, except the noise, which takes a generator.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from .data.affine import check_square_images, warp
from .train import evaluate


def _warp(images: torch.Tensor, matrix: torch.Tensor, background: float) -> torch.Tensor:
    """The same ``matrix`` (output -> input coordinates, in [-1, 1] units) for every image."""
    return warp(images, matrix.expand(len(images), 2, 3), background)


def scale(images: torch.Tensor, factor: float, background: float) -> torch.Tensor:
    """Enlarge (factor > 1) or shrink every digit about the image centre."""
    if factor <= 0:
        raise ValueError("the scale factor must be positive")
    return _warp(images, torch.tensor([[1 / factor, 0.0, 0.0], [0.0, 1 / factor, 0.0]]), background)


def shift(images: torch.Tensor, pixels: float, background: float) -> torch.Tensor:
    """Move every digit down (pixels > 0) or up by ``pixels``."""
    size = images.shape[-1]
    return _warp(images, torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, -2 * pixels / size]]), background)


def rotate(images: torch.Tensor, degrees: float, background: float) -> torch.Tensor:
    """Rotate every digit anticlockwise by ``degrees`` about the image centre."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    # output -> input coordinates: the inverse rotation (y points down in images)
    return _warp(images, torch.tensor([[c, -s, 0.0], [s, c, 0.0]]), background)


def salt_and_pepper(
    images: torch.Tensor, p: float, background: float, ink: float, generator: torch.Generator
) -> torch.Tensor:
    """Set each pixel, with probability ``p``, to background or full ink (half and half)."""
    if not 0 <= p <= 1:
        raise ValueError("p must be a probability")
    check_square_images(images)
    hit = torch.rand(images.shape, generator=generator) < p
    salt = torch.rand(images.shape, generator=generator) < 0.5
    noise = torch.where(salt, torch.full_like(images, ink), torch.full_like(images, background))
    return torch.where(hit, noise, images)


def accuracy_sweep(
    model: torch.nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    change: Callable[[torch.Tensor, float], torch.Tensor],
    sizes: Sequence[float],
) -> list[float]:
    """Accuracy (%) of ``model`` on ``change(images, size)`` for each size."""
    return [100 * (1 - evaluate(model, change(images, size), labels).error) for size in sizes]
