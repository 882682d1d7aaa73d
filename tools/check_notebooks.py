"""Re-execute the book's notebooks and compare their outputs with the committed ones, each
chapter alone, as Colab runs it: ``make notebooks`` runs this.

    python tools/check_notebooks.py                      # every notebook of the book
    python tools/check_notebooks.py book/chapters/lenet5.ipynb

Each notebook is copied into an empty folder of its own, outside the repository, and runs
there in a kernel of this environment: the package comes from what is installed (the
Makefile installs a built wheel, not the working tree), and nothing of the repository is on
the kernel's path. The comparison is ``tests/nbval_book.py``'s: exact on the machine that
executed the notebooks, result by result within its expected spread on any other. Extra
arguments after ``--`` go to pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def book_notebooks() -> list[Path]:
    """The book's notebooks, in the table of contents' order (reading order)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def main(argv: list[str]) -> int:
    pytest_args = argv[argv.index("--") + 1 :] if "--" in argv else []
    names = argv[: argv.index("--")] if "--" in argv else argv
    notebooks = [Path(n).resolve() for n in names] or book_notebooks()
    with tempfile.TemporaryDirectory(prefix="lenet-alone-") as folder:
        copies = []
        for notebook in notebooks:
            alone = Path(folder) / notebook.stem
            alone.mkdir()
            copies.append(shutil.copy2(notebook, alone))
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.nbval_book",
            "-p",
            "no:cacheprovider",
            "--nbval-book",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(ROOT / "tests" / "nbval_sanitize.cfg"),
            "--rootdir",
            folder,
            *pytest_args,
            *map(str, copies),
        ]
        # pytest runs from the repository (for the plugin); each kernel starts in its own folder
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        return subprocess.run(command, cwd=ROOT, env=environment).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
