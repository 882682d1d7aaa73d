"""LeNet-5 in JavaScript, for the page where a reader draws a digit: the same penalties as
PyTorch's on real MNIST test digits, read in MNIST's own format (run with Node)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import torch

from lenet_tutorial.data import load_mnist, mnist_to_lenet5
from lenet_tutorial.models import LeNet5

from .conftest import ROOT, load_tool

SCRIPT = ROOT / "book" / "_static" / "lenet5" / "lenet5.js"
DIGITS = 200


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("Node.js is needed to test the page's JavaScript: apt-get install nodejs")
    return found


def run_node(code: str, tmp_path, **inputs) -> str:
    """Run ``code`` with Node, each of ``inputs`` passed as a JSON file and bound to a constant
    of its name; return what it printed (a failure is the test's)."""
    lines = ['const fs = require("fs");']
    for name, value in inputs.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(value))
        lines.append(f"const {name} = JSON.parse(fs.readFileSync({json.dumps(str(path))}));")
    done = subprocess.run(
        [node(), "-e", "\n".join([*lines, code])], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_js(weights: dict, digits: list[list[int]], tmp_path) -> list[list[float]]:
    """The page's network with ``weights``: the penalties of each digit in MNIST's format."""
    code = f"""
const lenet5 = require({json.dumps(str(SCRIPT))});
const net = lenet5.load(weights);
process.stdout.write(JSON.stringify(digits.map(d => lenet5.classify(net, d))));
"""
    return json.loads(run_node(code, tmp_path, weights=weights, digits=digits))


@pytest.fixture(scope="module")
def test_digits(data_dir):
    images, labels = load_mnist("test", data_dir=data_dir)
    return images[:DIGITS], labels[:DIGITS]


def test_the_javascript_lenet5_gives_pytorchs_penalties_on_real_digits(test_digits, tmp_path):
    images, _ = test_digits
    torch.manual_seed(0)
    model = LeNet5()
    with torch.no_grad():  # a network whose weights are not all alike: one step of its own
        for p in model.parameters():
            if p.requires_grad:
                p.add_(0.05 * torch.randn_like(p))
    weights = load_tool("export_web_weights").export_lenet5(
        model, {"network": "test"}
    )  # float32, as the page gets them
    # in double precision: float32's |x|^2 - 2 x.c + |c|^2 loses a small penalty's digits
    with torch.no_grad():
        expected = model.double()(mnist_to_lenet5(images).double())
    got = torch.tensor(run_js(weights, images.reshape(DIGITS, 784).tolist(), tmp_path), dtype=torch.float64)
    assert got.shape == expected.shape
    relative = ((got - expected).abs() / expected.abs().clamp_min(1e-6)).max().item()
    assert relative < 1e-4, relative
    assert torch.equal(got.argmin(1), expected.argmin(1))


def test_the_javascript_refuses_a_digit_that_is_not_28x28(tmp_path):
    torch.manual_seed(0)
    weights = load_tool("export_web_weights").export_lenet5(LeNet5())
    code = f"""
const lenet5 = require({json.dumps(str(SCRIPT))});
const net = lenet5.load(weights);
try {{ lenet5.classify(net, new Array(100).fill(0)); process.exit(3); }}
catch (e) {{ process.stdout.write(e.message); }}
"""
    assert "784 pixels" in run_node(code, tmp_path, weights=weights)


NORMALISE = ROOT / "book" / "_static" / "lenet5" / "normalise.js"


def test_the_pages_normalisation_is_the_packages_on_real_digits(test_digits, tmp_path):
    """The page normalises a drawing as MNIST's makers did (lenet_tutorial.data.normalise):
    scaled into a 20-pixel box, then centred by mass. Here on real digits, shrunk to half
    size and moved off-centre first, so that both steps have work to do."""
    from lenet_tutorial.data.normalise import recentre, size_normalise

    images, _ = test_digits
    ink = images[:50].double() / 255
    small = torch.nn.functional.interpolate(ink[:, None], scale_factor=0.5, mode="area")[:, 0]
    moved = torch.zeros_like(ink)
    moved[:, 2:16, 9:23] = small
    expected = recentre(size_normalise(moved, box=20))
    code = f"""
const n = require({json.dumps(str(NORMALISE))});
process.stdout.write(JSON.stringify(ink.map(d => Array.from(n.normalise(d, 28, 20)))));
"""
    printed = run_node(code, tmp_path, ink=moved.reshape(50, 784).tolist())
    got = torch.tensor(json.loads(printed), dtype=torch.float64).reshape(50, 28, 28)
    assert (got - expected).abs().max().item() < 1e-9
