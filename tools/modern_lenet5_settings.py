"""Choose the modern LeNet-5's settings on a validation split: learning rates, passes, dropout.

Each run trains one row of ``lenet_tutorial.recipes.modern_lenet5.CHANGES`` on the first 50,000
MNIST training digits and measures the error on the last 10,000; the test set is never
looked at. The chapter tabulates the runs that chose its settings.

Run: ``python tools/modern_lenet5_settings.py --row 7 --passes 15 [--lr LR] [--dropout P] [--json]``
"""

from __future__ import annotations

import dataclasses

import settings_cli as cli

from lenet_tutorial.data import load_mnist, mnist_to_lenet5
from lenet_tutorial.recipes.modern_lenet5 import CHANGES, train_modern_lenet5


def main() -> None:
    parser = cli.parser(__doc__, passes=cli.REQUIRED, lr=None)
    parser.add_argument("--row", type=int, required=True, help="1-based row of CHANGES")
    parser.add_argument("--dropout", type=float, default=None, help="default: the row's")
    args = parser.parse_args()
    images, labels = load_mnist("train")
    fit, val = cli.validation_split(mnist_to_lenet5(images), labels, "mnist")
    change = CHANGES[args.row - 1]
    if args.dropout is not None:
        change = dataclasses.replace(change, dropout=args.dropout)
    with cli.Run(f"row {args.row} ({change.name})", vars(args) | {"dropout": change.dropout}) as run:
        _, history = train_modern_lenet5(
            change, fit, passes=args.passes, test_data=val, lr=args.lr, progress=False
        )
    run.report(history)


if __name__ == "__main__":
    main()
