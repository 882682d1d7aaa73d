"""How much of LeNet-5's result is the luck of one run: retrain it with other seeds.

Trains LeNet-5 exactly as the chapter "LeNet-5 (1998)" does (``--distortions``: as the
chapter "Distortions" does) with each seed given, and prints the test error of each run.
Nothing is chosen with these numbers; they measure the spread the chapters quote.

Run: ``python tools/lenet5_seeds.py [--distortions] SEED [SEED ...]`` (about 4 minutes a seed)
"""

from __future__ import annotations

import argparse

from lenet_tutorial.data import LENET5_BACKGROUND, load_mnist, mnist_to_lenet5
from lenet_tutorial.distortions import distorter
from lenet_tutorial.lenet5_recipe import train_lenet5
from lenet_tutorial.train import evaluate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", type=int, nargs="+")
    parser.add_argument("--distortions", action="store_true")
    args = parser.parse_args()
    train_images, train_labels = load_mnist("train")
    test_images, test_labels = load_mnist("test")
    train_data = (mnist_to_lenet5(train_images), train_labels)
    test_inputs = mnist_to_lenet5(test_images)
    transform = distorter(background=LENET5_BACKGROUND) if args.distortions else None
    for seed in args.seeds:
        model, history = train_lenet5(train_data, transform=transform, seed=seed, progress=False)
        error = evaluate(model, test_inputs, test_labels).error
        print(
            f"seed {seed}: test error {100 * error:.2f}%, train error after 19 passes "
            f"{100 * history.rows[18]['train_error']:.2f}%",
            flush=True,
        )


if __name__ == "__main__":
    main()
