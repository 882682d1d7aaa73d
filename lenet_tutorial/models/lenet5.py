"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998, section II-B), layer by layer.

    input  32x32: the 28x28 MNIST digit centred in background (-0.1; full ink 1.175)
    C1     6 maps 28x28: 5x5 convolutions
    S2     6 maps 14x14: 2x2 sums times a trainable coefficient, plus a bias, squashed
    C3     16 maps 10x10: 5x5 convolutions, each map reading the S2 maps of Table I
    S4     16 maps 5x5: as S2
    C5     120 maps 1x1: 5x5 convolutions over all 16 S4 maps
    F6     84 units, fully connected
    output 10 Euclidean RBF units, one per class, with fixed +-1 centres

Totals: 60,000 trainable parameters and 340,908 connections, as published.

C5 is a convolution, not a fully connected layer: on a 32x32 input its 5x5 kernels
fit exactly once, but on a larger input they slide, and C5 becomes a map. The 1998
paper makes the point because its later sections run the same network over whole
lines of text.
"""

from __future__ import annotations

from torch import nn

from ..layers import ConnectedConv2d, FullyConnected, ScaledTanh, SubsamplingLayer
from ..rbf import EuclideanRBF

# Table I of the 1998 paper: which S2 maps (rows) each C3 map (columns) reads.
TABLE_I = """
X...XXX..XXXX.XX
XX...XXX..XXXX.X
XXX...XXX..X.XXX
.XXX..XXXX..X.XX
..XXX..XXXX.XX.X
...XXX..XXXX.XXX
"""


def c3_table() -> list[list[bool]]:
    """``table[i][o]``: does C3 map ``o`` read S2 map ``i``? (Table I, 0-based)"""
    return [[c == "X" for c in row] for row in TABLE_I.split()]


def _add_c1_to_c5(network: nn.Sequential) -> None:
    """C1 to C5, squashed, then flattened: what LeNet-5 and Lush's variant share."""
    network.add_module("c1", ConnectedConv2d(1, 6, 5))
    network.add_module("c1_squash", ScaledTanh())
    network.add_module("s2", SubsamplingLayer(6))
    network.add_module("s2_squash", ScaledTanh())
    network.add_module("c3", ConnectedConv2d(6, 16, 5, c3_table()))
    network.add_module("c3_squash", ScaledTanh())
    network.add_module("s4", SubsamplingLayer(16))
    network.add_module("s4_squash", ScaledTanh())
    network.add_module("c5", ConnectedConv2d(16, 120, 5))
    network.add_module("c5_squash", ScaledTanh())
    network.add_module("flatten", nn.Flatten())


def _check_input(x) -> None:
    """Refuse anything but a batch of 32x32 single-channel digits, before any layer runs."""
    if x.ndim != 4 or x.shape[-3:] != (1, 32, 32):
        raise ValueError(f"LeNet-5 reads [N, 1, 32, 32] inputs, got shape {tuple(x.shape)}")


class LeNet5(nn.Sequential):
    """LeNet-5: ``[N, 1, 32, 32]`` inputs -> 10 RBF penalties (the smallest one wins)."""

    def __init__(self):
        super().__init__()
        _add_c1_to_c5(self)
        self.add_module("f6", FullyConnected(120, 84))
        self.add_module("f6_squash", ScaledTanh())
        self.add_module("output", EuclideanRBF())

    def forward(self, x):
        _check_input(x)
        return super().forward(x)

    @staticmethod
    def output_scores(penalties):
        """Class scores: the smaller a class's RBF penalty, the more likely the class."""
        return -penalties

    @property
    def features(self) -> nn.Sequential:
        """Everything below the RBF layer: input -> F6's 84 squashed outputs."""
        return nn.Sequential(*list(self.children())[:-1])


class LeNet5Lush(nn.Sequential):
    """The LeNet-5 of LeCun's group's own code: Lush's demonstration network (gblearn2's
    ``net-lenet5.lsh``, 2002), which Bottou's 2019 rerun trained to 0.82%.

    C1 to C5 as in the paper (Table I included), then, instead of F6 and the RBF layer, 10
    squashed outputs fully connected to C5's 120 units, trained with squared error to +-1:
    51,046 parameters. ``[N, 1, 32, 32]`` inputs -> 10 outputs (the largest one wins).
    """

    def __init__(self):
        super().__init__()
        _add_c1_to_c5(self)
        self.add_module("output", FullyConnected(120, 10))
        self.add_module("output_squash", ScaledTanh())

    def forward(self, x):
        _check_input(x)
        return super().forward(x)
