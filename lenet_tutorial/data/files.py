"""Where the data files come from, and how each one is checked.

Every file the book reads is listed here once, with its size and SHA-256 (from
the provenance README of the data folder) and the public mirrors that serve it.
A file is looked for, in this order:

1. the ``data_dir`` argument of a loader;
2. the directory named by the environment variable ``LENET_TUTORIAL_DATA``;
3. the per-user cache (``LENET_TUTORIAL_CACHE``, else ``$XDG_CACHE_HOME/lenet_tutorial``,
   else ``~/.cache/lenet_tutorial``);
4. a download into that cache, trying every mirror in turn.

Inside a directory a file may sit in its data set's sub-folder (``mnist/`` or ``usps/``,
the layout of the book's shared data folder) or directly in the directory.
Whatever the path, the checksum is verified before a byte is parsed: a corrupt
file is reported by name, never as a reshape error from deep inside numpy.
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


def _candidates(directory: Path, spec: DataFile) -> list[Path]:
    return [directory / spec.dataset / spec.name, directory / spec.name]


def search_dirs(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The directories searched for local copies, in order."""
    dirs = []
    if data_dir is not None:
        dirs.append(Path(data_dir).expanduser())
    if os.environ.get(DATA_ENV):
        dirs.append(Path(os.environ[DATA_ENV]).expanduser())
    dirs.append(cache_dir())
    return dirs


def locate(
    name: str,
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    mirrors: tuple[str, ...] | None = None,
) -> Path:
    """Path of a verified local copy of the data file ``name``, downloading it if needed."""
    try:
        spec = FILES[name]
    except KeyError:
        raise DataFileError(f"unknown data file {name!r}; known: {', '.join(FILES)}") from None
    candidates = [path for directory in search_dirs(data_dir) for path in _candidates(directory, spec)]
    for path in candidates:
        if path.is_file():
            return verify(path, spec)
    looked = [str(path) for path in candidates]
    if not download:
        raise DataFileError(missing_file_help(spec, looked))
    from .download import download_file  # imported here: offline use never needs it

    return download_file(spec, cache_dir() / spec.dataset, mirrors=mirrors, looked=looked)


def missing_file_help(spec: DataFile, looked: list[str]) -> str:
    return (
        f"{spec.name} was not found. Looked in:\n"
        + "".join(f"  {p}\n" for p in looked)
        + f"To use a local copy, put the file at <DIR>/{spec.relative_path} and set "
        f"{DATA_ENV}=<DIR> (or pass data_dir=<DIR>). Its sha256 must be {spec.sha256}."
    )
