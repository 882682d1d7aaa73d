"""LeNet-5 as the 1998 paper describes it: Table I, the counts, the RBF layer, the MAP criterion."""

from __future__ import annotations

import math

import pytest
import torch

from lenet_tutorial.layers import count_parameters
from lenet_tutorial.losses import MAPLoss
from lenet_tutorial.models import LeNet5
from lenet_tutorial.models.lenet5 import c3_table
from lenet_tutorial.models.summary import layer_counts
from lenet_tutorial.rbf import EuclideanRBF, digit_bitmaps
from lenet_tutorial.recipes.lenet5 import train_lenet5, train_lenet5_summed_batches
from lenet_tutorial.sdlm import growing_batch_sizes, hessian_diagonal, paper_schedule_1998

# (connections, trainable parameters) per layer, section II-B of the paper
PUBLISHED = {
    "c1": (122_304, 156),
    "s2": (5_880, 12),
    "c3": (151_600, 1_516),
    "s4": (2_000, 32),
    "c5": (48_120, 48_120),
    "f6": (10_164, 10_164),
    "output": (840, 0),
}


def test_table_i_has_60_links_in_the_published_pattern():
    table = torch.tensor(c3_table())
    assert table.shape == (6, 16) and table.sum() == 60
    reads = [tuple(i for i in range(6) if table[i, o]) for o in range(16)]
    # maps 0-5: three contiguous S2 maps (cyclically); 6-11: four contiguous
    assert reads[:6] == [tuple(sorted((o + k) % 6 for k in range(3))) for o in range(6)]
    assert reads[6:12] == [tuple(sorted((o + k) % 6 for k in range(4))) for o in range(6)]
    # 12-14: discontinuous quadruples; 15: all six
    assert reads[12:15] == [(0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5)]
    assert reads[15] == (0, 1, 2, 3, 4, 5)


def test_lenet5_has_60000_trainable_parameters_and_340908_connections_layer_by_layer():
    model = LeNet5()
    rows = layer_counts(model, (1, 32, 32))
    assert {r.name: (r.connections, r.parameters) for r in rows} == PUBLISHED
    assert count_parameters(model) == 60_000
    assert sum(r.connections for r in rows) == 340_908


def test_c5_is_a_convolution_that_slides_over_a_larger_input():
    model = LeNet5()
    below_c5 = torch.nn.Sequential(*list(model.children())[:10])  # up to c5_squash
    assert below_c5(torch.zeros(1, 1, 32, 32)).shape == (1, 120, 1, 1)
    assert below_c5(torch.zeros(1, 1, 40, 48)).shape == (1, 120, 3, 5)


def test_lenet5_rejects_a_28x28_image_with_a_clear_message():
    with pytest.raises(ValueError, match=r"32, 32"):
        LeNet5()(torch.zeros(1, 1, 28, 28))


def test_rbf_centres_are_ten_distinct_7x12_bitmaps_of_plus_minus_one():
    bitmaps = digit_bitmaps()
    assert bitmaps.shape == (10, 84)
    assert set(bitmaps.unique().tolist()) == {-1.0, 1.0}
    differing = (bitmaps[:, None] != bitmaps[None]).sum(-1)
    assert differing[~torch.eye(10, dtype=torch.bool)].min() >= 14


def test_rbf_centres_are_fixed_not_trained():
    model = LeNet5()
    assert not any(p is model.output.centres for p in model.parameters())


def test_rbf_penalty_is_the_squared_distance_to_each_centre():
    rbf = EuclideanRBF(torch.tensor([[1.0, -1.0], [1.0, 1.0]]))
    x = torch.tensor([[0.5, 0.0]])
    # (0.5-1)^2 + (0+1)^2 = 1.25 ; (0.5-1)^2 + (0-1)^2 = 1.25 ; then a point nearer the second
    assert torch.allclose(rbf(x), torch.tensor([[1.25, 1.25]]))
    assert torch.allclose(rbf(torch.tensor([[1.0, 2.0]])), torch.tensor([[9.0, 1.0]]))


def test_map_loss_matches_the_hand_computed_value():
    rbf = EuclideanRBF(torch.tensor([[1.0], [-1.0]]))
    loss = MAPLoss(j=1.0, rbf=rbf)
    penalties = torch.tensor([[0.5, 3.0]])
    expected = 0.5 + math.log(math.exp(-1.0) + math.exp(-0.5) + math.exp(-3.0))
    assert loss(penalties, torch.tensor([0])).item() == pytest.approx(expected)
    # the correct class's penalty counts; the wrong class pays only through the log term
    expected_1 = 3.0 + math.log(math.exp(-1.0) + math.exp(-0.5) + math.exp(-3.0))
    assert loss(penalties, torch.tensor([1])).item() == pytest.approx(expected_1)


def test_map_loss_needs_a_positive_j():
    with pytest.raises(ValueError):
        MAPLoss(j=0.0, rbf=EuclideanRBF())


