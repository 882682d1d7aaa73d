"""Every number the book compares against, with the source it comes from.

One place, used by every chapter and by the scorecard: a chapter never types a
paper's number itself, it looks it up here by its scorecard id. ``source`` is the
key of the entry in ``book/references.bib``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reported:
    id: str  # the scorecard id, "<experiment>.<metric>"
    experiment: str
    metric: str
    paper: float | None  # None where the papers give no number
    unit: str  # "%", "parameters", "connections" or "step" (an SDLM step eta / (mu + h_kk))
    source: str  # bibliography key
    note: str = ""


LECUN_1989 = "lecun1989backprop"
LECUN_1990 = "lecun1990handwritten"
LECUN_1995 = "lecun1995comparison"
LECUN_1998 = "lecun1998gradient"
KARPATHY_2022 = "karpathy2022"

_ENTRIES = [
    # The digits: baselines the papers measured
    Reported(
        "fc1989.test_error",
        "Fully connected 256-40-10 on USPS (1989 baseline)",
        "test error",
        8.1,
        "%",
        LECUN_1989,
    ),
    Reported(
        "fc1989.reject_at_1pct",
        "Fully connected 256-40-10 on USPS (1989 baseline)",
        "rejection for 1% error",
        19.4,
        "%",
        LECUN_1989,
    ),
    Reported("linear_mnist.test_error", "Linear classifier on MNIST", "test error", 12.0, "%", LECUN_1998),
    Reported(
        "knn_mnist.test_error", "k-NN, Euclidean distance, on MNIST", "test error", 5.0, "%", LECUN_1998
    ),
    Reported(
        "mlp300_mnist.test_error", "Fully connected 28x28-300-10 on MNIST", "test error", 4.7, "%", LECUN_1998
    ),
    # 1989 zip-code network
    Reported("zip1989.train_error", "1989 zip-code network on USPS", "train error", 0.14, "%", LECUN_1989),
    Reported("zip1989.test_error", "1989 zip-code network on USPS", "test error", 5.0, "%", LECUN_1989),
    Reported(
        "zip1989.reject_at_1pct",
        "1989 zip-code network on USPS",
        "rejection for 1% error",
        12.1,
        "%",
        LECUN_1989,
    ),
    Reported(
        "zip1989.free_parameters", "1989 zip-code network", "free parameters", 9760, "parameters", LECUN_1989
    ),
    Reported("zip1989.connections", "1989 zip-code network", "connections", 64660, "connections", LECUN_1989),
    Reported(
        "zip1989_modern.test_error",
        "1989 network with Karpathy's 2022 changes, on USPS",
        "test error",
        None,
        "%",
        KARPATHY_2022,
        "Karpathy reported 1.59% on an MNIST proxy, not on USPS",
    ),
    # LeNet-1
    Reported("lenet1_usps.test_error", "LeNet-1 on USPS", "test error", None, "%", LECUN_1990),
    Reported(
        "lenet1_usps.reject_at_1pct",
        "LeNet-1 on USPS",
        "rejection for 1% error",
        9.0,
        "%",
        LECUN_1990,
        "about 9%",
    ),
    Reported("lenet1.free_parameters", "LeNet-1", "free parameters", 2578, "parameters", LECUN_1990),
    Reported("lenet1.connections", "LeNet-1", "connections", 98442, "connections", LECUN_1990),
    Reported("lenet1_mnist.test_error", "LeNet-1 on 16x16 MNIST", "test error", 1.7, "%", LECUN_1998),
    # LeNet-4 and boosting
    Reported("lenet4.test_error", "LeNet-4 on MNIST", "test error", 1.1, "%", LECUN_1998),
    Reported(
        "lenet4.free_parameters",
        "LeNet-4",
        "free parameters",
        17000,
        "parameters",
        LECUN_1998,
        "about 17,000",
    ),
    Reported(
        "lenet4.connections",
        "LeNet-4",
        "connections",
        260000,
        "connections",
        LECUN_1998,
        "about 260,000",
    ),
    Reported(
        "boosted_lenet4.test_error",
        "Boosted LeNet-4 (distortions) on MNIST",
        "test error",
        0.7,
        "%",
        LECUN_1998,
    ),
    Reported(
        "boosted_lenet4.reject_at_0_5pct",
        "Boosted LeNet-4 (distortions) on MNIST",
        "rejection for 0.5% error",
        0.5,
        "%",
        LECUN_1998,
    ),
    # LeNet-5
    Reported("lenet5.test_error", "LeNet-5 on MNIST", "test error", 0.95, "%", LECUN_1998),
    Reported(
        "lenet5.train_error",
        "LeNet-5 on MNIST",
        "train error",
        0.35,
        "%",
        LECUN_1998,
        "in pass 19, counted on the fly (Fig. 5)",
    ),
    Reported(
        "lenet5.first_pass_step_max",
        "LeNet-5 on MNIST",
        "largest step of pass 1",
        0.016,
        "step",
        LECUN_1998,
        "eta / (mu + h_kk) at eta = 0.0005, mu = 0.02, at initialisation (sec. III-B)",
    ),
    Reported(
        "lenet5.first_pass_step_min",
        "LeNet-5 on MNIST",
        "smallest step of pass 1",
        None,
        "step",
        LECUN_1998,
        "the paper gives one, but its exponent is illegible in the available text",
    ),
    Reported("lenet5.free_parameters", "LeNet-5", "free parameters", 60000, "parameters", LECUN_1998),
    Reported("lenet5.connections", "LeNet-5", "connections", 340908, "connections", LECUN_1998),
    Reported(
        "lenet5_distorted.test_error", "LeNet-5 with distortions on MNIST", "test error", 0.8, "%", LECUN_1998
    ),
    # Modern
    Reported(
        "modern_lenet5.test_error",
        "Modern LeNet-5 on MNIST",
        "test error",
        None,
        "%",
        LECUN_1998,
        "target: at most 0.5%",
    ),
    Reported(
        "modern_lenet5.free_parameters",
        "Modern LeNet-5",
        "free parameters",
        None,
        "parameters",
        LECUN_1998,
        "target: at most 60,000",
    ),
]

REPORTED: dict[str, Reported] = {entry.id: entry for entry in _ENTRIES}


def reported(id: str) -> Reported:
    """The paper's number for scorecard id ``id`` (a clear error for an unknown id)."""
    try:
        return REPORTED[id]
    except KeyError:
        raise KeyError(f"unknown scorecard id {id!r}; known ids: {', '.join(REPORTED)}") from None


