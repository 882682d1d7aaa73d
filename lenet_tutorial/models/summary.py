"""Per-layer counts of units, connections and free parameters, as the papers tabulate them."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class LayerCount:
    name: str
    shape: tuple[int, ...]  # output shape of one pattern
    units: int
    connections: int
    parameters: int


def layer_counts(model: nn.Sequential, input_shape: tuple[int, ...]) -> list[LayerCount]:
    """Run one pattern through ``model`` and count, for each trainable layer, its units,
    connections (a bias counts as one connection per unit) and free parameters."""
    rows = []
    x = torch.zeros(1, *input_shape)
    with torch.no_grad():
        for name, module in model.named_children():
            x = module(x)
            if hasattr(module, "connections"):
                rows.append(
                    LayerCount(
                        name=name,
                        shape=tuple(x.shape[1:]),
                        units=x[0].numel(),
                        connections=module.connections(tuple(x.shape[1:])),
                        parameters=sum(p.numel() for p in module.parameters() if p.requires_grad),
                    )
                )
    return rows


def format_counts(rows: list[LayerCount], input_units: int, paper: dict[str, tuple] | None = None) -> str:
    """A fixed-width table; ``paper`` maps a layer name to its published (connections, parameters)."""
    lines = [
        f"{'layer':8s} {'output':>10s} {'units':>7s} {'connections':>12s} {'parameters':>11s}"
        + ("   paper: connections, parameters" if paper else "")
    ]
    for r in rows:
        line = f"{r.name:8s} {'x'.join(map(str, r.shape)):>10s} {r.units:7,d} {r.connections:12,d} {r.parameters:11,d}"
        if paper and r.name in paper:
            line += f"   {paper[r.name][0]:,}, {paper[r.name][1]:,}"
        lines.append(line)
    units = input_units + sum(r.units for r in rows)
    lines.append(
        f"{'total':8s} {'':>10s} {units:7,d} {sum(r.connections for r in rows):12,d} {sum(r.parameters for r in rows):11,d}   (units include the {input_units} inputs)"
    )
    return "\n".join(lines)


def multiply_adds(model: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Multiply-adds of one pattern's forward pass through ``model``'s weight layers.

    For the papers' layers (those with a ``connections`` method) a connection is one
    multiply-add, a bias included, as the papers count recognition cost; for PyTorch's own
    ``Conv2d`` and ``Linear`` layers, one per weight use plus one per bias. Pooling, squashing
    and batch normalisation (which folds into the convolution before it, once trained) are
    not counted.
    """
    total = 0

    def count(module: nn.Module, _inputs, output: torch.Tensor) -> None:
        nonlocal total
        shape = tuple(output.shape[1:])
        if hasattr(module, "connections"):
            total += module.connections(shape)
        elif isinstance(module, nn.Conv2d):
            per_unit = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
            total += output[0].numel() * (per_unit + (module.bias is not None))
        elif isinstance(module, nn.Linear):
            total += module.out_features * (module.in_features + (module.bias is not None))

    # leaves only: a container (a whole network with its own ``connections``) would count twice
    leaves = [
        m
        for m in model.modules()
        if not any(m.children()) and (hasattr(m, "connections") or isinstance(m, (nn.Conv2d, nn.Linear)))
    ]
    handles = [m.register_forward_hook(count) for m in leaves]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, *input_shape))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return total
