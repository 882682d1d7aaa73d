"""Boosted LeNet-4 (1995-1998): three LeNet-4s, the second and third trained on patterns the
first ones filter from a stream of distorted digits; the committee sums their outputs.

The boosting itself -- the stream, the two filters, the summed committee -- is
:mod:`lenet_tutorial.boosting`. This is the experiment's one pipeline, used by the chapter
(step by step, to show each set) and by ``benchmarks/seeds.py``: which generators and seeds
each step gets, and how many patterns each filtered set holds. Seed 0 is the chapter's run.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

from ..boosting import SummedCommittee, distorted_stream, second_net_patterns, third_net_patterns
from ..data.preprocess import LENET5_BACKGROUND
from ..distortions import DistortionStrength
from .lenet4 import train_lenet4, trained_lenet4

FILTERED = 15_000  # patterns in each of the second and third nets' training sets


def stream(train_inputs: torch.Tensor, train_labels: torch.Tensor, *, seed: int = 0) -> Iterator:
    """The distorted digits the filters read, drawn from the training set without end."""
    generator = torch.Generator().manual_seed(1 + 10 * seed)
    return distorted_stream(train_inputs, train_labels, DistortionStrength(), generator, LENET5_BACKGROUND)


def filter_generator(seed: int = 0) -> torch.Generator:
    """The coin the second net's filter tosses: keep an error or a success next."""
    return torch.Generator().manual_seed(2 + 10 * seed)


def net_seed(net: int, seed: int = 0) -> int:
    """The training seed of net 2 or net 3 (net 1 is the LeNet-4 chapter's, with ``seed``)."""
    return net + 10 * seed


def train_boosted_lenet4(
    train_data: tuple[torch.Tensor, torch.Tensor],
    test_data: tuple[torch.Tensor, torch.Tensor],
    *,
    seed: int = 0,
) -> SummedCommittee:
    """The whole pipeline: net 1, its filtered set, net 2, their disagreements, net 3."""
    net1 = trained_lenet4(train_data, test_data, seed=seed)[0]
    digits = stream(*train_data, seed=seed)
    set2, _ = second_net_patterns(net1, digits, FILTERED, filter_generator(seed))
    net2 = train_lenet4(set2, test_data=test_data, seed=net_seed(2, seed))[0]
    set3, _ = third_net_patterns(net1, net2, digits, FILTERED)
    net3 = train_lenet4(set3, test_data=test_data, seed=net_seed(3, seed))[0]
    return SummedCommittee([net1, net2, net3])
