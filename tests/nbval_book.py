"""nbval as the book compares its notebooks: exactly on the machine that executed them,
result by result within its expected spread on any other.

    python -m pytest -p tests.nbval_book --nbval-book --nbval-current-env \\
        --nbval-sanitize-with tests/nbval_sanitize.cfg NOTEBOOKS...

(the Makefile's ``notebooks`` target). Each committed notebook carries, in its metadata, the
record of the machine that executed it (``tools/execute_notebooks.py`` writes
:func:`lenet_tutorial.reproducibility.machine` there).

- On a machine with the same record every output is compared exactly, as plain strict nbval
  does: a number edited by hand, or moved by a change of code, fails.
- Elsewhere the processor may round a mini-batch step differently, and a training run then
  ends a few digits away. Cells tagged ``rounding-dependent`` are the ones whose printed
  numbers depend on that; each line of their text is compared with every number masked (the
  words, the table layout, the number of lines must be the same), each recorded result
  (``[scorecard] id = value``) must lie within its expected spread of the book's value
  (:func:`lenet_tutorial.scorecard.expected_spread`), and so must each point of a recorded
  curve. Every other cell — counts, settings, tables read from the book's record — is still
  compared exactly, and a figure must still be drawn where the book drew one.

The comparisons made within a spread are listed at the end of the run, one line each:
"the book: 1.12 %, this run: 1.15 %, within the expected spread (±0.34)".
"""

from __future__ import annotations

import json
import re

import nbformat
from nbval.plugin import IPyNbCell, IPyNbFile, transform_streams_for_comparison

from lenet_tutorial import scorecard
from lenet_tutorial.engine.training import COMPILED
from lenet_tutorial.reproducibility import machine, machine_differences

TAG = "rounding-dependent"
METADATA_KEY = "lenet_tutorial"  # notebook.metadata[METADATA_KEY]["executed_on"] = machine()

# A number as a chapter prints it: 1,234  -0.5  2.27%  1.3e-02 ; with the spaces before it,
# so that a column that widens by one digit does not shift the text around it.
NUMBER = re.compile(r"\s*[-+−]?(?<![\w.])\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")
COMPARED = []  # (notebook, line) of every comparison within a spread, for the summary
# The engine's announcement that it compiled its loops: printed by whichever cell first trains
# with it on a machine, which depends on that machine's caches, not on the chapter.
ANNOUNCEMENT = re.compile(
    "^" + re.escape(COMPILED).replace(re.escape("{seconds:.0f}"), r"\d+") + "\n", re.MULTILINE
)


def pytest_addoption(parser):
    parser.getgroup("nbval").addoption(
        "--nbval-book",
        action="store_true",
        help="run the book's notebooks: exact outputs on the executing machine, spreads elsewhere",
    )


def pytest_collect_file(file_path, parent):
    if parent.config.option.nbval_book and file_path.suffix == ".ipynb":
        return BookNotebook.from_parent(parent, path=file_path)
    return None


def pytest_terminal_summary(terminalreporter):
    if COMPARED:
        terminalreporter.section("results compared within their expected spread")
        for notebook, line in COMPARED:
            terminalreporter.write_line(f"{notebook}: {line}")


def without_announcements(outputs: list) -> list:
    """``outputs`` (a cell's) without the engine's compilation announcement; a stream left
    empty by it is dropped."""
    kept = []
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = ANNOUNCEMENT.sub("", "".join(output["text"]))
            if not text:
                continue
            output = nbformat.from_dict({**output, "text": text})
        kept.append(output)
    return kept


def skeleton(text: str) -> str:
    """``text`` with every number replaced by ``#``: what no processor changes."""
    return NUMBER.sub(" #", text)


class BookNotebook(IPyNbFile):
    def collect(self):
        executed_on = self.nb_metadata().get("executed_on")
        here = machine()
        self.differences = (
            ["the notebook does not record the machine that executed it"]
            if executed_on is None
            else machine_differences(executed_on, here)
        )
        for cell in super().collect():
            yield BookCell.from_parent(
                self, name=cell.name, cell_num=cell.cell_num, cell=cell.cell, options=cell.options
            )

    def nb_metadata(self) -> dict:
        with open(self.path, encoding="utf-8") as f:
            return json.load(f).get("metadata", {}).get(METADATA_KEY, {})


