"""The student edition: no solution survives in it, and putting the solutions back gives the
instructor notebook exactly."""

from __future__ import annotations

import json

import pytest

from .conftest import ROOT, load_tool

CHAPTERS = sorted((ROOT / "book" / "chapters").glob("*.ipynb"))


student_edition = load_tool("student_edition")
exercises = load_tool("exercises")
teachers_page = load_tool("teachers_page")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_text_survives_and_each_exercise_gets_an_answer_cell(chapter):
    notebook = json.loads(chapter.read_text())
    student, removed = student_edition.split(notebook)
    solutions = exercises.solutions(chapter)
    assert [r.label for r in removed] == [s.label for s in solutions]
    text, original = json.dumps(student), json.dumps(notebook)
    assert "{solution}" not in text
    in_solutions = "".join(json.dumps(r.text) for r in removed)
    for solution in solutions:
        for line in solution.text.splitlines():
            if len(line.strip()) > 20:  # a line of the solution, not a bare ``` or :class:
                line = json.dumps(line.strip())[1:-1]
                # gone wherever it was part of a solution (the chapter's own code may share a line)
                expected = original.count(line) - in_solutions.count(line)
                assert text.count(line) == expected, (solution.label, line)
    answers = [c for c in student["cells"] if "answer" in c["metadata"].get("tags", [])]
    assert len(answers) == len(solutions) and all(c["outputs"] == [] for c in answers)
    assert exercises.exercise_labels(chapter) and len(exercises.exercise_labels(chapter)) == len(solutions)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_putting_the_solutions_back_gives_the_instructor_notebook_exactly(chapter):
    notebook = json.loads(chapter.read_text())
    student, removed = student_edition.split(notebook)
    assert student_edition.merge(student, removed) == notebook
    # and the student notebook keeps every other cell, source and output as it was
    kept = [c for c in student["cells"] if "answer" not in c["metadata"].get("tags", [])]
    assert len(kept) == len(notebook["cells"])
    assert [c["outputs"] for c in kept if c["cell_type"] == "code"] == [
        c["outputs"] for c in notebook["cells"] if c["cell_type"] == "code"
    ]


def test_the_tool_writes_one_student_notebook_per_chapter(tmp_path):
    written = student_edition.write(tmp_path)
    assert sorted(p.name for p in written) == [p.name for p in CHAPTERS]
    assert all("{solution}" not in p.read_text() for p in written)


def test_the_page_for_teachers_lists_every_chapters_exercises_as_the_chapters_hold_them():
    assert (ROOT / "book" / "teachers.md").read_text() == teachers_page.render(), (
        "book/teachers.md is stale: run python tools/teachers_page.py"
    )
    page = teachers_page.render()
    for chapter in CHAPTERS:
        for label in exercises.exercise_labels(chapter):
            assert f"- `{label}`" in page, label
