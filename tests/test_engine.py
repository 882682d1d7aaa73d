"""The compiled engine computes what the PyTorch modules define, and refuses what it cannot.

In double precision every output, every gradient and every curvature h_kk of
``sdlm.hessian_diagonal`` equals PyTorch's to 1e-12 of its largest value, layer by layer and
for each historical network; a few per-pattern SDLM steps equal the ``train_with_sdlm`` path.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from lenet_tutorial import sdlm
from lenet_tutorial.engine import Engine, UnsupportedLayer, elementary
from lenet_tutorial.engine.training import Estimate, RunningAverage, train
from lenet_tutorial.layers import ConnectedConv2d, FullyConnected, ScaledTanh, SubsamplingLayer
from lenet_tutorial.losses import MAPLoss, SoftmaxCrossEntropy, TargetMSELoss
from lenet_tutorial.models import LeNet1, LeNet4, LeNet5, ZipCodeNet1989
from lenet_tutorial.models.lenet5 import LeNet5Lush
from lenet_tutorial.models.zip1989_modern import ModernZipCodeNet
from lenet_tutorial.models.zipcode1989 import BACKGROUND, PADDING
from lenet_tutorial.rbf import EuclideanRBF

NETWORKS = {
    "zip1989": (ZipCodeNet1989, (1, 16, 16)),
    "lenet1": (LeNet1, (1, 28, 28)),
    "lenet4": (LeNet4, (1, 32, 32)),
    "lenet5": (LeNet5, (1, 32, 32)),
    "lenet5_lush": (LeNet5Lush, (1, 32, 32)),
    "zip1989_modern": (ModernZipCodeNet, (1, 16, 16)),  # linear outputs: the cross-entropy
}


def relative(ours, theirs) -> float:
    theirs = np.asarray(theirs, dtype=np.float64)
    return float(np.abs(np.asarray(ours) - theirs).max() / max(np.abs(theirs).max(), 1e-300))


def criterion_of(model: nn.Module) -> str:
    """The criterion each network of the book is trained with."""
    if isinstance(list(model.children())[-1], EuclideanRBF):
        return "map"
    return "cross_entropy" if isinstance(model, ModernZipCodeNet) else "squared_error"


def compare(model: nn.Sequential, input_shape, n=5, seed=1, criterion=None):
    """Outputs, gradients and curvatures of ``model`` (double) by the engine and by PyTorch."""
    criterion = criterion or criterion_of(model)
    engine = Engine(model, input_shape, criterion=criterion, dtype=np.float64)
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(n, *input_shape, generator=generator, dtype=torch.float64) * 2 - 1
    n_out = engine.net.n_outputs
    y = torch.randint(0, n_out, (n,), generator=generator)
    if criterion == "map":
        loss = MAPLoss(0.1, model[-1])
        below = nn.Sequential(*list(model.children())[:-1])
        curvature = sdlm.hessian_diagonal(below, x, loss.f6_curvature)
    elif criterion == "cross_entropy":
        loss = SoftmaxCrossEntropy()  # a mean over the patterns, made a sum below
        curvature = sdlm.hessian_diagonal(model, x, loss.output_curvature)
    else:
        loss = TargetMSELoss(num_classes=n_out, outputs="sum")
        curvature = sdlm.hessian_diagonal(model, x, loss.output_curvature)
    model.zero_grad()
    value = loss(model(x), y) * n  # the engine sums over patterns
    value.backward()
    total, grad = engine.gradient(x, y)
    grads = engine.net.in_pytorch_layout(grad)
    h = engine.net.in_pytorch_layout(engine.curvature(x))
    assert relative(engine.outputs(x), model(x).detach()) < 1e-12
    assert total == pytest.approx(value.item(), rel=1e-12)
    for name, p in model.named_parameters():
        assert relative(grads[name], p.grad) < 1e-12, name
        assert relative(h[name], curvature[p]) < 1e-12, name
    return engine


@pytest.mark.parametrize(
    "layers, input_shape",
    [
        (
            [
                ConnectedConv2d(
                    3,
                    4,
                    3,
                    [[True, False, True, True], [False, True, True, False], [True, True, False, True]],
                )
            ],
            (3, 7, 6),
        ),
        ([ConnectedConv2d(2, 3, 3, stride=2, bias="unit", output_size=(3, 3))], (2, 7, 7)),
        (
            [
                nn.ConstantPad2d(PADDING, BACKGROUND),
                ConnectedConv2d(1, 2, 5, stride=2, bias="unit", output_size=(8, 8)),
            ],
            (1, 16, 16),
        ),
        ([SubsamplingLayer(4)], (4, 6, 8)),
        ([SubsamplingLayer(6, in_maps=3)], (3, 4, 4)),  # LeNet-4's maps in pairs
        ([ConnectedConv2d(4, 5, 3)], (4, 3, 3)),  # a kernel over its whole input: stored as fully connected
        ([nn.Flatten(), FullyConnected(12, 7), ScaledTanh()], (1, 3, 4)),
        ([nn.Flatten(), FullyConnected(20, 84), ScaledTanh(), EuclideanRBF()], (1, 4, 5)),
    ],
    ids=[
        "table",
        "stride-unit-bias",
        "padding",
        "subsampling",
        "pairs",
        "whole-kernel",
        "full-squash",
        "rbf-map",
    ],
)
def test_each_layer_equals_pytorch_in_double_precision(layers, input_shape):
    torch.manual_seed(0)
    flat = [] if isinstance(layers[-1], EuclideanRBF) else [nn.Flatten()]  # the criteria read vectors
    compare(nn.Sequential(*layers, *flat).double(), input_shape)


def test_the_cross_entropy_of_linear_outputs_equals_pytorch_in_double_precision():
    """The softmax cross-entropy: its value, gradient p - onehot and curvature p (1 - p), through
    a layer whose squashing was replaced by nn.Identity (skipped, as Flatten is)."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Flatten(), FullyConnected(12, 7), ScaledTanh(), FullyConnected(7, 5), nn.Identity()
    )
    compare(model.double(), (1, 3, 4), n=6, criterion="cross_entropy")


