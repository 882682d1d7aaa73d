"""Error versus rejection: how the papers scored a reader that may say "not sure".

A zip-code reader can send a doubtful digit to a human. The 1989 paper rejects a
pattern when the difference between its two most active outputs is below a
threshold, and reports how many test digits must be rejected so that the error
on the rest falls to 1% (12.1% for the 1989 network). Raising the threshold trades
rejections for errors; the curve of one against the other is the classic plot.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


def margins(scores: torch.Tensor) -> torch.Tensor:
    """Gap between the highest and second-highest score of each pattern (``[N, C]`` -> ``[N]``)."""
    top2 = scores.topk(2, dim=1).values
    return top2[:, 0] - top2[:, 1]


@dataclass(frozen=True)
class RejectionCurve:
    """Error among accepted patterns for each achievable fraction of rejected ones."""

    rejected: torch.Tensor  # fraction of patterns rejected, increasing from 0
    error: torch.Tensor  # error rate among the accepted ones

    def at_rejections(self, fractions) -> tuple[list[float], list[float]]:
        """The curve's first points at or beyond each rejected fraction: (rejected, error) lists."""
        rejected, error = [], []
        for fraction in fractions:
            at = (self.rejected >= fraction - 1e-12).nonzero()
            if len(at):
                rejected.append(float(self.rejected[at[0, 0]]))
                error.append(float(self.error[at[0, 0]]))
        return rejected, error

    def rejection_for_error(self, target: float) -> float:
        """Smallest fraction rejected for which the error on the rest is at most ``target``."""
        ok = (self.error <= target + 1e-12).nonzero()
        return float(self.rejected[ok[0, 0]]) if len(ok) else 1.0


def rejection_curve(scores: torch.Tensor, labels: torch.Tensor) -> RejectionCurve:
    """Reject the patterns with the smallest margins first; record error vs rejection.

    Patterns with equal margins cannot be separated by a threshold, so the curve only
    has points where the threshold falls between two different margins.
    """
    if scores.ndim != 2 or len(scores) != len(labels):
        raise ValueError("scores must be [N, C] and labels [N]")
    m = margins(scores.double())
    order = m.argsort()
    wrong = (scores.argmax(1) != labels)[order].double()
    n = len(labels)
    # errors_left[k] = errors among the patterns that remain after rejecting the first k
    errors_left = wrong.sum() - torch.cat([torch.zeros(1, dtype=torch.double), wrong.cumsum(0)])
    k = torch.arange(n + 1)
    sorted_m = m[order]
    separable = torch.ones(n + 1, dtype=torch.bool)
    separable[1:n] = sorted_m[1:] > sorted_m[:-1]
    k = k[separable]
    accepted = (n - k).double()
    error = torch.where(accepted > 0, errors_left[k] / accepted.clamp(min=1), torch.zeros(()))
    return RejectionCurve(rejected=k.double() / n, error=error)


def rejection_for_error(scores: torch.Tensor, labels: torch.Tensor, target: float) -> float:
    """Fraction of patterns to reject so that the error on the rest is at most ``target``."""
    return rejection_curve(scores, labels).rejection_for_error(target)
