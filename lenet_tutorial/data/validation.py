"""The validation splits on which the book chooses every setting, never on the test set.

The last digits of each training set are held out: 1,000 of USPS's 7,291, and 10,000 of
MNIST's 60,000 (the size of its test set). A setting is chosen by training on the rest
and measuring the error on the held-out digits.
"""

from __future__ import annotations

import torch

VALIDATION_DIGITS = {"usps": 1_000, "mnist": 10_000}


def validation_split(
    images: torch.Tensor, labels: torch.Tensor, dataset: str
) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """``(fit, validation)``: the training set without its last digits, and those digits."""
    try:
        held_out = VALIDATION_DIGITS[dataset]
    except KeyError:
        raise ValueError(f"dataset must be one of {sorted(VALIDATION_DIGITS)}, not {dataset!r}") from None
    if len(images) != len(labels) or len(images) <= held_out:
        raise ValueError(
            f"expected a whole {dataset} training set of matching images and labels, "
            f"got {len(images)} images and {len(labels)} labels"
        )
    return (images[:-held_out], labels[:-held_out]), (images[-held_out:], labels[-held_out:])
