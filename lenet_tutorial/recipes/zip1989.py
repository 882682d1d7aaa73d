"""How the 1989 chapter trains the zip-code network, in one place: as the group's own
simulator, SN2.8, trained its networks in 1989-1990, with its standard settings.

- The criterion: squared error against +-1 targets (:func:`train_as_in_1989`'s note on its
  scale).
- Stochastic diagonal Levenberg-Marquardt one pattern at a time, with SN2.8's curvature: a
  running average of each parameter's Gauss-Newton second derivative, updated at every
  pattern, ``h <- (1 - gamma) h + gamma h_p``; the step ``epsilon / (mu + h)``. SN2.8's
  manual (``sn28.hlp``) gives the standard values, which we take unchanged: epsilon =
  0.0005, mu = gamma = 0.05 (:data:`EPSILON`, :data:`MU`, :data:`GAMMA`). The paper names the
  method ("a special version of Newton's algorithm that uses a positive, diagonal
  approximation of the Hessian") but gives no value.
- The paper's initialisation, uniform in +-2.4/F_i, read as SN2.8 reads it: a bias is a
  connection from a constant unit, drawn like a weight and counted in F_i
  (:func:`~lenet_tutorial.layers.sn28_initialisation_`).
- The data set's own constant order, 23 passes: 167,693 presentations, as in the paper.

It runs on the compiled engine (:mod:`lenet_tutorial.engine`), so its numbers are the same on
every machine. LeNet-1 on USPS (``lenet1_usps``) is trained the same way: :func:`train_as_in_1989`
takes any network of the period.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from ..checkpoints import cached_training, data_fingerprint
from ..engine import Engine
from ..engine.training import RunningAverage, train
from ..layers import ConnectedConv2d, FullyConnected, SubsamplingLayer, sn28_initialisation_
from ..models.summary import layer_counts
from ..models.zipcode1989 import ZipCodeNet1989
from ..rejection import RejectionCurve, rejection_curve
from ..reproducibility import seed_everything
from ..sdlm import paper_schedule_1998
from ..train import History

PASSES = 23
EPSILON = 0.0005  # SN2.8's standard values (sn28.hlp), for its criterion 1/2 sum (d - y)^2
MU = 0.05
GAMMA = 0.05
INITIALISATIONS = ("sn28", "paper")  # the bias in the fan-in (SN2.8), or our layers' own 2.4/F_i
INITIALISATION = "sn28"
SCHEDULES = ("constant", "1998")  # SN2.8's one epsilon, or LeNet-5's per-pass decrease of it
# SN2.8's learning rate per unit (sn28.hlp, "Learning Parameters in Netenv"): one epsilon for
# every connection, the standard, or (epsi x), (epsi-sqrt x), (mask-epsi x) of lib/netenv.sn and
# lib/connect.sn: x / F_i, x / sqrt(F_i), x / sqrt(F_i * sharing) (see unit_rates)
RATES = ("uniform", "epsi", "epsi-sqrt", "mask-epsi")
RATE = "uniform"


def train_as_in_1989(
    network: Callable[[], nn.Module],
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
    epsilon: float = EPSILON,
    mu: float = MU,
    gamma: float = GAMMA,
    passes: int = PASSES,
    initialisation: str = INITIALISATION,
    order: str = "dataset",
    schedule: str = "constant",
    rates: str = RATE,
) -> tuple[nn.Module, History]:
    """A fresh ``network()`` trained as SN2.8 trained the networks of 1989-1990; returns it and
    its per-pass history (the training error counted on the fly, each digit's answer before
    its update; the test error, if ``test_data`` is given, after each pass).

    ``epsilon``, ``mu`` and ``gamma`` are in SN2.8's units, for its criterion
    E = 1/2 sum_o (d_o - y_o)^2. The book's criterion is twice that, sum_o (y_o - t_o)^2:
    its gradient and its curvature are both twice SN2.8's, so SN2.8's step
    epsilon g / (mu + h) is the book's with ``2 mu`` (tests/test_engine.py checks it against
    a reference written with 1/2 the squared error). ``order``: the data set's own
    (``"dataset"``, as in 1989: the seed then fixes the initial weights only) or one random
    order drawn from the seed and kept (``"fixed"``, as LeNet-5 was trained). ``schedule``:
    ``"constant"``, SN2.8's one epsilon; or ``"1998"``, epsilon decreased pass by pass in the
    proportions of LeNet-5's schedule (Appendix C: x1 for 2 passes, x0.4 for 3, x0.2 for 3,
    x0.1 for 4, then x0.02), which starts at the same 0.0005. ``rates``: ``"uniform"``,
    SN2.8's standard, one ``epsilon`` for every parameter; or one of SN2.8's per-unit rates,
    ``epsilon`` then the rule's x (:func:`unit_rates`).
    """
    if rates not in RATES:
        raise ValueError(f"rates must be one of {RATES}, not {rates!r}")
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, not {schedule!r}")
    if initialisation not in INITIALISATIONS:
        raise ValueError(f"initialisation must be one of {INITIALISATIONS}, not {initialisation!r}")
    generator = seed_everything(seed)
    model = network()
    if initialisation == "sn28":
        sn28_initialisation_(model)
    history = train(
        model,
        train_data,
        criterion="squared_error",
        passes=passes,
        schedule=lambda epoch: epsilon * (1.0 if schedule == "constant" else decrease_1998(epoch)),
        mu=2 * mu,  # SN2.8's mu for 1/2 the book's criterion (see above)
        curvature=RunningAverage(gamma),
        order=order,
        generator=generator,
        test_data=test_data,
        train_error="on_the_fly",
        rates=None if rates == "uniform" else unit_rates(model, tuple(train_data[0].shape[1:]), rates),
    )
    return model, history


def unit_rates(model: nn.Module, input_shape: tuple[int, ...], rule: str) -> dict[str, np.ndarray]:
    """Each parameter's factor of epsilon under one of SN2.8's per-unit rules, by parameter name.

    SN2.8's manual finds it "rarely advisable to use the same learning rate in the whole
    network" and offers three rules, each setting a unit's rate from x: ``"epsi"``, x / F_i;
    ``"epsi-sqrt"``, x / sqrt(F_i); ``"mask-epsi"``, x / sqrt(F_i s_i), "often a good choice
    [...] in a shared weights network", s_i the number of connections sharing the weight of
    the unit's last incoming connection. F_i counts the bias unit's connection, as SN2.8 does
    (its ``nfanin``): 26 for the 1989 network's H1. A unit's rate applies to every connection
    into it; the units of one map share their weights and their rate. A subsampling unit reads
    its four inputs through one coefficient: F_i = 5, each coefficient shared 4 times per unit.
    """
    if rule not in RATES[1:]:
        raise ValueError(f"rule must be one of {RATES[1:]}, not {rule!r}")
    # each layer's output positions (rows x columns): how many connections share one weight
    shape = tuple(input_shape) if len(input_shape) == 3 else (1, *input_shape)  # USPS's [16, 16]: one channel
    positions = {row.name: int(np.prod(row.shape[1:])) for row in layer_counts(model, shape)}

    def rate(fan_in: int, sharing: int) -> float:
        return {"epsi": 1 / fan_in, "epsi-sqrt": fan_in**-0.5, "mask-epsi": (fan_in * sharing) ** -0.5}[rule]

    factors = {}
    for name, module in model.named_modules():
        if isinstance(module, ConnectedConv2d):
            weight, bias = np.zeros(tuple(module.weight.shape)), np.zeros(tuple(module.bias.shape))
            for o, (fan_in, kernels) in enumerate(module.kernels_of_each_map()):
                weight[kernels] = bias[o] = rate(fan_in + 1, positions[name])
        elif isinstance(module, SubsamplingLayer):
            weight = np.full(module.maps, rate(module.size**2 + 1, module.size**2 * positions[name]))
            bias = weight.copy()
        elif isinstance(module, FullyConnected):
            weight = np.full(tuple(module.weight.shape), rate(module.in_features + 1, 1))
            bias = np.full(module.out_features, rate(module.in_features + 1, 1))
        else:
            continue
        factors[f"{name}.weight"], factors[f"{name}.bias"] = weight, bias
    return factors


def decrease_1998(epoch: int) -> float:
    """LeNet-5's schedule (1998, Appendix C) relative to its first rate: 1, 1, 0.4, ..., 0.02."""
    return paper_schedule_1998(epoch) / paper_schedule_1998(1)


