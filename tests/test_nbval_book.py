"""The notebook tests hold on any machine, and still catch a forged or a moved result.

A small chapter (a network trained in mini-batches, its result recorded) is executed the way
``tools/execute_notebooks.py`` executes the book, then compared the way ``make notebooks``
compares it (``tests/nbval_book.py``): on this machine, and under another choice of PyTorch's
CPU kernels (``ATEN_CPU_CAPABILITY``, recorded with the machine): a numerically different
machine.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import nbformat
import pytest

from lenet_tutorial import scorecard

from .conftest import ROOT

TRAINING = """\
import torch
from lenet_tutorial import scorecard
from lenet_tutorial.reproducibility import seed_everything

seed_everything(0)
x = torch.randn(1024, 256)
y = x[:, :10].argmax(1)
net = torch.nn.Sequential(torch.nn.Linear(256, 300), torch.nn.Tanh(), torch.nn.Linear(300, 10))
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
for step in range(20):
    loss = torch.nn.functional.cross_entropy(net(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"final loss {loss.item():.12f}")
error = scorecard.record("fc1989.test_error", 100 * (net(x).argmax(1) != y).double().mean().item())
"""
COUNT = """\
from lenet_tutorial import scorecard
print("layers: 2, hidden units: 12")
ours = scorecard.record("lenet5.free_parameters", 6 * 25 + 6 + 9_844 + 50_000)
"""


def _execute_notebooks():
    spec = importlib.util.spec_from_file_location(
        "execute_notebooks", ROOT / "tools" / "execute_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The small chapter, executed and saved as the book's tool saves a chapter."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(TRAINING), nbformat.v4.new_code_cell(COUNT)]
    nb.cells[0].metadata["tags"] = ["rounding-dependent"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path_factory.mktemp("book") / "chapter.ipynb"
    nbformat.write(nb, path)
    _execute_notebooks().execute(path)
    return path


def check(path, **environment):
    """``make notebooks`` on one notebook: returncode and output."""
    env = {**os.environ, "LENET_TUTORIAL_THREADS": "2", **environment}
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_notebooks.py"), str(path), "--", "-q", "-rA"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stdout + result.stderr


def plain_nbval(path, **environment):
    env = {**os.environ, "LENET_TUTORIAL_THREADS": "2", **environment}
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
        env=env,
        capture_output=True,
        text=True,
    ).returncode


def recorded_value(path) -> float:
    for cell in json.loads(path.read_text())["cells"]:
        for output in cell["outputs"]:
            text = output.get("text", "")
            for line in ("".join(text) if isinstance(text, list) else text).splitlines():
                match = scorecard.LINE.match(line)
                if match and match["id"] == "fc1989.test_error":
                    return float(match["value"])
    raise AssertionError("no result recorded")


def forge(path, tmp_path, old: str, new: str):
    text = path.read_text()
    assert old in text
    forged = tmp_path / "forged.ipynb"
    forged.write_text(text.replace(old, new))
    return forged


def test_the_tool_records_the_machine_and_what_the_chapter_read(executed):
    metadata = json.loads(executed.read_text())["metadata"]["lenet_tutorial"]
    assert metadata["executed_on"]["torch_cpu_capability"]
    assert metadata["reads"] == []  # this chapter quotes no other chapter


def test_on_the_executing_machine_every_output_is_compared_exactly(executed, tmp_path):
    assert check(executed)[0] == 0
    value = recorded_value(executed)
    forged = forge(
        executed, tmp_path, f"fc1989.test_error = {value:.2f}", f"fc1989.test_error = {value + 0.01:.2f}"
    )
    code, output = check(forged)
    assert code != 0 and "Cell outputs differ" in output


def final_loss(**environment) -> str:
    """The chapter's training run, in a fresh process: its printed loss, every bit shown."""
    env = {**os.environ, "LENET_TUTORIAL_THREADS": "2", **environment}
    code = TRAINING.split("error = ")[0]
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def different_kernels() -> dict:
    """PyTorch kernels that round the chapter's training differently on this processor: the
    plain ones on a machine with AVX2, or AVX2's on one with AVX-512 (where the plain ones may
    happen to agree with AVX-512's)."""
    here = final_loss()
    for capability in ("default", "avx2"):
        if final_loss(ATEN_CPU_CAPABILITY=capability) != here:
            return {"ATEN_CPU_CAPABILITY": capability}
    pytest.fail("no choice of PyTorch's CPU kernels changes the training's rounding on this processor")


def test_on_a_numerically_different_machine_results_are_compared_within_their_spread(
    executed, different_kernels
):
    # the set-up is numerically different: plain strict nbval fails there ...
    assert plain_nbval(executed, **different_kernels) != 0
    # ... and the book's comparison passes, saying how far each result moved
    code, output = check(executed, **different_kernels)
    assert code == 0, output
    assert "fc1989.test_error: the book: " in output and "within the expected spread" in output


def test_elsewhere_a_forged_result_and_a_result_outside_its_spread_still_fail(executed, tmp_path):
    value = recorded_value(executed)
    band = scorecard.expected_spread("fc1989.test_error", value).band
    pushed = forge(
        executed,
        tmp_path,
        f"fc1989.test_error = {value:.2f}",
        f"fc1989.test_error = {value + 1.5 * band:.2f}",
    )
    code, output = check(pushed, ATEN_CPU_CAPABILITY="default")
    assert code != 0 and "OUTSIDE the expected spread" in output


def test_elsewhere_what_no_processor_changes_is_still_compared_exactly(executed, tmp_path):
    forged = forge(executed, tmp_path, "lenet5.free_parameters = 60000", "lenet5.free_parameters = 59000")
    code, output = check(forged, ATEN_CPU_CAPABILITY="default")
    assert code != 0 and "59000" in output
    notebook = json.loads(executed.read_text())  # in the tagged cell's output: the words, numbers aside
    output = notebook["cells"][0]["outputs"][0]
    output["text"] = "".join(output["text"]).replace("final loss", "final error")
    words = tmp_path / "words.ipynb"
    words.write_text(json.dumps(notebook))
    code, output = check(words, ATEN_CPU_CAPABILITY="default")
    assert code != 0 and "the text differs" in output


def test_a_notebook_without_a_machine_record_is_compared_within_spreads(executed, tmp_path):
    notebook = json.loads(executed.read_text())
    del notebook["metadata"]["lenet_tutorial"]
    path = tmp_path / "unrecorded.ipynb"
    path.write_text(json.dumps(notebook))
    code, output = check(path)
    assert code == 0 and "within the expected spread" in output


def test_a_chapter_runs_alone_with_the_installed_package(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import os, sys, lenet_tutorial\n"
            "from pathlib import Path\n"
            "print(sorted(os.listdir('.')))\n"
            "print('site-packages' in lenet_tutorial.__file__)\n"
            f"print(any(Path(p).resolve() == Path({str(ROOT)!r}) for p in sys.path if p))\n"
        )
    ]
    nb.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="['alone.ipynb']\nTrue\nFalse\n")
    ]
    nb.cells[0].execution_count = 1
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "alone.ipynb"
    nbformat.write(nb, path)
    code, output = check(path)
    assert code == 0, output  # an empty folder, the package from the wheel, no repository on the path


