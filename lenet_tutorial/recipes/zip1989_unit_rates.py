"""The 1989 network with SN2.8's per-unit learning rates: the 1989 chapter's comparison row,
beside its recipe (:mod:`lenet_tutorial.recipes.zip1989`), not instead of it.

SN2.8's manual gives one set of standard values, epsilon = 0.0005 for every connection, and
also finds it "rarely advisable to use the same learning rate in the whole network"; its
``(epsi-sqrt x)`` sets each unit's rate to x / sqrt(F_i), F_i the unit's inputs with the bias
unit (:func:`~lenet_tutorial.recipes.zip1989.unit_rates`). For the 1989 network that takes
H2's and H3's rates (F_i of 201 and 193) well below H1's and the output layer's (26 and 31).
The paper does not say which the group used. x = 0.0025 was chosen on the validation split
(``tools/zip1989_settings.py --rates epsi-sqrt``, the chapter's table), with everything else
SN2.8's standard; the test set was not looked at.
"""

from __future__ import annotations

import torch

from ..models.zipcode1989 import ZipCodeNet1989
from ..train import History
from .zip1989 import train_as_in_1989

RATES = "epsi-sqrt"
EPSILON = 0.0025  # SN2.8's x: each unit's rate x / sqrt(F_i)


def train_zip1989_unit_rates(
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
) -> tuple[ZipCodeNet1989, History]:
    """A fresh 1989 network trained as the chapter's, with SN2.8's per-unit rates x / sqrt(F_i)."""
    return train_as_in_1989(
        ZipCodeNet1989, train_data, test_data=test_data, seed=seed, epsilon=EPSILON, rates=RATES
    )
