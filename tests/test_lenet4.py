"""LeNet-4 as we read the papers' one sentence: counts, the paired S2, the C3 table, training."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.layers import SubsamplingLayer, count_parameters
from lenet_tutorial.models import LeNet4
from lenet_tutorial.models.lenet4 import c3_table, lenet4_with_the_papers_counts
from lenet_tutorial.models.summary import layer_counts
from lenet_tutorial.recipes.lenet4 import train_lenet4


def test_lenet4_has_the_papers_262306_connections_and_50698_parameters_layer_by_layer():
    rows = {r.name: (r.shape, r.connections, r.parameters) for r in layer_counts(LeNet4(), (1, 32, 32))}
    assert rows == {
        "c1": ((4, 28, 28), 81_536, 104),
        "s2": ((8, 14, 14), 7_840, 16),
        "c3": ((16, 10, 10), 121_600, 1_216),
        "s4": ((16, 5, 5), 2_000, 32),
        "f5": ((120,), 48_120, 48_120),
        "output": ((10,), 1_210, 1_210),
    }
    total = sum(c for _, c, _ in rows.values())
    assert abs(total - 260_000) / 260_000 < 0.01  # "about 260,000 connections"
    assert count_parameters(LeNet4()) == 50_698  # not "about 17,000": see the module's docstring


def test_the_other_reading_has_the_papers_counts_with_9x9_and_11x11_kernels():
    rows = {
        r.name: (r.shape, r.connections, r.parameters)
        for r in layer_counts(lenet4_with_the_papers_counts(), (1, 32, 32))
    }
    shapes = [shape for shape, _, _ in rows.values()]
    assert shapes == [(4, 24, 24), (8, 12, 12), (16, 2, 2), (16, 1, 1), (120,), (10,)]
    connections, parameters = (sum(row[k] for row in rows.values()) for k in (1, 2))
    assert (parameters, connections) == (19_130, 260_034)  # "about 17,000" and "about 260,000"


def test_each_c1_map_feeds_a_pair_of_s2_maps_with_their_own_coefficients():
    layer = SubsamplingLayer(8, in_maps=4)
    with torch.no_grad():
        layer.weight.copy_(torch.arange(1.0, 9.0))
        layer.bias.zero_()
    x = torch.stack([torch.full((2, 2), float(k + 1)) for k in range(4)]).unsqueeze(0)  # map k holds k+1
    out = layer(x).flatten()
    # S2 maps 2k and 2k+1 read C1 map k: 2x2 sum 4(k+1), times their coefficients 2k+1 and 2k+2
    assert out.tolist() == [4 * (k // 2 + 1) * (k + 1) for k in range(8)]


def test_subsampling_maps_must_share_their_inputs_equally():
    with pytest.raises(ValueError, match="equally"):
        SubsamplingLayer(6, in_maps=4)


def test_every_c3_map_reads_three_s2_maps_from_at_least_two_c1_maps():
    table = torch.tensor(c3_table())
    assert table.shape == (8, 16)
    assert table.sum(0).tolist() == [3] * 16  # three inputs per C3 map
    assert table.sum(1).tolist() == [6] * 8  # each S2 map feeds six C3 maps
    for o in range(16):
        c1_sources = {i // 2 for i in range(8) if table[i, o]}
        assert len(c1_sources) >= 2
    assert len({tuple(table[:, o].tolist()) for o in range(16)}) == 16  # no two maps alike


def test_lenet4_rejects_a_28x28_image_with_a_clear_message():
    with pytest.raises(ValueError, match=r"32, 32"):
        LeNet4()(torch.zeros(1, 1, 28, 28))


def test_lenet4_recipe_learns_per_pattern_and_gives_the_same_weights_every_time():
    g = torch.Generator().manual_seed(1)
    y = torch.randint(0, 10, (256,), generator=g)
    x = torch.full((256, 1, 32, 32), -0.1)
    for k in range(10):  # a bright bar whose height encodes the class
        x[y == k, 0, 2 + 2 * k : 6 + 2 * k, 4:28] = 1.175
    x += 0.1 * torch.randn(x.shape, generator=g)
    runs = [train_lenet4((x, y), passes=2) for _ in range(2)]
    (m1, h1), (m2, h2) = runs
    assert h1.train_error_measured == "on_the_fly"  # as the 1998 paper's Figure 5 counted it
    assert h1["train_error"] == h2["train_error"] and h1["train_loss"] == h2["train_loss"]
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(), m2.state_dict().values()))
    # counted before each update, the first pass's guesses are wrong at first; then none is
    assert h1["train_error"][0] > 0.05 and h1["train_error"][1] == 0


def test_lenet4_recipe_refuses_an_unknown_initialisation():
    with pytest.raises(ValueError, match="initialisation"):
        train_lenet4((torch.zeros(4, 1, 32, 32), torch.zeros(4, dtype=torch.long)), initialisation="xavier")
