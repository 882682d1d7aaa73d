"""Settle what the 1998 paper leaves open for LeNet-5, on a validation split.

Trains LeNet-5 with the published recipe (:mod:`lenet_tutorial.recipes.lenet5`) on the
first 50,000 MNIST training digits and measures the error on the last 10,000 after each
pass. The test set is never looked at. The chapter "LeNet-5 (1998)" tabulates the runs.

Run: ``python tools/lenet5_settings.py --j J [--mu MU] [--schedule-factor F] [--batch-size B]
[--passes P] [--train N]``
"""

from __future__ import annotations

import argparse
import time

from lenet_tutorial.data import load_mnist, mnist_to_lenet5
from lenet_tutorial.recipes.lenet5 import PASSES, PUBLISHED_MU, train_lenet5
from lenet_tutorial.sdlm import growing_batch_sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--j", type=float, required=True, help="the MAP criterion's constant")
    parser.add_argument("--mu", type=float, default=PUBLISHED_MU)
    parser.add_argument(
        "--schedule-factor", type=float, default=1.0, help="multiplies the published schedule"
    )
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument(
        "--growing-batches", action="store_true", help="start at --batch-size, grow as the rate falls"
    )
    parser.add_argument("--passes", type=int, default=PASSES)
    parser.add_argument("--train", type=int, default=50_000, help="training digits used (from the start)")
    args = parser.parse_args()
    images, labels = load_mnist("train")
    images = mnist_to_lenet5(images)
    fit = (images[: args.train], labels[: args.train])
    val = (images[50_000:], labels[50_000:])
    started = time.perf_counter()
    _, history = train_lenet5(
        fit,
        j=args.j,
        mu=args.mu,
        schedule_factor=args.schedule_factor,
        batch_size=growing_batch_sizes(args.batch_size) if args.growing_batches else args.batch_size,
        passes=args.passes,
        test_data=val,
        progress=False,
    )
    print(
        f"j {args.j:g}, mu {args.mu:g}, schedule x{args.schedule_factor:g}, batch size {args.batch_size}, "
        f"{'growing ' if args.growing_batches else ''}{args.train} digits, {time.perf_counter() - started:.0f} s"
    )
    print(history.table().replace("test err", " val err"))


if __name__ == "__main__":
    main()
