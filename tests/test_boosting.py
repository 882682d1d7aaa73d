"""Boosting by filtering: what each filter hands the next network, and the summed committee."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lenet_tutorial.boosting import (
    SummedCommittee,
    cascade,
    distorted_stream,
    second_net_patterns,
    third_net_patterns,
)
from lenet_tutorial.distortions import DistortionStrength


class ReadsPixel(nn.Module):
    """A fake network that answers the class written in one pixel (shifted by ``offset``)."""

    def __init__(self, offset: int = 0):
        super().__init__()
        self.offset = offset

    def forward(self, x):
        answer = (x[:, 0, 0, 0].round().long() + self.offset) % 10
        return nn.functional.one_hot(answer, 10).float()


def labelled_stream(batch: int = 100, seed: int = 0):
    """Patterns whose pixel (0, 0) holds the label in 70% of cases and a wrong class otherwise."""
    g = torch.Generator().manual_seed(seed)
    while True:
        y = torch.randint(0, 10, (batch,), generator=g)
        shown = torch.where(torch.rand(batch, generator=g) < 0.7, y, (y + 1) % 10)
        x = torch.zeros(batch, 1, 4, 4)
        x[:, 0, 0, 0] = shown.float()
        yield x, y


def test_net2_sees_half_patterns_net1_gets_wrong_and_half_it_gets_right():
    (x, y), seen = second_net_patterns(ReadsPixel(), labelled_stream(), 200, torch.Generator().manual_seed(0))
    wrong = ReadsPixel()(x).argmax(1) != y
    assert len(x) == 200 and int(wrong.sum()) == 100
    assert seen >= 100 / 0.3  # it had to read enough candidates to find 100 mistakes
    assert wrong[:100].sum() not in (0, 100)  # shuffled, not 100 wrong then 100 right


def test_net3_sees_only_patterns_on_which_nets_1_and_2_disagree():
    net1, net2 = ReadsPixel(), ReadsPixel()
    # net 2 agrees with net 1 except on classes 0-4, where it answers the next class
    net2.forward = lambda x: nn.functional.one_hot(
        torch.where(x[:, 0, 0, 0] < 4.5, x[:, 0, 0, 0] + 1, x[:, 0, 0, 0]).round().long() % 10, 10
    ).float()
    (x, _), seen = third_net_patterns(net1, net2, labelled_stream(), 150)
    assert len(x) == 150 and bool((x[:, 0, 0, 0] < 4.5).all())
    assert seen > 150


def test_a_filter_that_cannot_fill_its_set_fails_clearly_instead_of_running_forever():
    with pytest.raises(RuntimeError, match="agree too often"):
        third_net_patterns(ReadsPixel(), ReadsPixel(), labelled_stream(), 10, max_candidates=1000)


def test_an_odd_filtered_set_cannot_be_split_half_and_half():
    with pytest.raises(ValueError, match="even"):
        second_net_patterns(ReadsPixel(), labelled_stream(), 11, torch.Generator())


def test_distorted_stream_draws_training_digits_with_their_labels_and_is_seeded():
    images = torch.full((5, 1, 8, 8), -0.1)
    for k in range(5):
        images[k, 0, 2:6, 2:6] = k / 4  # each digit a square of its own grey level
    labels = torch.arange(5)

    def draw():
        generator = torch.Generator().manual_seed(3)
        return next(distorted_stream(images, labels, DistortionStrength(), generator, batch=64))

    (x, y), (x2, y2) = draw(), draw()
    assert x.shape == (64, 1, 8, 8) and torch.equal(x, x2) and torch.equal(y, y2)
    # the brightest pixel of each distorted square still says which digit it came from
    brightest = x.flatten(1).max(1).values
    assert torch.allclose(brightest, y.float() / 4, atol=0.15)
    assert not torch.equal(x, images[y])  # distorted, not copied


def test_the_committee_sums_its_members_outputs():
    x = torch.zeros(3, 1, 4, 4)
    x[:, 0, 0, 0] = torch.tensor([2.0, 5.0, 7.0])
    committee = SummedCommittee([ReadsPixel(), ReadsPixel(), ReadsPixel(1)])
    out = committee(x)
    assert out.sum(1).tolist() == [3.0, 3.0, 3.0]
    assert out.argmax(1).tolist() == [2, 5, 7]  # two votes beat one


def test_cascade_sends_the_least_confident_patterns_to_the_committee():
    first = torch.tensor([[5.0, 0.0], [0.2, 0.1], [0.0, 3.0], [0.1, 0.15]])  # gaps 5, 0.1, 3, 0.05
    committee = torch.tensor([[0.0, 1.0]] * 4)  # always answers class 1
    predictions, threshold = cascade(first, committee, 0.5)
    assert predictions.tolist() == [0, 1, 1, 1]  # patterns 1 and 3 were unsure
    assert 0.1 <= threshold <= 3
    with pytest.raises(ValueError):
        cascade(first, committee, 1.5)
