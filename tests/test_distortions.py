"""The distortion module: shapes, identity at zero strength, determinism, labels untouched;
the engine's exact resampling equals PyTorch's ``grid_sample`` path."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lenet_tutorial.data.affine import exact_warp
from lenet_tutorial.data.affine import warp as grid_sample_warp
from lenet_tutorial.distortions import (
    DistortionStrength,
    distort,
    distorter,
    engine_distorter,
    exact_affine_matrices,
    random_affine_matrices,
)
from lenet_tutorial.engine import Engine
from lenet_tutorial.engine.training import Estimate
from lenet_tutorial.engine.training import train as engine_train
from lenet_tutorial.models import LeNet5
from lenet_tutorial.train import train


def digits(n=8, size=32, background=-0.1):
    g = torch.Generator().manual_seed(0)
    images = torch.full((n, 1, size, size), background)
    images[:, :, 10:22, 14:18] = 1.175  # a vertical stroke
    return images + 0.01 * torch.rand(images.shape, generator=g)


def test_distorted_images_keep_their_shape_and_dtype():
    images = digits()
    out = distort(images, DistortionStrength(), torch.Generator().manual_seed(1), background=-0.1)
    assert out.shape == images.shape and out.dtype == images.dtype


def test_zero_strength_is_the_identity():
    images = digits()
    out = distort(images, DistortionStrength(0, 0, 0, 0), torch.Generator().manual_seed(1), background=-0.1)
    assert torch.allclose(out, images, atol=1e-5)


def test_same_seed_same_distortions_other_seed_other_distortions():
    images = digits()
    a = distort(images, DistortionStrength(), torch.Generator().manual_seed(5), -0.1)
    b = distort(images, DistortionStrength(), torch.Generator().manual_seed(5), -0.1)
    c = distort(images, DistortionStrength(), torch.Generator().manual_seed(6), -0.1)
    assert torch.equal(a, b)
    assert not torch.allclose(a, c)


def test_each_image_gets_its_own_distortion():
    images = digits(1).expand(4, 1, 32, 32).clone()
    out = distort(images, DistortionStrength(), torch.Generator().manual_seed(2), -0.1)
    assert not torch.allclose(out[0], out[1])


def test_background_stays_background_far_from_the_digit():
    images = torch.full((3, 1, 32, 32), -0.1)
    out = distort(images, DistortionStrength(), torch.Generator().manual_seed(3), background=-0.1)
    assert torch.allclose(out, images, atol=1e-6)


def test_a_pure_translation_moves_the_ink_without_creating_any():
    images = torch.full((1, 1, 16, 16), -1.0)
    images[0, 0, 8, 8] = 1.0
    strength = DistortionStrength(translation=1.0, scaling=0, squeezing=0, shear=0)
    g = torch.Generator().manual_seed(0)
    theta = random_affine_matrices(1, 16, strength, torch.Generator().manual_seed(0))
    assert torch.allclose(theta[0, :, :2], torch.eye(2), atol=1e-6)  # no rotation, scale or shear
    out = distort(images, strength, g, background=-1.0)
    assert torch.isclose(out.sum(), images.sum(), atol=1e-4)  # ink is moved, not created


def test_training_with_distortions_keeps_labels_and_sees_new_images_each_pass():
    seen = []

    class Spy(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(32 * 32, 2)

        def forward(self, x):
            if self.training:
                seen.append(x.clone())
            return self.linear(x.flatten(1))

    images, labels = digits(4), torch.tensor([0, 1, 0, 1])
    model = Spy()
    train(
        model,
        (images, labels),
        loss_fn=lambda out, y: torch.nn.functional.cross_entropy(out, y),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.0),
        epochs=2,
        batch_size=4,
        order="dataset",
        transform=distorter(),
        progress=False,
    )
    assert len(seen) == 2 and not torch.allclose(seen[0], seen[1])
    assert not torch.allclose(seen[0], images)


def test_wrong_shapes_are_refused():
    with pytest.raises(ValueError, match="square"):
        distort(torch.zeros(2, 28, 28), DistortionStrength(), torch.Generator(), 0.0)


def test_sampling_grid_equals_pytorchs_affine_grid():
    from lenet_tutorial.data.affine import sampling_grid

    theta = random_affine_matrices(5, 16, DistortionStrength(), torch.Generator().manual_seed(0))
    expected = torch.nn.functional.affine_grid(theta, [5, 1, 16, 16], align_corners=False)
    assert torch.allclose(sampling_grid(theta, 16), expected, atol=1e-6)


def test_the_exact_matrices_are_the_inverse_of_the_same_draws():
    # the same generator state gives the same draws; the analytic inverse (float64) agrees
    # with LAPACK's inverse of the float32 forward map to float32 rounding
    float32 = random_affine_matrices(50, 32, DistortionStrength(), torch.Generator().manual_seed(4))
    exact = exact_affine_matrices(50, 32, DistortionStrength(), torch.Generator().manual_seed(4))
    assert exact.dtype == np.float64 and exact.shape == (50, 2, 3)
    assert np.abs(exact - float32.double().numpy()).max() < 1e-6


def test_the_exact_warp_is_grid_samples_bilinear_resampling():
    # in double precision the compiled loops and PyTorch's grid_sample compute the same thing
    images = digits(6).double()
    theta = exact_affine_matrices(6, 32, DistortionStrength().scaled(2), torch.Generator().manual_seed(7))
    ours = exact_warp(images.reshape(6, -1).numpy(), theta, -0.1)
    reference = grid_sample_warp(images, torch.from_numpy(theta), -0.1)
    assert ours.dtype == np.float64
    assert np.abs(ours - reference.reshape(6, -1).numpy()).max() < 1e-12


def test_the_exact_warp_reads_background_for_points_far_outside_the_image():
    # the compiled loops read a neighbour beyond the image from a border of zeros: maps that
    # reach far out (shifted by images' widths, magnified a millionfold, mirrored) still agree
    images = digits(4).double()
    theta = np.zeros((4, 2, 3))
    theta[:, 0, 0] = theta[:, 1, 1] = 1.0
    theta[0, :, 2] = (3.0, -5.0)  # every point outside: all background
    theta[1, :, :2] *= 1e6  # a few pixels near the centre, the rest outside
    theta[2, :, :2] *= -1.3  # mirrored and partly outside
    theta[3, 0, :] = (0.2, 0.9, 0.95)  # sheared over the right edge
    ours = exact_warp(images.reshape(4, -1).numpy(), theta, -0.1)
    reference = grid_sample_warp(images, torch.from_numpy(theta), -0.1).reshape(4, -1).numpy()
    assert np.abs(ours - reference).max() < 1e-12
    assert np.all(ours[0] == -0.1)


def test_the_engine_distorter_keeps_type_and_shape_and_zero_strength_is_the_identity():
    images = digits().reshape(8, -1).numpy()
    out = engine_distorter(DistortionStrength(), -0.1)(images, torch.Generator().manual_seed(1))
    assert out.shape == images.shape and out.dtype == images.dtype and not np.allclose(out, images)
    same = engine_distorter(DistortionStrength(0, 0, 0, 0), -0.1)(images, torch.Generator().manual_seed(1))
    assert np.array_equal(same, images)  # pixel centres map onto pixel centres exactly


def test_the_exact_warp_refuses_wrong_shapes_before_any_compiled_code_runs():
    with pytest.raises(ValueError, match="flattened"):
        exact_warp(np.zeros((2, 1, 32, 32), np.float32), np.zeros((2, 2, 3)), 0.0)
    with pytest.raises(ValueError, match="square"):
        exact_warp(np.zeros((2, 1000), np.float32), np.zeros((2, 2, 3)), 0.0)
    with pytest.raises(ValueError, match="one \\[2, 3\\] matrix per image"):
        exact_warp(np.zeros((2, 1024), np.float32), np.zeros((3, 2, 3)), 0.0)
    with pytest.raises(ValueError, match="NaN or infinite"):
        exact_warp(np.zeros((2, 1024), np.float32), np.full((2, 2, 3), np.nan), 0.0)


def test_the_engine_trains_each_pass_on_fresh_distortions_and_measures_on_the_originals():
    images, labels = digits(20), torch.arange(20) % 10
    shown = []

    def spy(x, generator):
        shown.append(engine_distorter(background=-0.1)(x, generator))
        return shown[-1]

    torch.manual_seed(0)
    model = LeNet5()
    history = engine_train(
        model,
        (images, labels),
        passes=2,
        schedule=lambda epoch: 0.0005,
        mu=0.02,
        curvature=Estimate(patterns=10),
        criterion="map",
        order="fixed",
        generator=torch.Generator().manual_seed(0),
        train_error="after_last_pass",
        transform=spy,
    )
    assert len(shown) == 2 and not np.array_equal(shown[0], shown[1])  # new distortions each pass
    engine = Engine(model, (1, 32, 32), criterion="map")
    assert history.last["train_error"] == engine.error(images, labels)  # measured on the originals
