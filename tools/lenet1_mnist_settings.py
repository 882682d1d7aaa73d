"""Check LeNet-1's training for 16x16 MNIST on a validation split.

The 1998 paper reports LeNet-1's MNIST error but not how it was trained there. The book
trains it as the USPS chapters did (:func:`lenet_tutorial.recipes.lenet1_mnist.train_lenet1_mnist`:
SN2.8's per-pattern rule and standard constants, in one random order), for 40 passes.
Here: train on the first 50,000 training digits, measure the error on the last 10,000 after
each pass. The test set is never looked at. Every setting defaults to the recipe's; the
chapter "MNIST" tabulates the runs. About 3½ minutes a run on one core (``--passes 20``: half)::

    python tools/lenet1_mnist_settings.py [--epsilon E] [--mu MU] [--gamma G]
        [--schedule constant|1998] [--no-deslanted] [--passes P] [--train N] [--seed S [S ...]] [--json]

The digits are deslanted before they are reduced to 16x16, the recipe's reading of the paper's
"16x16"; ``--no-deslanted`` reduces them as published (recorded as ``settings.deslanted``).
``--mu``, ``--epsilon`` and ``--gamma`` are in SN2.8's units (its criterion is 1/2 the
squared error). One run per seed: the seed draws the initial weights and the order.
"""

from __future__ import annotations

import argparse

import settings_cli as cli

from lenet_tutorial.data import load_mnist, mnist_to_16x16, usps_to_lenet1
from lenet_tutorial.recipes.lenet1_mnist import DESLANTED, PASSES, SCHEDULE, train_lenet1_mnist
from lenet_tutorial.recipes.zip1989 import EPSILON, GAMMA, MU, SCHEDULES


def main() -> None:
    parser = cli.parser(__doc__, epsilon=EPSILON, mu=MU, gamma=GAMMA, passes=PASSES, train=50_000, seed=(0,))
    parser.add_argument("--schedule", choices=SCHEDULES, default=SCHEDULE)
    parser.add_argument(
        "--deslanted",
        action=argparse.BooleanOptionalAction,
        default=DESLANTED,
        help="deslant the digits before reducing them (the recipe's reading)",
    )
    args = parser.parse_args()
    sn28 = cli.sn28_settings(parser, args)
    images, labels = load_mnist("train")
    (fit_images, fit_labels), val = cli.validation_split(
        usps_to_lenet1(mnist_to_16x16(images, deslanted=args.deslanted)), labels, "mnist"
    )
    fit = (fit_images[: args.train], fit_labels[: args.train])
    for seed in args.seed:
        with cli.Run("LeNet-1, 16x16 MNIST", vars(args) | {"seed": seed}) as run:
            _, history = train_lenet1_mnist(fit, test_data=val, seed=seed, schedule=args.schedule, **sn28)
        run.report(history)


if __name__ == "__main__":
    main()
