"""Choose the global learning rate of a USPS-era network on a validation split.

The 1989 and 1990 papers train with a diagonal-Hessian (SDLM) method but give no step
sizes. We keep the *shape* of LeNet-5's published schedule (1998, Appendix C) and
mu = 0.02, and scale the schedule by a factor chosen here: train on the first 6,291 USPS
training digits, per pattern, in the constant order, for 23 passes; measure the error on
the last 1,000 training digits; keep the best factor (a tie goes to the smaller). The
test set is never looked at.

Run: ``python tools/sdlm_learning_rate.py --network zipcode1989|lenet1 [--mu MU]
[--schedule-factor F [F ...]] [--json]`` (about 3 minutes a factor on one core). The
settings tried for the book, and their validation errors, are tabulated in the chapters
"1989: reading zip codes" and "LeNet-1".
"""

from __future__ import annotations

import json

import settings_cli as cli

from lenet_tutorial.data import load_usps, usps_to_lenet1
from lenet_tutorial.models import build_model
from lenet_tutorial.recipes.squared_error import train_squared_error
from lenet_tutorial.recipes.zip1989 import PASSES
from lenet_tutorial.train import evaluate

INPUTS = {"zipcode1989": lambda images: images, "lenet1": usps_to_lenet1}


def validation_error(network: str, factor: float, fit, val, mu: float) -> float:
    model, _ = train_squared_error(
        lambda: build_model(network),
        fit,
        mu=mu,
        batch_size=1,
        passes=PASSES,
        schedule_factor=factor,
        order="dataset",
        threads=1,
        progress=False,
    )
    return evaluate(model, *val).error


def main() -> None:
    parser = cli.parser(__doc__, mu=0.02, schedule_factor=(1.0, 10.0, 100.0))
    parser.add_argument("--network", choices=sorted(INPUTS), required=True)
    args = parser.parse_args()
    images, labels = load_usps("train")
    fit, val = cli.validation_split(INPUTS[args.network](images), labels, "usps")
    errors = {}
    for factor in args.schedule_factor:
        errors[factor] = validation_error(args.network, factor, fit, val, args.mu)
        if not args.json:
            print(
                f"{args.network} mu {args.mu:g} schedule x{factor:<5g} validation error {100 * errors[factor]:.2f}%",
                flush=True,
            )
    chosen = min(errors, key=errors.get)
    if args.json:
        print(
            json.dumps({"network": args.network, "mu": args.mu, "validation_error": errors, "chosen": chosen})
        )
    else:
        print(f"{args.network} -> chosen schedule factor {chosen:g}")


if __name__ == "__main__":
    main()
