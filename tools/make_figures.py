"""Redraw the book's static figures (those not produced inside a chapter).

    python tools/make_figures.py

Writes ``book/figures/timeline.png`` from :func:`lenet_tutorial.plots.timeline`.
"""

from __future__ import annotations

from pathlib import Path

from lenet_tutorial import plots

FIGURES = Path(__file__).resolve().parent.parent / "book" / "figures"


def main(directory: Path = FIGURES) -> list[Path]:
    plots.use_book_style()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "timeline.png"
    plots.timeline().savefig(path, dpi=120)
    return [path]


if __name__ == "__main__":
    for written in main():
        print(written)