def test_map_curvature_at_f6_is_the_exact_hessian_diagonal_for_every_label():
    torch.manual_seed(0)
    rbf = EuclideanRBF(digit_bitmaps().double())
    loss = MAPLoss(j=0.5, rbf=rbf)
    x = (torch.rand(1, 84, dtype=torch.double) * 2 - 1) * 0.3 + digit_bitmaps()[3].double() * 0.5
    curvature = loss.f6_curvature(x)[0]
    assert (curvature >= 0).all()
    for label in (3, 7):
        exact = torch.autograd.functional.hessian(
            lambda v, label=label: loss(rbf(v[None]), torch.tensor([label])), x[0]
        )
        assert torch.allclose(curvature, exact.diagonal())


def test_sdlm_estimate_for_f6_weights_is_gauss_newton_through_the_map_curvature():
    # Brute force on a tiny head: F6 -> squash -> RBF. h of each F6 weight must be
    # sum_units f'(a)^2 * curvature_j * input^2, averaged over patterns.
    torch.manual_seed(0)
    model = LeNet5().double()
    loss = MAPLoss(j=1.0, rbf=model.output)
    images = torch.randn(4, 1, 32, 32, dtype=torch.double)
    h = hessian_diagonal(model.features, images, loss.f6_curvature)
    with torch.no_grad():
        c5_out = torch.nn.Sequential(*list(model.children())[:11])(images)  # through flatten
        a = model.f6(c5_out)
        x = model.f6_squash(a)
        d2a = model.f6_squash.derivative(a) ** 2 * loss.f6_curvature(x)  # [N, 84]
        expected_w = (d2a[:, :, None] * c5_out[:, None, :] ** 2).mean(0)
    assert torch.allclose(h[model.f6.weight], expected_w)
    assert torch.allclose(h[model.f6.bias], d2a.mean(0))


def test_growing_batches_keep_the_summed_step_within_the_first_passes():
    sizes = growing_batch_sizes(16)
    assert [sizes(epoch) for epoch in (1, 2, 3, 6, 9, 13, 20)] == [16, 16, 32, 64, 128, 128, 128]
    for epoch in range(1, 21):
        assert sizes(epoch) * paper_schedule_1998(epoch) <= 16 * 0.0005 + 1e-12


def test_the_summed_batch_stand_in_trains_a_few_hundred_digits_deterministically():
    g = torch.Generator().manual_seed(0)
    images = torch.randn(64, 1, 32, 32, generator=g)
    labels = torch.arange(64) % 10
    runs = [
        train_lenet5_summed_batches((images, labels), j=0.1, mu=1, batch_size=8, passes=2, progress=False)
        for _ in range(2)
    ]
    (first, history), (second, _) = runs
    assert len(history) == 2
    assert all(torch.equal(p, q) for p, q in zip(first.parameters(), second.parameters()))


def test_measuring_the_training_error_only_at_the_end_trains_the_same_network():
    g = torch.Generator().manual_seed(0)
    images = torch.randn(64, 1, 32, 32, generator=g)
    labels = torch.arange(64) % 10
    options = dict(j=0.1, mu=1, batch_size=8, passes=3, progress=False)
    every, every_history = train_lenet5_summed_batches((images, labels), **options)
    last_only, history = train_lenet5_summed_batches(
        (images, labels), train_error="after_last_pass", **options
    )
    assert all(torch.equal(p, q) for p, q in zip(every.parameters(), last_only.parameters()))
    assert [row["train_error"] for row in history.rows[:-1]] == [None, None]
    assert history.last["train_error"] == every_history.last["train_error"]


def test_per_pattern_with_the_papers_constants_saturates_from_the_papers_initialisation_not_from_lush(
    data_dir,
):
    # mu = 0.02 and eta = 0.0005, one pattern at a time, as published: from +-2.4/F_i every
    # output saturates within 5,000 updates (chance is 90% error); from the initialisation of
    # the group's own 2002 code (+-1/sqrt(F_i), zero biases, coefficients 0.5) it learns.
    from lenet_tutorial.data import load_mnist, mnist_to_lenet5

    images, labels = load_mnist("train", data_dir=data_dir)
    x, y = mnist_to_lenet5(images[:6000]), labels[:6000]
    errors = {}
    for init in ("paper", "lush"):
        _, history = train_lenet5(
            (x[:5000], y[:5000]),
            passes=1,
            initialisation=init,
            schedule_factor=1.0,  # the published rates
            curvature_every=None,  # h before the pass only, as published
            test_data=(x[5000:], y[5000:]),
        )
        assert history.train_error_measured == "on_the_fly"
        errors[init] = history.rows[0]["test_error"]
    assert errors["paper"] > 0.8
    assert errors["lush"] < 0.2


def test_the_recipe_refuses_an_unknown_initialisation_before_training():
    with pytest.raises(ValueError, match="initialisation must be one of"):
        train_lenet5((torch.zeros(2, 1, 32, 32), torch.zeros(2, dtype=torch.long)), initialisation="xavier")
