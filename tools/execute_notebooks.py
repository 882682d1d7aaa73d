"""Execute chapters as CI re-executes them, and save their outputs: run this before committing.

    python tools/execute_notebooks.py book/chapters/lenet5.ipynb book/scorecard.ipynb

Each notebook runs alone, as Colab runs it: copied into an empty temporary folder, in a
fresh kernel of this environment, with the book's two threads and no progress bars. Its
outputs are written back into the file, with the record of the machine that computed them
(``metadata.lenet_tutorial.executed_on``: the notebook tests compare every output exactly on
a machine with the same record, and result by result within a spread elsewhere) and the
entries of the book's record the chapter read (``reads``).

Then the record (``lenet_tutorial/results.json``) is rewritten from the notebooks. Where that
changed an entry that another chapter read — the *MNIST* chapter prints LeNet-5's error, the
*Scorecard* page all of them, and chapters quote their seeds tables — those chapters are
executed again, until the record no longer changes. No order has to be kept by hand.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from lenet_tutorial import scorecard
from lenet_tutorial.reproducibility import DEFAULT_THREADS, THREADS_ENV, machine

sys.path.insert(0, str(Path(__file__).resolve().parent))
import record_results  # noqa: E402 (the tool beside this one)

ROOT = record_results.ROOT
METADATA_KEY = "lenet_tutorial"
MAX_ROUNDS = 3


def execute(path: Path) -> float:
    """Execute ``path`` alone in an empty folder; save its outputs and metadata; return seconds."""
    notebook = nbformat.read(path, as_version=4)
    with (
        tempfile.TemporaryDirectory(prefix="lenet-chapter-") as folder,
        tempfile.TemporaryDirectory(prefix="lenet-reads-") as log,
    ):
        reads = Path(log) / "reads.txt"
        os.environ[scorecard.READS_ENV] = str(reads)
        started = time.perf_counter()
        try:
            NotebookClient(
                notebook, timeout=None, kernel_name="python3", resources={"metadata": {"path": folder}}
            ).execute()
        finally:
            del os.environ[scorecard.READS_ENV]
        seconds = time.perf_counter() - started
        read = sorted(set(reads.read_text().split())) if reads.exists() else []
    notebook.metadata[METADATA_KEY] = {"executed_on": machine(), "reads": read}
    nbformat.write(notebook, path)
    return seconds


def readers_of(changed: set[str], notebooks: list[Path]) -> list[Path]:
    """The notebooks whose recorded reads include an entry in ``changed``."""
    found = []
    for path in notebooks:
        reads = nbformat.read(path, as_version=4).metadata.get(METADATA_KEY, {}).get("reads", [])
        if scorecard.reads_affected(reads, changed):
            found.append(path)
    return found


def book_notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--no-readers", action="store_true", help="do not re-execute the chapters that read changed results"
    )
    args = parser.parse_args(argv)
    # The committed outputs show results, not progress bars (the kernel inherits this), and are
    # computed with the book's two threads, even where a reader's chapters would choose one.
    os.environ["LENET_TUTORIAL_PROGRESS"] = "0"
    os.environ[THREADS_ENV] = str(DEFAULT_THREADS)
    todo = [path.resolve() for path in args.notebooks]
    for _ in range(MAX_ROUNDS):
        before = scorecard.book_record_from(record_results.RECORD)
        for path in todo:
            print(f"{path.relative_to(ROOT)}: executing...", flush=True)
            print(f"{path.relative_to(ROOT)}: done in {execute(path):.0f} s", flush=True)
        record_results.write()
        changed = scorecard.changed_entries(before, scorecard.book_record_from(record_results.RECORD))
        if not changed or args.no_readers:
            return 0
        todo = readers_of(changed, book_notebooks())
        if not todo:
            return 0
        names = ", ".join(p.name for p in todo)
        print(f"the record changed ({', '.join(sorted(changed))}): executing its readers again: {names}")
    print("the record still changes after re-executing its readers: check for a cycle", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