@pytest.mark.parametrize("name", NETWORKS)
def test_each_network_equals_pytorch_in_double_precision(name):
    build, input_shape = NETWORKS[name]
    torch.manual_seed(0)
    compare(build().double(), input_shape, n=3)


@pytest.mark.parametrize("name, batch", [("zip1989", 1), ("lenet5", 1), ("lenet1", 8), ("zip1989_modern", 1)])
def test_per_pattern_steps_and_summed_batches_equal_the_train_with_sdlm_path(name, batch):
    build, input_shape = NETWORKS[name]
    generator = torch.Generator().manual_seed(3)
    x = torch.rand(40, *input_shape, generator=generator, dtype=torch.float64) * 2 - 1
    y = torch.randint(0, 10, (40,), generator=generator)
    torch.manual_seed(0)
    reference = build().double()
    torch.manual_seed(0)
    ours = build().double()
    if name == "lenet5":
        loss, criterion = MAPLoss(0.1, reference.output), "map"
        curvature = (reference.features, loss.f6_curvature)
    elif name == "zip1989_modern":
        loss, criterion = SoftmaxCrossEntropy(), "cross_entropy"
        curvature = (reference, loss.output_curvature)
    else:
        loss, criterion = TargetMSELoss(outputs="sum"), "squared_error"
        curvature = (reference, loss.output_curvature)
    rate = 0.002
    sdlm.train_with_sdlm(
        reference, (x, y), loss_fn=loss, curvature=curvature, mu=0.5, batch_size=batch, passes=2,
        generator=torch.Generator().manual_seed(5), schedule_factor=rate / 0.0005, curvature_patterns=10,
        progress=False,
    )  # fmt: skip
    train(
        ours, (x, y), criterion=criterion, passes=2, schedule=lambda epoch: rate, mu=0.5, batch_size=batch,
        curvature=Estimate(patterns=10), generator=torch.Generator().manual_seed(5), dtype=np.float64,
    )  # fmt: skip
    for (name_, p), q in zip(reference.named_parameters(), ours.parameters()):
        assert relative(q.detach(), p.detach()) < 1e-11, name_


def test_the_running_average_of_sn28_learns():
    build, input_shape = NETWORKS["zip1989"]
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(200, *input_shape, generator=generator) * 2 - 1
    y = x.flatten(1)[:, :10].argmax(1)  # a rule the network can learn
    torch.manual_seed(0)
    model = build()
    before = [p.detach().clone() for p in model.parameters()]
    history = train(model, (x, y), criterion="squared_error", passes=3, schedule=lambda e: 0.0005, mu=0.05,
                    curvature=RunningAverage(gamma=0.05), order="dataset")  # fmt: skip
    assert all(not torch.equal(a, b) for a, b in zip(before, model.parameters()))  # written back
    losses = history["train_loss"]
    assert losses[2] < losses[1] < losses[0]


