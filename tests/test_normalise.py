"""MNIST's normalisation steps: centring by mass, deslanting, size normalisation."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.data.normalise import (
    bounding_boxes,
    centre_of_mass,
    deslant,
    recentre,
    size_normalise,
    slant,
)


def blob(row, col, size=28):
    images = torch.zeros(1, size, size)
    images[0, row : row + 4, col : col + 3] = 1.0
    return images


def leaning_stroke(lean=0.5, size=28):
    """A stroke from (6, 10) down to (21, 10 + 15 * lean): it leans right by ``lean`` per row."""
    images = torch.zeros(1, size, size)
    for r in range(6, 22):
        c = 10 + lean * (r - 6)
        images[0, r, int(c) : int(c) + 2] = 1.0
    return images


def test_centre_of_mass_of_a_block_is_its_middle():
    assert torch.allclose(centre_of_mass(blob(3, 5)), torch.tensor([[4.5, 6.0]]))


def test_recentring_moves_the_centre_of_mass_to_the_middle():
    moved = recentre(blob(3, 5))
    assert torch.allclose(centre_of_mass(moved), torch.tensor([[13.5, 13.5]]), atol=0.05)
    assert moved.sum().item() == pytest.approx(12.0, rel=1e-3)  # no ink lost


def test_deslanting_makes_a_leaning_stroke_upright():
    stroke = leaning_stroke(0.5)
    assert slant(stroke).item() == pytest.approx(0.5, abs=0.05)
    upright = deslant(stroke)
    assert abs(slant(upright).item()) < 0.05
    assert torch.allclose(centre_of_mass(upright), centre_of_mass(stroke), atol=0.1)


def test_size_normalisation_fits_the_longer_side_to_the_box():
    small = blob(3, 5)  # 4 rows by 3 columns
    normalised = size_normalise(small, box=20)
    top, bottom, left, right = bounding_boxes(normalised, threshold=0.5)[0].tolist()
    assert bottom - top + 1 == pytest.approx(20, abs=1)
    assert right - left + 1 == pytest.approx(15, abs=1)  # aspect ratio kept


def test_images_without_ink_or_of_the_wrong_type_are_refused():
    with pytest.raises(ValueError, match="ink"):
        recentre(torch.zeros(2, 28, 28))
    with pytest.raises(ValueError, match="float"):
        deslant(torch.zeros(2, 28, 28, dtype=torch.uint8))
