"""Loss functions of the historical networks."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class TargetMSELoss(nn.Module):
    """Mean squared error against target vectors: ``on`` for the true class, ``off`` elsewhere.

    The 1989 network and its fully connected baseline minimise squared error with
    targets "within the quasi-linear range of the sigmoid" (the paper gives no
    values). With the squashing f(a) = 1.7159 tanh(2a/3), +-1 is that choice.
    With ``outputs="mean"`` the value is averaged over patterns *and* output units,
    the unit of the 1989 paper's reported MSE. With ``outputs="sum"`` it is the
    per-pattern criterion sum_o (y_o - t_o)^2, averaged over patterns: the scale at
    which the papers' second-order learning rates are meant (its curvature with
    respect to each output is exactly 2).
    """

    def __init__(self, num_classes: int = 10, on: float = 1.0, off: float = -1.0, outputs: str = "mean"):
        super().__init__()
        if outputs not in ("mean", "sum"):
            raise ValueError("outputs must be 'mean' or 'sum'")
        self.num_classes, self.on, self.off, self.outputs = num_classes, on, off, outputs
        # row c is the target vector of class c: one indexing operation per step
        table = torch.full((num_classes, num_classes), float(off))
        table.fill_diagonal_(float(on))
        self.register_buffer("table", table, persistent=False)

    def output_curvature(self, outputs: torch.Tensor) -> torch.Tensor:
        """d2E/dy^2 for each output of each pattern (for the sum over patterns)."""
        return torch.full_like(outputs, 2.0 if self.outputs == "sum" else 2.0 / self.num_classes)

    def targets(self, labels: torch.Tensor) -> torch.Tensor:
        return self.table[labels]

    def forward(self, outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        targets = self.targets(labels)
        if self.outputs == "mean":
            return F.mse_loss(outputs, targets)
        return F.mse_loss(outputs, targets, reduction="none").sum(1).mean()
