"""Random distortions of training digits, drawn afresh for every pass.

The 1998 paper trained its best networks on distorted copies of the training set:
"random combinations of the following planar affine transformations: horizontal and
vertical translations, scaling, squeezing (simultaneous horizontal compression and
vertical elongation, or the reverse), and horizontal shearing". A distorted digit is
still the same digit, so the labels are kept.

Each image gets its own random affine map, and all of them are applied at once with
``grid_sample``: one batched operation, no per-image Python work.
Use :func:`distorter` as the ``transform`` of :func:`lenet_tutorial.train.train`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F


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


def random_affine_matrices(
    n: int, size: int, strength: DistortionStrength, generator: torch.Generator
) -> torch.Tensor:
    """``[n, 2, 3]`` matrices mapping output to input coordinates (in [-1, 1] units)."""
    u = torch.rand(n, 5, generator=generator) * 2 - 1  # five uniforms in [-1, 1] per image
    scale = 1 + strength.scaling * u[:, 0]
    squeeze = 1 + strength.squeezing * u[:, 1]
    shear = strength.shear * u[:, 2]
    # pixels -> normalised coordinates: the image spans 2 units over `size` pixels
    tx, ty = (strength.translation * u[:, 3:5] * 2 / size).unbind(1)
    # squeezing: compress one axis by `squeeze` while stretching the other by it
    sx, sy = scale * squeeze, scale / squeeze
    # forward map: x' = sx x + shear sy y + tx ; y' = sy y + ty. grid_sample needs its inverse.
    forward = torch.zeros(n, 3, 3)
    forward[:, 0, 0], forward[:, 0, 1], forward[:, 0, 2] = sx, shear * sy, tx
    forward[:, 1, 1], forward[:, 1, 2] = sy, ty
    forward[:, 2, 2] = 1
    return torch.linalg.inv(forward)[:, :2, :]


WARP_CHUNK = 1024


def check_square_images(images: torch.Tensor) -> None:
    """Refuse anything but a batch of square one-channel images ``[N, 1, H, H]``."""
    if images.ndim != 4 or images.shape[1] != 1 or images.shape[2] != images.shape[3]:
        raise ValueError(f"expected square images [N, 1, H, H], got {tuple(images.shape)}")


def sampling_grid(theta: torch.Tensor, size: int) -> torch.Tensor:
    """``affine_grid(theta, [N, 1, size, size], align_corners=False)``, computed directly.

    Every output pixel centre (x, y), in [-1, 1] units, maps to ``theta @ (x, y, 1)``.
    PyTorch's ``affine_grid`` computes the same with a batched matrix product of small
    matrices, which was several times slower here.
    """
    centres = (torch.arange(size, dtype=theta.dtype, device=theta.device) * 2 + 1) / size - 1
    y, x = centres.view(1, size, 1), centres.view(1, 1, size)
    t = theta.reshape(-1, 6, 1, 1)
    grid_x = t[:, 0] * x + t[:, 1] * y + t[:, 2]
    grid_y = t[:, 3] * x + t[:, 4] * y + t[:, 5]
    return torch.stack([grid_x, grid_y], dim=-1)


def warp(images: torch.Tensor, theta: torch.Tensor, background: float) -> torch.Tensor:
    """Resample each of ``images`` (``[N, 1, H, H]``) through its ``[2, 3]`` matrix (output -> input
    coordinates); what comes from outside the image is ``background``."""
    check_square_images(images)
    # drawn on the CPU (the generator's device), so a GPU run gets the same distortions
    theta = theta.to(device=images.device, dtype=images.dtype).expand(len(images), 2, 3)
    out = torch.empty_like(images)
    # in chunks: the grids of 60,000 images would take 500 MB, and allocating it costs more
    # than the arithmetic; a chunk's grid stays in cache
    for start in range(0, len(images), WARP_CHUNK):
        chunk = slice(start, start + WARP_CHUNK)
        grid = sampling_grid(theta[chunk], images.shape[-1])
        # grid_sample pads with zeros: shift so that the background is 0, then shift back
        shifted = images[chunk] - background
        out[chunk] = F.grid_sample(shifted, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return out.add_(background)  # in place: a whole training set's copy fewer at once


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
