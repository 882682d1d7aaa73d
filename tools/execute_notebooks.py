"""Execute chapters in place, in order, as CI will re-execute them: run this before committing.

    python tools/execute_notebooks.py book/chapters/digits.ipynb book/scorecard.ipynb

Each notebook runs in a fresh kernel in its own folder; the outputs are saved into
the file. The scorecard page reads the other chapters' outputs, so execute it last. Some
chapters read a *later* chapter's committed result (*MNIST* prints LeNet-5's error from the
LeNet-5 chapter; *Legacy* reads them all): reading order is not enough, so after changing a
chapter, re-execute the chapters that read it (``grep -rl scorecard.collect book``), or
strict nbval will find their copies stale.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from lenet_tutorial.reproducibility import DEFAULT_THREADS, THREADS_ENV


def execute(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    seconds = time.perf_counter() - started
    nbformat.write(notebook, path)
    return seconds


def main(paths: list[str]) -> None:
    if not paths:
        sys.exit(__doc__)
    # The committed outputs show results, not progress bars (the kernel inherits this).
    os.environ["LENET_TUTORIAL_PROGRESS"] = "0"
    # ... computed with the book's two threads, the numbers CI reproduces, even on a machine
    # where a reader's chapters would choose one (see lenet_tutorial.reproducibility)
    os.environ[THREADS_ENV] = str(DEFAULT_THREADS)
    for name in paths:
        path = Path(name)
        print(f"{path}: executing...", flush=True)
        print(f"{path}: done in {execute(path):.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
