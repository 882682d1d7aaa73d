"""The historical building blocks: sparse convolutions, trainable subsampling, counts, gradients."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from lenet_tutorial.layers import (
    ConnectedConv2d,
    FullyConnected,
    SubsamplingLayer,
    block_sums,
    lush_initialisation_,
    sn28_initialisation_,
    squash,
    squash_derivative,
)
from lenet_tutorial.models import LeNet1, LeNet5, ZipCodeNet1989
from lenet_tutorial.models.lenet1 import h3_table
from lenet_tutorial.models.summary import layer_counts
from lenet_tutorial.models.zipcode1989 import h2_table
from lenet_tutorial.speed import fast_block_sums


def by_name(rows):
    return {r.name: r for r in rows}


def test_zipcode1989_has_9760_free_parameters_64660_connections_and_1256_units():
    rows = layer_counts(ZipCodeNet1989(), (1, 16, 16))
    assert sum(r.parameters for r in rows) == 9760
    assert sum(r.connections for r in rows) == 64660
    assert 256 + sum(r.units for r in rows) == 1256


def test_zipcode1989_layers_match_the_paper_one_by_one():
    rows = by_name(layer_counts(ZipCodeNet1989(), (1, 16, 16)))
    assert (rows["h1"].units, rows["h1"].connections, rows["h1"].parameters) == (768, 19968, 1068)
    assert (rows["h2"].units, rows["h2"].connections, rows["h2"].parameters) == (192, 38592, 2592)
    assert (rows["h3"].units, rows["h3"].connections, rows["h3"].parameters) == (30, 5790, 5790)
    assert (rows["output"].units, rows["output"].connections, rows["output"].parameters) == (10, 310, 310)


def test_each_h2_map_reads_8_of_the_12_h1_maps_and_each_h1_map_feeds_8():
    table = torch.tensor(h2_table())
    assert table.sum(0).tolist() == [8] * 12
    assert table.sum(1).tolist() == [8] * 12


def test_lenet1_has_2578_free_parameters_and_98442_connections():
    rows = layer_counts(LeNet1(), (1, 28, 28))
    assert sum(r.parameters for r in rows) == 2578
    assert sum(r.connections for r in rows) == 98442
    assert 784 + sum(r.units for r in rows) + 1 == 4635  # + the bias unit, as the paper counts


def test_lenet1_h3_table_has_the_published_20_kernels():
    table = torch.tensor(h3_table())
    assert table.sum() == 20
    assert table[0].nonzero().flatten().tolist() == [0, 1, 2, 4, 5]
    assert table[3].nonzero().flatten().tolist() == [7, 8, 9, 10, 11]
    assert table.sum(0).tolist() == [1, 2, 2, 1, 2, 2, 1, 2, 2, 1, 2, 2]


def test_the_1989_border_reads_a_background_of_minus_one():
    torch.manual_seed(0)
    net = ZipCodeNet1989()
    blank = torch.full((1, 16, 16), -1.0)
    with torch.no_grad():
        a = net.h1(net.h1_pad(blank.unsqueeze(1)))
    kernel_sums = net.h1.full_kernel(net.h1.weight).sum((1, 2, 3))
    expected = -kernel_sums.view(12, 1, 1) + net.h1.bias
    assert torch.allclose(a[0], expected, atol=1e-6)
    assert a.shape == (1, 12, 8, 8)


def test_sparse_convolution_equals_dense_convolution_with_missing_kernels_zero():
    torch.manual_seed(0)
    layer = ConnectedConv2d(4, 12, 5, h3_table())
    x = torch.randn(3, 4, 12, 12)
    dense = layer.full_kernel(layer.weight)
    for i, row in enumerate(h3_table()):
        for o, linked in enumerate(row):
            assert bool(dense[o, i].abs().sum() > 0) == linked
    assert torch.allclose(layer(x), F.conv2d(x, dense) + layer.bias.view(1, -1, 1, 1), atol=1e-6)
    assert layer.weight.shape == (20, 5, 5)


def test_initialisation_of_sparse_convolutions_uses_each_units_fan_in():
    torch.manual_seed(0)
    layer = ConnectedConv2d(4, 12, 5, h3_table())
    dense = layer.full_kernel(layer.weight)
    for o in range(12):
        bound = 2.4 / layer.fan_in[o]
        assert dense[o].abs().max() <= bound
        assert abs(layer.bias[o]) <= bound
    assert layer.fan_in[0] == 25 and layer.fan_in[1] == 50


def test_sn28_initialisation_draws_weights_and_biases_alike_counting_the_bias_in_the_fan_in():
    torch.manual_seed(0)
    model = sn28_initialisation_(LeNet1())
    for o, (fan_in, kernels) in enumerate(model.h3.kernels_of_each_map()):  # 25 or 50 weights, + 1
        bound = 2.4 / (fan_in + 1)
        assert model.h3.weight[kernels].abs().max() <= bound < 2.4 / fan_in
        assert abs(model.h3.bias[o]) <= bound
    for sub in (model.h2, model.h4):  # 4 inputs through one coefficient, + the bias
        assert sub.weight.abs().max() <= 2.4 / 5 and sub.bias.abs().max() <= 2.4 / 5
    assert model.output.weight.abs().max() <= 2.4 / 193 and model.output.bias.abs().max() <= 2.4 / 193
    assert model.output.weight.abs().max() > 0.9 * 2.4 / 193  # the whole range is used
    net = sn28_initialisation_(ZipCodeNet1989())  # per-unit biases: every unit of a map the same bound
    assert net.h1.bias.abs().max() <= 2.4 / 26 and net.h1.bias.abs().max() > 0.9 * 2.4 / 26


def test_lush_initialisation_draws_weights_in_one_over_root_fan_in_with_zero_biases_and_coefficients_half():
    torch.manual_seed(0)
    model = LeNet5()
    centres = model.output.centres.clone()
    lush_initialisation_(model)
    c3 = model.c3
    dense = c3.full_kernel(c3.weight)
    for o in range(c3.out_maps):  # C3's maps read 3, 4 or 6 maps: three different bounds
        bound = c3.fan_in[o] ** -0.5
        kernels = dense[o][dense[o].abs().sum(dim=(1, 2)) > 0]
        assert kernels.abs().max() <= bound
        assert kernels.abs().max() > 0.9 * bound  # the whole range is used, not a narrower one
    assert model.f6.weight.abs().max() <= 120**-0.5
    for layer in (model.c1, model.s2, model.c3, model.s4, model.c5, model.f6):
        assert torch.count_nonzero(layer.bias) == 0
    assert torch.all(model.s2.weight == 0.5) and torch.all(model.s4.weight == 0.5)
    assert torch.equal(model.output.centres, centres)  # the RBF centres are fixed: untouched


@pytest.mark.parametrize(
    "layer, shape",
    [
        (
            ConnectedConv2d(
                3, 4, 3, [[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 1]], stride=2, bias="unit", output_size=(3, 3)
            ),
            (2, 3, 7, 7),
        ),
        (ConnectedConv2d(2, 3, 3), (2, 2, 6, 6)),
        (SubsamplingLayer(3), (2, 3, 4, 4)),
        (FullyConnected(5, 4), (2, 5)),
    ],
)
def test_gradients_of_custom_layers_match_finite_differences(layer, shape):
    layer = layer.double()
    x = torch.randn(*shape, dtype=torch.double, requires_grad=True)
    params = tuple(layer.parameters())

    def f(x, *p):
        return layer.affine(x, p[0], p[1])

    assert torch.autograd.gradcheck(f, (x, *params))


def test_subsampling_sums_2x2_blocks_times_a_coefficient_plus_bias():
    layer = SubsamplingLayer(1)
    with torch.no_grad():
        layer.weight.fill_(0.5)
        layer.bias.fill_(1.0)
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    assert layer(x)[0, 0].tolist() == [
        [0.5 * (0 + 1 + 4 + 5) + 1, 0.5 * (2 + 3 + 6 + 7) + 1],
        [0.5 * (8 + 9 + 12 + 13) + 1, 0.5 * (10 + 11 + 14 + 15) + 1],
    ]


def test_squash_derivative_matches_autograd():
    a = torch.linspace(-3, 3, 13, requires_grad=True)
    (grad,) = torch.autograd.grad(squash(a).sum(), a)
    assert torch.allclose(grad, squash_derivative(a.detach()), atol=1e-6)


def test_wrong_input_shapes_are_clear_errors():
    with pytest.raises(ValueError, match="16x16"):
        ZipCodeNet1989()(torch.zeros(1, 28, 28))
    with pytest.raises(ValueError, match="28, 28"):
        LeNet1()(torch.zeros(1, 16, 16))
    with pytest.raises(ValueError, match="rows"):
        ConnectedConv2d(2, 3, 5, [[True, False, True]])
    with pytest.raises(ValueError, match="divisible"):
        SubsamplingLayer(2)(torch.zeros(1, 2, 5, 5))


@pytest.mark.parametrize("batch", [1, 32])  # pooling below STRIDED_SUMS_FROM digits, additions above
@pytest.mark.parametrize("channels_last", [False, True])
def test_fast_block_sums_without_autograd_are_average_pooling_times_four_bit_for_bit(channels_last, batch):
    x = torch.randn(batch, 6, 28, 28, generator=torch.Generator().manual_seed(0))
    if channels_last:  # what a oneDNN convolution may hand over
        x = x.to(memory_format=torch.channels_last)
    with torch.no_grad():  # evaluation and the hand-written backward pass: strided additions
        assert torch.equal(fast_block_sums(x), F.avg_pool2d(x, 2) * 4)


def test_fast_block_sums_are_the_same_numbers_while_autograd_records():
    x = torch.randn(32, 6, 28, 28, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        without_autograd = fast_block_sums(x)
    recorded = fast_block_sums(x.requires_grad_(True))
    assert recorded.requires_grad and torch.equal(recorded.detach(), without_autograd)
    (g,) = torch.autograd.grad(recorded, x, torch.ones_like(recorded))
    assert torch.equal(g, torch.ones_like(x))  # each input belongs to exactly one block


@pytest.mark.parametrize("batch", [1, 16])  # both ways of summing
def test_block_sums_add_every_value_of_each_block_and_the_fast_ones_agree(batch):
    x = torch.arange(36.0).view(1, 1, 6, 6).repeat(batch, 1, 1, 1)
    expected = torch.tensor([[[[63.0, 90.0], [225.0, 252.0]]]]).repeat(batch, 1, 1, 1)
    with torch.no_grad():
        assert torch.equal(block_sums(x, 3), expected)
        assert torch.equal(fast_block_sums(x, 3), expected)
    real = torch.randn(batch, 6, 28, 28, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert torch.allclose(fast_block_sums(real), block_sums(real), rtol=1e-14, atol=1e-14)
