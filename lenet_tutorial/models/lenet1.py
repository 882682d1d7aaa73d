"""LeNet-1 (LeCun et al., NIPS 1990; the 1998 paper's comparison), layer by layer.

    input  28x28: the 16x16 digit centred in a field of background
    H1     4 maps 24x24: 5x5 convolutions
    H2     4 maps 12x12: 2x2 averaging, one trainable coefficient and bias per map
    H3     12 maps 8x8: 5x5 convolutions, each map reading 1 or 2 H2 maps (20 kernels)
    H4     12 maps 4x4: 2x2 averaging, trainable
    output 10 units, fully connected to the 192 units of H4

Totals: 2,578 free parameters and 98,442 connections; 4,634 units including the inputs
(the paper counts 4,635: with the constant bias unit, the only reading that reproduces
all three numbers). Compared with 1989, the subsampling is now a layer of its own, and
the network is far more constrained: a quarter of the free parameters for more units.
"""

from __future__ import annotations

from torch import nn

from ..layers import ConnectedConv2d, FullyConnected, ScaledTanh, SubsamplingLayer

# H2 -> H3, 1-based as published: H2.1 feeds H3 1,2,3,5,6; H2.2 feeds 2,3,4,5,6;
# H2.3 feeds 7,8,9,11,12; H2.4 feeds 8,9,10,11,12.
H3_SOURCES = {1: (1, 2, 3, 5, 6), 2: (2, 3, 4, 5, 6), 3: (7, 8, 9, 11, 12), 4: (8, 9, 10, 11, 12)}


def h3_table() -> list[list[bool]]:
    """``table[i][o]``: does H3 map ``o`` read H2 map ``i``? (0-based)"""
    return [[(o + 1) in H3_SOURCES[i + 1] for o in range(12)] for i in range(4)]


class LeNet1(nn.Sequential):
    """LeNet-1: ``[N, 1, 28, 28]`` inputs -> 10 squashed outputs."""

    def __init__(self):
        super().__init__()
        self.add_module("h1", ConnectedConv2d(1, 4, 5))
        self.add_module("h1_squash", ScaledTanh())
        self.add_module("h2", SubsamplingLayer(4))
        self.add_module("h2_squash", ScaledTanh())
        self.add_module("h3", ConnectedConv2d(4, 12, 5, h3_table()))
        self.add_module("h3_squash", ScaledTanh())
        self.add_module("h4", SubsamplingLayer(12))
        self.add_module("h4_squash", ScaledTanh())
        self.add_module("flatten", nn.Flatten())
        self.add_module("output", FullyConnected(12 * 4 * 4, 10))
        self.add_module("output_squash", ScaledTanh())

    def forward(self, x):
        if x.ndim != 4 or x.shape[-3:] != (1, 28, 28):
            raise ValueError(f"LeNet-1 reads [N, 1, 28, 28] inputs, got shape {tuple(x.shape)}")
        return super().forward(x)
