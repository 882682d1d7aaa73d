"""The 1989 network modernised as Karpathy (2022) did: logits out, ReLU or the papers'
squashing inside, optional dropout after H2 -- the same layers and 9,760 parameters. The
experiment that trains it, one change at a time, is :mod:`lenet_tutorial.recipes.zip1989_modern`.
"""

from __future__ import annotations

from torch import nn

from .zipcode1989 import ZipCodeNet1989

SQUASHING = ("h1_squash", "h2_squash", "h3_squash")


class ModernZipCodeNet(ZipCodeNet1989):
    """The 1989 network (same layers, same 9,760 parameters), modernised.

    ``logits``: drop the output squashing (for softmax + cross-entropy);
    ``activation``: ``"tanh"`` keeps the papers' squashing, ``"relu"`` replaces it;
    ``dropout``: probability of zeroing each H2 unit while training.
    """

    def __init__(self, *, logits: bool = True, activation: str = "tanh", dropout: float = 0.0):
        super().__init__()
        if activation not in ("tanh", "relu"):
            raise ValueError(f"activation must be 'tanh' or 'relu', not {activation!r}")
        if not 0 <= dropout < 1:
            raise ValueError("dropout is a probability in [0, 1)")
        if logits:
            self.output_squash = nn.Identity()
        if activation == "relu":
            for name in SQUASHING:
                setattr(self, name, nn.ReLU())
        if dropout:
            # dropout after H2's units: "at the layer with most parameters" (H3's input)
            self.h2_squash = nn.Sequential(self.h2_squash, nn.Dropout(dropout))
