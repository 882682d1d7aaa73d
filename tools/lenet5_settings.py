"""Settle what the 1998 paper leaves open for LeNet-5, on a validation split.

Trains LeNet-5 on the first 50,000 MNIST training digits and measures the error on the last
10,000 after each pass. The test set is never looked at. The chapter "LeNet-5 (1998)"
tabulates the runs.

By default as the paper trained it: one pattern at a time with the compiled engine
(:func:`lenet_tutorial.recipes.lenet5.train_lenet5`), the training error counted on the fly.
Every setting defaults to the book's recipe; ``--schedule-factor 1 --init paper`` is the
paper's exactly::

    python tools/lenet5_settings.py [--j J] [--mu MU] [--schedule-factor F] [--init paper|lush]
        [--curvature-every N] [--inputs paper|lush] [--passes P] [--train N] [--json]

``--curvature-every N`` re-estimates h every N patterns (0: before each pass only, as
published). ``--inputs lush`` feeds the digits on the scale of the group's own code (pixels
x 0.01, 0 to 2.55: :func:`lenet_tutorial.data.mnist_to_lush`) instead of the paper's -0.1 to
1.175. With ``--summed-batches``, the
summed-mini-batch stand-in instead (``train_lenet5_summed_batches``: updates after
``--batch-size`` patterns with the summed gradient, optionally ``--growing-batches``).
"""

from __future__ import annotations

import settings_cli as cli

from lenet_tutorial.data import load_mnist, mnist_to_lenet5, mnist_to_lush
from lenet_tutorial.recipes.lenet5 import (
    CURVATURE_EVERY,
    INITIALISATION,
    INITIALISATIONS,
    MU,
    PASSES,
    PUBLISHED_MU,
    SCHEDULE_FACTOR,
    J,
    train_lenet5,
    train_lenet5_summed_batches,
)
from lenet_tutorial.sdlm import growing_batch_sizes

INPUTS = {"paper": mnist_to_lenet5, "lush": mnist_to_lush}


def main() -> None:
    parser = cli.parser(__doc__, mu=None, schedule_factor=None, batch_size=None, passes=PASSES, train=50_000)
    parser.add_argument("--j", type=float, default=J, help="the MAP criterion's constant")
    parser.add_argument("--init", choices=INITIALISATIONS, default=INITIALISATION)
    parser.add_argument(
        "--curvature-every",
        type=int,
        default=CURVATURE_EVERY or 0,
        help="re-estimate h every N patterns (0: before each pass only)",
    )
    parser.add_argument(
        "--inputs", choices=INPUTS, default="paper", help="grey levels: the paper's, or Lush's pixels x 0.01"
    )
    parser.add_argument("--summed-batches", action="store_true", help="the summed-mini-batch stand-in")
    parser.add_argument(
        "--growing-batches", action="store_true", help="start at --batch-size, grow as the rate falls"
    )
    args = parser.parse_args()
    if args.summed_batches:
        if args.batch_size is None:
            parser.error("--summed-batches needs --batch-size")
        # the stand-in has no engine options: refuse them rather than ignore them
        if (
            args.init != INITIALISATION
            or args.curvature_every != (CURVATURE_EVERY or 0)
            or args.inputs != "paper"
        ):
            parser.error(
                "--init, --curvature-every and --inputs go with per-pattern training, not --summed-batches"
            )
    elif args.batch_size is not None or args.growing_batches:
        parser.error("--batch-size and --growing-batches go with --summed-batches")
    if args.curvature_every < 0:
        parser.error("--curvature-every must be a number of patterns, or 0")
    images, labels = load_mnist("train")
    (fit_images, fit_labels), val = cli.validation_split(INPUTS[args.inputs](images), labels, "mnist")
    fit = (fit_images[: args.train], fit_labels[: args.train])
    summed = args.summed_batches
    if summed:
        args.mu = MU if args.mu is None else args.mu
        args.schedule_factor = 1.0 if args.schedule_factor is None else args.schedule_factor
        del args.init, args.curvature_every, args.inputs
    else:
        args.mu = PUBLISHED_MU if args.mu is None else args.mu
        args.schedule_factor = SCHEDULE_FACTOR if args.schedule_factor is None else args.schedule_factor
        del args.batch_size, args.growing_batches, args.summed_batches
    shared = dict(
        j=args.j, mu=args.mu, schedule_factor=args.schedule_factor, passes=args.passes, test_data=val
    )
    with cli.Run("LeNet-5, summed batches" if summed else "LeNet-5, per pattern", vars(args)) as run:
        if summed:
            sizes = growing_batch_sizes(args.batch_size) if args.growing_batches else args.batch_size
            _, history = train_lenet5_summed_batches(fit, batch_size=sizes, progress=False, **shared)
        else:
            every = args.curvature_every or None
            _, history = train_lenet5(fit, initialisation=args.init, curvature_every=every, **shared)
    run.report(history)


if __name__ == "__main__":
    main()
