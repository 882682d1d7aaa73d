"""Affine resampling for the engine: the 1998 distortions, with the same bits on every machine.

:func:`lenet_tutorial.data.affine.warp` resamples digits with PyTorch's ``grid_sample``,
whose vectorised arithmetic may round differently from one processor to another; a network
trained per pattern on those digits would inherit the difference. :func:`warp` computes the
same bilinear resampling (``grid_sample``'s convention: ``align_corners=False``, what falls
outside the image is the background) as plain compiled loops in double precision, each
output pixel from its four neighbours in one written order, rounded once to the images'
type at the end: additions, multiplications and a ``floor``, which IEEE 754 rounds the same
way everywhere.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .elementary import JIT


@njit(**JIT)
def warp_kernel(images, size, theta, background, out):
    """``out[n]``: image ``n`` (``size`` x ``size``, flattened) read through ``theta[n]`` (2 x 3,
    output -> input coordinates in [-1, 1] units, pixel centres), bilinearly."""
    for n in range(images.shape[0]):
        src = images[n]
        dst = out[n]
        t = theta[n]
        for i in range(size):
            cy = (2.0 * i + 1.0) / size - 1.0  # the output pixel's centre
            for j in range(size):
                cx = (2.0 * j + 1.0) / size - 1.0
                gx = t[0, 0] * cx + t[0, 1] * cy + t[0, 2]
                gy = t[1, 0] * cx + t[1, 1] * cy + t[1, 2]
                ix = ((gx + 1.0) * size - 1.0) / 2.0  # in pixels of the input
                iy = ((gy + 1.0) * size - 1.0) / 2.0
                x0 = math.floor(ix)
                y0 = math.floor(iy)
                fx = ix - x0
                fy = iy - y0
                x0 = int(x0)
                y0 = int(y0)
                total = 0.0  # the four neighbours, less the background (outside: 0)
                for dy in range(2):
                    yy = y0 + dy
                    wy = fy if dy else 1.0 - fy
                    if yy < 0 or yy >= size:
                        continue
                    for dx in range(2):
                        xx = x0 + dx
                        wx = fx if dx else 1.0 - fx
                        if 0 <= xx < size:
                            total += (wx * wy) * (src[yy * size + xx] - background)
                dst[i * size + j] = total + background


def warp(images: np.ndarray, theta: np.ndarray, background: float) -> np.ndarray:
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
    out = np.empty_like(images)
    warp_kernel(images, size, theta, float(background), out)
    return out
