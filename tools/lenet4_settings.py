"""Choose LeNet-4's step sizes on a validation split.

The papers report LeNet-4's MNIST error but not its training. ``lenet_tutorial.recipes.lenet4``
fixes everything but two numbers: the factor on LeNet-5's schedule and the first batch
size. Each run trains on the first 50,000 training digits and measures the error on the
last 10,000. The test set is never looked at. The LeNet-4 chapter tabulates the runs.

Run: ``python tools/lenet4_settings.py --schedule-factor F --batch-size B [--passes P] [--json]``
"""

from __future__ import annotations

import settings_cli as cli

from lenet_tutorial.data import load_mnist, mnist_to_lenet5
from lenet_tutorial.recipes.lenet4 import PASSES, train_lenet4


def main() -> None:
    args = cli.parser(
        __doc__, schedule_factor=cli.REQUIRED, batch_size=cli.REQUIRED, passes=PASSES
    ).parse_args()
    images, labels = load_mnist("train")
    fit, val = cli.validation_split(mnist_to_lenet5(images), labels, "mnist")
    run = cli.Run("LeNet-4", vars(args))
    _, history = train_lenet4(
        fit,
        schedule_factor=args.schedule_factor,
        first_batch=args.batch_size,
        passes=args.passes,
        test_data=val,
        progress=False,
    )
    run.report(history, args.json)


if __name__ == "__main__":
    main()
