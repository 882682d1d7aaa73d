"""The networks: sizes, counts, initialisation, clear errors."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.layers import ScaledTanh, count_parameters, fan_in_uniform_, squash
from lenet_tutorial.losses import TargetMSELoss
from lenet_tutorial.models import MODELS, FullyConnectedNet, build_model
from lenet_tutorial.nearest_neighbour import knn_predict


def test_fc1989_has_10690_connections_as_the_1989_paper_says():
    model = build_model("fc1989")
    assert model.connections() == 10690
    assert count_parameters(model) == 10690  # no weight sharing: every connection is free


def test_mlp300_has_238510_free_parameters():
    assert count_parameters(build_model("mlp300_mnist")) == 784 * 300 + 300 + 3010


def test_every_named_model_builds_and_runs():
    inputs = {
        "fc1989": torch.zeros(2, 16, 16),
        "linear_mnist": torch.zeros(2, 1, 28, 28),
        "mlp300_mnist": torch.zeros(2, 1, 28, 28),
        "zipcode1989": torch.zeros(2, 16, 16),
        "lenet1": torch.zeros(2, 1, 28, 28),
        "lenet4": torch.zeros(2, 1, 32, 32),
        "lenet5": torch.zeros(2, 1, 32, 32),
    }
    assert set(inputs) == set(MODELS)
    for name in MODELS:
        assert build_model(name)(inputs[name]).shape == (2, 10)


def test_unknown_model_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="fc1989"):
        build_model("lenet-7")


def test_wrong_input_size_is_a_clear_error():
    with pytest.raises(ValueError, match="256 pixels"):
        build_model("fc1989")(torch.zeros(1, 28, 28))


def test_squashing_maps_plus_minus_one_to_itself():
    assert torch.allclose(squash(torch.tensor([-1.0, 0.0, 1.0])), torch.tensor([-1.0, 0.0, 1.0]), atol=1e-4)
    assert torch.allclose(ScaledTanh()(torch.tensor([100.0])), torch.tensor([1.7159]))


def test_initialisation_is_uniform_within_2_4_over_fan_in():
    torch.manual_seed(0)
    layer = torch.nn.Linear(300, 50)
    fan_in_uniform_(layer.weight, 300, layer.bias)
    bound = 2.4 / 300
    assert layer.weight.abs().max() <= bound and layer.weight.abs().max() > 0.95 * bound
    assert layer.bias.abs().max() <= bound
    model = FullyConnectedNet([784, 300, 10])
    assert model.layers[1].weight.abs().max() <= 2.4 / 784
    assert model.layers[3].weight.abs().max() <= 2.4 / 300


def test_target_mse_uses_plus_one_for_the_class_and_minus_one_elsewhere():
    loss = TargetMSELoss(num_classes=3)
    assert loss.targets(torch.tensor([1])).tolist() == [[-1.0, 1.0, -1.0]]
    assert loss(torch.tensor([[-1.0, 1.0, 0.0]]), torch.tensor([1])).item() == pytest.approx(1 / 3)


def test_knn_finds_the_nearest_labels_and_breaks_ties_by_the_nearest():
    train = torch.tensor([[0.0], [1.0], [10.0], [11.0], [12.0]]).reshape(5, 1, 1)
    labels = torch.tensor([0, 0, 1, 1, 2])
    test = torch.tensor([[0.4], [11.2], [5.4]]).reshape(3, 1, 1)
    assert knn_predict(train, labels, test, k=1).tolist() == [0, 1, 0]
    assert knn_predict(train, labels, test, k=3).tolist() == [0, 1, 0]
    # k=2 at 11.6: neighbours 12 (label 2) and 11 (label 1) tie; the nearest, 12, wins
    assert knn_predict(train, labels, torch.tensor([[[11.6]]]), k=2).tolist() == [2]
    with pytest.raises(ValueError):
        knn_predict(train, labels, test, k=6)


def test_multiply_adds_count_one_per_connection_as_the_papers_count_cost():
    from lenet_tutorial.models.fully_connected import FullyConnectedNet
    from lenet_tutorial.models.lenet1 import LeNet1
    from lenet_tutorial.models.lenet4 import LeNet4
    from lenet_tutorial.models.lenet5 import LeNet5
    from lenet_tutorial.models.summary import multiply_adds
    from lenet_tutorial.recipes.modern_lenet5 import MODERN, build

    assert multiply_adds(LeNet5(), (1, 32, 32)) == 340_908  # the paper's connection count
    assert multiply_adds(LeNet4(), (1, 32, 32)) == 262_306
    assert multiply_adds(LeNet1(), (1, 28, 28)) == 98_442
    assert multiply_adds(FullyConnectedNet([784, 300, 10]), (784,)) == 238_510
    # modern: C1 6x28x28x25, C3 16x10x10x150 (all six maps), C5 120x400, output 10x121; no biases before BN
    assert multiply_adds(build(MODERN), (1, 32, 32)) == 117_600 + 240_000 + 48_000 + 1_210


def test_knn_predictions_do_not_depend_on_the_batch_size():
    # the batch size only bounds memory (a [batch, train] distance matrix)
    torch.manual_seed(0)
    train, labels, test = torch.randn(300, 8, 8), torch.randint(0, 10, (300,)), torch.randn(50, 8, 8)
    by_one_batch = knn_predict(train, labels, test, k=3, batch_size=50)
    assert torch.equal(knn_predict(train, labels, test, k=3, batch_size=7), by_one_batch)
