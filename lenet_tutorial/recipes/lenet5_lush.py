"""LeNet-5 as LeCun's group's own code trained it: Lush's demonstration, run as Bottou's 2019
rerun ran it (Yadav & Bottou, *Cold Case: The Lost MNIST Digits*, facebookresearch/qmnist).

Not the paper's recipe: a labelled comparison beside it, from the group's code.

- The network of ``gblearn2/net-lenet5.lsh``: C1 to C5 as in the paper, then 10 squashed
  outputs instead of F6 and the RBF layer (:class:`lenet_tutorial.models.lenet5.LeNet5Lush`);
  half the squared error to +-1 targets (``edist-cost``).
- Its inputs (``demos/dsource-mnist.lsh``): pixels times 0.01 in a 32x32 field of 0
  (:func:`lenet_tutorial.data.mnist_to_lush`), not the paper's -0.1 to 1.175.
- Its initialisation (``gb-modules-nn.lsh``): +-1/sqrt(F_i), biases 0, subsampling
  coefficients 0.5.
- Its training (the rerun's ``lenet5.lsh.patch``): one pattern at a time, in the data set's
  order, 3 blocks of 10 passes with eta 1e-4, 1e-5 and 1e-6; at the start of each block
  the curvature averaged over the first 1,000 training digits, steps eta / (0.02 + h_kk).

The rerun reports 0.82% on MNIST's test set for one run (its +-0.2% is the two-sigma width
of a 10,000-digit test, not a spread over runs); we train five seeds.
"""

from __future__ import annotations

import torch

from ..engine.training import Estimate, train
from ..layers import lush_initialisation_
from ..models.lenet5 import LeNet5Lush
from ..reproducibility import seed_everything
from ..train import History

RATES = (1e-4, 1e-5, 1e-6)  # one per block
PASSES_PER_BLOCK = 10
MU = 0.02  # in Lush's units, for half the squared error
CURVATURE_PATTERNS = 1000


def schedule(epoch: int) -> float:
    """eta of pass ``epoch`` (from 1): 1e-4 for passes 1-10, 1e-5 for 11-20, 1e-6 for 21-30."""
    return RATES[min((epoch - 1) // PASSES_PER_BLOCK, len(RATES) - 1)]


def train_lenet5_lush(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    passes: int = PASSES_PER_BLOCK * len(RATES),
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
) -> tuple[LeNet5Lush, History]:
    """A fresh Lush LeNet-5 trained as the 2019 rerun trained it, on the compiled engine;
    returns it and its per-pass history (training error on the fly). ``train_data`` as
    :func:`lenet_tutorial.data.mnist_to_lush` makes it. The digits come in the data set's
    order, so the seed changes only the initial weights."""
    seed_everything(seed)
    model = lush_initialisation_(LeNet5Lush())
    history = train(
        model,
        train_data,
        criterion="squared_error",
        passes=passes,
        schedule=schedule,
        # The engine's criterion is the sum of squares, twice Lush's: its gradient and its
        # curvature are twice Lush's, so Lush's eta g / (mu + h) is the engine's with 2 mu.
        mu=2 * MU,
        curvature=Estimate(CURVATURE_PATTERNS, passes=PASSES_PER_BLOCK),
        order="dataset",
        test_data=test_data,
        train_error="on_the_fly",
    )
    return model, history
