"""LeNet-5's training recipe (1998, section II-C and Appendix C), in one place.

- the MAP criterion on the RBF penalties (``j`` unpublished: we use :data:`J`);
- stochastic diagonal Levenberg-Marquardt: per-parameter steps ``eta / (mu + h_kk)``,
  ``h_kk`` re-estimated on 500 patterns before each pass; the paper's mu = 0.02
  saturates the network at the paper's initialisation, so we use :data:`MU` = 1;
- the global schedule 0.0005 (2 passes), 0.0002 (3), 0.0001 (3), 0.00005 (4), 0.00001;
- 20 passes over the 60,000 training digits in a constant random order.

The paper updates the weights after every pattern. We update after B patterns with the
*sum* of their gradients, i.e. the batch mean times B: to first order in the step size,
the same move as B per-pattern updates. The approximation is good while the summed step,
B times the global rate, stays small; the LeNet-5 chapter checks it at B = 16 in the first
passes, where the rate is largest (0.0005), and
:func:`lenet_tutorial.sdlm.growing_batch_sizes` keeps B times the rate
at or below that checked value as the schedule lowers the rate.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..backprop import LeNet5Backprop
from ..engine.training import Estimate, train
from ..layers import lush_initialisation_
from ..losses import MAPLoss
from ..models.lenet5 import LeNet5
from ..reproducibility import seed_everything
from ..sdlm import growing_batch_sizes, paper_schedule_1998, train_with_sdlm
from ..train import History

PUBLISHED_MU = 0.02
PASSES = 20
CURVATURE_PATTERNS = 500

# What the paper leaves open or what we had to change, chosen on a validation split with
# tools/lenet5_settings.py (the LeNet-5 chapter tabulates the runs):
J = 0.1  # the MAP criterion's constant: not given in the paper
MU = 1.0  # the published 0.02 saturates the network in its first hundred updates
FIRST_BATCH = 16  # patterns per update while the rate is 0.0005 (then growing)


def train_lenet5(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    j: float = J,
    batch_size: int | Callable[[int], int] | None = None,
    passes: int = PASSES,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    transform: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None,
    mu: float = MU,
    schedule_factor: float = 1.0,
    seed: int = 0,
    threads: int | None = None,
    progress: bool | None = None,
    hand_written_backward: bool = True,
    train_error: str = "after_each_pass",
) -> tuple[LeNet5, History]:
    """A fresh LeNet-5 trained as published; returns it and its per-pass history.

    ``batch_size``: patterns per update, a number or ``epoch -> number``; by default
    ``growing_batch_sizes(FIRST_BATCH)``. Gradients come from the hand-written backward
    pass, :class:`lenet_tutorial.backprop.LeNet5Backprop` (the same as autograd's up to float
    rounding, about 1.2-1.6 times faster per pass on a CPU); ``hand_written_backward=False``
    uses autograd. ``train_error`` says how the training error is measured, the same
    training either way: ``"after_each_pass"`` on all 60,000 digits (a third of a pass of
    work each time), ``"after_last_pass"``, or ``"on_the_fly"`` as the paper's Figure 5
    did (free; see :func:`lenet_tutorial.train.train`).
    """
    if batch_size is None:
        batch_size = growing_batch_sizes(FIRST_BATCH)
    generator = seed_everything(seed, threads)
    model = LeNet5().to(train_data[0].device)  # initialised on the CPU, then moved: same weights
    loss = MAPLoss(j, model.output)
    history = train_with_sdlm(
        model,
        train_data,
        loss_fn=loss,
        curvature=(model.features, loss.f6_curvature),
        mu=mu,
        batch_size=batch_size,
        passes=passes,
        generator=generator,
        schedule_factor=schedule_factor,
        curvature_patterns=CURVATURE_PATTERNS,
        test_data=test_data,
        transform=transform,
        progress=progress,
        gradients=LeNet5Backprop(model, loss) if hand_written_backward else None,
        train_error=train_error,
    )
    return model, history


INITIALISATIONS = ("paper", "lush")


def train_lenet5_per_pattern(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    j: float = J,
    mu: float = PUBLISHED_MU,
    schedule_factor: float = 1.0,
    passes: int = PASSES,
    initialisation: str = "paper",
    curvature_every: int | None = None,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
) -> tuple[LeNet5, History]:
    """LeNet-5 trained as the paper trained it, one pattern at a time, with the compiled engine
    (:mod:`lenet_tutorial.engine`): the paper's mu = 0.02 by default, the schedule of
    Appendix C times ``schedule_factor``, h_kk averaged over 500 patterns, one random order
    kept, the training error counted on the fly (Figure 5's measurement).

    ``initialisation``: ``"paper"`` (the model's own, +-2.4/F_i) or ``"lush"`` (the group's
    2002 code: :func:`lenet_tutorial.layers.lush_initialisation_`). ``curvature_every``: h
    re-estimated every so many patterns, on the first 500 of them (EBLearn's later trainer
    did so every 4,000), instead of before each pass only.
    """
    if initialisation not in INITIALISATIONS:
        raise ValueError(f"initialisation must be one of {INITIALISATIONS}, not {initialisation!r}")
    generator = seed_everything(seed)
    model = LeNet5()
    if initialisation == "lush":
        lush_initialisation_(model)
    history = train(
        model,
        train_data,
        criterion="map",
        passes=passes,
        schedule=lambda epoch: schedule_factor * paper_schedule_1998(epoch),
        mu=mu,
        curvature=Estimate(CURVATURE_PATTERNS, curvature_every),
        order="fixed",
        generator=generator,
        test_data=test_data,
        train_error="on_the_fly",
        j=j,
    )
    return model, history
