"""How MNIST's digits were normalised (1998, section III-A), as functions you can apply.

NIST's digits came as black-and-white images of any size. MNIST's makers

1. size-normalised each digit to fit a 20x20 box, keeping its aspect ratio (the
   anti-aliasing of the resampling is what gives MNIST its grey levels);
2. centred it in a 28x28 field by its *centre of mass* (not its bounding box).

Some of the 1998 paper's classifiers also read **deslanted** digits: each digit sheared
horizontally so that its principal axis is vertical, computed from second moments of the
ink. All functions take ink images ``[N, H, W]`` (0 = paper, larger = more ink), work on
the whole batch at once, and keep the ink's total roughly unchanged (bilinear resampling).

The chapter *MNIST* trains LeNet-1 on digits made by these functions, with the engine,
whose numbers are the same on every machine; so these compute the same bits everywhere
too. The moments are sums written as loops in double precision, in one order (a vectorised
sum's order, and so its last bit, depends on the processor's vector width), and the
resampling is :func:`~lenet_tutorial.data.affine.exact_warp`, not ``grid_sample``, whose
generic and vectorised kernels round some pixels differently.
"""

from __future__ import annotations

import numpy as np
import torch
from numba import njit

from .affine import EXACT, exact_warp

# Less ink than this is rounding residue, not a stroke: where a resampled digit has no ink, a
# bilinear weight that should be 0 can come out as 1e-21 or 1e-12 (it depends on the arithmetic),
# and a bounding box that counted such a pixel would grow by a row or a column. MNIST's own
# faintest grey is 1/255.
DUST = 1e-6


def _check(images: torch.Tensor) -> None:
    if images.ndim != 3 or images.shape[1] != images.shape[2] or not images.is_floating_point():
        raise ValueError(f"expected float ink images [N, H, H], got {tuple(images.shape)} {images.dtype}")
    if (images.flatten(1).sum(1) <= 0).any():
        raise ValueError("every image needs some ink (a positive pixel) to be normalised")


@njit(**EXACT)
def moments_kernel(images, size, out):
    """``out[n]``: image ``n``'s centre of mass (row, column) and its second moments about it,
    ``mu11 = sum I dx dy`` and ``mu02 = sum I dy dy``, each sum over the pixels in row order."""
    for n in range(images.shape[0]):
        image = images[n]
        mass = 0.0
        rows = 0.0
        cols = 0.0
        for i in range(size):
            for j in range(size):
                ink = np.float64(image[i * size + j])
                mass += ink
                rows += i * ink
                cols += j * ink
        row = rows / mass
        col = cols / mass
        mu11 = 0.0
        mu02 = 0.0
        for i in range(size):
            dy = i - row
            for j in range(size):
                ink = np.float64(image[i * size + j])
                mu11 += ink * (j - col) * dy
                mu02 += ink * dy * dy
        out[n, 0] = row
        out[n, 1] = col
        out[n, 2] = mu11
        out[n, 3] = mu02


def _moments(images: torch.Tensor) -> np.ndarray:
    """``[N, 4]`` float64: row and column of the centre of mass, mu11, mu02."""
    _check(images)
    flat = np.ascontiguousarray(_pixels(images))
    out = np.empty((len(images), 4))
    moments_kernel(flat, images.shape[-1], out)
    return out


def _pixels(images: torch.Tensor) -> np.ndarray:
    """``[N, H*W]``: the images' pixels for the compiled loops, wherever the tensor lives."""
    return images.detach().cpu().reshape(len(images), -1).numpy()


def _warp(images: torch.Tensor, theta: np.ndarray) -> torch.Tensor:
    """Each image read through its ``[2, 3]`` matrix (output -> input, [-1, 1] units); paper outside."""
    warped = torch.from_numpy(exact_warp(_pixels(images), theta, background=0.0))
    return warped.reshape(images.shape).to(images.device)


def _identity(n: int) -> np.ndarray:
    theta = np.zeros((n, 2, 3))
    theta[:, 0, 0] = theta[:, 1, 1] = 1.0
    return theta


def _pixels_to_unit(pixels, size: int):
    """A displacement in pixels, in the resampling's [-1, 1] units."""
    return 2 * pixels / size


def centre_of_mass(images: torch.Tensor) -> torch.Tensor:
    """``[N, 2]``: the ink-weighted mean (row, column) of each image, in pixels."""
    return torch.from_numpy(_moments(images)[:, :2]).to(images.device, images.dtype)


def recentre(images: torch.Tensor) -> torch.Tensor:
    """Translate each image so that its centre of mass is the middle of the field."""
    size = images.shape[-1]
    offset = _pixels_to_unit(_moments(images)[:, :2] - (size - 1) / 2, size)  # [N, 2] rows, cols
    theta = _identity(len(images))
    theta[:, 0, 2], theta[:, 1, 2] = offset[:, 1], offset[:, 0]  # output -> input: add the offset
    return _warp(images, theta)


def slant(images: torch.Tensor) -> torch.Tensor:
    """``[N]``: horizontal shift of the ink per row downwards, from second moments (mu11 / mu02)."""
    moments = _moments(images)
    return torch.from_numpy(moments[:, 2] / moments[:, 3]).to(images.device, images.dtype)


def deslant(images: torch.Tensor) -> torch.Tensor:
    """Shear each image horizontally about its centre of mass so that its slant is 0."""
    size = images.shape[-1]
    moments = _moments(images)
    alpha = moments[:, 2] / moments[:, 3]
    centre_row = _pixels_to_unit(moments[:, 0] - (size - 1) / 2, size)
    # output (x, y) reads input (x + alpha (y - y_c), y): the ink leaning by alpha comes upright
    theta = _identity(len(images))
    theta[:, 0, 1] = alpha
    theta[:, 0, 2] = -alpha * centre_row
    return _warp(images, theta)


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
    """Scale each digit, aspect ratio kept, so that its bounding box (of the ink above
    :data:`DUST`) has ``box`` pixels on its longer side, and put the box's centre in the
    middle of the field."""
    size = images.shape[-1]
    top, bottom, left, right = bounding_boxes(images, threshold=DUST).double().cpu().numpy().T
    scale = box / np.maximum(bottom - top + 1, right - left + 1)  # > 1 enlarges
    middle = (size - 1) / 2
    theta = _identity(len(images))
    theta[:, 0, 0] = theta[:, 1, 1] = 1 / scale
    theta[:, 0, 2] = _pixels_to_unit((left + right) / 2 - middle, size)
    theta[:, 1, 2] = _pixels_to_unit((top + bottom) / 2 - middle, size)
    return _warp(images, theta)
