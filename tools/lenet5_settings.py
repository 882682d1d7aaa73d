"""Settle what the 1998 paper leaves open for LeNet-5, on a validation split.

Trains LeNet-5 with the published recipe (:mod:`lenet_tutorial.recipes.lenet5`) on the
first 50,000 MNIST training digits and measures the error on the last 10,000 after each
pass. The test set is never looked at. The chapter "LeNet-5 (1998)" tabulates the runs.

Run: ``python tools/lenet5_settings.py --j J [--mu MU] [--schedule-factor F] [--batch-size B]
[--growing-batches] [--passes P] [--train N] [--json]``

With ``--per-pattern``, the paper's own training instead: one pattern at a time with the
compiled engine (``train_lenet5_per_pattern``), ``--init paper|lush`` and
``--curvature-every N``; the training error is then counted on the fly.
"""

from __future__ import annotations

import settings_cli as cli

from lenet_tutorial.data import load_mnist, mnist_to_lenet5
from lenet_tutorial.recipes.lenet5 import (
    INITIALISATIONS,
    PASSES,
    PUBLISHED_MU,
    train_lenet5,
    train_lenet5_per_pattern,
)
from lenet_tutorial.sdlm import growing_batch_sizes


def main() -> None:
    parser = cli.parser(
        __doc__, mu=PUBLISHED_MU, schedule_factor=1.0, batch_size=1, passes=PASSES, train=50_000
    )
    parser.add_argument("--j", type=float, required=True, help="the MAP criterion's constant")
    parser.add_argument(
        "--growing-batches", action="store_true", help="start at --batch-size, grow as the rate falls"
    )
    parser.add_argument("--per-pattern", action="store_true", help="per-pattern updates with the engine")
    parser.add_argument("--init", choices=INITIALISATIONS, default="paper", help="with --per-pattern")
    parser.add_argument(
        "--curvature-every", type=int, help="with --per-pattern: re-estimate h every N patterns"
    )
    args = parser.parse_args()
    images, labels = load_mnist("train")
    (fit_images, fit_labels), val = cli.validation_split(mnist_to_lenet5(images), labels, "mnist")
    run = cli.Run("LeNet-5", vars(args))
    if args.per_pattern:
        _, history = train_lenet5_per_pattern(
            (fit_images[: args.train], fit_labels[: args.train]),
            j=args.j,
            mu=args.mu,
            schedule_factor=args.schedule_factor,
            passes=args.passes,
            initialisation=args.init,
            curvature_every=args.curvature_every,
            test_data=val,
        )
        run.report(history, args.json)
        return
    _, history = train_lenet5(
        (fit_images[: args.train], fit_labels[: args.train]),
        j=args.j,
        mu=args.mu,
        schedule_factor=args.schedule_factor,
        batch_size=growing_batch_sizes(args.batch_size) if args.growing_batches else args.batch_size,
        passes=args.passes,
        test_data=val,
        progress=False,
    )
    run.report(history, args.json)


if __name__ == "__main__":
    main()
