"""Boosting by filtering (Schapire 1990; Drucker, Schapire & Simard 1993), as the 1998 paper used it.

Three networks of the same architecture:

- net 1 is trained the usual way;
- net 2 is trained on patterns *filtered* by net 1, so that half of them are patterns net 1
  gets right and half patterns it gets wrong: net 2 is made to study net 1's mistakes;
- net 3 is trained on new patterns on which nets 1 and 2 *disagree*;
- the committee answers with the sum of the three nets' outputs.

A good net 1 makes too few mistakes on its own training set to fill net 2's: LeNet-4
gets all but a few hundred of the 60,000 right. The 1998 paper therefore draws the
candidates from an endless stream of randomly distorted training digits -- the same
distortions LeNet-5 was trained with. :func:`distorted_stream` is that stream; the two
filters read it a large batch at a time, so the only per-pattern work is bookkeeping
on index tensors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
from torch import nn

from .distortions import DistortionStrength, distort
from .rejection import margins
from .train import evaluate

STREAM_BATCH = 4096


def distorted_stream(
    images: torch.Tensor,
    labels: torch.Tensor,
    strength: DistortionStrength,
    generator: torch.Generator,
    background: float = -0.1,
    batch: int = STREAM_BATCH,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Endless ``(inputs, labels)`` batches: training digits drawn at random, each distorted afresh."""
    while True:
        pick = torch.randint(len(images), (batch,), generator=generator)
        yield distort(images[pick], strength, generator, background), labels[pick]


def _collect(
    stream: Iterator[tuple[torch.Tensor, torch.Tensor]],
    wanted: dict[str, int],
    classify,
    max_candidates: int,
) -> tuple[dict[str, tuple[torch.Tensor, torch.Tensor]], int]:
    """Read ``stream`` until, for each kind, ``wanted[kind]`` patterns with ``classify(x, y)[kind]`` true
    are found (in stream order). Returns the patterns of each kind and how many candidates were read."""
    found = {kind: ([], []) for kind in wanted}
    have = dict.fromkeys(wanted, 0)
    seen = 0
    while any(have[k] < wanted[k] for k in wanted):
        if seen >= max_candidates:
            raise RuntimeError(
                f"after {seen:,} candidates the filter found only {have} of {wanted}: "
                "the networks agree too often for this stream"
            )
        x, y = next(stream)
        seen += len(x)
        masks = classify(x, y)
        for kind, mask in masks.items():
            take = mask.nonzero().squeeze(1)[: wanted[kind] - have[kind]]
            found[kind][0].append(x[take])
            found[kind][1].append(y[take])
            have[kind] += len(take)
    return {k: (torch.cat(xs), torch.cat(ys)) for k, (xs, ys) in found.items()}, seen


def _interleave(a: tuple[torch.Tensor, torch.Tensor], b: tuple[torch.Tensor, torch.Tensor], generator):
    x, y = torch.cat([a[0], b[0]]), torch.cat([a[1], b[1]])
    order = torch.randperm(len(x), generator=generator)
    return x[order], y[order]


def second_net_patterns(
    net1: nn.Module,
    stream: Iterator[tuple[torch.Tensor, torch.Tensor]],
    n: int,
    generator: torch.Generator,
    max_candidates: int = 10_000_000,
) -> tuple[tuple[torch.Tensor, torch.Tensor], int]:
    """``n`` patterns, half of them ones ``net1`` gets wrong and half ones it gets right,
    in random order; and the number of candidates read from ``stream`` to find them."""
    if n % 2:
        raise ValueError("the filtered set is half right, half wrong: n must be even")

    def classify(x, y):
        wrong = evaluate(net1, x, y).predictions != y
        return {"wrong": wrong, "right": ~wrong}

    found, seen = _collect(stream, {"wrong": n // 2, "right": n // 2}, classify, max_candidates)
    return _interleave(found["wrong"], found["right"], generator), seen


def third_net_patterns(
    net1: nn.Module,
    net2: nn.Module,
    stream: Iterator[tuple[torch.Tensor, torch.Tensor]],
    n: int,
    max_candidates: int = 10_000_000,
) -> tuple[tuple[torch.Tensor, torch.Tensor], int]:
    """``n`` patterns on which ``net1`` and ``net2`` give different answers; and the number of
    candidates read from ``stream`` to find them."""

    def classify(x, y):
        return {"disagree": evaluate(net1, x, y).predictions != evaluate(net2, x, y).predictions}

    found, seen = _collect(stream, {"disagree": n}, classify, max_candidates)
    return found["disagree"], seen


class SummedCommittee(nn.Module):
    """The boosted classifier: the sum of its members' outputs (for squashed outputs, higher = more likely)."""

    def __init__(self, members: Sequence[nn.Module]):
        super().__init__()
        if not members:
            raise ValueError("a committee needs at least one member")
        self.members = nn.ModuleList(members)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([m(x) for m in self.members]).sum(0)


def cascade(
    first_scores: torch.Tensor, committee_scores: torch.Tensor, unsure_fraction: float
) -> tuple[torch.Tensor, float]:
    """Call the other members only when net 1 is unsure, as the 1998 paper costs it.

    Net 1 answers alone for the patterns where the gap between its two best scores is
    largest; the ``unsure_fraction`` with the smallest gaps go to the whole committee.
    The threshold comes from the gaps alone, never from labels. Returns the predictions
    and the threshold on the gap.
    """
    if not 0 <= unsure_fraction <= 1:
        raise ValueError("unsure_fraction is a fraction of the patterns, in [0, 1]")
    gap = margins(first_scores)
    threshold = float(torch.quantile(gap.double(), unsure_fraction)) if len(gap) else 0.0
    unsure = gap < threshold
    predictions = torch.where(unsure, committee_scores.argmax(1), first_scores.argmax(1))
    return predictions, threshold
