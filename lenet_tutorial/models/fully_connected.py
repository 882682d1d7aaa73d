"""Fully connected networks: the baselines the convolutional networks were measured against.

The 1989 paper compares its network with a fully connected one of 40 hidden units
(256-40-10, 10,690 connections): 8.1% test error on USPS. The 1998 paper's Figure 9
lists 28x28-300-10 (4.7% on MNIST), and a linear classifier, which is the same
network with no hidden layer (12.0%).
"""

from __future__ import annotations

import torch
from torch import nn

from ..layers import ScaledTanh, fan_in_uniform_


class FullyConnectedNet(nn.Module):
    """``sizes[0]`` inputs -> hidden layers of ScaledTanh units -> ``sizes[-1]`` outputs.

    The output units are squashed as well (MSE against +-1 targets, as in the papers),
    except for a linear classifier (``squash_output=False``).
    """

    def __init__(self, sizes: list[int], squash_output: bool = True):
        super().__init__()
        if len(sizes) < 2:
            raise ValueError("sizes needs at least an input and an output size")
        self.sizes = list(sizes)
        layers: list[nn.Module] = [nn.Flatten()]
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            linear = nn.Linear(n_in, n_out)
            fan_in_uniform_(linear.weight, n_in, linear.bias)
            layers.append(linear)
            if i < len(sizes) - 2 or squash_output:
                layers.append(ScaledTanh())
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x[0].numel() != self.sizes[0]:
            raise ValueError(f"expected inputs of {self.sizes[0]} pixels, got shape {tuple(x.shape)}")
        return self.layers(x)

    def connections(self) -> int:
        """Connections, biases included (each bias is a connection from a unit fixed at 1)."""
        return sum((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:]))
