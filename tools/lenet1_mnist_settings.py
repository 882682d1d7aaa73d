"""Choose LeNet-1's step sizes for 16x16 MNIST on a validation split.

The 1998 paper reports LeNet-1's MNIST error but not how it was trained there. We keep
the USPS chapters' method (squared error against +-1 targets, SDLM with mu = 1, the
shape of LeNet-5's schedule times a factor) and LeNet-5's mini-batch rule
(:func:`lenet_tutorial.sdlm.growing_batch_sizes`), and choose the factor and the first
batch size here: train on the first 50,000 training digits, measure the error on the
last 10,000. The test set is never looked at. The chapter "MNIST" tabulates the runs.

Run: ``python tools/lenet1_mnist_settings.py --factor F --batch-size B [--passes P] [--train N]``
"""

from __future__ import annotations

import argparse
import time

from lenet_tutorial.data import load_mnist, mnist_to_16x16, usps_to_lenet1
from lenet_tutorial.models import LeNet1
from lenet_tutorial.recipes.squared_error import train_squared_error
from lenet_tutorial.sdlm import growing_batch_sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=float, required=True, help="multiplies LeNet-5's schedule")
    parser.add_argument("--batch-size", type=int, required=True, help="patterns per update at first")
    parser.add_argument("--mu", type=float, default=1.0)
    parser.add_argument("--passes", type=int, default=20)
    parser.add_argument("--train", type=int, default=50_000)
    args = parser.parse_args()
    images, labels = load_mnist("train")
    inputs = usps_to_lenet1(mnist_to_16x16(images))
    fit = (inputs[: args.train], labels[: args.train])
    val = (inputs[50_000:], labels[50_000:])
    started = time.perf_counter()
    _, history = train_squared_error(
        LeNet1,
        fit,
        mu=args.mu,
        batch_size=growing_batch_sizes(args.batch_size),
        passes=args.passes,
        schedule_factor=args.factor,
        test_data=val,
        progress=False,
    )
    print(
        f"LeNet-1, 16x16 MNIST: mu {args.mu:g}, schedule x{args.factor:g}, batches from {args.batch_size}, "
        f"{args.train} digits, {args.passes} passes, {time.perf_counter() - started:.0f} s"
    )
    print(history.table().replace("test err", " val err"))


if __name__ == "__main__":
    main()
