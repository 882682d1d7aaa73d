"""The student edition: every chapter with its exercises' solutions taken out.

A teacher hands students these notebooks; the instructor notebooks (``book/chapters/``, with
the solutions) stay the source and the ones CI checks. Each ``{solution}`` directive is removed
from its markdown cell, and an empty answer cell (tagged ``answer``) follows that cell for
each removed solution. Nothing else changes: the same cells, sources and outputs.

:func:`split` makes a student notebook and the solutions it removed; :func:`merge` puts them
back and gives the instructor notebook again, exactly (a test checks both, on every chapter).

    python tools/student_edition.py                 # writes _build/student/*.ipynb
    python tools/student_edition.py --out DIR
"""

from __future__ import annotations

import argparse
import copy
import json
from dataclasses import dataclass
from pathlib import Path

from exercises import DIRECTIVE

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "book" / "chapters"
ANSWER_TAG = "answer"


@dataclass(frozen=True)
class Removed:
    """A solution taken out of markdown cell ``cell`` (its index in the instructor notebook),
    at character ``start`` of the cell's source."""

    label: str
    cell: int
    start: int
    text: str


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _set_source(cell: dict, text: str, like: list | str) -> None:
    cell["source"] = text.splitlines(keepends=True) if isinstance(like, list) else text


def answer_cell(label: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": f"answer-{label}"[:64],
        "metadata": {"tags": [ANSWER_TAG]},
        "outputs": [],
        "source": [f"# Your answer to exercise {label}\n"],
    }


def split(notebook: dict) -> tuple[dict, list[Removed]]:
    """The student edition of ``notebook`` (a notebook's JSON), and what was removed."""
    student = copy.deepcopy(notebook)
    removed: list[Removed] = []
    cells = []
    for index, cell in enumerate(student["cells"]):
        cells.append(cell)
        if cell["cell_type"] != "markdown":
            continue
        text = _source(cell)
        solutions = [m for m in DIRECTIVE.finditer(text) if m["kind"] == "solution"]
        if not solutions:
            continue
        kept, at = [], 0
        for match in solutions:
            end = match.end()
            if text[end : end + 1] == "\n":  # the directive's line end goes with it
                end += 1
            kept.append(text[at : match.start()])
            removed.append(Removed(match["label"], index, match.start(), text[match.start() : end]))
            at = end
        kept.append(text[at:])
        _set_source(cell, "".join(kept), cell["source"])
        cells += [answer_cell(match["label"]) for match in solutions]
    student["cells"] = cells
    return student, removed


def merge(student: dict, removed: list[Removed]) -> dict:
    """The instructor notebook again: the answer cells out, each solution back in its place."""
    instructor = copy.deepcopy(student)
    instructor["cells"] = [c for c in instructor["cells"] if ANSWER_TAG not in c["metadata"].get("tags", [])]
    for cell_index in sorted({r.cell for r in removed}):
        cell = instructor["cells"][cell_index]
        text = _source(cell)
        for r in sorted((r for r in removed if r.cell == cell_index), key=lambda r: r.start):
            text = text[: r.start] + r.text + text[r.start :]
        _set_source(cell, text, cell["source"])
    return instructor


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        student, _ = split(json.loads(path.read_text(encoding="utf-8")))
        target = out / path.name
        target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student")
    args = parser.parse_args()
    written = write(args.out)
    print(f"wrote {len(written)} student notebooks to {args.out}")


if __name__ == "__main__":
    main()
