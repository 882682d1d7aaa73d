"""Command line.

python -m lenet_tutorial scorecard [--json] [--book DIR]   # the book's results beside the papers'
python -m lenet_tutorial engine-digests [--check]         # the engine's fingerprints on this machine
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import scorecard


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lenet_tutorial")
    commands = parser.add_subparsers(dest="command", required=True)
    card = commands.add_parser("scorecard", help="print what each chapter measured beside the paper")
    card.add_argument("--json", action="store_true", help="print a JSON list")
    card.add_argument(
        "--book",
        type=Path,
        default=None,
        help="collect the results from the notebooks in this folder (default: the book's record, "
        "shipped with the package)",
    )
    prints = commands.add_parser(
        "engine-digests", help="the SHA-256 of each network's weights after 2,000 steps of the engine"
    )
    prints.add_argument("--check", action="store_true", help="exit 1 unless every digest is the book's")
    args = parser.parse_args(argv)

    if args.command == "engine-digests":
        from .engine import digests

        mismatches = 0
        for name, value in digests.digests().items():
            same = value == digests.BOOK.get(name)
            mismatches += not same
            print(
                f"{name} {value}"
                + (
                    ""
                    if same or not args.check
                    else "   (the book's: " + digests.BOOK.get(name, "none") + ")"
                )
            )
        return 1 if args.check and mismatches else 0
    if args.book is None:
        entries = scorecard.book_entries()
    elif not args.book.is_dir():
        print(f"error: no book folder at {args.book}; pass --book DIR", file=sys.stderr)
        return 2
    else:
        entries = scorecard.collect(args.book)
    print(scorecard.as_json(entries) if args.json else scorecard.as_table(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
