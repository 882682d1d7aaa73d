"""LeNet-5 as LeCun's group's own code trained it (Lush's demonstration, Bottou's 2019 rerun):
its network, its inputs, its schedule, and its curvature kept for a block of passes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lenet_tutorial.data import mnist_to_lush
from lenet_tutorial.engine import Engine
from lenet_tutorial.engine.training import Estimate, train
from lenet_tutorial.layers import count_parameters
from lenet_tutorial.models.lenet5 import LeNet5, LeNet5Lush
from lenet_tutorial.recipes import lenet5_lush
from lenet_tutorial.recipes.lenet5_lush import schedule, train_lenet5_lush


def test_lushs_network_is_lenet5_up_to_c5_then_ten_squashed_outputs():
    torch.manual_seed(0)
    lush, paper = LeNet5Lush(), LeNet5()
    shared = ["c1", "s2", "c3", "s4", "c5"]
    for name in shared:
        assert [p.shape for p in getattr(lush, name).parameters()] == [
            p.shape for p in getattr(paper, name).parameters()
        ]
    assert not hasattr(lush, "f6")
    # C1 to C5 as published (156 + 12 + 1,516 + 32 + 48,120), then 120 x 10 weights and 10 biases
    assert count_parameters(lush) == 49_836 + 1_210 == 51_046
    assert lush(torch.zeros(2, 1, 32, 32)).shape == (2, 10)
    with pytest.raises(ValueError, match="32, 32"):
        lush(torch.zeros(1, 1, 28, 28))


def test_lushs_inputs_are_pixels_times_a_hundredth_on_a_background_of_zero():
    images = torch.zeros(2, 28, 28, dtype=torch.uint8)
    images[0, 0, 0], images[1, 27, 27], images[1, 10, 10] = 255, 100, 1
    x = mnist_to_lush(images)
    assert x.shape == (2, 1, 32, 32) and x.dtype == torch.float32
    assert x[0, 0, 2, 2].item() == pytest.approx(2.55)  # the digit centred: a 2-pixel border
    assert x[1, 0, 29, 29].item() == pytest.approx(1.0)
    assert x[1, 0, 12, 12].item() == pytest.approx(0.01)
    assert x[:, :, :2].abs().max() == 0 and x[:, :, :, 30:].abs().max() == 0  # the border is 0
    with pytest.raises(ValueError, match="uint8"):
        mnist_to_lush(images.float())


def test_the_schedule_is_three_blocks_of_ten_passes():
    assert [schedule(e) for e in (1, 10, 11, 20, 21, 30)] == [1e-4, 1e-4, 1e-5, 1e-5, 1e-6, 1e-6]


def test_a_curvature_kept_for_blocks_of_passes_is_estimated_only_at_their_start(monkeypatch):
    torch.manual_seed(0)
    model = LeNet5Lush()
    generator = torch.Generator().manual_seed(1)
    x = torch.rand(12, 1, 32, 32, generator=generator)
    y = torch.randint(0, 10, (12,), generator=generator)
    engine = Engine(model, (1, 32, 32), criterion="squared_error")
    engine.warm_up()  # compiles (or loads) the loops, running each once: not counted
    monkeypatch.setattr(engine, "warm_up", lambda: 0.0)
    estimated = []
    curvature = engine.curvature

    def counted(images, order=None):
        estimated.append(len(estimated))
        return curvature(images, order)

    monkeypatch.setattr(engine, "curvature", counted)
    steps = []
    original_steps = engine.steps
    monkeypatch.setattr(
        engine, "steps", lambda eta, mu, h: steps.append((eta, h.copy())) or original_steps(eta, mu, h)
    )
    train(
        model,
        (x, y),
        criterion="squared_error",
        passes=5,
        schedule=lambda e: 1e-4 / e,
        mu=0.04,
        curvature=Estimate(4, passes=2),
        order="dataset",
        engine=engine,
    )
    assert len(estimated) == 3  # before passes 1, 3 and 5
    assert [eta for eta, _ in steps] == [1e-4 / e for e in range(1, 6)]  # each pass's own eta
    assert np.array_equal(steps[0][1], steps[1][1])  # h kept within the block
    assert not np.array_equal(steps[1][1], steps[2][1])  # and re-estimated after it


def test_an_estimate_is_refused_unless_it_is_well_formed():
    for bad in (dict(patterns=0), dict(passes=0), dict(every=0), dict(every=100, passes=10)):
        with pytest.raises(ValueError):
            Estimate(**bad)


def test_the_recipe_trains_a_few_hundred_digits_with_lushs_constants_and_repeats_itself(data_dir):
    from lenet_tutorial.data import load_mnist

    images, labels = load_mnist("train", data_dir=data_dir)
    x, y = mnist_to_lush(images[:1200]), labels[:1200]
    runs = [
        train_lenet5_lush((x[:1000], y[:1000]), passes=2, test_data=(x[1000:], y[1000:])) for _ in range(2)
    ]
    (model, history), (again, _) = runs
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), again.parameters()))
    assert history.train_error_measured == "on_the_fly"
    assert history.rows[-1]["test_error"] < 0.5  # learning: chance is 90%
    assert lenet5_lush.MU == 0.02 and lenet5_lush.CURVATURE_PATTERNS == 1000  # the rerun's
