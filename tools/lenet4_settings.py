"""Settle what the papers leave open for LeNet-4's training, on a validation split.

The papers report LeNet-4's MNIST error but not its training; the book trains it as the 1998
paper trained LeNet-5 (:func:`lenet_tutorial.recipes.lenet4.train_lenet4`: per pattern on the
compiled engine, with LeNet-5's two departures from the group's code). Each run trains on the
first 50,000 training digits and measures the error on the last 10,000 after each pass; the
test set is never looked at. Every setting defaults to the book's recipe;
``--schedule-factor 1`` gives the published rates, ``--init paper`` the paper's +-2.4/F_i,
``--reading papers-counts`` the reading of the sentence with the papers' parameter count
(:func:`lenet_tutorial.models.lenet4.lenet4_with_the_papers_counts`) instead of ours.
About 100 seconds a run on one core (the other reading about 6½ minutes: the engine's loops
are slower for its large kernels); the LeNet-4 chapter tabulates the runs::

    python tools/lenet4_settings.py [--schedule-factor F] [--mu MU] [--init lush|paper]
        [--reading ours|papers-counts] [--passes P] [--seed S [S ...]] [--json]

One run per seed: the seed draws the initial weights and the order of the patterns.
"""

from __future__ import annotations

import settings_cli as cli

from lenet_tutorial.data import load_mnist, mnist_to_lenet5
from lenet_tutorial.models.lenet4 import LeNet4, lenet4_with_the_papers_counts
from lenet_tutorial.recipes.lenet4 import MU, train_lenet4
from lenet_tutorial.recipes.lenet5 import INITIALISATION, INITIALISATIONS, PASSES, SCHEDULE_FACTOR

READINGS = {"ours": LeNet4, "papers-counts": lenet4_with_the_papers_counts}


def main() -> None:
    parser = cli.parser(__doc__, schedule_factor=SCHEDULE_FACTOR, mu=MU, passes=PASSES, seed=(0,))
    parser.add_argument("--init", choices=INITIALISATIONS, default=INITIALISATION)
    parser.add_argument("--reading", choices=READINGS, default="ours")
    args = parser.parse_args()
    if args.schedule_factor <= 0 or args.mu <= 0 or args.passes < 1:
        parser.error("need --schedule-factor > 0, --mu > 0 and at least one pass")
    images, labels = load_mnist("train")
    fit, val = cli.validation_split(mnist_to_lenet5(images), labels, "mnist")
    for seed in args.seed:
        with cli.Run("LeNet-4, per pattern", vars(args) | {"seed": seed}) as run:
            _, history = train_lenet4(
                fit,
                schedule_factor=args.schedule_factor,
                mu=args.mu,
                initialisation=args.init,
                passes=args.passes,
                test_data=val,
                seed=seed,
                network=READINGS[args.reading],
            )
        run.report(history)


if __name__ == "__main__":
    main()