def train_zip1989(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
) -> tuple[ZipCodeNet1989, History]:
    """A fresh 1989 network trained as the chapter trains it; returns it and its per-pass history."""
    return train_as_in_1989(ZipCodeNet1989, train_data, test_data=test_data, seed=seed)


def trained_zip1989(
    train_data: tuple[torch.Tensor, torch.Tensor],
    test_data: tuple[torch.Tensor, torch.Tensor],
    *,
    seed: int = 0,
) -> tuple[ZipCodeNet1989, History, bool]:
    """The 1989 chapter's network, kept on disk (:mod:`lenet_tutorial.checkpoints`) so that
    the "33 years later" chapter starts from the same one. Returns ``(model, history, loaded)``."""
    settings = {
        "seed": seed,
        "engine": "sn28",
        "passes": PASSES,
        "epsilon": EPSILON,
        "mu": MU,
        "gamma": GAMMA,
        "initialisation": INITIALISATION,
    } | data_fingerprint(train=train_data, test=test_data)
    return cached_training(
        f"zip1989-seed{seed}",
        settings,
        lambda: train_zip1989(train_data, test_data=test_data, seed=seed),
        ZipCodeNet1989,
    )


def measured(
    model: nn.Module,
    train_data: tuple[torch.Tensor, torch.Tensor],
    test_data: tuple[torch.Tensor, torch.Tensor],
) -> dict:
    """What the USPS papers report of a trained network, measured by the engine (so the same on
    every machine): ``train_error`` and ``test_error`` (fractions), the ``test_curve`` of error
    against rejection and ``reject_at_1pct`` read from it; and, for figures and the paper's
    mean squared error, ``train_outputs``, ``test_outputs`` and ``test_scores``."""
    engine = Engine(model, tuple(test_data[0].shape[1:]))
    results = {}
    for name, (images, labels) in (("train", train_data), ("test", test_data)):
        outputs = engine.outputs(images)
        results[f"{name}_outputs"] = outputs
        answers = engine.scores(outputs).argmax(1)
        results[f"{name}_error"] = float((answers != engine.labels(labels, len(outputs))).mean())
    results["test_scores"] = torch.from_numpy(engine.scores(results["test_outputs"]))
    curve: RejectionCurve = rejection_curve(results["test_scores"], test_data[1])
    results["test_curve"] = curve
    results["reject_at_1pct"] = curve.rejection_for_error(0.01)
    return results


def mean_squared_error(outputs: np.ndarray, labels: torch.Tensor) -> float:
    """The 1989 paper's MSE, in the unit SN2.8 printed it: its criterion 1/2 (d - y)^2, +-1
    targets, averaged over patterns *and* the ten outputs.

    The paper does not define its MSE. SN2.8's ``perf`` prints "the average error over the
    examples and over the outputs" (``sn28.hlp``), where a pattern's error is its criterion
    (``init-grad-lms`` in ``src/gbp.c`` sums 1/2 (d - y)^2) divided by the number of outputs
    (``do-compute-err`` in ``lib/netenv.sn``). That is half the plain mean of (y - t)^2.
    """
    targets = np.where(np.arange(outputs.shape[1]) == labels.numpy()[:, None], 1.0, -1.0)
    return float((0.5 * (outputs.astype(np.float64) - targets) ** 2).mean())
