"""The squared-error recipe in PyTorch: how the networks before LeNet-5 were trained, 1989-1995.

The 1989 network, LeNet-1 and LeNet-4 were all trained on the sum over the outputs of
squared differences to +-1 targets, with stochastic diagonal Levenberg-Marquardt. The USPS
chapters and LeNet-1 on MNIST train one pattern at a time on the compiled engine, with SN2.8's
rule (:mod:`lenet_tutorial.recipes.zip1989`); LeNet-4 (:mod:`lenet_tutorial.recipes.lenet4`)
still trains here, with summed mini-batches, because the boosting chapter distorts its
digits, which the engine does not. LeNet-5 brought its own criterion
(:mod:`lenet_tutorial.recipes.lenet5`).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..losses import TargetMSELoss
from ..reproducibility import seed_everything
from ..sdlm import train_with_sdlm
from ..train import History


def train_squared_error(
    network: Callable[[], nn.Module],
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    mu: float,
    batch_size: int | Callable[[int], int],
    passes: int,
    schedule_factor: float,
    order: str = "fixed",
    seed: int = 0,
    threads: int | None = None,
    **train_options,
) -> tuple[nn.Module, History]:
    """A fresh ``network()`` trained as the squared-error networks were, 1989-1995: the sum of
    squared differences to +-1 targets over the outputs, and :func:`~lenet_tutorial.sdlm.train_with_sdlm`.

    LeNet-4's recipe passes its settings here. The seed fixes the initial weights and the
    order; ``threads`` defaults to :func:`~lenet_tutorial.reproducibility.thread_count`.
    ``train_options`` go to :func:`lenet_tutorial.train.train`.
    """
    generator = seed_everything(seed, threads)
    device = train_data[0].device  # the data's device: a GPU if the reader put them there
    model = network().to(device)
    loss = TargetMSELoss(outputs="sum").to(device)
    history = train_with_sdlm(
        model,
        train_data,
        loss_fn=loss,
        curvature=(model, loss.output_curvature),
        mu=mu,
        batch_size=batch_size,
        passes=passes,
        generator=generator,
        schedule_factor=schedule_factor,
        order=order,
        **train_options,
    )
    return model, history
