"""MNIST, read straight from the four official IDX files.

The IDX format is tiny: a magic number whose third byte is the element type
(0x08, unsigned byte) and whose fourth is the number of dimensions, then each
dimension as a big-endian 32-bit integer, then the data. We check all of it,
so a wrong file is reported as such rather than as a mysterious reshape error.
"""

from __future__ import annotations

import gzip
import os

import numpy as np
import torch

from .files import DataFileError
from .lookup import locate

SPLITS = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60_000),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10_000),
}


def parse_idx(raw: bytes, *, ndim: int, source: str = "IDX data") -> np.ndarray:
    """Parse an uncompressed IDX byte string of unsigned bytes with ``ndim`` dimensions."""
    if len(raw) < 4 + 4 * ndim:
        raise DataFileError(f"{source}: only {len(raw)} bytes, too short for an IDX header")
    zero, dtype_code, dims = raw[0:2], raw[2], raw[3]
    if zero != b"\x00\x00" or dtype_code != 0x08 or dims != ndim:
        raise DataFileError(
            f"{source}: bad magic number {raw[:4].hex()}, expected 0000080{ndim} "
            f"(unsigned bytes, {ndim} dimension(s))"
        )
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    header = 4 + 4 * ndim
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise DataFileError(
            f"{source}: header announces shape {shape} ({expected:,} bytes) "
            f"but the data has {len(raw):,} bytes"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _read_gz(path) -> bytes:
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as e:
        raise DataFileError(f"{path}: not a readable gzip file ({e})") from None


def load_mnist(
    split: str = "train", data_dir: str | os.PathLike | None = None, *, download: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST images as uint8 ``[N, 28, 28]`` (0 = background) and int64 labels ``[N]``.

    ``split`` is ``"train"`` (60,000 digits) or ``"test"`` (10,000).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}, not {split!r}")
    image_file, label_file, count = SPLITS[split]
    image_path = locate(image_file, data_dir, download=download)
    label_path = locate(label_file, data_dir, download=download)
    images = parse_idx(_read_gz(image_path), ndim=3, source=str(image_path))
    labels = parse_idx(_read_gz(label_path), ndim=1, source=str(label_path))
    if images.shape != (count, 28, 28) or labels.shape != (count,):
        raise DataFileError(
            f"MNIST {split}: expected {count} images of 28x28 and as many labels, "
            f"got images {images.shape} and labels {labels.shape}"
        )
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))
