"""The zip-code network of LeCun et al. (1989), "Backpropagation applied to handwritten
zip code recognition", layer by layer as the paper describes it.

    input  16x16 grey levels in [-1, 1]
    H1     12 maps 8x8: 5x5 kernels, stride 2, weights shared within a map,
           one bias per *unit* (768 biases)
    H2     12 maps 4x4: 5x5 kernels, stride 2, each map reads 8 of the 12 H1 maps
    H3     30 units, fully connected to H2
    output 10 units, fully connected to H3

Every unit is a squashing function of its weighted input. Totals: 1,256 units,
64,660 connections, 9,760 free parameters.

Two details the paper leaves open, and what we chose:

* The border. A 5x5 kernel moved in steps of 2 over 16 pixels gives 8 positions only
  if the image is padded with 3 pixels: 2 on one side and 1 on the other. The padding
  reads a "virtual background" of -1, the paper's background level; we pad H1's maps
  the same way before H2.
* Which 8 H1 maps each H2 map reads. The paper says the scheme "will not be described".
  We use Karpathy's (2022): H2 maps 0-3 read H1 maps 0-7, maps 4-7 read H1 4-11, maps
  8-11 read H1 0-3 and 8-11. Every H1 map feeds 8 H2 maps, each group of four H2 maps
  sees a different window, and our numbers stay comparable with his.
"""

from __future__ import annotations

from torch import nn

from ..layers import ConnectedConv2d, FullyConnected, ScaledTanh

BACKGROUND = -1.0
# Asymmetric padding (left, right, top, bottom): 2 before, 1 after.
PADDING = (2, 1, 2, 1)


def h2_table() -> list[list[bool]]:
    """``table[i][o]``: does H2 map ``o`` read H1 map ``i``? Karpathy's (2022) choice."""
    sources = [range(0, 8)] * 4 + [range(4, 12)] * 4 + [list(range(0, 4)) + list(range(8, 12))] * 4
    return [[i in sources[o] for o in range(12)] for i in range(12)]


class ZipCodeNet1989(nn.Sequential):
    """The 1989 network: ``[N, 16, 16]`` or ``[N, 1, 16, 16]`` digits -> 10 squashed outputs."""

    def __init__(self, h2_connections: list[list[bool]] | None = None):
        super().__init__()
        self.add_module("h1_pad", nn.ConstantPad2d(PADDING, BACKGROUND))
        self.add_module("h1", ConnectedConv2d(1, 12, 5, stride=2, bias="unit", output_size=(8, 8)))
        self.add_module("h1_squash", ScaledTanh())
        self.add_module("h2_pad", nn.ConstantPad2d(PADDING, BACKGROUND))
        self.add_module(
            "h2",
            ConnectedConv2d(
                12, 12, 5, h2_connections or h2_table(), stride=2, bias="unit", output_size=(4, 4)
            ),
        )
        self.add_module("h2_squash", ScaledTanh())
        self.add_module("flatten", nn.Flatten())
        self.add_module("h3", FullyConnected(12 * 4 * 4, 30))
        self.add_module("h3_squash", ScaledTanh())
        self.add_module("output", FullyConnected(30, 10))
        self.add_module("output_squash", ScaledTanh())

    @staticmethod
    def prepare_input(x):
        """Accept USPS digits as loaded, ``[N, 16, 16]``, or with a channel axis."""
        if x.ndim == 3:
            x = x.unsqueeze(1)
        if x.shape[-3:] != (1, 16, 16):
            raise ValueError(f"the 1989 network reads 16x16 digits, got shape {tuple(x.shape)}")
        return x

    def forward(self, x):
        return super().forward(self.prepare_input(x))
