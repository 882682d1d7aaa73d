"""Command line: ``python -m lenet_tutorial scorecard [--json] [--book DIR]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import scorecard


def default_book_dir() -> Path:
    """``./book`` when run from a checkout, else the book beside the package's source."""
    for candidate in (Path.cwd() / "book", Path(__file__).resolve().parent.parent / "book"):
        if candidate.is_dir():
            return candidate
    return Path.cwd() / "book"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lenet_tutorial")
    commands = parser.add_subparsers(dest="command", required=True)
    card = commands.add_parser("scorecard", help="print what each chapter measured beside the paper")
    card.add_argument("--json", action="store_true", help="print a JSON list")
    card.add_argument("--book", type=Path, default=None, help="the book's folder (default: ./book)")
    args = parser.parse_args(argv)

    book = args.book or default_book_dir()
    if not book.is_dir():
        print(f"error: no book folder at {book}; pass --book DIR", file=sys.stderr)
        return 2
    entries = scorecard.collect(book)
    print(scorecard.as_json(entries) if args.json else scorecard.as_table(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
