"""The exercises' checks: right answers pass, wrong ones are told what is wrong but not the
answer, and every expected value is the one the chapter's own solution gives."""

from __future__ import annotations

import re

import pytest

from lenet_tutorial.checks import CHECKABLE, check

from .conftest import ROOT, load_tool

exercises = load_tool("exercises")
SOLUTIONS = {
    s.label: s for p in sorted((ROOT / "book" / "chapters").glob("*.ipynb")) for s in exercises.solutions(p)
}


def as_numbers(value) -> list[int]:
    return list(value) if isinstance(value, tuple) else [value]


@pytest.mark.parametrize("label", sorted(CHECKABLE))
def test_each_expected_answer_is_the_chapters_own_solution(label):
    solution = SOLUTIONS[label].text
    for number in as_numbers(CHECKABLE[label].expected()):
        if number >= 10_000_000:  # the solution rounds it ("105 million")
            assert f"{round(number / 1e6)} million" in solution, (label, number)
        else:
            assert f"{number:,}" in solution or str(number) in solution, (label, number)


@pytest.mark.parametrize("label", sorted(CHECKABLE))
def test_a_right_answer_passes_and_a_wrong_one_is_told_without_the_answer(label, capsys):
    expected = CHECKABLE[label].expected()
    assert check(label, expected) is True
    assert "right" in capsys.readouterr().out
    wrong = tuple(n + 1 for n in expected) if isinstance(expected, tuple) else expected + 1
    assert check(label, wrong) is False
    said = capsys.readouterr().out
    assert "not yet" in said
    assert not any(re.search(rf"\b{n}\b", said) for n in as_numbers(expected) if n > 10)


def test_the_exercise_tells_the_student_how_to_check():
    chapters = {p.stem: exercises.markdown(p) for p in (ROOT / "book" / "chapters").glob("*.ipynb")}
    for label in CHECKABLE:
        assert any(f'check("{label}", ' in text for text in chapters.values()), label


def test_bad_answers_are_clear_errors():
    with pytest.raises(ValueError, match="has no check; the checkable ones"):
        check("lenet5-ex-sgd", 1.0)
    with pytest.raises(ValueError, match="asks for 4 numbers"):
        check("lenet5-ex-fullc3", (2416, 241600))
    with pytest.raises(ValueError, match="asks for one number"):
        check("zip1989-ex-sharing", (1, 2))
