"""The USPS zip-code digits of LeCun et al. (1989), as distributed with ESL.

Each line of ``zip.train.gz`` / ``zip.test.gz`` is a label followed by 256 grey
values (16x16, row-major) in [-1, 1], -1 being the background. The two files are
written with different numbers of decimals, so we parse by whitespace.
"""

from __future__ import annotations

import gzip
import io
import os

import numpy as np
import torch

from .files import DataFileError
from .lookup import locate

SPLITS = {"train": ("zip.train.gz", 7_291), "test": ("zip.test.gz", 2_007)}
PIXELS = 16 * 16


def parse_zip_text(text: str, *, source: str = "USPS data") -> tuple[np.ndarray, np.ndarray]:
    """Parse ESL's zip-code text into float32 images ``[N, 16, 16]`` and int64 labels."""
    try:
        table = np.loadtxt(io.StringIO(text), dtype=np.float32, ndmin=2)
    except ValueError as e:
        raise DataFileError(f"{source}: not zip-code text ({e})") from None
    if table.shape[1] != 1 + PIXELS:
        raise DataFileError(
            f"{source}: rows have {table.shape[1]} values, expected {1 + PIXELS} "
            "(a label and 16x16 grey levels)"
        )
    labels = table[:, 0]
    if not np.all((labels == np.round(labels)) & (labels >= 0) & (labels <= 9)):
        raise DataFileError(f"{source}: labels must be the digits 0-9")
    images = table[:, 1:].reshape(-1, 16, 16)
    if images.min() < -1 or images.max() > 1:
        raise DataFileError(f"{source}: grey values must lie in [-1, 1]")
    return np.ascontiguousarray(images), labels.astype(np.int64)


def load_usps(
    split: str = "train", data_dir: str | os.PathLike | None = None, *, download: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """USPS digits as float32 ``[N, 16, 16]`` in [-1, 1] (-1 = background) and int64 labels.

    ``split`` is ``"train"`` (7,291 digits) or ``"test"`` (2,007), the split of LeCun et al. (1989).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}, not {split!r}")
    name, count = SPLITS[split]
    path = locate(name, data_dir, download=download)
    try:
        with gzip.open(path, "rt", encoding="ascii") as f:
            text = f.read()
    except (OSError, EOFError, UnicodeDecodeError) as e:
        raise DataFileError(f"{path}: not a readable gzip text file ({e})") from None
    images, labels = parse_zip_text(text, source=str(path))
    if len(labels) != count:
        raise DataFileError(f"{path}: {len(labels)} digits, expected {count}")
    return torch.from_numpy(images), torch.from_numpy(labels)
