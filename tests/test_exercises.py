"""Every exercise solution's code runs.

A solution is read after its chapter, so its code may use what the chapter defined. Each one
is executed here in its chapter's namespace: the chapter's imports, functions and constants,
and small stand-ins for the chapter's data and trained networks (the first few hundred
digits, untrained networks, one pass where the chapter trains twenty), so that the whole
file runs in about a minute. Before that, a static check: every name a solution uses is
defined by the solution itself, by its chapter, or by Python.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import json
import sys

import matplotlib
import matplotlib.pyplot  # noqa: F401 (closed after each solution; the backprop chapter imports no figures)
import pytest
import torch

from .conftest import ROOT

matplotlib.use("Agg")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


exercises = _load("exercises")
SOLUTIONS = [s for s in exercises.all_solutions() if s.code]
CHAPTERS = exercises.CHAPTERS


def chapter_cells(chapter: str) -> list[ast.Module]:
    """The chapter's code cells, parsed (the first, which installs the package, left out)."""
    cells = json.loads((CHAPTERS / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"][1:]
    return [ast.parse(source) for source in code]


def defined_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def used_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def test_every_exercise_has_a_solution_and_some_solutions_have_code():
    for notebook in sorted(CHAPTERS.glob("*.ipynb")):
        labels = exercises.exercise_labels(notebook)
        assert labels and all(labels), notebook
        assert [s.label for s in exercises.solutions(notebook)] == labels, notebook
    assert len(SOLUTIONS) >= 15


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda s: s.label)
def test_every_name_a_solution_uses_is_defined_in_its_chapter(solution):
    chapter = set().union(*map(defined_names, chapter_cells(solution.chapter)))
    for code in solution.code:
        tree = ast.parse(code)
        free = used_names(tree) - defined_names(tree) - set(dir(builtins))
        assert free <= chapter, f"{solution.label} uses names its chapter never defines: {free - chapter}"


# -- Running them -------------------------------------------------------------------------


def chapter_definitions(chapter: str) -> dict:
    """The chapter's imports, functions, classes and constants, executed: what a solution may
    call. (The cells' computations are not run; the stand-ins below replace their results.)"""
    namespace: dict = {}
    for tree in chapter_cells(chapter):
        for node in tree.body:
            keep = isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) or (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)
            )
            if keep:
                exec(compile(ast.Module([node], []), f"<{chapter}>", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def small(data_dir):
    """The first digits of each set, in each chapter's input format."""
    from lenet_tutorial.data import (
        load_mnist,
        load_usps,
        mnist_to_28x28,
        mnist_to_lenet5,
        usps_to_lenet1,
    )

    usps_train, usps_train_labels = (t[:200] for t in load_usps("train", data_dir=data_dir))
    usps_test, usps_test_labels = (t[:100] for t in load_usps("test", data_dir=data_dir))
    mnist_train, mnist_train_labels = (t[:400] for t in load_mnist("train", data_dir=data_dir))
    mnist_test, mnist_test_labels = (t[:200] for t in load_mnist("test", data_dir=data_dir))
    return {
        "usps": ((usps_train, usps_train_labels), (usps_test, usps_test_labels)),
        "lenet1": (
            (usps_to_lenet1(usps_train), usps_train_labels),
            (usps_to_lenet1(usps_test), usps_test_labels),
        ),
        "mnist": ((mnist_train, mnist_train_labels), (mnist_test, mnist_test_labels)),
        "mnist28": (
            (mnist_to_28x28(mnist_train), mnist_train_labels),
            (mnist_to_28x28(mnist_test), mnist_test_labels),
        ),
        "lenet5": (
            (mnist_to_lenet5(mnist_train), mnist_train_labels),
            (mnist_to_lenet5(mnist_test), mnist_test_labels),
        ),
    }


def stand_ins(chapter: str, small: dict) -> dict:
    """Small versions of what a chapter has computed by the time its reader does the exercises."""
    from lenet_tutorial.boosting import distorted_stream
    from lenet_tutorial.distortions import DistortionStrength
    from lenet_tutorial.models import LeNet4, LeNet5
    from lenet_tutorial.train import evaluate

    (usps_x, usps_y), (usps_tx, usps_ty) = small["usps"]
    (mnist_x, mnist_y), (mnist_tx, mnist_ty) = small["mnist"]
    (x28, _), (tx28, _) = small["mnist28"]
    lenet5_train, lenet5_test = small["lenet5"]
    if chapter == "backprop":
        return {"train_data": lenet5_train, "test_data": lenet5_test}
    if chapter == "digits":
        return {
            "mnist_train": mnist_x,
            "mnist_train_labels": mnist_y,
            "mnist_test": mnist_tx,
            "mnist_test_labels": mnist_ty,
            "mnist_x_train": x28,
            "mnist_x_test": tx28,
        }
    if chapter == "lenet1":
        (x, y), (tx, ty) = small["lenet1"]
        return {"train_inputs": x, "train_labels": y, "test_inputs": tx, "test_labels": ty}
    if chapter == "lenet4_boosting":
        torch.manual_seed(0)
        nets = [LeNet4() for _ in range(3)]
        on_test = [evaluate(net, *lenet5_test) for net in nets]
        digits = distorted_stream(
            *lenet5_train, DistortionStrength(), torch.Generator().manual_seed(1), batch=100
        )
        return {
            "net1": nets[0],
            "digits": digits,
            "test_data": lenet5_test,
            "test_labels": lenet5_test[1],
            "net1_on_test": on_test[0],
            "net2_on_test": on_test[1],
            "net3_on_test": on_test[2],
            "on_test": on_test[2],  # the committee's evaluation
        }
    if chapter in ("lenet5", "lenet5_distortions"):
        torch.manual_seed(0)
        on_test = evaluate(LeNet5(), *lenet5_test)
        return {
            "train_inputs": lenet5_train[0],
            "train_labels": lenet5_train[1],
            "test_inputs": lenet5_test[0],
            "test_labels": lenet5_test[1],
            "on_test": on_test,
            "scores": on_test.scores,  # the distortions chapter's, from the engine
        }
    if chapter in ("lenet5_ablation", "lenet5_modern"):
        return {"train_data": lenet5_train, "test_data": lenet5_test, "PASSES": 1}
    if chapter == "mnist":
        return {
            "mnist_train": mnist_x,
            "train_labels": mnist_y,
            "mnist_test": mnist_tx,
            "test_labels": mnist_ty,
        }
    if chapter in ("zip1989", "zip1989_modern"):
        return {
            "train_images": usps_x,
            "train_labels": usps_y,
            "test_images": usps_tx,
            "test_labels": usps_ty,
            "train_data": (usps_x, usps_y),
            "test_data": (usps_tx, usps_ty),
        }
    return {}


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda s: s.label)
def test_every_solution_runs_in_its_chapters_namespace(solution, small, monkeypatch, capsys):
    monkeypatch.setenv("LENET_TUTORIAL_PROGRESS", "0")
    namespace = chapter_definitions(solution.chapter)
    namespace.update(stand_ins(solution.chapter, small))
    before = set(namespace)
    for code in solution.code:
        exec(compile(code, f"<{solution.label}>", "exec"), namespace)
    assert set(namespace) > before or capsys.readouterr().out, "the solution computed nothing"
    matplotlib.pyplot.close("all")
