"""Choose the step sizes of the "33 years later" experiment on a validation split.

Two numbers are ours, not Karpathy's: the SDLM schedule factor once the outputs become
softmax + cross-entropy (row 1, per-pattern updates as in 1989), and the AdamW learning
rate for mini-batches of 32 (Karpathy used 3e-4 with one pattern per update). Each run
trains on the first 6,291 USPS training digits and measures the error on the last 1,000;
the test set is never looked at. The chapter tabulates the runs.

Run: ``python tools/zip1989_modern_settings.py --row 1 --schedule-factor F`` or ``--row 2 --lr LR`` [--json]
"""

from __future__ import annotations

import settings_cli as cli

from lenet_tutorial.data import load_usps
from lenet_tutorial.recipes.zip1989_modern import ADAMW_LR, CHANGES, SDLM_SCHEDULE_FACTOR, train_change


def main() -> None:
    parser = cli.parser(__doc__, schedule_factor=SDLM_SCHEDULE_FACTOR, lr=ADAMW_LR)
    parser.add_argument(
        "--row", type=int, required=True, help="1-based row of lenet_tutorial.recipes.zip1989_modern.CHANGES"
    )
    args = parser.parse_args()
    fit, val = cli.validation_split(*load_usps("train"), "usps")
    change = CHANGES[args.row - 1]
    with cli.Run(f"row {args.row} ({change.name})", vars(args)) as run:
        _, history = train_change(
            change, fit, test_data=val, lr=args.lr, schedule_factor=args.schedule_factor, progress=False
        )
    run.report(history)


if __name__ == "__main__":
    main()
