"""A number changed by hand in a committed notebook makes the notebook tests fail.

This is the guarantee behind the scorecard: CI re-executes every notebook under
strict nbval, so a stored output that the code does not produce is caught.
"""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

SOURCE = """\
from lenet_tutorial import scorecard
ours = scorecard.record("lenet5.free_parameters", 6 * 25 + 6 + 9_844 + 50_000)
"""


@pytest.fixture(scope="module")
def executed_notebook(tmp_path_factory):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    path = tmp_path_factory.mktemp("guard") / "chapter.ipynb"
    nbformat.write(nb, path)
    return path


def nbval(path):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            str(path),
        ],
        cwd=path.parent,
        capture_output=True,
        text=True,
    )


def test_untouched_notebook_passes_strict_nbval(executed_notebook):
    result = nbval(executed_notebook)
    assert result.returncode == 0, result.stdout


def test_a_stored_number_edited_by_hand_fails_strict_nbval(executed_notebook, tmp_path):
    text = executed_notebook.read_text()
    assert "lenet5.free_parameters = 60000" in text
    forged = tmp_path / "chapter.ipynb"
    forged.write_text(text.replace("lenet5.free_parameters = 60000", "lenet5.free_parameters = 59000"))
    result = nbval(forged)
    assert result.returncode != 0
    assert "59000" in result.stdout and "60000" in result.stdout


def test_the_book_notebooks_use_the_sanitiser_shipped_with_the_tests():
    sanitiser = (ROOT / "tests" / "nbval_sanitize.cfg").read_text()
    assert "regex:" in sanitiser and "replace:" in sanitiser
