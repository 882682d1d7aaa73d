"""Choose the modern LeNet-5's settings on a validation split: learning rates, passes, dropout.

Each run trains one row of ``lenet_tutorial.recipes.modern_lenet5.CHANGES`` on the first 50,000
MNIST training digits and measures the error on the last 10,000; the test set is never
looked at. The chapter tabulates the runs that chose its settings.

Run: ``python tools/modern_lenet5_settings.py --row 7 --passes 15 [--lr LR] [--dropout P]``
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from lenet_tutorial.data import load_mnist, mnist_to_lenet5
from lenet_tutorial.recipes.modern_lenet5 import CHANGES, train_modern_lenet5

VALIDATION = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--row", type=int, required=True, help="1-based row of CHANGES")
    parser.add_argument("--passes", type=int, required=True)
    parser.add_argument("--lr", type=float, default=None, help="default: the package's")
    parser.add_argument("--dropout", type=float, default=None, help="default: the row's")
    args = parser.parse_args()
    images, labels = load_mnist("train")
    images = mnist_to_lenet5(images)
    fit = (images[:-VALIDATION], labels[:-VALIDATION])
    val = (images[-VALIDATION:], labels[-VALIDATION:])
    change = CHANGES[args.row - 1]
    if args.dropout is not None:
        change = dataclasses.replace(change, dropout=args.dropout)
    started = time.perf_counter()
    _, history = train_modern_lenet5(
        change, fit, passes=args.passes, test_data=val, lr=args.lr, progress=False
    )
    print(
        f"row {args.row} ({change.name}): passes {args.passes}, lr {args.lr or 'default'}, "
        f"dropout {change.dropout:g}, {time.perf_counter() - started:.0f} s, "
        f"val error {100 * history.last['test_error']:.2f}%, train error {100 * history.last['train_error']:.2f}%"
    )
    print("val error per pass:", " ".join(f"{100 * e:.2f}" for e in history["test_error"]))


if __name__ == "__main__":
    main()
