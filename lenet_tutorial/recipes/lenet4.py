"""How we train LeNet-4: as the 1998 paper trained LeNet-5, with LeNet-1's output and criterion.

The papers report LeNet-4's error but not its training. The 1998 paper, which reports its
1.1%, gives one training procedure, LeNet-5's; we train LeNet-4 with it, one pattern at a
time on the compiled engine (:func:`lenet_tutorial.recipes.lenet5.train_as_in_1998`):

- squared error against +-1 targets on 10 squashed outputs, as LeNet-1 (the RBF output and
  the MAP criterion arrived with LeNet-5);
- stochastic diagonal Levenberg-Marquardt per pattern: steps ``eta / (mu + h_kk)``, the
  paper's mu = 0.02, ``h_kk`` averaged over 500 patterns before each pass;
- the shape of Appendix C's schedule, 20 passes in one random order, kept;
- LeNet-5's two departures, both from the group's own code: Lush's initialisation
  (+-1/sqrt(F_i), biases 0, subsampling coefficients 0.5) and the schedule scaled to start
  at Lush's eta = 1e-4.

``tools/lenet4_settings.py`` sets the published rate and the paper's initialisation beside
them on a validation split (five seeds each), and the reading of the architecture with the
papers' parameter count beside ours; the LeNet-4 chapter tabulates the runs.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..checkpoints import cached_training, data_fingerprint
from ..models.lenet4 import LeNet4
from ..train import History
from .lenet5 import INITIALISATION, PASSES, PUBLISHED_MU, SCHEDULE_FACTOR, train_as_in_1998

MU = PUBLISHED_MU  # 0.02, as for LeNet-5


def train_lenet4(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    schedule_factor: float = SCHEDULE_FACTOR,
    mu: float = MU,
    initialisation: str = INITIALISATION,
    passes: int = PASSES,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
    network: Callable[[], nn.Module] = LeNet4,
) -> tuple[nn.Module, History]:
    """A fresh LeNet-4 trained on ``train_data`` (32x32 inputs) one pattern at a time, as the
    1998 paper trained LeNet-5; returns it and its per-pass history (the training error
    counted on the fly). ``schedule_factor`` multiplies Appendix C's schedule (1: the
    published rates); ``initialisation``: ``"lush"`` or ``"paper"`` (+-2.4/F_i); ``network``
    builds another reading of LeNet-4 to train the same way."""
    return train_as_in_1998(
        network,
        train_data,
        criterion="squared_error",
        mu=mu,
        schedule_factor=schedule_factor,
        passes=passes,
        initialisation=initialisation,
        test_data=test_data,
        seed=seed,
    )


def trained_lenet4(
    train_data: tuple[torch.Tensor, torch.Tensor],
    test_data: tuple[torch.Tensor, torch.Tensor],
    *,
    seed: int = 0,
) -> tuple[LeNet4, History, bool]:
    """The LeNet-4 chapter's network: :func:`train_lenet4` on the 60,000 MNIST training digits,
    kept on disk by :func:`lenet_tutorial.checkpoints.cached_training` so that the boosting
    chapter starts from the same network without training it again.
    Returns ``(model, history, loaded_from_disk)``."""
    settings = {
        "seed": seed,
        "engine": "1998",  # per pattern on the engine: the same weights on every machine
        "schedule_factor": SCHEDULE_FACTOR,
        "mu": MU,
        "initialisation": INITIALISATION,
        "passes": PASSES,
    } | data_fingerprint(train=train_data, test=test_data)
    return cached_training(
        f"lenet4-seed{seed}",
        settings,
        lambda: train_lenet4(train_data, test_data=test_data, seed=seed),
        LeNet4,
    )
