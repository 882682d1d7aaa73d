"""Write the book's page *For teachers* (``book/teachers.md``) from the chapters themselves:
their titles, learning objectives and exercises, and their measured run times
(``benchmarks/results/book.json``). A test keeps the page equal to what this writes.

    python tools/teachers_page.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from exercises import DIRECTIVE, markdown

from lenet_tutorial.checks import CHECKABLE

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "teachers.md"

INTRO = """# For teachers

Every chapter is a lesson that runs on its own: a student opens it in Colab or Binder (the
rocket icon at the top of the page), or on a laptop, and re-executes it from the first cell.
Each has learning objectives at the top and exercises at the end, with their solutions in
dropdowns. This page lists them, and says how to hand the chapters out without the solutions.

## A student edition, without the solutions

`make student` writes `_build/student/`: every chapter with each exercise's solution taken
out and an empty answer cell (tagged `answer`) in its place; every other cell, source and
output is unchanged (`tools/student_edition.py`; a test checks that no solution text is left
and that putting the solutions back gives the instructor notebooks exactly). Hand out those
notebooks, or publish them: in a fork, replace `book/chapters/*.ipynb` on a branch by the
student edition, set `repository.url` and `repository.branch` in `_config.yml` to that fork
and branch, and build; the rocket icons then open the student notebooks.

The exercises whose answer is a number have a check (marked **checkable** below): the student
runs `check("label", answer)` (`from lenet_tutorial.checks import check`) and is told whether
it is right, and which part is wrong, without being shown the answer. The others are graded
by reading the student's answer beside the solution in the instructor notebook.
"""


def chapters() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
    return [
        ROOT / f"{f}.ipynb"
        for f in files
        if f.startswith("book/chapters/") and (ROOT / f"{f}.ipynb").exists()
    ]


def first_sentence(body: str) -> str:
    text = " ".join(line.strip() for line in body.splitlines() if line.strip() and not line.startswith(":"))
    match = re.match(r"(.+?[.?!])(\s|$)", text)
    return (match[1] if match else text).replace("|", "\\|")


def run_time(name: str, book: dict | None) -> str:
    runs = (book or {}).get("chapters", {}).get(name, {})
    times = [
        f"{runs[key]['seconds'] / 60:.1f} min ({label})"
        for key, label in (("1_threads", "1 CPU"), ("2_threads", "2 CPUs"))
        if key in runs
    ]
    return ", ".join(times) or "not measured"


def render() -> str:
    book_file = ROOT / "benchmarks" / "results" / "book.json"
    book = json.loads(book_file.read_text()) if book_file.exists() else None
    lines = [
        INTRO,
        "## The chapters",
        "",
        "Run times as measured for the {doc}`status` page, from an empty cache.",
        "",
    ]
    lines += ["| chapter | the student learns to | run time | exercises |", "|---|---|---|---|"]
    exercise_lines = ["## The exercises", ""]
    for path in chapters():
        text = markdown(path)
        title = re.search(r"^# (.+)$", text, re.M)[1]
        goals = re.search(r"```\{admonition\} Learning objectives\n(.*?)```", text, re.S)
        objectives = []
        for line in goals[1].splitlines() if goals else []:
            if line.startswith("- "):
                objectives.append(line[2:].strip())
            elif line.startswith("  ") and objectives:  # a list item's next line
                objectives[-1] += " " + line.strip()
        found = [m for m in DIRECTIVE.finditer(text) if m["kind"] == "exercise"]
        doc = f"{{doc}}`chapters/{path.stem}`"
        learn = "; ".join(o.rstrip(".").replace("|", "\\|") for o in objectives) or "–"
        name = str(path.relative_to(ROOT))
        lines.append(f"| {doc} | {learn} | {run_time(name, book)} | {len(found)} |")
        if found:
            exercise_lines += [f"**{title}**", ""]
            for m in found:
                label = re.search(r"^:label:\s*(\S+)", m["body"], re.M)
                name = label[1] if label else "?"
                mark = " (**checkable**)" if name in CHECKABLE else ""
                exercise_lines.append(f"- `{name}`{mark}: {first_sentence(m['body'])}")
            exercise_lines.append("")
    return "\n".join(lines + [""] + exercise_lines).rstrip() + "\n"


def main() -> None:
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
