"""The chapters' exercises and their solutions, as the book writes them.

Each exercise is a sphinx-exercise ``{exercise}`` directive in a markdown cell, its solution
a ``{solution}`` directive with the exercise's label; a solution's code is a fenced block
(```` ```python ```` or ``~~~python``) or an indented one. ``tests/test_exercises.py`` runs
that code; the student edition will leave it out.

    python tools/exercises.py            # list every solution and the code it contains
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "book" / "chapters"

DIRECTIVE = re.compile(
    r"^```\{(?P<kind>exercise|solution)\}[ \t]*(?P<label>\S*)\n(?P<body>.*?)^```[ \t]*$", re.S | re.M
)
FENCE = re.compile(r"^(?P<fence>~~~|```)(?P<lang>\w*)[ \t]*\n(?P<code>.*?)^(?P=fence)[ \t]*$", re.S | re.M)


@dataclass(frozen=True)
class Solution:
    chapter: str  # the notebook's stem, e.g. "zip1989"
    label: str  # the exercise it solves, e.g. "zip1989-ex-sgd"
    text: str  # the directive's body
    code: tuple[str, ...]  # its code blocks, in order


def code_blocks(body: str) -> list[str]:
    """The Python code of a directive's body: fenced blocks, and blocks indented by 4 spaces."""
    blocks = [m["code"] for m in FENCE.finditer(body) if m["lang"] in ("", "python")]
    outside = FENCE.sub("", body)
    indented: list[str] = []
    previous_blank = True
    for line in outside.splitlines():
        if line.startswith("    ") and (indented or previous_blank):
            indented.append(line[4:])
        elif indented and line.strip() == "":
            indented.append("")  # a blank line inside the block, or after it
        elif indented:
            blocks.append("\n".join(indented).strip("\n") + "\n")
            indented = []
        previous_blank = line.strip() == ""
    if indented:
        blocks.append("\n".join(indented).strip("\n") + "\n")
    return blocks


def markdown(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def solutions(notebook: Path) -> list[Solution]:
    """Every solution of a chapter, with its code."""
    found = []
    for match in DIRECTIVE.finditer(markdown(notebook)):
        if match["kind"] == "solution":
            body = match["body"]
            found.append(Solution(notebook.stem, match["label"], body, tuple(code_blocks(body))))
    return found


def exercise_labels(notebook: Path) -> list[str]:
    """The labels of a chapter's exercises, in order."""
    found = []
    for match in DIRECTIVE.finditer(markdown(notebook)):
        if match["kind"] == "exercise":
            body = match["body"]
            label = re.search(r"^:label:[ \t]*(\S+)", body, re.M)
            found.append(label[1] if label else "")
    return found


def all_solutions() -> list[Solution]:
    return [s for notebook in sorted(CHAPTERS.glob("*.ipynb")) for s in solutions(notebook)]


if __name__ == "__main__":
    for solution in all_solutions():
        print(f"{solution.chapter}: {solution.label}: {len(solution.code)} code block(s)")
        for block in solution.code:
            print("    " + block.rstrip().replace("\n", "\n    "))
    sys.exit(0)
