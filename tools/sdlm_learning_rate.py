"""Choose the global learning rate of a USPS-era network on a validation split.

The 1989 and 1990 papers train with a diagonal-Hessian (SDLM) method but give no step
sizes. We keep the *shape* of LeNet-5's published schedule (1998, Appendix C) and
mu = 0.02, and scale the schedule by a factor chosen here: train on the first 6,291 USPS
training digits, per pattern, in the constant order, for 23 passes; measure the error on
the last 1,000 training digits; keep the best factor (a tie goes to the smaller). The
test set is never looked at.

Run: ``python tools/sdlm_learning_rate.py zipcode1989|lenet1 [--mu MU] [factor ...]``
(about 3 minutes a factor on one core). The settings tried for the book, and their
validation errors, are tabulated in the chapters "1989: reading zip codes" and "LeNet-1".
"""

from __future__ import annotations

import sys

from lenet_tutorial.data import load_usps, usps_to_lenet1
from lenet_tutorial.models import build_model
from lenet_tutorial.recipes.squared_error import train_squared_error
from lenet_tutorial.train import evaluate

FACTORS = (1.0, 10.0, 100.0)
INPUTS = {"zipcode1989": lambda images: images, "lenet1": usps_to_lenet1}


def validation_error(model_name: str, factor: float, fit, val, mu: float = 0.02) -> float:
    model, _ = train_squared_error(
        lambda: build_model(model_name),
        fit,
        mu=mu,
        batch_size=1,
        passes=23,
        schedule_factor=factor,
        order="dataset",
        threads=1,
        progress=False,
    )
    return evaluate(model, *val).error


def main(model_name: str, factors, mu: float = 0.02) -> None:
    images, labels = load_usps("train")
    images = INPUTS[model_name](images)
    fit, val = (images[:-1000], labels[:-1000]), (images[-1000:], labels[-1000:])
    results = {}
    for factor in factors:
        results[factor] = validation_error(model_name, factor, fit, val, mu)
        print(
            f"{model_name} mu {mu:g} factor {factor:<5g} validation error {100 * results[factor]:.2f}%",
            flush=True,
        )
    print(f"{model_name} -> chosen factor {min(results, key=results.get):g}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] not in INPUTS:
        sys.exit(__doc__)
    mu = 0.02
    if "--mu" in args:
        at = args.index("--mu")
        mu = float(args[at + 1])
        del args[at : at + 2]
    main(args[0], [float(f) for f in args[1:]] or FACTORS, mu)
