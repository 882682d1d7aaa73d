"""Write a trained LeNet-5's weights for the page where a reader draws a digit.

    python tools/export_web_weights.py OUT.json [--state STATE.pt]

The page's JavaScript (``book/_static/lenet5/lenet5.js``) reads dense kernels: C3's and C5's
connection tables are written out with zeros where a map reads no input. Arrays are
little-endian float32 in base64. ``about`` says which network it is, for the page to show.
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

import numpy as np
import torch

from lenet_tutorial.data.preprocess import LENET5_BACKGROUND, LENET5_FOREGROUND
from lenet_tutorial.models import LeNet5


def _array(tensor: torch.Tensor) -> str:
    values = tensor.detach().cpu().to(torch.float32).contiguous().numpy().astype("<f4")
    return base64.b64encode(values.tobytes()).decode("ascii")


def export_lenet5(model: LeNet5, about: dict | None = None) -> dict:
    """The JSON object the page reads: every layer's parameters, the input's grey levels."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--state", type=Path, help="a saved state_dict of a trained LeNet-5")
    args = parser.parse_args()
    model = LeNet5()
    about = {"network": "LeNet-5, freshly initialised (seed 0): not trained"}
    if args.state:
        model.load_state_dict(torch.load(args.state, weights_only=True))
        about = {"network": f"LeNet-5 from {args.state.name}"}
    else:
        torch.manual_seed(0)
        model = LeNet5()
    args.out.write_text(json.dumps(export_lenet5(model, about)))
    print(
        f"wrote {args.out} ({args.out.stat().st_size:,} bytes, {np.sum([p.numel() for p in model.parameters()]):,} parameters)"
    )


if __name__ == "__main__":
    main()
