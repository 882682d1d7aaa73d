"""Choose LeNet-4's step sizes on a validation split.

The papers report LeNet-4's MNIST error but not its training. ``lenet_tutorial.recipes.lenet4``
fixes everything but two numbers: the factor on LeNet-5's schedule and the first batch
size. Each run here trains on the first 50,000 training digits and measures the error on
the last 10,000. The test set is never looked at. The LeNet-4 chapter tabulates the runs.

Run: ``python tools/lenet4_settings.py --factor F --batch-size B [--passes P]``
"""

from __future__ import annotations

import argparse
import time

from lenet_tutorial.data import load_mnist, mnist_to_lenet5
from lenet_tutorial.recipes.lenet4 import train_lenet4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=float, required=True, help="multiplies LeNet-5's schedule")
    parser.add_argument("--batch-size", type=int, required=True, help="patterns per update at first")
    parser.add_argument("--passes", type=int, default=20)
    args = parser.parse_args()
    images, labels = load_mnist("train")
    inputs = mnist_to_lenet5(images)
    started = time.perf_counter()
    _, history = train_lenet4(
        (inputs[:50_000], labels[:50_000]),
        schedule_factor=args.factor,
        first_batch=args.batch_size,
        passes=args.passes,
        test_data=(inputs[50_000:], labels[50_000:]),
        progress=False,
    )
    print(
        f"LeNet-4: schedule x{args.factor:g}, batches from {args.batch_size}, {args.passes} passes, "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(history.table().replace("test err", " val err"))


if __name__ == "__main__":
    main()
