"""Settle what the 1989 and 1990 papers leave open for their networks, on a validation split.

Trains the 1989 network (``--network zip1989``) or LeNet-1 (``--network lenet1_usps``) on
the first 6,291 USPS training digits as the chapters train them
(:func:`lenet_tutorial.recipes.zip1989.train_as_in_1989`: SN2.8's per-pattern SDLM with its
running-average curvature, the data set's order), and measures the error on the last 1,000
after each pass, and after the last the rejection needed for 1% error on them (the USPS
papers' other number: ``val_reject_at_1pct``, in %). The test set is never looked at. Every
setting defaults to the book's recipe, SN2.8's standard values; the chapters "1989: reading
zip codes" and "LeNet-1" tabulate the runs. About 15 seconds a run on one core::

    python tools/zip1989_settings.py --network zip1989|lenet1_usps [--epsilon E] [--mu MU]
        [--gamma G] [--init sn28|paper] [--rates uniform|epsi|epsi-sqrt|mask-epsi]
        [--passes P] [--seed S [S ...]] [--json]

``--mu``, ``--epsilon`` and ``--gamma`` are in SN2.8's units (its criterion is 1/2 the
squared error). ``--rates``: one epsilon for every parameter (SN2.8's standard), or one of
SN2.8's per-unit rates, ``--epsilon`` then the rule's x
(:func:`lenet_tutorial.recipes.zip1989.unit_rates`). One run per seed: the seed draws the
initial weights.
"""

from __future__ import annotations

import settings_cli as cli

from lenet_tutorial.data import load_usps, usps_to_lenet1
from lenet_tutorial.models import LeNet1, ZipCodeNet1989
from lenet_tutorial.recipes.zip1989 import (
    EPSILON,
    GAMMA,
    INITIALISATION,
    INITIALISATIONS,
    MU,
    PASSES,
    RATE,
    RATES,
    measured,
    train_as_in_1989,
)

NETWORKS = {
    "zip1989": ("the 1989 network", ZipCodeNet1989, lambda images: images),
    "lenet1_usps": ("LeNet-1", LeNet1, usps_to_lenet1),  # the digits in LeNet-1's 28x28 field
}


def main() -> None:
    parser = cli.parser(__doc__, epsilon=EPSILON, mu=MU, gamma=GAMMA, passes=PASSES, seed=(0,))
    parser.add_argument("--network", choices=sorted(NETWORKS), required=True)
    parser.add_argument("--init", choices=INITIALISATIONS, default=INITIALISATION)
    parser.add_argument("--rates", choices=RATES, default=RATE, help="one epsilon, or SN2.8's per-unit rule")
    args = parser.parse_args()
    sn28 = cli.sn28_settings(parser, args)
    name, network, prepare = NETWORKS[args.network]
    images, labels = load_usps("train")
    fit, val = cli.validation_split(prepare(images), labels, "usps")
    for seed in args.seed:
        with cli.Run(f"{name}, SN2.8", vars(args) | {"seed": seed}) as run:
            model, history = train_as_in_1989(
                network, fit, test_data=val, seed=seed, initialisation=args.init, rates=args.rates, **sn28
            )
        rejection = measured(model, fit, val)["reject_at_1pct"]  # by the engine, as the chapters
        run.report(history, val_reject_at_1pct=round(100 * rejection, 2))


if __name__ == "__main__":
    main()
