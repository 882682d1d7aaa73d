"""How much of a result is the luck of one run: retrain a chapter's network with other seeds.

    python benchmarks/seeds.py lenet5 --seeds 0 1 2 3 4 [--json]

Each experiment is trained exactly as its chapter trains it; only the seed differs (seed 0 is
the chapter's own run). Prints each run's test error (and training error; on USPS also the
rejection needed for 1% error, which the USPS papers report) and the test errors' mean and
standard deviation. Nothing is chosen with these numbers: they say how far a single run can
land from another, so that a gap to the paper can be compared with the noise. Time per
seed on 2 cores: zip1989 and zip1989_unit_rates about 20 seconds, lenet1_usps about 10 (on
USPS, per pattern with the engine, on one thread: two can run side by side); lenet1_mnist about 4
minutes (its 40 passes), lenet4 about 2 and lenet5 about 2½ (per pattern with the engine, one thread);
boosted_lenet4 about 4 (its three LeNet-4s on the engine, its distortions and filters in
PyTorch); lenet5_distorted about 3½ (per pattern with the engine, its distortions compiled too);
lenet5_lush about 4 (its 30 passes per pattern with the engine); lenet5_summed_batches about
2½, modern_lenet5 about 2½.
The experiments trained by the engine give the same numbers on every machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time

import torch

from lenet_tutorial import reproducibility
from lenet_tutorial.data import (
    load_mnist,
    load_usps,
    mnist_to_16x16,
    mnist_to_lenet5,
    mnist_to_lush,
    usps_to_lenet1,
)
from lenet_tutorial.engine import Engine
from lenet_tutorial.recipes import TRAINED_BY_THE_ENGINE
from lenet_tutorial.recipes.boosted_lenet4 import train_boosted_lenet4
from lenet_tutorial.recipes.lenet1_mnist import DESLANTED, train_lenet1_mnist
from lenet_tutorial.recipes.lenet1_usps import train_lenet1_usps
from lenet_tutorial.recipes.lenet4 import trained_lenet4
from lenet_tutorial.recipes.lenet5 import J as LENET5_J
from lenet_tutorial.recipes.lenet5 import train_lenet5, train_lenet5_summed_batches
from lenet_tutorial.recipes.lenet5_distorted import train_lenet5_distorted
from lenet_tutorial.recipes.lenet5_lush import train_lenet5_lush
from lenet_tutorial.recipes.modern_lenet5 import MODERN, PASSES, train_modern_lenet5
from lenet_tutorial.recipes.zip1989 import trained_zip1989
from lenet_tutorial.recipes.zip1989_unit_rates import train_zip1989_unit_rates
from lenet_tutorial.rejection import rejection_for_error
from lenet_tutorial.train import evaluate


def zip1989(train, test, seed):
    """The 1989 network; its digits come in the data set's own order, so the seed changes
    only the initial weights."""
    return trained_zip1989(train, test, seed=seed)[0]


def zip1989_unit_rates(train, test, seed):
    """The 1989 network with SN2.8's per-unit rates, the 1989 chapter's comparison row."""
    return train_zip1989_unit_rates(train, seed=seed)[0]


def lenet1_usps(train, test, seed):
    return train_lenet1_usps(train, seed=seed)[0]


def lenet1_mnist(train, test, seed):
    return train_lenet1_mnist(train, seed=seed)[0]


def lenet5(train, test, seed):
    """Per pattern with the engine: the same numbers on every machine."""
    return train_lenet5(train, seed=seed)[0]


def lenet5_lush(train, test, seed):
    """Lush's LeNet-5 demonstration as Bottou's 2019 rerun trained it (per pattern, the engine);
    its digits come in the data set's order, so the seed changes only the initial weights."""
    return train_lenet5_lush(train, seed=seed)[0]


def lenet5_summed_batches(train, test, seed):
    """LeNet-5 with summed mini-batches, the stand-in the LeNet-5 chapter compares with."""
    return train_lenet5_summed_batches(train, seed=seed, progress=False, train_error="after_last_pass")[0]


def lenet5_distorted(train, test, seed):
    """Per pattern with the engine, each pass on freshly distorted digits: the same numbers everywhere."""
    return train_lenet5_distorted(train, seed=seed)[0]


def lenet4(train, test, seed):
    return trained_lenet4(train, test, seed=seed)[0]


def boosted_lenet4(train, test, seed):
    """The boosting chapter's pipeline; seed 0 is the chapter's run."""
    return train_boosted_lenet4(train, test, seed=seed)


def modern_lenet5(train, test, seed):
    return train_modern_lenet5(MODERN, train, passes=PASSES, seed=seed, progress=False)[0]


