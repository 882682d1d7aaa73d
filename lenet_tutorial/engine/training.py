"""Training with the engine, the way the papers trained: SDLM, one pattern at a time.

:func:`train` is :func:`lenet_tutorial.sdlm.train_with_sdlm` compiled: the same orders, the
same per-pass schedule and history, the same training error measurements; the curvature
either the 1998 estimate (:class:`Estimate`: averaged over a few hundred patterns before each
pass, or every so many patterns) or SN2.8's running average (:class:`RunningAverage`,
updated at every pattern). The trained weights are written back into the model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..train import ORDERS, TRAIN_ERRORS, History
from .engine import Engine

# Printed once per machine, by whichever cell first trains with the engine: which cell that is
# depends on what is already cached there, so the notebook tests leave this line out of their
# comparison (tests/nbval_book.py).
COMPILED = "the engine compiled its loops in {seconds:.0f} s (once: they are cached for later runs)"


@dataclass(frozen=True)
class Estimate:
    """The 1998 paper's curvature: the Gauss-Newton diagonal averaged over ``patterns``
    patterns, fixed while it is used. Re-estimated before each pass on the first ``patterns``
    training patterns, or, with ``every``, before each run of ``every`` patterns on the first
    ``patterns`` of that run (as EBLearn's later trainer did). With ``passes`` > 1 it is
    re-estimated only before every ``passes``-th pass and kept in between, as Lush's LeNet-5
    demonstration in Bottou's 2019 rerun did: once at the start of each block of 10 passes."""

    patterns: int = 500
    every: int | None = None
    passes: int = 1

    def __post_init__(self):
        if self.patterns < 1 or self.passes < 1 or (self.every is not None and self.every < 1):
            raise ValueError("an estimate needs patterns, passes and every of at least 1")
        if self.every is not None and self.passes > 1:
            raise ValueError("re-estimate within each pass (every) or once every few passes, not both")


@dataclass(frozen=True)
class RunningAverage:
    """SN2.8's curvature: a running average updated at every pattern, h <- (1 - gamma) h + gamma h_p.
    It starts from ``initial_patterns`` patterns' average (0: from zero)."""

    gamma: float = 0.05
    initial_patterns: int = 0


def _order(n: int, order: str, generator: torch.Generator, fixed):
    if order == "dataset":
        return np.arange(n)
    if order == "fixed":
        return fixed
    return torch.randperm(n, generator=generator).numpy()


def train(
    model: nn.Module,
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    criterion: str,
    passes: int,
    schedule: Callable[[int], float],
    mu: float,
    curvature: Estimate | RunningAverage = Estimate(),
    batch_size: int = 1,
    order: str = "fixed",
    generator: torch.Generator | None = None,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    train_error: str = "on_the_fly",
    j: float = 0.1,
    dtype=np.float32,
    engine: Engine | None = None,
    transform: Callable[[np.ndarray, torch.Generator], np.ndarray] | None = None,
    rates: dict[str, np.ndarray] | None = None,
) -> History:
    """Train ``model`` in place for ``passes`` passes; return the per-pass history.

    ``schedule(epoch)`` is the global step eta of each pass (epochs count from 1): SDLM's steps
    are eta / (mu + h_kk). ``batch_size`` > 1 sums that many patterns' gradients per update
    (the mini-batch stand-in of earlier versions of the book). ``order``, ``generator`` and
    ``train_error`` as in :func:`lenet_tutorial.train.train`: with ``"fixed"``, one random order
    drawn from ``generator`` and kept; ``"on_the_fly"`` counts each pattern's answer before
    its update, as the 1998 paper's Figure 5 did.

    ``transform(images, generator)``, if given, makes each pass's training set from the
    original images (flattened as the engine stores them), e.g. fresh distortions
    (:func:`lenet_tutorial.distortions.engine_distorter`); the curvature is estimated on, and
    the training error on the fly counted on, the patterns that pass presents. Measured
    training errors (``"after_each_pass"``, ``"after_last_pass"``) are on the originals.

    ``rates``, if given, multiplies each named parameter's steps (:meth:`Engine.scale_rates`):
    per-unit learning rates.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    if train_error not in TRAIN_ERRORS:
        raise ValueError(f"train_error must be one of {TRAIN_ERRORS}, not {train_error!r}")
    if passes < 1 or batch_size < 1:
        raise ValueError("passes and batch_size must be at least 1")
    images, labels = train_data
    engine = engine or Engine(model, tuple(images.shape[1:]), criterion=criterion, j=j, dtype=dtype)
    if rates is not None:
        engine.scale_rates(rates)
    compiled = engine.warm_up()
    if compiled > 1:  # the first use on this machine: numba compiled the loops (then cached them)
        print(COMPILED.format(seconds=compiled))
    x = engine.images(images)
    y = engine.labels(labels, len(x))
    tests = None if test_data is None else (engine.images(test_data[0]), test_data[1])
    generator = generator if generator is not None else torch.Generator().manual_seed(0)
    fixed = torch.randperm(len(x), generator=generator).numpy() if order == "fixed" else None
    if isinstance(curvature, RunningAverage):
        if batch_size != 1:
            raise ValueError("SN2.8's running average updates after every pattern: batch_size must be 1")
        engine.h[:] = (
            engine.curvature(x, np.arange(curvature.initial_patterns)) if curvature.initial_patterns else 0
        )
    history = History(train_error_measured=train_error)
    h = None  # the curvature kept between estimates (Estimate.passes > 1)
    for epoch in range(1, passes + 1):
        started = time.perf_counter()
        eta = schedule(epoch)
        presented = _order(len(x), order, generator, fixed)
        shown = x if transform is None else engine.images(transform(x, generator))
        if isinstance(curvature, RunningAverage):
            losses, seen = engine.running_pass(shown, y, presented, eta, mu, curvature.gamma)
        else:
            every = curvature.every or len(presented)
            parts = []
            for start in range(0, len(presented), every):
                run = presented[start : start + every]
                first = np.arange(min(curvature.patterns, len(x)))  # the first patterns of the set
                sample = first if curvature.every is None else run[: curvature.patterns]
                if curvature.every is not None or (epoch - 1) % curvature.passes == 0:
                    h = engine.curvature(shown, sample)
                step = engine.steps(eta, mu, h)
                parts.append(engine.train_pass(shown, y, run, step, batch_size))
            losses = np.concatenate([p[0] for p in parts])
            seen = np.concatenate([p[1] for p in parts])
        total = float(losses.sum())
        if not math.isfinite(total):
            raise FloatingPointError(
                f"training diverged in pass {epoch}: the loss is {total}. Lower the step."
            )
        measure = train_error == "after_each_pass" or (train_error == "after_last_pass" and epoch == passes)
        if measure:
            error = engine.error(x, y)
        elif train_error == "on_the_fly":
            error = float((engine.scores(seen).argmax(1) != y[presented]).mean())
        else:
            error = None
        row = {"epoch": epoch, "train_loss": total / len(x), "train_error": error}
        if tests is not None:
            row["test_error"] = engine.error(*tests)
        row["seconds"] = time.perf_counter() - started
        history.rows.append(row)
    engine.write(model)
    return history
