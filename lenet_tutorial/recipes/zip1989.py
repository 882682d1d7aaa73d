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
from ..layers import sn28_initialisation_
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
    x0.1 for 4, then x0.02), which starts at the same 0.0005.
    """
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
    )
    return model, history


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