EXPERIMENTS = {
    f.__name__: f
    for f in (
        zip1989,
        zip1989_unit_rates,
        lenet1_usps,
        lenet1_mnist,
        lenet5,
        lenet5_lush,
        lenet5_summed_batches,
        lenet5_distorted,
        lenet4,
        boosted_lenet4,
        modern_lenet5,
    )
}
# Each chapter's digits, as its network reads them: (data set, preparation). LeNet-4 and -5
# (the default) read MNIST's digits in a 32x32 field.
USPS_AS_STORED = (load_usps, lambda images: images)  # the 1989 network reads the 16x16 digits
INPUTS = {
    "zip1989": USPS_AS_STORED,
    "zip1989_unit_rates": USPS_AS_STORED,
    "lenet1_usps": (load_usps, usps_to_lenet1),  # in LeNet-1's 28x28 field
    "lenet1_mnist": (load_mnist, lambda images: usps_to_lenet1(mnist_to_16x16(images, deslanted=DESLANTED))),
    "lenet5_lush": (load_mnist, mnist_to_lush),  # Lush's scale: pixels x 0.01
}


# The USPS papers report, beside the error, how many digits must be rejected for 1% error.
REJECTION_REPORTED = {"zip1989", "zip1989_unit_rates", "lenet1_usps"}
# Trained per pattern by the compiled engine, and measured by it: the same numbers on every
# machine (PyTorch's evaluation could round a borderline digit differently on another one).
ENGINE_CRITERIA = {
    "lenet5": dict(criterion="map", j=LENET5_J),
    "zip1989": dict(criterion="squared_error"),
    "zip1989_unit_rates": dict(criterion="squared_error"),
    "lenet1_usps": dict(criterion="squared_error"),
    "lenet1_mnist": dict(criterion="squared_error"),
    "lenet4": dict(criterion="squared_error"),
    "lenet5_lush": dict(criterion="squared_error"),
    "lenet5_distorted": dict(criterion="map", j=LENET5_J),
}
assert set(ENGINE_CRITERIA) == TRAINED_BY_THE_ENGINE
ENGINE = "the engine (the same on every machine)"


def errors_of(experiment: str, model, train, test):
    """Test error, training error (fractions) and the test scores (for rejections)."""
    if experiment in TRAINED_BY_THE_ENGINE:
        engine = Engine(model, tuple(test[0].shape[1:]), **ENGINE_CRITERIA[experiment])
        scores = torch.from_numpy(engine.scores(engine.outputs(test[0])))  # one pass over the test set
        test_error = float((scores.argmax(1) != test[1]).double().mean())
        return test_error, engine.error(*train), scores
    on_test = evaluate(model, *test)
    return on_test.error, evaluate(model, *train).error, on_test.scores


def data_for(experiment: str):
    """``(train, test)`` as the experiment's chapter feeds them to its network."""
    load, prepare = INPUTS.get(experiment, (load_mnist, mnist_to_lenet5))
    return tuple((prepare(images), labels) for images, labels in (load("train"), load("test")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment", choices=sorted(EXPERIMENTS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # With --json, standard output is the results file and nothing else: anything the training
    # prints (each seed's line, the engine's one-time compilation notice) goes to standard error.
    with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
        summary = run(args)
    if args.json:
        print(json.dumps(summary, indent=1))  # the format of benchmarks/results/seeds/
    else:
        spread = f" ± {summary['std']:.2f}" if summary["std"] is not None else ""
        print(f"mean over {len(summary['test_error_by_seed'])} seeds: {summary['mean']:.2f}%{spread}")


def run(args) -> dict:
    """Train and measure every seed of ``args``; the results file's contents."""
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    train, test = data_for(args.experiment)
    errors, train_errors, rejections = {}, {}, {}
    for seed in args.seeds:
        model = EXPERIMENTS[args.experiment](train, test, seed)
        test_error, train_error, scores = errors_of(args.experiment, model, train, test)
        errors[seed] = round(100 * test_error, 2)
        train_errors[seed] = round(100 * train_error, 2)
        if args.experiment in REJECTION_REPORTED:
            rejections[seed] = round(100 * rejection_for_error(scores, test[1], 0.01), 2)
        print(
            f"{args.experiment}, seed {seed}: test error {errors[seed]:.2f}%, "
            f"training error {train_errors[seed]:.2f}%"
            + (f", {rejections[seed]:.2f}% rejected for 1% error" if rejections else ""),
            flush=True,
        )
    values = list(errors.values())
    machine = reproducibility.machine()
    summary = {
        "experiment": args.experiment,
        "test_error_by_seed": errors,
        "train_error_by_seed": train_errors,  # on the undistorted training digits
        **({"reject_at_1pct_by_seed": rejections} if rejections else {}),
        "mean": round(statistics.mean(values), 2),
        "std": round(statistics.stdev(values), 2) if len(values) > 1 else None,
        # every seed in this run, on this machine
        "kernels_by_seed": {
            seed: ENGINE if args.experiment in TRAINED_BY_THE_ENGINE else machine["torch_cpu_capability"]
            for seed in errors
        },
        "provenance": {
            "started": started,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": machine,
        },
    }
    return summary


if __name__ == "__main__":
    main()
