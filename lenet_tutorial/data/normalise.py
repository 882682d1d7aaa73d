"""How MNIST's digits were normalised (1998, section III-A), as functions you can apply.

NIST's digits came as black-and-white images of any size. MNIST's makers

1. size-normalised each digit to fit a 20x20 box, keeping its aspect ratio (the
   anti-aliasing of the resampling is what gives MNIST its grey levels);
2. centred it in a 28x28 field by its *centre of mass* (not its bounding box).

Some of the 1998 paper's classifiers also read **deslanted** digits: each digit sheared
horizontally so that its principal axis is vertical, computed from second moments of the
ink. All functions take ink images ``[N, H, W]`` (0 = paper, larger = more ink), work on
the whole batch at once, and keep the ink's total roughly unchanged (bilinear resampling).
"""

from __future__ import annotations

import torch

from .affine import warp


def _check(images: torch.Tensor) -> None:
    if images.ndim != 3 or images.shape[1] != images.shape[2] or not images.is_floating_point():
        raise ValueError(f"expected float ink images [N, H, H], got {tuple(images.shape)} {images.dtype}")
    if (images.flatten(1).sum(1) <= 0).any():
        raise ValueError("every image needs some ink (a positive pixel) to be normalised")


def centre_of_mass(images: torch.Tensor) -> torch.Tensor:
    """``[N, 2]``: the ink-weighted mean (row, column) of each image, in pixels."""
    _check(images)
    size = images.shape[-1]
    coordinates = torch.arange(size, dtype=images.dtype)
    mass = images.sum((1, 2))
    rows = (images.sum(2) * coordinates).sum(1) / mass
    cols = (images.sum(1) * coordinates).sum(1) / mass
    return torch.stack([rows, cols], 1)


def _pixels_to_unit(pixels: torch.Tensor, size: int) -> torch.Tensor:
    """A displacement in pixels, in ``grid_sample``'s [-1, 1] units."""
    return 2 * pixels / size


def recentre(images: torch.Tensor) -> torch.Tensor:
    """Translate each image so that its centre of mass is the middle of the field."""
    _check(images)
    size = images.shape[-1]
    offset = _pixels_to_unit(centre_of_mass(images) - (size - 1) / 2, size)  # [N, 2] rows, cols
    theta = torch.zeros(len(images), 2, 3, dtype=images.dtype)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, 0, 2], theta[:, 1, 2] = offset[:, 1], offset[:, 0]  # output -> input: add the offset
    return warp(images.unsqueeze(1), theta, background=0.0).squeeze(1)


def slant(images: torch.Tensor) -> torch.Tensor:
    """``[N]``: horizontal shift of the ink per row downwards, from second moments (mu11 / mu02)."""
    _check(images)
    size = images.shape[-1]
    coordinates = torch.arange(size, dtype=images.dtype)
    centre = centre_of_mass(images)
    dy = coordinates.view(1, size, 1) - centre[:, 0].view(-1, 1, 1)
    dx = coordinates.view(1, 1, size) - centre[:, 1].view(-1, 1, 1)
    return (images * dx * dy).sum((1, 2)) / (images * dy * dy).sum((1, 2))


def deslant(images: torch.Tensor) -> torch.Tensor:
    """Shear each image horizontally about its centre of mass so that its slant is 0."""
    _check(images)
    size = images.shape[-1]
    alpha = slant(images)
    centre_row = _pixels_to_unit(centre_of_mass(images)[:, 0] - (size - 1) / 2, size)
    # output (x, y) reads input (x + alpha (y - y_c), y): the ink leaning by alpha comes upright
    theta = torch.zeros(len(images), 2, 3, dtype=images.dtype)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, 0, 1] = alpha
    theta[:, 0, 2] = -alpha * centre_row
    return warp(images.unsqueeze(1), theta, background=0.0).squeeze(1)


def bounding_boxes(images: torch.Tensor, threshold: float = 0.0) -> torch.Tensor:
    """``[N, 4]``: first row, last row, first column, last column with ink above ``threshold``."""
    _check(images)
    size = images.shape[-1]
    index = torch.arange(size)
    rows, cols = images.amax(2) > threshold, images.amax(1) > threshold
    big = size + 1

    def first(mask):
        return torch.where(mask, index, big).amin(1)

    def last(mask):
        return torch.where(mask, index, -1).amax(1)

    return torch.stack([first(rows), last(rows), first(cols), last(cols)], 1)


def size_normalise(images: torch.Tensor, box: int = 20) -> torch.Tensor:
    """Scale each digit, aspect ratio kept, so that its bounding box's longer side is ``box``
    pixels, and put the box's centre in the middle of the field."""
    _check(images)
    size = images.shape[-1]
    top, bottom, left, right = bounding_boxes(images).to(images.dtype).unbind(1)
    height, width = bottom - top + 1, right - left + 1
    scale = box / torch.maximum(height, width)  # > 1 enlarges
    middle = (size - 1) / 2
    theta = torch.zeros(len(images), 2, 3, dtype=images.dtype)
    theta[:, 0, 0] = theta[:, 1, 1] = 1 / scale
    theta[:, 0, 2] = _pixels_to_unit((left + right) / 2 - middle, size)
    theta[:, 1, 2] = _pixels_to_unit((top + bottom) / 2 - middle, size)
    return warp(images.unsqueeze(1), theta, background=0.0).squeeze(1)
