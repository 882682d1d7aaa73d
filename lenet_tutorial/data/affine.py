"""Moving digits through affine maps, many at once: the resampling behind MNIST's deslanting
(:mod:`lenet_tutorial.data.normalise`) and the 1998 distortions (:mod:`lenet_tutorial.distortions`).

A ``[2, 3]`` matrix per image maps each output pixel's coordinates (in ``[-1, 1]``, pixel
centres) to the input point it reads, bilinearly; all images go through ``grid_sample`` in a
few batched calls, with no per-image Python work.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

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