def test_the_engines_one_time_compilation_notice_is_left_out_of_the_comparison(tmp_path):
    # Whichever cell first trains with the engine on a machine prints that it compiled its
    # loops; which cell that is depends on the machine's caches (a network already trained
    # and cached is loaded, not trained), so a chapter must not fail for printing it or not.
    from lenet_tutorial.engine.training import COMPILED

    nb = nbformat.v4.new_notebook()
    notice = COMPILED.format(seconds=15)
    nb.cells = [
        nbformat.v4.new_code_cell(f"print({notice!r})\nprint('seed 0: 5.43 %')"),
        nbformat.v4.new_code_cell(f"print({notice!r})"),
        nbformat.v4.new_code_cell("print('seed 1: 5.53 %')"),
    ]
    committed = ["seed 0: 5.43 %\n", None, f"{notice}\nseed 1: 5.53 %\n"]
    for count, (cell, text) in enumerate(zip(nb.cells, committed), 1):
        cell.execution_count = count
        cell.outputs = [] if text is None else [nbformat.v4.new_output("stream", name="stdout", text=text)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "notice.ipynb"
    nbformat.write(nb, path)
    code, output = check(path)
    assert code == 0, output
    # what the chapter prints besides the notice is still compared exactly
    nb.cells[0].outputs[0].text = "seed 0: 5.44 %\n"
    nbformat.write(nb, path)
    code, output = check(path)
    assert code != 0 and "5.44" in output


def test_every_result_a_chapter_trains_is_compared_within_its_spread_on_other_machines():
    # A recorded rate comes from a trained network or a float computation: on another processor
    # it moves in its last digits, so its cell must be one the comparison knows to relax.
    # Counts (parameters, connections) are exact everywhere and may sit in any cell; so may the
    # results of a network the compiled engine trained and measured, the same on every machine.
    from lenet_tutorial.recipes import TRAINED_BY_THE_ENGINE

    from .nbval_book import TAG

    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            text = "".join(
                "".join(o.get("text", "")) for o in cell["outputs"] if o["output_type"] == "stream"
            )
            rates = [
                m
                for m in map(scorecard.LINE.match, text.splitlines())
                if m and m["unit"] == "%" and m["id"].split(".")[0] not in TRAINED_BY_THE_ENGINE
            ]
            if rates:
                assert TAG in cell["metadata"].get("tags", []), (
                    f"{path.name}: {rates[0]['id']} in an untagged cell"
                )