@pytest.mark.parametrize("name", ["zip1989", "lenet1"])
def test_the_running_average_pass_is_sn28s_rule_for_half_the_squared_error(name):
    """SN2.8 (src/gbp.c) per pattern: h <- (1 - gamma) h + gamma h_p, then theta -= epsilon g / (mu + h),
    for its criterion 1/2 sum (d - y)^2. Written here with autograd and ``sdlm.hessian_diagonal``;
    the engine's criterion is twice that, so its ``mu`` is twice SN2.8's (recipes.zip1989)."""
    build, input_shape = NETWORKS[name]
    torch.manual_seed(3)
    reference = build().double()
    ours = build().double()
    ours.load_state_dict(reference.state_dict())
    generator = torch.Generator().manual_seed(4)
    x = torch.rand(6, *input_shape, generator=generator, dtype=torch.float64) * 2 - 1
    y = torch.randint(0, 10, (6,), generator=generator)
    epsilon, mu, gamma = 0.01, 0.05, 0.3
    half = TargetMSELoss(outputs="sum")
    h = {p: torch.zeros_like(p) for p in reference.parameters()}
    for p_ in range(len(x)):
        reference.zero_grad()
        (0.5 * half(reference(x[p_ : p_ + 1]), y[p_ : p_ + 1])).backward()
        h_p = sdlm.hessian_diagonal(reference, x[p_ : p_ + 1], lambda out: torch.ones_like(out))
        with torch.no_grad():
            for p in reference.parameters():
                h[p] = (1 - gamma) * h[p] + gamma * h_p[p]
                p -= epsilon * p.grad / (mu + h[p])
    engine = Engine(ours, input_shape, dtype=np.float64)
    engine.running_pass(x, y, None, epsilon, 2 * mu, gamma)
    engine.write(ours)
    for (name_, p), q in zip(reference.named_parameters(), ours.parameters()):  # six dependent steps:
        assert relative(q.detach(), p.detach()) < 1e-10, name_  # rounding compounds a little
    curvatures = engine.net.in_pytorch_layout(engine.h)  # the engine's h: twice SN2.8's
    for name_, p in reference.named_parameters():
        assert relative(curvatures[name_], 2 * h[p]) < 1e-10, name_


@pytest.mark.parametrize("curvature", [Estimate(), RunningAverage()], ids=["1998", "sn28"])
def test_a_frozen_parameter_is_not_trained(curvature):
    torch.manual_seed(0)
    model = LeNet1()
    model.h2.requires_grad_(False)
    frozen = model.h2.weight.detach().clone()
    x, y = torch.rand(20, 1, 28, 28) * 2 - 1, torch.randint(0, 10, (20,))
    train(
        model,
        (x, y),
        criterion="squared_error",
        passes=1,
        schedule=lambda e: 0.01,
        mu=0.1,
        curvature=curvature,
    )
    assert torch.equal(model.h2.weight, frozen) and not torch.equal(model.h3.weight, LeNet1().h3.weight)


def test_per_unit_rates_multiply_the_plain_steps_and_keep_a_frozen_parameter_frozen():
    model = LeNet1()
    model.h2.requires_grad_(False)
    engine = Engine(model, (1, 28, 28))
    h = engine.curvature(torch.rand(4, 1, 28, 28))
    before = engine.steps(0.001, 0.1, h)
    engine.scale_rates({"h3.weight": np.full((20, 5, 5), 0.5), "h2.weight": np.full(4, 3.0)})
    after = engine.steps(0.001, 0.1, h)
    h3 = engine.net.index["h3.weight"]
    assert np.array_equal(after[h3], before[h3] * np.float32(0.5))
    assert np.all(after[engine.net.index["h2.weight"]] == 0)  # frozen stays frozen
    untouched = engine.net.index["output.weight"]
    assert np.array_equal(after[untouched], before[untouched])
    engine.scale_rates({"h3.weight": np.full((20, 5, 5), 0.5)})  # again: replaced, not compounded
    assert np.array_equal(engine.steps(0.001, 0.1, h), after)
    with pytest.raises(ValueError, match="no parameter 'h9.weight'"):
        engine.scale_rates({"h9.weight": np.ones(3)})
    with pytest.raises(ValueError, match=r"h3.bias: expected \(12,\) finite factors"):
        engine.scale_rates({"h3.bias": np.ones(11)})
    with pytest.raises(ValueError, match="at least 0"):
        engine.scale_rates({"h3.bias": -np.ones(12)})


def test_the_engine_reads_back_what_it_writes():
    torch.manual_seed(0)
    model = LeNet5()
    engine = Engine(model, (1, 32, 32), criterion="map")
    engine.theta[:] = np.arange(engine.theta.size, dtype=np.float32) / 1e4
    twin = LeNet5()
    engine.write(twin)
    again = Engine(twin, (1, 32, 32), criterion="map")
    assert np.array_equal(again.theta, engine.theta)


