"""The data files the book reads, and how each one is checked.

Every file is listed here once, with its size and SHA-256 (from the provenance README of
the data folder) and the public mirrors that serve it. Whatever the path a file is found
at (:mod:`lenet_tutorial.data.lookup`), its checksum is verified before a byte is parsed:
a corrupt file is reported by name, never as a reshape error from deep inside numpy.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

DATA_ENV = "LENET_TUTORIAL_DATA"
CACHE_ENV = "LENET_TUTORIAL_CACHE"


class DataFileError(RuntimeError):
    """A data file is missing, corrupt, or could not be downloaded."""


@dataclass(frozen=True)
class DataFile:
    """One published file: where it lives in a data folder and what it must hash to."""

    dataset: str  # the sub-folder: "mnist" or "usps"
    name: str
    size: int
    sha256: str
    mirrors: tuple[str, ...]  # base URLs, each ending in "/"

    @property
    def relative_path(self) -> str:
        return f"{self.dataset}/{self.name}"


# The original MNIST site answered 403 for years and later served an HTML page, so
# it comes last; every mirror is tried whatever the previous one did.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

# The ESL data page and the older addresses of the same files.
USPS_MIRRORS = (
    "https://hastie.su.domains/ElemStatLearn/datasets/",
    "https://web.stanford.edu/~hastie/ElemStatLearn/datasets/",
    "http://statweb.stanford.edu/~tibs/ElemStatLearn/datasets/",
)


def _mnist(name: str, size: int, sha256: str) -> DataFile:
    return DataFile("mnist", name, size, sha256, MNIST_MIRRORS)


def _usps(name: str, size: int, sha256: str) -> DataFile:
    return DataFile("usps", name, size, sha256, USPS_MIRRORS)


FILES: dict[str, DataFile] = {
    f.name: f
    for f in (
        _mnist(
            "train-images-idx3-ubyte.gz",
            9_912_422,
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        ),
        _mnist(
            "train-labels-idx1-ubyte.gz",
            28_881,
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        ),
        _mnist(
            "t10k-images-idx3-ubyte.gz",
            1_648_877,
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        ),
        _mnist(
            "t10k-labels-idx1-ubyte.gz",
            4_542,
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        ),
        _usps(
            "zip.train.gz",
            1_829_071,
            "66ebf231ab51f2cf6ac1a892d0f98ccffee1079d7a5db638c1f11f366046ca16",
        ),
        _usps(
            "zip.test.gz",
            439_208,
            "8dacc3c6e136af6c3488de9e5113a7daf140c8c2f1f0b61c54ee02f03f1a962f",
        ),
    )
}


def cache_dir() -> Path:
    """The per-user directory that downloads go to."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "lenet_tutorial"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, spec: DataFile) -> Path:
    """Return ``path`` if it holds exactly the published file, else raise a clear error."""
    size = path.stat().st_size
    if size != spec.size:
        raise DataFileError(
            f"{path} is corrupt or truncated: it has {size:,} bytes, the published "
            f"{spec.name} has {spec.size:,} (sha256 {spec.sha256}). Delete it and load again, "
            f"or replace it with a good copy."
        )
    actual = sha256_of(path)
    if actual != spec.sha256:
        raise DataFileError(
            f"{path} is corrupt: its sha256 is {actual}, expected {spec.sha256} for "
            f"{spec.name}. Delete it and load again, or replace it with a good copy."
        )
    return path
