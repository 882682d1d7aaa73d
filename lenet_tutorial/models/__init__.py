"""The networks of the book, by name: the historical ones as published, and the two modernised
ones of the last chapters (:class:`ModernZipCodeNet`, :class:`ModernLeNet5`).

>>> model = build_model("fc1989")
"""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from .fully_connected import FullyConnectedNet
from .lenet1 import LeNet1
from .lenet4 import LeNet4
from .lenet5 import LeNet5
from .modern_lenet5 import ModernLeNet5
from .zip1989_modern import ModernZipCodeNet
from .zipcode1989 import ZipCodeNet1989

MODELS: dict[str, Callable[[], nn.Module]] = {
    "fc1989": lambda: FullyConnectedNet([256, 40, 10]),
    "linear_mnist": lambda: FullyConnectedNet([784, 10], squash_output=False),
    "mlp300_mnist": lambda: FullyConnectedNet([784, 300, 10]),
    "zipcode1989": ZipCodeNet1989,
    "lenet1": LeNet1,
    "lenet4": LeNet4,
    "lenet5": LeNet5,
}


def build_model(name: str) -> nn.Module:
    """A freshly initialised network (draws from PyTorch's global generator: seed first)."""
    try:
        return MODELS[name]()
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}") from None


__all__ = [
    "MODELS",
    "FullyConnectedNet",
    "LeNet1",
    "LeNet4",
    "LeNet5",
    "ModernLeNet5",
    "ModernZipCodeNet",
    "ZipCodeNet1989",
    "build_model",
]
