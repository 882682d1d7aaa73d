"""Moving digits through affine maps, many at once, two ways.

A ``[2, 3]`` matrix per image maps each output pixel's coordinates (in ``[-1, 1]``, pixel
centres) to the input point it reads, bilinearly; what falls outside the image is the
background.

- :func:`warp`: PyTorch's ``grid_sample``, in a few batched calls, on any device: the 1998
  distortions of the chapters trained by PyTorch (:mod:`lenet_tutorial.distortions`) and the
  robustness tests (:mod:`lenet_tutorial.robustness`). Its vectorised arithmetic may round
  differently from one processor to another.
- :func:`exact_warp`: the same resampling as plain compiled loops in double precision, each
  output pixel from its four neighbours in one written order, rounded once to the images'
  type at the end: additions, multiplications and a ``floor``, which IEEE 754 rounds the same
  way everywhere. What the engine trains on is resampled this way (the distortions of its
  chapters, MNIST's deslanting and size normalisation in :mod:`~lenet_tutorial.data.normalise`),
  so that a network trained one pattern at a time does not inherit a processor's rounding.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from numba import njit

WARP_CHUNK = 1024

# numba's options for these loops and all the engine's: compiled once and cached; no check for
# division by zero, which would block vectorisation; and no fast-math, so that nothing is
# reassociated or fused into a multiply-add
EXACT = {"cache": True, "error_model": "numpy", "nogil": True}


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


@njit(**EXACT)
def warp_kernel(images, size, theta, background, out):
    """``out[n]``: image ``n`` (``size`` x ``size``, flattened) read through ``theta[n]`` (2 x 3,
    output -> input coordinates in [-1, 1] units, pixel centres), bilinearly.

    Each output pixel is ``background`` plus its four neighbours' differences from the
    background, weighted, added in one order: top left, top right, bottom left, bottom right.
    A neighbour outside the image differs by nothing. So the differences are kept in a copy
    with a border of two zeros on every side (``diff``), and a neighbour further out is read
    from the border: every pixel then takes the same branch-free path, whose loops the
    compiler vectorises. (Adding a border zero changes no sum: x + 0 is x, and the sign a
    zero total might lose disappears when the background is added.)
    """
    border = 2
    wide = size + 2 * border
    diff = np.zeros(wide * wide)
    centres = np.empty(size)  # pixel centres, in [-1, 1] units
    for j in range(size):
        centres[j] = (2.0 * j + 1.0) / size - 1.0
    fx = np.empty(size)  # a row's fractions and top-left neighbours
    fy = np.empty(size)
    corner = np.empty(size)
    for n in range(images.shape[0]):
        src = images[n]
        dst = out[n]
        t = theta[n]
        for yy in range(size):
            row = diff[(yy + border) * wide + border : (yy + border) * wide + border + size]
            line = src[yy * size : yy * size + size]
            for xx in range(size):
                row[xx] = line[xx] - background
        for i in range(size):
            cy = centres[i]
            for j in range(size):
                cx = centres[j]
                gx = t[0, 0] * cx + t[0, 1] * cy + t[0, 2]
                gy = t[1, 0] * cx + t[1, 1] * cy + t[1, 2]
                ix = ((gx + 1.0) * size - 1.0) / 2.0  # in pixels of the input
                iy = ((gy + 1.0) * size - 1.0) / 2.0
                x0 = np.floor(ix)
                y0 = np.floor(iy)
                fx[j] = ix - x0
                fy[j] = iy - y0
                # further out, the pair of neighbours at the border's edge: zeros too
                x0 = min(max(x0, -float(border)), float(size)) + border
                y0 = min(max(y0, -float(border)), float(size)) + border
                corner[j] = y0 * wide + x0
            for j in range(size):
                a = int(corner[j])
                wx, wy = fx[j], fy[j]
                total = 0.0
                total += ((1.0 - wx) * (1.0 - wy)) * diff[a]
                total += (wx * (1.0 - wy)) * diff[a + 1]
                total += ((1.0 - wx) * wy) * diff[a + wide]
                total += (wx * wy) * diff[a + wide + 1]
                dst[i * size + j] = total + background


def exact_warp(images: np.ndarray, theta: np.ndarray, background: float) -> np.ndarray:
    """Resample each row of ``images`` (``[N, H*W]`` square one-channel images, as the engine
    stores them) through its ``[2, 3]`` matrix of ``theta`` (``[N, 2, 3]``); a new array of the
    images' type."""
    images = np.ascontiguousarray(images)
    if images.ndim != 2:
        raise ValueError(f"expected flattened images [N, H*W], got shape {images.shape}")
    size = math.isqrt(images.shape[1])
    if size * size != images.shape[1]:
        raise ValueError(f"expected square images, got {images.shape[1]} pixels each")
    theta = np.ascontiguousarray(theta, dtype=np.float64)
    if theta.shape != (len(images), 2, 3):
        raise ValueError(f"expected one [2, 3] matrix per image, got shape {theta.shape}")
    if not np.all(np.isfinite(theta)):
        raise ValueError("the matrices contain NaN or infinite values")
    out = np.empty_like(images)
    warp_kernel(images, size, theta, float(background), out)
    return out
