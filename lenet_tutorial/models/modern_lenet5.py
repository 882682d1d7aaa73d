"""A modern LeNet-5: LeNet-5's convolutional plan with ReLU or the scaled tanh, max pooling or
trainable subsampling, batch normalisation and a softmax output on C5. The experiment that
trains it, and the ablation of each change, are :mod:`lenet_tutorial.recipes.modern_lenet5`.
"""

from __future__ import annotations

import torch
from torch import nn

from ..layers import ScaledTanh, SubsamplingLayer

ACTIVATIONS = {"tanh": ScaledTanh, "relu": nn.ReLU}
POOLINGS = ("subsampling", "max")


class ModernLeNet5(nn.Sequential):
    """LeNet-5's convolutional layers with a softmax output: ``[N, 1, 32, 32]`` -> 10 logits.

    ``activation``: ``"tanh"`` (the paper's scaled tanh) or ``"relu"``;
    ``pooling``: ``"subsampling"`` (the paper's trainable 2x2 sums, squashed) or ``"max"``;
    ``batch_norm``: normalise each convolution's maps over the mini-batch (its shift
    replaces the convolution's bias); ``dropout``: probability of zeroing each of C5's 120
    outputs while training.
    """

    def __init__(
        self,
        *,
        activation: str = "relu",
        pooling: str = "max",
        batch_norm: bool = True,
        dropout: float = 0.0,
    ):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, not {activation!r}")
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, not {pooling!r}")
        if not 0 <= dropout < 1:
            raise ValueError("dropout is a probability in [0, 1)")
        super().__init__()
        act = ACTIVATIONS[activation]

        def convolution(name: str, in_maps: int, out_maps: int) -> None:
            self.add_module(name, nn.Conv2d(in_maps, out_maps, 5, bias=not batch_norm))
            if batch_norm:
                self.add_module(f"{name}_norm", nn.BatchNorm2d(out_maps))
            self.add_module(f"{name}_act", act())

        def pool(name: str, maps: int) -> None:
            if pooling == "max":
                self.add_module(name, nn.MaxPool2d(2))
            else:  # LeNet-5's S2/S4: a trainable coefficient and bias per map, then squashed
                self.add_module(name, SubsamplingLayer(maps))
                self.add_module(f"{name}_act", act())

        convolution("c1", 1, 6)
        pool("s2", 6)
        # C3 reads all six S2 maps, as every modern LeNet does: Table I's sparse connections
        # were an economy of 1998 (and a way to make the maps differ), not a need today.
        convolution("c3", 6, 16)
        pool("s4", 16)
        convolution("c5", 16, 120)
        self.add_module("flatten", nn.Flatten())
        if dropout:
            self.add_module("dropout", nn.Dropout(dropout))
        self.add_module("output", nn.Linear(120, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[-3:] != (1, 32, 32):
            raise ValueError(f"the modern LeNet-5 reads [N, 1, 32, 32] inputs, got shape {tuple(x.shape)}")
        return super().forward(x)
