"""Choose the step sizes of the "33 years later" experiment on a validation split.

Two numbers are ours, not Karpathy's: the SDLM schedule factor once the outputs become
softmax + cross-entropy (row 1, per-pattern updates as in 1989), and the AdamW learning
rate for mini-batches of 32 (Karpathy used 3e-4 with one pattern per update). Each run
trains on the first 6,291 USPS training digits and measures the error on the last 1,000;
the test set is never looked at. The chapter tabulates the runs.

Run: ``python tools/zip1989_modern_settings.py --row 1 --factor F`` or ``--row 2 --lr LR``
"""

from __future__ import annotations

import argparse
import time

from lenet_tutorial.data import load_usps
from lenet_tutorial.recipes.zip1989_modern import ADAMW_LR, CHANGES, SDLM_SCHEDULE_FACTOR, train_change

VALIDATION = 1_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--row", type=int, required=True, help="1-based row of lenet_tutorial.recipes.zip1989_modern.CHANGES"
    )
    parser.add_argument("--factor", type=float, default=SDLM_SCHEDULE_FACTOR)
    parser.add_argument("--lr", type=float, default=ADAMW_LR)
    args = parser.parse_args()
    images, labels = load_usps("train")
    fit = (images[:-VALIDATION], labels[:-VALIDATION])
    val = (images[-VALIDATION:], labels[-VALIDATION:])
    change = CHANGES[args.row - 1]
    started = time.perf_counter()
    _, history = train_change(
        change, fit, test_data=val, lr=args.lr, schedule_factor=args.factor, progress=False
    )
    print(
        f"row {args.row} ({change.name}): factor {args.factor:g}, lr {args.lr:g}, "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(history.table(every=5).replace("test err", " val err"))


if __name__ == "__main__":
    main()
