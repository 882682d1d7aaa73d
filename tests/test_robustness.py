"""The robustness transformations: identity at the neutral size, the right direction, clear errors."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.robustness import accuracy_sweep, rotate, salt_and_pepper, scale, shift

BACKGROUND = -0.1


def bar(size=16):
    """A horizontal bar in the upper half: easy to follow under each change."""
    images = torch.full((2, 1, size, size), BACKGROUND)
    images[:, :, 4:6, 4:12] = 1.175
    return images


def ink_rows(images):
    return (images[0, 0] > 0.5).any(1).nonzero().flatten().tolist()


def test_neutral_sizes_leave_the_images_unchanged():
    images = bar()
    for out in (
        scale(images, 1.0, BACKGROUND),
        shift(images, 0.0, BACKGROUND),
        rotate(images, 0.0, BACKGROUND),
    ):
        assert torch.allclose(out, images, atol=1e-5)


def test_shift_moves_the_ink_down_by_whole_pixels():
    assert ink_rows(shift(bar(), 3, BACKGROUND)) == [r + 3 for r in ink_rows(bar())]


def test_rotation_by_90_degrees_turns_a_horizontal_bar_vertical():
    rotated = rotate(bar(), 90, BACKGROUND)[0, 0] > 0.5
    rows, cols = rotated.nonzero().unbind(1)
    assert rows.max() - rows.min() > cols.max() - cols.min()


def test_scaling_by_two_doubles_the_length_of_a_centred_bar():
    images = torch.full((1, 1, 32, 32), BACKGROUND)
    images[:, :, 15:17, 12:20] = 1.175  # 8 pixels long, centred
    scaled = scale(images, 2.0, BACKGROUND)
    assert int((scaled[0, 0] > 0.5).any(0).sum()) == pytest.approx(16, abs=1)


def test_salt_and_pepper_hits_about_p_of_the_pixels_and_repeats_under_a_seed():
    images = torch.full((50, 1, 32, 32), 0.3)
    noisy = salt_and_pepper(images, 0.1, BACKGROUND, 1.175, torch.Generator().manual_seed(0))
    assert (noisy != images).float().mean().item() == pytest.approx(0.1, abs=0.01)
    values = torch.tensor([BACKGROUND, 0.3, 1.175])
    assert ((noisy.flatten()[:, None] - values).abs().min(1).values < 1e-6).all()
    again = salt_and_pepper(images, 0.1, BACKGROUND, 1.175, torch.Generator().manual_seed(0))
    assert torch.equal(noisy, again)


def test_bad_sizes_are_clear_errors():
    with pytest.raises(ValueError):
        scale(bar(), 0.0, BACKGROUND)
    with pytest.raises(ValueError):
        salt_and_pepper(bar(), 1.5, BACKGROUND, 1.175, torch.Generator())
    with pytest.raises(ValueError, match="square"):
        shift(torch.zeros(2, 16, 16), 1, BACKGROUND)


def test_accuracy_sweep_reports_one_accuracy_per_size():
    class Brightness(torch.nn.Module):  # "class 1" if the image has any ink in its middle
        def forward(self, x):
            middle = (x[:, 0, 4:12, 4:12] > 0.5).flatten(1).any(1).float()
            return torch.stack([1 - middle, middle], 1)

    images, labels = bar(), torch.ones(2, dtype=torch.long)
    result = accuracy_sweep(Brightness(), images, labels, lambda x, s: shift(x, s, BACKGROUND), [0, 10])
    assert result == [100.0, 0.0]
