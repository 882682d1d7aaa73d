"""Where a data file is found, in this order:

1. the ``data_dir`` argument of a loader;
2. the directory named by the environment variable ``LENET_TUTORIAL_DATA``;
3. the per-user cache (``LENET_TUTORIAL_CACHE``, else ``$XDG_CACHE_HOME/lenet_tutorial``,
   else ``~/.cache/lenet_tutorial``);
4. a download into that cache, trying every mirror in turn (:mod:`lenet_tutorial.data.download`).

Inside a directory a file may sit in its data set's sub-folder (``mnist/`` or ``usps/``,
the layout of the book's shared data folder) or directly in the directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import files
from .download import download_file


def _candidates(directory: Path, spec: files.DataFile) -> list[Path]:
    return [directory / spec.dataset / spec.name, directory / spec.name]


def search_dirs(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The directories searched for local copies, in order."""
    dirs = []
    if data_dir is not None:
        dirs.append(Path(data_dir).expanduser())
    if os.environ.get(files.DATA_ENV):
        dirs.append(Path(os.environ[files.DATA_ENV]).expanduser())
    dirs.append(files.cache_dir())
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
        spec = files.FILES[name]
    except KeyError:
        raise files.DataFileError(f"unknown data file {name!r}; known: {', '.join(files.FILES)}") from None
    candidates = [path for directory in search_dirs(data_dir) for path in _candidates(directory, spec)]
    for path in candidates:
        if path.is_file():
            return files.verify(path, spec)
    looked = [str(path) for path in candidates]
    if not download:
        raise files.DataFileError(missing_file_help(spec, looked))
    return download_file(spec, files.cache_dir() / spec.dataset, mirrors=mirrors, looked=looked)


def missing_file_help(spec: files.DataFile, looked: list[str]) -> str:
    return (
        f"{spec.name} was not found. Looked in:\n"
        + "".join(f"  {p}\n" for p in looked)
        + f"To use a local copy, put the file at <DIR>/{spec.relative_path} and set "
        f"{files.DATA_ENV}=<DIR> (or pass data_dir=<DIR>). Its sha256 must be {spec.sha256}."
    )