# Figure 9 of LeCun et al. (1998): MNIST test error (%) of every classifier compared.
# (name, error %, preprocessing note or "")
FIGURE9_TEST_ERROR = [
    ("linear", 12.0, ""),
    ("linear", 8.4, "deslant"),
    ("pairwise linear", 7.6, ""),
    ("K-NN Euclidean", 5.0, ""),
    ("K-NN Euclidean", 2.4, "deslant"),
    ("40 PCA + quadratic", 3.3, ""),
    ("1000 RBF + linear", 3.6, ""),
    ("tangent distance", 1.1, "16x16"),
    ("SVM poly 4", 1.1, ""),
    ("RS-SVM poly 5", 1.0, ""),
    ("V-SVM poly 9", 0.8, "dist"),
    ("28x28-300-10", 4.7, ""),
    ("28x28-300-10", 3.6, "dist"),
    ("20x20-300-10", 1.6, "deslant"),
    ("28x28-1000-10", 4.5, ""),
    ("28x28-1000-10", 3.8, "dist"),
    ("28x28-300-100-10", 3.05, ""),
    ("28x28-300-100-10", 2.5, "dist"),
    ("28x28-500-150-10", 2.95, ""),
    ("28x28-500-150-10", 2.45, "dist"),
    ("LeNet-1", 1.7, "16x16"),
    ("LeNet-4", 1.1, ""),
    ("LeNet-4 / Local", 1.1, ""),
    ("LeNet-4 / K-NN", 1.1, ""),
    ("LeNet-5", 0.95, ""),
    ("LeNet-5", 0.8, "dist"),
    ("Boosted LeNet-4", 0.7, "dist"),
]

# The 1989 network's mean squared error, 1989 paper: averaged over outputs and patterns, in the
# unit of SN2.8, its simulator (1/2 (d - y)^2; recipes.zip1989.mean_squared_error).
ZIP1989_MSE = {"train": 2.5e-3, "test": 1.8e-2}

# Karpathy (2022), on MNIST resized to 16x16 as a stand-in for USPS: not the same data.
KARPATHY_MNIST_PROXY = {
    "faithful train error": 0.62,
    "faithful test error": 4.09,
    "modern test error": 1.59,
    "modern test error, 50,000 training images": 1.25,
}

# Karpathy's changes one at a time (his modern.py, 2022), each row adding to the one before,
# on the MNIST proxy: (change, passes, train error %, test error %).
KARPATHY_MODERN_STEPS = [
    ("faithful reproduction (SGD, tanh, MSE)", 23, 0.62, 4.09),
    ("softmax + cross-entropy, learning rate 0.01", 23, 0.00, 4.38),
    ("AdamW, learning rate 3e-4 decaying to 1e-4", 46, 0.00, 3.59),
    ("+-1 pixel shift augmentation (torch.roll)", 60, 1.70, 2.19),
    ("dropout 0.25 on H2, with ReLU", 80, 1.47, 1.59),
]

# Lush's LeNet-5 demonstration (the group's own code) rerun by Yadav & Bottou (2019): its MNIST
# test error (%), one run. Their +-0.2 is the two-sigma binomial width of a 10,000-digit test,
# not a spread over runs. A comparison row beside the 1998 paper's recipe, not the paper's result.
YADAV_2019 = "yadav2019cold"
LUSH_LENET5_RERUN_TEST_ERROR = 0.82

# Recognition cost, thousands of multiply-adds per digit (1998 paper, Figure 11; the facts
# sheet marks the set as partly reconstructed).
FIGURE11_COST_THOUSANDS = {
    "linear": 4,
    "K-NN Euclidean": 24_000,
    "LeNet-1": 100,
    "LeNet-4": 260,
    "LeNet-5": 401,
    "Boosted LeNet-4": 460,
}

# MNIST after LeNet: test error (%) of later, larger systems, for context only.
MNIST_AFTER_LENET = [
    ("deep MLP, heavy deformations (Ciresan et al. 2010)", 0.35),
    ("best single models today (about)", 0.17),
    ("best ensembles today (about 0.09 to 0.13)", 0.11),
]

# The rows of Figure 9 the book retrained: (name, preprocessing) -> scorecard id.
FIGURE9_BOOK_IDS = {
    ("linear", ""): "linear_mnist.test_error",
    ("K-NN Euclidean", ""): "knn_mnist.test_error",
    ("28x28-300-10", ""): "mlp300_mnist.test_error",
    ("LeNet-1", "16x16"): "lenet1_mnist.test_error",
    ("LeNet-4", ""): "lenet4.test_error",
    ("LeNet-5", ""): "lenet5.test_error",
    ("LeNet-5", "dist"): "lenet5_distorted.test_error",
    ("Boosted LeNet-4", "dist"): "boosted_lenet4.test_error",
}
