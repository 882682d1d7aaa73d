"""Error versus rejection, checked on hand-made scores."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.rejection import margins, rejection_curve, rejection_for_error


def test_margin_is_the_gap_between_the_two_highest_scores():
    scores = torch.tensor([[0.9, 0.1, 0.5], [0.2, 0.3, -1.0]])
    assert torch.allclose(margins(scores), torch.tensor([0.4, 0.1]))


def test_rejecting_the_least_confident_patterns_first():
    # 5 patterns; margins 0.1 (wrong), 0.2 (wrong), 0.3, 0.4, 0.5 (right)
    scores = torch.tensor([[0.1, 0.0], [0.0, 0.2], [0.3, 0.0], [0.4, 0.0], [0.5, 0.0]])
    labels = torch.tensor([1, 0, 0, 0, 0])
    curve = rejection_curve(scores, labels)
    assert curve.rejected.tolist() == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert curve.error[:3].tolist() == pytest.approx([0.4, 0.25, 0.0])
    assert rejection_for_error(scores, labels, 0.0) == pytest.approx(0.4)
    assert rejection_for_error(scores, labels, 0.3) == pytest.approx(0.2)
    assert rejection_for_error(scores, labels, 0.5) == 0.0


def test_tied_margins_are_rejected_together():
    scores = torch.tensor([[0.2, 0.0], [0.2, 0.0], [0.9, 0.0]])
    labels = torch.tensor([1, 0, 0])
    curve = rejection_curve(scores, labels)
    assert curve.rejected.tolist() == pytest.approx([0.0, 2 / 3, 1.0])
    assert rejection_for_error(scores, labels, 0.0) == pytest.approx(2 / 3)


def test_shapes_are_checked():
    with pytest.raises(ValueError):
        rejection_curve(torch.zeros(3, 2), torch.zeros(2, dtype=torch.long))


def test_curve_sampled_at_chosen_rejection_levels():
    scores = torch.tensor([[0.1, 0.0], [0.0, 0.2], [0.3, 0.0], [0.4, 0.0], [0.5, 0.0]])
    labels = torch.tensor([1, 0, 0, 0, 0])
    rejected, error = rejection_curve(scores, labels).at_rejections([0.0, 0.3, 0.9, 2.0])
    assert rejected == pytest.approx([0.0, 0.4, 1.0])
    assert error[:2] == pytest.approx([0.4, 0.0])
