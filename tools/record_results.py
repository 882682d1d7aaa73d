"""Write the book's record, ``lenet_tutorial/results.json``, from the committed notebooks and
``benchmarks/results/seeds/`` and ``benchmarks/results/settings/``: every scorecard result,
curve, seeds table and validation run.

    python tools/record_results.py          # rewrite the record
    python tools/record_results.py --check  # exit 1 if it is out of date

The record ships with the package, so that a chapter quoting another chapter's result reads
it there, in Colab as in a clone (``scorecard.recorded``, ``scorecard.seed_results``).
``tools/execute_notebooks.py`` runs this after executing chapters; a test keeps the record
equal to what it is made from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lenet_tutorial import scorecard

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SEEDS = ROOT / "benchmarks" / "results" / "seeds"
SETTINGS = ROOT / "benchmarks" / "results" / "settings"
RECORD = ROOT / "lenet_tutorial" / scorecard.RECORD_FILE


def current_text() -> str:
    return scorecard.record_text(scorecard.build_record(BOOK, SEEDS, SETTINGS))


def write() -> bool:
    """Rewrite the record; return whether it changed."""
    text = current_text()
    changed = not RECORD.exists() or RECORD.read_text(encoding="utf-8") != text
    if changed:
        RECORD.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the record is up to date")
    args = parser.parse_args(argv)
    if args.check:
        up_to_date = RECORD.exists() and RECORD.read_text(encoding="utf-8") == current_text()
        print(f"{RECORD.relative_to(ROOT)} is {'up to date' if up_to_date else 'out of date'}")
        return 0 if up_to_date else 1
    print(f"{RECORD.relative_to(ROOT)}: {'rewritten' if write() else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
