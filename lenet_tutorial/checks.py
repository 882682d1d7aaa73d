"""Checks for the exercises whose answer is a number: a student runs ``check(label, answer)``
in the chapter and learns whether it is right, without being shown the answer.

Each expected answer is computed here from the package's own networks (a dense table is
the network with that one layer replaced), never typed in, so that it stays what the chapter
teaches. ``CHECKABLE`` lists the exercises that have a check; the others are read.

>>> check("lenet5-ex-fullc3", (2416, 241600, 60900, 430908))
lenet5-ex-fullc3: right.
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from .layers import ConnectedConv2d
from .models import LeNet1, LeNet4, LeNet5, ZipCodeNet1989
from .models.summary import layer_counts


def _totals(model: nn.Sequential, input_shape) -> tuple[int, int, dict]:
    rows = layer_counts(model, input_shape)
    by_name = {row.name: row for row in rows}
    return sum(r.parameters for r in rows), sum(r.connections for r in rows), by_name


def _dense(model: nn.Sequential, name: str, in_maps: int, out_maps: int) -> nn.Sequential:
    """``model`` with layer ``name`` reading every input map."""
    setattr(model, name, ConnectedConv2d(in_maps, out_maps, getattr(model, name).kernel_size))
    return model


def _zip1989_without_sharing() -> int:
    # every connection its own weight: the free parameters are the connections
    return _totals(ZipCodeNet1989(), (1, 16, 16))[1]


def _lenet1_dense() -> tuple[int, int]:
    parameters, _, rows = _totals(_dense(LeNet1(), "h3", 4, 12), (1, 28, 28))
    return rows["h3"].parameters, parameters


def _lenet4_dense() -> tuple[int, int]:
    parameters, connections, _ = _totals(_dense(LeNet4(), "c3", 8, 16), (1, 32, 32))
    return parameters, connections


def _lenet5_dense_c3() -> tuple[int, int, int, int]:
    parameters, connections, rows = _totals(_dense(LeNet5(), "c3", 6, 16), (1, 32, 32))
    return rows["c3"].parameters, rows["c3"].connections, parameters, connections


def _alexnet_first_layer() -> int:
    # 96 kernels of 11 x 11 x 3, each applied at 55 x 55 places
    return 96 * 55 * 55 * 11 * 11 * 3


@dataclass(frozen=True)
class Check:
    asks: str  # what the answer is, in the order expected
    expected: Callable[[], int | tuple[int, ...]]


CHECKABLE: dict[str, Check] = {
    "zip1989-ex-sharing": Check(
        "the network's free parameters without weight sharing", _zip1989_without_sharing
    ),
    "lenet1-ex-dense": Check("(H3's free parameters, the network's) with a dense H3", _lenet1_dense),
    "lenet4-ex-dense": Check("(parameters, connections) of LeNet-4 with a dense C3", _lenet4_dense),
    "lenet5-ex-fullc3": Check(
        "(C3's parameters, C3's connections, the network's parameters, its connections) with a dense C3",
        _lenet5_dense_c3,
    ),
    "legacy-ex-alexnet": Check("the multiply-adds of AlexNet's first layer", _alexnet_first_layer),
}


def check(label: str, answer) -> bool:
    """Say whether ``answer`` to exercise ``label`` is right; return it. Wrong answers are
    told which part is wrong, not what the right one is."""
    if label not in CHECKABLE:
        raise ValueError(f"exercise {label!r} has no check; the checkable ones: {', '.join(CHECKABLE)}")
    item = CHECKABLE[label]
    expected = item.expected()
    shape = len(expected) if isinstance(expected, tuple) else None
    if shape is None:
        if isinstance(answer, (tuple, list)):
            raise ValueError(f"{label} asks for one number: {item.asks}")
        right = answer == expected
        detail = "" if right else " not yet: the number is off"
    else:
        if not isinstance(answer, (tuple, list)) or len(answer) != shape:
            raise ValueError(f"{label} asks for {shape} numbers: {item.asks}")
        wrong = [i + 1 for i, (a, e) in enumerate(zip(answer, expected)) if a != e]
        right = not wrong
        detail = (
            ""
            if right
            else f" not yet: number{'s' if len(wrong) > 1 else ''} {', '.join(map(str, wrong))} of {shape}"
        )
    print(f"{label}: right." if right else f"{label}:{detail} ({item.asks}).")
    return right
