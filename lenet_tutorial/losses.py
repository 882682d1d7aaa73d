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
    With ``outputs="mean"`` the value is averaged over patterns *and* output units
    (twice the unit of the 1989 paper's reported MSE, which SN2.8 printed for its criterion
    1/2 (d - y)^2: :func:`lenet_tutorial.recipes.zip1989.mean_squared_error`). With
    ``outputs="sum"`` it is the per-pattern criterion sum_o (y_o - t_o)^2, averaged over
    patterns: the scale at which the papers' second-order learning rates are meant (its
    curvature with respect to each output is exactly 2).
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


class SoftmaxCrossEntropy(nn.Module):
    """Cross-entropy of the softmax of the outputs: the modern criterion for classification.

    Karpathy's first change to the 1989 network (2022): linear outputs read as log-odds,
    instead of squashed outputs pulled towards +-1. The gradient with respect to each
    output, ``softmax - onehot``, never vanishes while a pattern is misclassified,
    whatever the outputs' scale: squashed outputs in their flat tails learn slowly.
    """

    def forward(self, outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(outputs, labels)

    def output_curvature(self, outputs: torch.Tensor) -> torch.Tensor:
        """Diagonal of the per-pattern Hessian w.r.t. the outputs: ``p (1 - p)``, p the softmax."""
        p = outputs.softmax(1)
        return p * (1 - p)


class MAPLoss(nn.Module):
    """LeNet-5's criterion (1998, eq. 9), read from the RBF penalties ``y``:

        E = y_D + log(exp(-j) + sum_i exp(-y_i))      (averaged over patterns)

    The first term pulls F6's output towards the bitmap of the correct class D. Alone it
    would be the plain squared error, which never pushes the *other* penalties up. The
    second term does ("competitive", like the denominator of a softmax), and ``j`` is a
    "rubbish class": once every wrong penalty is well above ``j``, pushing it further
    earns nothing. The paper does not give ``j``; see the LeNet-5 chapter for ours.
    """

    def __init__(self, j: float, rbf: nn.Module):
        super().__init__()
        if j <= 0:
            raise ValueError("the paper's j is positive")
        self.j = j
        self.rbf = rbf  # the output layer, for the curvature below

    def _log_partition(self, y: torch.Tensor) -> torch.Tensor:
        rubbish = torch.full_like(y[:, :1], -self.j)
        return torch.logsumexp(torch.cat([rubbish, -y], 1), 1)

    def forward(self, penalties: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        correct = penalties.gather(1, labels[:, None]).squeeze(1)
        return (correct + self._log_partition(penalties)).mean()

    def f6_curvature(self, x: torch.Tensor) -> torch.Tensor:
        """d2E/dx_j^2 for F6's outputs ``x``: the exact diagonal of the criterion's Hessian.

        With ``a_ij = 2 (x_j - w_ij)`` = dy_i/dx_j and ``p_i = exp(-y_i) / Z``, it is
        ``2 (1 - sum_i p_i) + sum_i p_i a_ij^2 - (sum_i p_i a_ij)^2``: never negative, and
        independent of the label (the y_D term's curvature is 2 for every class). Layers
        below F6 get the Gauss-Newton rule of :mod:`lenet_tutorial.sdlm`.
        """
        y = self.rbf(x)
        log_z = self._log_partition(y)
        p = torch.exp(-y - log_z[:, None])  # [N, 10]
        a = 2 * (x[:, None, :] - self.rbf.centres[None])  # [N, 10, 84]
        mean_a = (p[:, :, None] * a).sum(1)
        mean_a2 = (p[:, :, None] * a * a).sum(1)
        return 2 * (1 - p.sum(1, keepdim=True)) + mean_a2 - mean_a**2
