"""The input normalisations the papers used, as named functions.

LeNet-5 (1998, section II-A) reads a 32x32 image whose background is -0.1 and
whose full ink is 1.175, so that "the mean input is roughly 0, and the variance
roughly 1, which accelerates learning". The 28x28 MNIST digit sits in the middle,
which leaves room for stroke end-points and corners at the centre of the
receptive fields of the highest-level feature detectors.

The earlier networks read 16x16 digits in [-1, 1] (-1 background), the format of
the USPS set; LeNet-1 centres that 16x16 digit in a 28x28 field.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .normalise import deslant, size_normalise

LENET5_BACKGROUND = -0.1
LENET5_FOREGROUND = 1.175
# LeCun's group's own LeNet-5 code (Lush's demos/dsource-mnist.lsh, ``32 32 0 0.01``): each
# pixel times 0.01, on a background of 0, and not the paper's scale.
LUSH_BACKGROUND = 0.0
LUSH_FOREGROUND = 2.55


def _check_images(images: torch.Tensor, size: int | None = None) -> None:
    if images.ndim != 3:
        raise ValueError(f"expected images of shape [N, H, W], got {tuple(images.shape)}")
    if size is not None and images.shape[1:] != (size, size):
        raise ValueError(f"expected {size}x{size} images, got {tuple(images.shape[1:])}")


def _check_pixels(images: torch.Tensor) -> None:
    if images.dtype != torch.uint8:
        raise ValueError(f"expected MNIST's uint8 pixels, got {images.dtype}")


def grey_levels(images: torch.Tensor, background: float, foreground: float) -> torch.Tensor:
    """Map MNIST's uint8 ink (0 = paper, 255 = full ink) linearly onto [background, foreground]."""
    _check_pixels(images)
    return background + images.float() * ((foreground - background) / 255.0)


def pad_centred(images: torch.Tensor, size: int, background: float) -> torch.Tensor:
    """Centre ``[N, h, w]`` images in a ``size`` x ``size`` field of ``background``."""
    _check_images(images)
    h, w = images.shape[1:]
    if h > size or w > size:
        raise ValueError(f"cannot centre {h}x{w} images in a {size}x{size} field")
    top, left = (size - h) // 2, (size - w) // 2
    return F.pad(images, (left, size - w - left, top, size - h - top), value=background)


def mnist_to_lenet5(images: torch.Tensor) -> torch.Tensor:
    """MNIST uint8 ``[N, 28, 28]`` -> LeNet-5's float32 input ``[N, 1, 32, 32]``."""
    _check_images(images, 28)
    scaled = grey_levels(images, LENET5_BACKGROUND, LENET5_FOREGROUND)
    return pad_centred(scaled, 32, LENET5_BACKGROUND).unsqueeze(1)


def mnist_to_lush(images: torch.Tensor) -> torch.Tensor:
    """MNIST uint8 ``[N, 28, 28]`` -> float32 ``[N, 1, 32, 32]`` as Lush's LeNet-5 demonstration
    read them: the digit centred in a 32x32 field of 0, each pixel times 0.01 (0 to 2.55)."""
    _check_images(images, 28)
    scaled = grey_levels(images, LUSH_BACKGROUND, LUSH_FOREGROUND)
    return pad_centred(scaled, 32, LUSH_BACKGROUND).unsqueeze(1)


def mnist_to_28x28(images: torch.Tensor) -> torch.Tensor:
    """MNIST uint8 ``[N, 28, 28]`` -> float32 ``[N, 1, 28, 28]`` on LeNet-5's grey scale.

    The 1998 paper does not say how it scaled the inputs of its non-convolutional
    classifiers; we use LeNet-5's scale so that every MNIST model reads the same numbers.
    """
    _check_images(images, 28)
    return grey_levels(images, LENET5_BACKGROUND, LENET5_FOREGROUND).unsqueeze(1)


def mnist_to_16x16(images: torch.Tensor, *, deslanted: bool = False) -> torch.Tensor:
    """MNIST uint8 ``[N, 28, 28]`` -> float32 ``[N, 16, 16]`` in [-1, 1], USPS-style.

    The 1998 paper's LeNet-1 read "16x16" MNIST digits and says no more. We redo MNIST's
    own size normalisation with a 16-pixel box instead of 20 (aspect ratio kept, box
    centred), then keep the 16x16 square around the box. (Cropping the middle 20x20 of the
    28x28 field instead, which we first did, cuts strokes off: MNIST centres by mass, not
    by box, and 27% of the training digits lose more than 5% of their ink that way.)

    With ``deslanted``, each digit is first made upright (:func:`~.normalise.deslant`), as
    the USPS digits LeNet-1 was built for had been: another reading of "16x16", tried on
    validation in the chapter *MNIST*.
    """
    _check_images(images, 28)
    _check_pixels(images)
    ink = images.float() / 255.0
    if deslanted:
        ink = deslant(ink).clamp(0, 1)
    boxed = size_normalise(ink, box=16)  # the box's centre is the field's middle, 13.5
    return boxed[:, 6:22, 6:22].clamp(0, 1) * 2.0 - 1.0


def usps_to_lenet1(images: torch.Tensor) -> torch.Tensor:
    """USPS ``[N, 16, 16]`` in [-1, 1] -> LeNet-1's ``[N, 1, 28, 28]`` input, digit centred."""
    _check_images(images, 16)
    return pad_centred(images, 28, -1.0).unsqueeze(1)
