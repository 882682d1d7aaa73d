"""MNIST's normalisation steps: centring by mass, deslanting, size normalisation."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.data.affine import warp as grid_sample_warp
from lenet_tutorial.data.normalise import (
    DUST,
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


def test_the_box_ignores_rounding_residue_far_from_the_ink():
    small = blob(3, 5)
    dusty = small.clone()
    dusty[0, 20, 25] = 1e-12  # what a resampling can leave where there is no ink
    assert DUST > 1e-12
    assert torch.equal(size_normalise(dusty, box=20)[0, :20, :20], size_normalise(small, box=20)[0, :20, :20])
    faint = small.clone()
    faint[0, 20, 25] = 1 / 255  # MNIST's faintest grey is ink
    assert (
        bounding_boxes(size_normalise(faint, box=20), threshold=DUST)[0].tolist()
        != bounding_boxes(size_normalise(small, box=20), threshold=DUST)[0].tolist()
    )


def test_the_resampling_is_grid_samples_to_float32s_rounding_on_real_digits(data_dir):
    """Same bilinear convention as PyTorch's grid_sample; computed in double precision by the
    engine's loops, so the two differ by float32 rounding only."""
    from lenet_tutorial.data import load_mnist

    ink = load_mnist("test")[0][:200].float() / 255
    alpha = slant(ink).double()
    theta = torch.zeros(len(ink), 2, 3, dtype=torch.float64)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, 0, 1] = alpha
    centre_row = 2 * (centre_of_mass(ink)[:, 0].double() - 13.5) / 28
    theta[:, 0, 2] = -alpha * centre_row
    expected = grid_sample_warp(ink.double().unsqueeze(1), theta, background=0.0).squeeze(1)
    assert (deslant(ink).double() - expected).abs().max().item() < 1e-5
    for moved in (recentre(ink), size_normalise(ink, box=16)):
        assert moved.dtype == torch.float32 and moved.shape == ink.shape
