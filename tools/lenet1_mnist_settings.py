"""Choose LeNet-1's step sizes for 16x16 MNIST on a validation split.

The 1998 paper reports LeNet-1's MNIST error but not how it was trained there. We keep
the USPS chapters' method (squared error against +-1 targets, SDLM with mu = 1, the
shape of LeNet-5's schedule times a factor) and LeNet-5's mini-batch rule
(:func:`lenet_tutorial.sdlm.growing_batch_sizes`), and choose the factor and the first
batch size here: train on the first 50,000 training digits, measure the error on the
last 10,000. The test set is never looked at. The chapter "MNIST" tabulates the runs.

Run: ``python tools/lenet1_mnist_settings.py --schedule-factor F --batch-size B [--mu MU]
[--passes P] [--train N] [--json]``
"""

from __future__ import annotations

import settings_cli as cli

from lenet_tutorial.data import load_mnist, mnist_to_16x16, usps_to_lenet1
from lenet_tutorial.models import LeNet1
from lenet_tutorial.recipes.lenet1_mnist import MU, PASSES
from lenet_tutorial.recipes.squared_error import train_squared_error
from lenet_tutorial.sdlm import growing_batch_sizes


def main() -> None:
    args = cli.parser(
        __doc__, schedule_factor=cli.REQUIRED, batch_size=cli.REQUIRED, mu=MU, passes=PASSES, train=50_000
    ).parse_args()
    images, labels = load_mnist("train")
    (fit_images, fit_labels), val = cli.validation_split(
        usps_to_lenet1(mnist_to_16x16(images)), labels, "mnist"
    )
    run = cli.Run("LeNet-1, 16x16 MNIST", vars(args))
    _, history = train_squared_error(
        LeNet1,
        (fit_images[: args.train], fit_labels[: args.train]),
        mu=args.mu,
        batch_size=growing_batch_sizes(args.batch_size),
        passes=args.passes,
        schedule_factor=args.schedule_factor,
        test_data=val,
        progress=False,
    )
    run.report(history, args.json)


if __name__ == "__main__":
    main()
