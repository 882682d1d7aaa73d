"""Write the LeNet-5 of the chapter *LeNet-5 (1998)* for the page where a reader draws a digit.

    python tools/export_web_weights.py            # trains it as the chapter does (a few minutes)
    python tools/export_web_weights.py --state STATE.pt

Writes ``book/_static/lenet5/weights.js``: a script (not a JSON file, which a page opened
from ``file://`` may not fetch) that sets ``window.lenet5Weights``. The page's JavaScript
(``book/_static/lenet5/lenet5.js``) reads dense kernels: C3's connection table is written out
with zeros where a map reads no S2 map. Arrays are little-endian float32 in base64. ``about``
says which network it is and its test error, measured here; ``examples`` holds a few real
MNIST test digits for the page to load.
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

import numpy as np
import torch

from lenet_tutorial.data import load_mnist, mnist_to_lenet5
from lenet_tutorial.data.preprocess import LENET5_BACKGROUND, LENET5_FOREGROUND
from lenet_tutorial.models import LeNet5
from lenet_tutorial.train import evaluate

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "book" / "_static" / "lenet5" / "weights.js"
PREFIX = "window.lenet5Weights = "


def _array(tensor: torch.Tensor) -> str:
    values = tensor.detach().cpu().to(torch.float32).contiguous().numpy().astype("<f4")
    return base64.b64encode(values.tobytes()).decode("ascii")


def _tensor(text: str, shape) -> torch.Tensor:
    return torch.from_numpy(np.frombuffer(base64.b64decode(text), dtype="<f4").copy()).reshape(shape)


def export_lenet5(model: LeNet5, about: dict | None = None) -> dict:
    """The object the page reads: every layer's parameters, the input's grey levels."""
    layers = {}
    for name in ("c1", "c3", "c5"):
        conv = getattr(model, name)
        layers[name] = {"weight": _array(conv.full_kernel(conv.weight)), "bias": _array(conv.bias)}
    for name in ("s2", "s4"):
        sub = getattr(model, name)
        layers[name] = {"weight": _array(sub.weight), "bias": _array(sub.bias)}
    layers["f6"] = {"weight": _array(model.f6.weight), "bias": _array(model.f6.bias)}
    layers["output"] = {"centres": _array(model.output.centres)}
    return {
        "about": about or {},
        "input": {"background": LENET5_BACKGROUND, "foreground": LENET5_FOREGROUND},
        "layers": layers,
    }


def import_lenet5(exported: dict) -> LeNet5:
    """The LeNet-5 whose parameters :func:`export_lenet5` wrote (the inverse, for the tests)."""
    model = LeNet5()
    layers = exported["layers"]
    with torch.no_grad():
        for name in ("c1", "c3", "c5"):
            conv = getattr(model, name)
            k = conv.kernel_size
            dense = _tensor(layers[name]["weight"], (-1, k * k))
            conv.weight.copy_(dense[conv.link_index].reshape(conv.weight.shape))
            conv.bias.copy_(_tensor(layers[name]["bias"], conv.bias.shape))
        for name in ("s2", "s4", "f6"):
            layer = getattr(model, name)
            layer.weight.copy_(_tensor(layers[name]["weight"], layer.weight.shape))
            layer.bias.copy_(_tensor(layers[name]["bias"], layer.bias.shape))
    return model


def read_weights_js(path: Path = OUT) -> dict:
    text = path.read_text()
    if not text.startswith(PREFIX):
        raise ValueError(f"{path} does not start with {PREFIX!r}")
    return json.loads(text[len(PREFIX) :].rstrip().rstrip(";"))


def examples(images: torch.Tensor, labels: torch.Tensor) -> list[dict]:
    """The first test digit of each class, in MNIST's format."""
    chosen = [int((labels == digit).nonzero()[0]) for digit in range(10)]
    return [{"index": i, "label": int(labels[i]), "pixels": images[i].flatten().tolist()} for i in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", type=Path, help="a saved state_dict of a trained LeNet-5")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    train_images, train_labels = load_mnist("train")
    test_images, test_labels = load_mnist("test")
    if args.state:
        model = LeNet5()
        model.load_state_dict(torch.load(args.state, weights_only=True))
        name = f"LeNet-5 from {args.state.name}"
    else:
        from lenet_tutorial.recipes.lenet5 import train_lenet5

        model, _ = train_lenet5((mnist_to_lenet5(train_images), train_labels))
        name = "LeNet-5 trained as in the chapter LeNet-5 (1998): its recipe, seed 0"
    error = evaluate(model, mnist_to_lenet5(test_images), test_labels).error
    exported = export_lenet5(model, {"network": name, "test_error_percent": round(100 * error, 2)})
    exported["examples"] = examples(test_images, test_labels)
    args.out.write_text(PREFIX + json.dumps(exported) + ";\n")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {name}, test error {100 * error:.2f}%")


if __name__ == "__main__":
    main()
