"""The engine's fingerprints: a digest of each network's weights after 2,000 per-pattern steps.

Each network is initialised from seed 0, its curvature estimated on the first 500 training
digits, then trained on the first 2,000 (USPS for the 1989 network and LeNet-1, MNIST for
LeNet-4 and LeNet-5) one pattern at a time, in the data set's order; the SN2.8 variant of the
1989 network updates its curvature at every pattern instead, the "33 years later" network
(the 1989 one with linear outputs) trains on the softmax cross-entropy, and LeNet-5's distorted variant
trains on the distortions chapter's random affine distortions of those digits (drawn from
seed 0, resampled by :func:`lenet_tutorial.data.affine.exact_warp`). The SHA-256 of the float32
weights is the digest. If any operation rounded differently on some machine, a digest would
differ: ``python -m lenet_tutorial engine-digests`` prints them, and a test compares them with
:data:`BOOK`, compiled for the test machine's processor and for a generic x86-64 one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ..data import LENET5_BACKGROUND, load_mnist, load_usps, mnist_to_lenet5, usps_to_lenet1
from ..models import LeNet1, LeNet4, LeNet5, ZipCodeNet1989
from ..models.zip1989_modern import ModernZipCodeNet
from .engine import Engine

STEPS = 2_000
CURVATURE_PATTERNS = 500


@dataclass(frozen=True)
class Case:
    build: Callable[[], torch.nn.Module]
    data: str  # "usps16", "usps28" or "mnist32"
    criterion: str
    eta: float
    mu: float
    gamma: float | None = None  # SN2.8's running average, else the 1998 estimate
    distorted: bool = False  # trained on distortions of the digits (the distortions chapter's)


CASES = {
    "zip1989": Case(ZipCodeNet1989, "usps16", "squared_error", 0.005, 1.0),
    "zip1989-sn28": Case(ZipCodeNet1989, "usps16", "squared_error", 0.0005, 0.05, gamma=0.05),
    "zip1989_modern": Case(ModernZipCodeNet, "usps16", "cross_entropy", 0.015, 1.0),
    "lenet1": Case(LeNet1, "usps28", "squared_error", 0.005, 1.0),
    "lenet4": Case(LeNet4, "mnist32", "squared_error", 0.003, 1.0),
    "lenet5": Case(LeNet5, "mnist32", "map", 0.0005, 1.0),
    "lenet5-distorted": Case(LeNet5, "mnist32", "map", 0.0005, 1.0, distorted=True),
}

# The digests of the book's machine; every machine must print the same.
BOOK = {
    "zip1989": "5c92d7a01bda7c29eb1dc1716f86b23ab4272edd121dcee5e459043fb4332992",
    "zip1989-sn28": "085f1dba17941b55d7cfb1d833b570c3c1ef5f9c33e07fb858de94b459121dab",
    "zip1989_modern": "211980eedf964f67b7778df7d0690c7b440a18d907f14e68aece23d3759e3847",
    "lenet1": "d53758ea081dc24d23cae8182927b323e8a3fc3cdd36c9aec556f831e74bbd18",
    "lenet4": "26828e1269f04d5f48875757449e54939f51f18fb5f31d591e997e75fb150c22",
    "lenet5": "3325ea21aa94286d708a8a2ea7ce63f0fd648f5a9320cf795d09f5c3adb2fc56",
    "lenet5-distorted": "4a04aae232b24aa58eb25a8800906503697223845f7e7a35c6c4f695c0e8cb7c",
}


def training_digits(kind: str, data_dir=None) -> tuple[torch.Tensor, torch.Tensor]:
    if kind.startswith("usps"):
        images, labels = load_usps("train", data_dir=data_dir)
        images = images if kind == "usps16" else usps_to_lenet1(images)
    else:
        images, labels = load_mnist("train", data_dir=data_dir)
        images = mnist_to_lenet5(images)
    return images[:STEPS], labels[:STEPS]


def digest(name: str, data_dir=None) -> str:
    """The SHA-256 of network ``name``'s float32 weights after its 2,000 steps."""
    case = CASES[name]
    images, labels = training_digits(case.data, data_dir)
    torch.manual_seed(0)
    engine = Engine(case.build(), tuple(images.shape[1:]), criterion=case.criterion)
    x, y = engine.images(images), engine.labels(labels, len(images))
    if case.distorted:
        from ..distortions import engine_distorter  # (it imports the engine's warp)

        x = engine.images(engine_distorter(background=LENET5_BACKGROUND)(x, torch.Generator().manual_seed(0)))
    order = np.arange(STEPS)
    h = engine.curvature(x, order[:CURVATURE_PATTERNS])
    if case.gamma is None:
        engine.train_pass(x, y, order, engine.steps(case.eta, case.mu, h))
    else:
        engine.h[:] = h
        engine.running_pass(x, y, order, case.eta, case.mu, case.gamma)
    return hashlib.sha256(engine.theta.tobytes()).hexdigest()


def digests(data_dir=None) -> dict[str, str]:
    return {name: digest(name, data_dir) for name in CASES}