class BookCell(IPyNbCell):
    def compare_outputs(self, test, ref, skip_compare=None):
        test, ref = without_announcements(test), without_announcements(ref)
        notebook = self.parent
        if not notebook.differences or TAG not in self.cell.metadata.get("tags", []):
            return super().compare_outputs(test, ref, skip_compare)
        self.comparison_traceback = [
            "compared within spreads: the notebook was executed on another machine ("
            + "; ".join(notebook.differences)
            + ")"
        ]
        test = [self.sanitize_output(o) for o in transform_streams_for_comparison(test)]
        ref = [self.sanitize_output(o) for o in transform_streams_for_comparison(ref)]
        kinds = [sorted(o) for o in test], [sorted(o) for o in ref]
        if kinds[0] != kinds[1]:
            self.comparison_traceback.append(
                f"outputs of other kinds: {kinds[1]} in the book, {kinds[0]} now"
            )
            return False
        for new, old in zip(test, ref):
            for key in old:
                if key.startswith("image/") or not isinstance(old[key], str):
                    continue  # a figure is compared by its presence
                if not self.compare_text(old[key], new[key]):
                    return False
        return True

    def sanitize_output(self, output) -> dict:
        flat = {}
        for key, value in output.items():
            if key in ("data",):
                flat.update({k: self.sanitize(v) for k, v in value.items()})
            elif key not in self.parent.skip_compare or key.startswith("image/"):
                flat[key] = self.sanitize(value)
        flat.pop("output_type", None)
        return flat

    def compare_text(self, book: str, run: str) -> bool:
        book_lines, run_lines = book.splitlines(), run.splitlines()
        if len(book_lines) != len(run_lines):
            self.comparison_traceback.append(
                f"{len(run_lines)} lines now, {len(book_lines)} in the book:\n{run}\n--- the book:\n{book}"
            )
            return False
        for old, new in zip(book_lines, run_lines):
            problem = self.compare_line(old, new)
            if problem:
                self.comparison_traceback.append(f"{problem}\n  the book: {old}\n  this run: {new}")
                return False
        return True

    def compare_line(self, old: str, new: str) -> str | None:
        """``None`` if ``new`` is an acceptable re-computation of the book's line ``old``."""
        for parse in (parse_result, parse_curve):
            book_value, run_value = parse(old), parse(new)
            if book_value is not None or run_value is not None:
                if book_value is None or run_value is None or book_value[0] != run_value[0]:
                    return "a result line is missing or names another result"
                return self.within_spread(book_value, run_value)
        if skeleton(old) != skeleton(new):
            return "the text differs (numbers aside)"
        return None

    def within_spread(self, book, run) -> str | None:
        id, book_value = book
        _, run_value = run
        if isinstance(book_value, float):
            spread = scorecard.expected_spread(id, book_value)
            line = scorecard.compare_with_book(id, book_value, run_value, spread)
            COMPARED.append((self.parent.path.name, line))
            return None if abs(run_value - book_value) <= spread.band else line
        if len(book_value) != len(run_value):
            return f"curve {id}: {len(run_value)} points now, {len(book_value)} in the book"
        worst = None
        for (bx, by), (rx, ry) in zip(book_value, run_value):
            for b, r in ((bx, rx), (by, ry)):
                band = scorecard.curve_point_spread(id, b)
                if abs(r - b) > band:
                    return f"curve {id}: the point ({rx}, {ry}) is beyond ±{band:.2f} of ({bx}, {by})"
                worst = max(worst or 0.0, abs(r - b))
        COMPARED.append(
            (
                self.parent.path.name,
                f"curve {id}: {len(book_value)} points, each within its spread (largest move {worst:.2f})",
            )
        )
        return None


def parse_result(line: str):
    match = scorecard.LINE.match(line)
    return (match["id"], float(match["value"])) if match else None


def parse_curve(line: str):
    match = scorecard.CURVE_LINE.match(line)
    return (match["id"], [tuple(p) for p in json.loads(match["points"])]) if match else None