def test_float32_training_is_close_to_double_precision():
    build, input_shape = NETWORKS["lenet5"]
    torch.manual_seed(0)
    model = build()
    x = torch.rand(8, *input_shape) * 1.275 - 0.1
    single = Engine(model, input_shape, criterion="map").outputs(x)
    double = Engine(model.double(), input_shape, criterion="map", dtype=np.float64).outputs(x)
    assert relative(single, double) < 1e-5


def test_a_max_pooling_network_is_refused_with_its_layer_name():
    model = nn.Sequential()
    model.add_module("c1", ConnectedConv2d(1, 2, 3))
    model.add_module("pool", nn.MaxPool2d(2))
    with pytest.raises(UnsupportedLayer, match="'pool', a MaxPool2d"):
        Engine(model, (1, 8, 8))


def test_wrong_inputs_are_refused_before_any_compiled_code_runs():
    engine = Engine(ZipCodeNet1989(), (1, 16, 16))
    with pytest.raises(ValueError, match=r"images of shape \[N, 1, 16, 16\]"):
        engine.outputs(torch.zeros(3, 1, 28, 28))
    with pytest.raises(ValueError, match="NaN"):
        engine.outputs(torch.full((2, 16, 16), float("nan")))
    with pytest.raises(ValueError, match="labels must lie in 0..9"):
        engine.gradient(torch.zeros(2, 16, 16), torch.tensor([3, 10]))
    with pytest.raises(ValueError, match="expected 2 labels"):
        engine.gradient(torch.zeros(2, 16, 16), torch.tensor([3]))
    with pytest.raises(ValueError, match="MAP criterion"):
        Engine(ZipCodeNet1989(), (1, 16, 16), criterion="map")
    with pytest.raises(ValueError, match="does not fit"):
        Engine(LeNet5(), (1, 3, 3), criterion="map")


def test_the_elementary_functions_are_accurate_to_a_few_units_in_the_last_place():
    rng = np.random.default_rng(0)
    for f, g, xs in (
        (elementary.exp, math.exp, rng.uniform(-50, 50, 2000)),
        (
            elementary.tanh,
            math.tanh,
            np.concatenate([rng.uniform(-25, 25, 2000), rng.uniform(-1e-6, 1e-6, 200)]),
        ),
        (elementary.log, math.log, rng.uniform(1e-6, 1e6, 2000)),
    ):
        worst = max(abs(f(float(v)) - g(float(v))) / abs(g(float(v))) for v in xs if g(float(v)))
        assert worst < 1e-15, f.__name__


def test_a_layers_squashing_has_the_bits_of_the_scalar_tanh():
    x = np.random.default_rng(1).normal(0, 5, 3000)
    y, derivative = np.zeros_like(x), np.zeros_like(x)
    elementary.squash_array(x, y, derivative, 1.0, 1.0, np.zeros((2, len(x))), np.zeros(len(x), np.int64))
    assert all(elementary.tanh(float(v)) == t for v, t in zip(x, y))


def test_a_float32_layers_squashing_is_within_four_units_in_the_last_place_of_float32():
    rng = np.random.default_rng(2)
    x = np.concatenate(
        [rng.normal(0, 5, 20_000), np.linspace(-40, 40, 40_001), [0.0, -0.0, 1e-30, -1e-30, 1e-8]]
    ).astype(np.float32)
    y, derivative = np.zeros_like(x), np.zeros_like(x)
    work, bits = np.zeros(2 * len(x), np.float32), np.zeros(len(x), np.int32)
    elementary.squash_array_float32(x, y, derivative, 2 / 3, 1.7159, work, bits)
    exact = 1.7159 * np.tanh(2 / 3 * x.astype(np.float64))
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(y - exact) / ulp) <= 4
    assert np.all(np.sign(y) == np.sign(exact))  # odd, and exactly 0 at 0
    exact_derivative = 1.7159 * 2 / 3 * (1 - np.tanh(2 / 3 * x.astype(np.float64)) ** 2)
    assert np.max(np.abs(derivative - exact_derivative)) < 1e-6


@pytest.mark.parametrize("processor", ["host", "generic"])
def test_the_digests_are_the_books_on_this_processor_and_on_a_generic_one(processor, data_dir):
    # 2,000 per-pattern steps of each network: one rounding done differently anywhere would
    # change a digest. "generic": compiled for the plainest x86-64 (SSE2), as if on another machine.
    import os
    import subprocess
    import sys

    env = {**os.environ, "LENET_TUTORIAL_DATA": str(data_dir)}
    if processor == "generic":
        env["NUMBA_CPU_NAME"] = "generic"
    result = subprocess.run(
        [sys.executable, "-m", "lenet_tutorial", "engine-digests", "--check"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    from lenet_tutorial.engine.digests import BOOK

    assert result.stdout.split() == [token for name, value in BOOK.items() for token in (name, value)]
