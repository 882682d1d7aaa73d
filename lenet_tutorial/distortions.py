"""Random distortions of training digits, drawn afresh for every pass.

The 1998 paper trained its best networks on distorted copies of the training set:
"random combinations of the following planar affine transformations: horizontal and
vertical translations, scaling, squeezing (simultaneous horizontal compression and
vertical elongation, or the reverse), and horizontal shearing". A distorted digit is
still the same digit, so the labels are kept.

Each image gets its own random affine map, and all of them are applied at once
(:func:`lenet_tutorial.data.affine.warp`): batched, no per-image Python work.
Use :func:`distorter` as the ``transform`` of :func:`lenet_tutorial.train.train`, and
:func:`engine_distorter` as that of the engine's per-pattern training, whose numbers are the
same on every machine: the same draws, resampled by compiled loops in a fixed order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from .data.affine import check_square_images, exact_warp, warp


@dataclass(frozen=True)
class DistortionStrength:
    """Largest magnitude of each distortion; each is drawn uniformly in [-max, +max].

    translation: pixels; scaling, squeezing: relative change (0.1 = 10%); shear: the
    horizontal shift per unit of height. The paper gives no magnitudes; these defaults
    are modest choices that keep every digit readable.
    """

    translation: float = 2.0
    scaling: float = 0.1
    squeezing: float = 0.1
    shear: float = 0.2

    def scaled(self, factor: float) -> DistortionStrength:
        return DistortionStrength(
            *(factor * v for v in (self.translation, self.scaling, self.squeezing, self.shear))
        )


def _parameters(n: int, size: int, strength: DistortionStrength, generator: torch.Generator, dtype):
    """Each image's scale in x and y, shear and translation (normalised units), from five
    uniforms in [-1, 1] (drawn as float32, then computed in ``dtype``)."""
    u = (torch.rand(n, 5, generator=generator) * 2 - 1).to(dtype)
    scale = 1 + strength.scaling * u[:, 0]
    squeeze = 1 + strength.squeezing * u[:, 1]
    shear = strength.shear * u[:, 2]
    # pixels -> normalised coordinates: the image spans 2 units over `size` pixels
    tx, ty = (strength.translation * u[:, 3:5] * 2 / size).unbind(1)
    # squeezing: compress one axis by `squeeze` while stretching the other by it
    return scale * squeeze, scale / squeeze, shear, tx, ty


def random_affine_matrices(
    n: int, size: int, strength: DistortionStrength, generator: torch.Generator
) -> torch.Tensor:
    """``[n, 2, 3]`` matrices mapping output to input coordinates (in [-1, 1] units)."""
    sx, sy, shear, tx, ty = _parameters(n, size, strength, generator, torch.float32)
    # forward map: x' = sx x + shear sy y + tx ; y' = sy y + ty. grid_sample needs its inverse.
    forward = torch.zeros(n, 3, 3)
    forward[:, 0, 0], forward[:, 0, 1], forward[:, 0, 2] = sx, shear * sy, tx
    forward[:, 1, 1], forward[:, 1, 2] = sy, ty
    forward[:, 2, 2] = 1
    return torch.linalg.inv(forward)[:, :2, :]


def exact_affine_matrices(
    n: int, size: int, strength: DistortionStrength, generator: torch.Generator
) -> np.ndarray:
    """The matrices of :func:`random_affine_matrices` for the same draws, in double precision
    and with the same bits on every machine: the forward map's inverse written out
    (y = (y' - ty) / sy, x = (x' - tx - shear (y' - ty)) / sx), not a LAPACK call."""
    sx, sy, shear, tx, ty = _parameters(n, size, strength, generator, torch.float64)
    theta = torch.zeros(n, 2, 3, dtype=torch.float64)
    theta[:, 0, 0], theta[:, 0, 1], theta[:, 0, 2] = 1 / sx, -shear / sx, (shear * ty - tx) / sx
    theta[:, 1, 1], theta[:, 1, 2] = 1 / sy, -ty / sy
    return theta.numpy()


def distort(
    images: torch.Tensor, strength: DistortionStrength, generator: torch.Generator, background: float
) -> torch.Tensor:
    """Apply a random distortion to each of ``images`` (``[N, 1, H, W]``, H == W), filling with ``background``."""
    check_square_images(images)
    theta = random_affine_matrices(len(images), images.shape[-1], strength, generator)
    return warp(images, theta, background)


def distorter(
    strength: DistortionStrength = DistortionStrength(), background: float = -0.1
) -> Callable[[torch.Tensor, torch.Generator], torch.Tensor]:
    """A ``train(transform=...)`` function: fresh distortions of the whole set each pass."""

    def transform(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return distort(images, strength, generator, background)

    return transform


def engine_distorter(
    strength: DistortionStrength = DistortionStrength(), background: float = -0.1
) -> Callable[[np.ndarray, torch.Generator], np.ndarray]:
    """:func:`distorter` for the engine's training (:func:`lenet_tutorial.engine.training.train`):
    the images flattened as the engine stores them, the same bits on every machine
    (:func:`exact_affine_matrices`, :func:`lenet_tutorial.data.affine.exact_warp`)."""

    def transform(images: np.ndarray, generator: torch.Generator) -> np.ndarray:
        size = math.isqrt(images.shape[1])
        return exact_warp(images, exact_affine_matrices(len(images), size, strength, generator), background)

    return transform
