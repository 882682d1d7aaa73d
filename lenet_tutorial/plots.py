"""The book's figures: one style, opaque backgrounds, labelled axes.

Every figure has a white, opaque background so that it stays readable when the
book is shown in dark mode. The functions return the matplotlib ``Figure``; a
chapter shows it with ``plt.show()``.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
}
PAPER_COLOUR = "#7f7f7f"
OURS_COLOUR = "#1f77b4"


def use_book_style() -> None:
    """Apply the book's figure style to every later figure."""
    matplotlib.rcParams.update(STYLE)


def digit_gallery(
    images: torch.Tensor,
    labels: torch.Tensor | None = None,
    *,
    titles: list[str] | None = None,
    columns: int = 10,
    cell: float = 0.9,
    title: str | None = None,
) -> plt.Figure:
    """Show images ``[N, H, W]`` in a grid, dark ink on light paper, labels as titles."""
    images = images.reshape(len(images), *images.shape[-2:]).float()
    rows = max(1, int(np.ceil(len(images) / columns)))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * cell, rows * cell * 1.15), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        image = images[i]
        # ink is the high value in every data set of the book; show it dark
        ax.imshow(image.numpy(), cmap="gray_r", interpolation="nearest")
        text = titles[i] if titles is not None else (str(int(labels[i])) if labels is not None else None)
        if text is not None:
            ax.set_title(text, fontsize=8, pad=2)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def learning_curves(history, *, title: str, paper_test_error: float | None = None) -> plt.Figure:
    """Train and test error (%) per pass, with the paper's test error as a line.

    Passes whose training error was not measured (``train(train_error="after_last_pass")``)
    are left out of the training curve; one counted on the fly says so in the legend.
    """
    fig, ax = plt.subplots(figsize=(6, 3.5))
    epochs = history["epoch"]
    measured = [(epoch, e) for epoch, e in zip(epochs, history["train_error"]) if e is not None]
    ax.plot(
        [epoch for epoch, _ in measured],
        [100 * e for _, e in measured],
        "o-",
        ms=3,
        label="train error (ours, on the fly)"
        if history.train_error_measured == "on_the_fly"
        else "train error (ours)",
    )
    if history.rows and history.rows[0].get("test_error") is not None:
        ax.plot(epochs, [100 * e for e in history["test_error"]], "s-", ms=3, label="test error (ours)")
    if paper_test_error is not None:
        ax.axhline(
            paper_test_error, color=PAPER_COLOUR, ls="--", label=f"test error (paper): {paper_test_error}%"
        )
    ax.set_xlabel("pass over the training set")
    ax.set_ylabel("error (%)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def confusion_matrix(labels: torch.Tensor, predictions: torch.Tensor, *, title: str) -> plt.Figure:
    """Counts of (true class, predicted class), with the diagonal blanked so that errors stand out."""
    counts = torch.zeros(10, 10, dtype=torch.long)
    counts.index_put_((labels, predictions), torch.ones_like(labels), accumulate=True)
    errors = counts.clone().fill_diagonal_(0)
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    ax.imshow(errors.numpy(), cmap="Reds")
    for t in range(10):
        for p in range(10):
            if t != p and counts[t, p]:
                ax.text(p, t, int(counts[t, p]), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    ax.grid(False)
    fig.tight_layout()
    return fig


def rejection_plot(
    curves: dict, *, title: str, marks: dict | None = None, max_rejection: float = 30
) -> plt.Figure:
    """Error on accepted digits (%) against digits rejected (%), one line per classifier.

    ``curves`` maps a label to a :class:`~lenet_tutorial.rejection.RejectionCurve`, or to
    (rejected %, error %) points recorded by another chapter (drawn dashed);
    ``marks`` maps a label to (rejection %, error %) points, e.g. the paper's.
    """
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for label, curve in curves.items():
        if hasattr(curve, "rejected"):
            ax.plot(100 * curve.rejected.numpy(), 100 * curve.error.numpy(), label=label)
        else:  # recorded points, already in percent
            ax.plot([x for x, _ in curve], [y for _, y in curve], "--", label=label)
    for (label, (x, y)), marker in zip((marks or {}).items(), "DsP^v"):
        ax.plot([x], [y], marker, color=PAPER_COLOUR, ms=7, ls="none", label=label)
    ax.set_xlim(0, max_rejection)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("test digits rejected (%)")
    ax.set_ylabel("error on the accepted digits (%)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def paper_vs_ours(
    labels: list[str],
    paper: list[float | None],
    ours: list[float],
    *,
    title: str,
    unit: str = "%",
    spread: list[float | None] | None = None,
    ours_label: str = "this book",
) -> plt.Figure:
    """Horizontal bars: the paper's number (grey) beside ours (blue) for each experiment;
    ``spread`` (e.g. the standard deviation over seeds, None where there is none) is drawn as
    a line of plus or minus it across the end of our bar."""
    y = np.arange(len(labels))
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(labels) + 1.2))
    paper_values = [np.nan if p is None else p for p in paper]
    ax.barh(y - 0.2, paper_values, height=0.4, color=PAPER_COLOUR, label="paper")
    errors = None if spread is None else [np.nan if s is None else s for s in spread]
    ax.barh(y + 0.2, ours, height=0.4, color=OURS_COLOUR, label=ours_label, xerr=errors, capsize=3)
    ax.set_yticks(y, labels)
    ax.set_ylabel("experiment")
    ax.invert_yaxis()
    ax.set_xlabel(f"test error ({unit})" if unit == "%" else unit)
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


TIMELINE = [
    (1989, "Zip-code network", "USPS digits, 3 days\non a SUN-4"),
    (1990, "LeNet-1", "trainable subsampling,\nsparse connections"),
    (1994, "MNIST", "NIST SD-1 + SD-3,\nwriter-disjoint split"),
    (1995, "LeNet-4, boosting", "comparison of learning\nalgorithms"),
    (1998, "LeNet-5", "0.95% on MNIST,\nGTN paper"),
]


LEGACY_TIMELINE = [
    (1989, "Zip-code network", "convolutions trained\nby back-propagation"),
    (1998, "LeNet-5, MNIST", "0.95% on MNIST"),
    (2003, "Distortions", "a CNN with elastic\ndistortions: 0.4%"),
    (2006, "CNNs on GPUs", "document recognition,\nseveral times faster"),
    (2009, "ImageNet", "1.2 million labelled\nimages in 1,000 classes"),
    (2010, "ReLU", "rectified linear units"),
    (2012, "AlexNet", "ImageNet top-5 error\n15.3% (next: 26.2%)"),
    (2015, "Batch norm, Adam", "the modern\ntraining recipe"),
]


def _timeline(
    events: list[tuple[int, str, str]], *, title: str, width: float = 9, stagger: bool = False
) -> plt.Figure:
    """Events alternately above and below a year axis; ``stagger`` also alternates two
    heights on each side, for events too close together to sit at one height."""
    first, last = events[0][0], events[-1][0]
    fig, ax = plt.subplots(figsize=(width, 3.6 if stagger else 2.6))
    ax.hlines(0, first - 0.5, last + 0.8, color="black", lw=1.5)
    for i, (year, name, detail) in enumerate(events):
        up = 1 if i % 2 == 0 else -1
        stem = 0.55 + (1.0 if stagger and i % 4 >= 2 else 0.0)
        ax.vlines(year, 0, stem * up, color=OURS_COLOUR)
        ax.plot(year, 0, "o", color=OURS_COLOUR)
        ax.text(
            year,
            (stem + 0.05) * up,
            f"{year}: {name}",
            ha="center",
            va="bottom" if up > 0 else "top",
            fontweight="bold",
        )
        ax.text(
            year,
            (stem + 0.05) * up + (0.35 if up > 0 else -0.35),
            detail,
            ha="center",
            va="bottom" if up > 0 else "top",
            fontsize=8,
        )
    span = last - first
    ax.set_xlim(first - 0.1 * span, last + 0.15 * span)
    ax.set_ylim(-2.6 if stagger else -1.6, 2.6 if stagger else 1.6)
    ax.set_xticks(range(first - first % 5 + 5, last + 1, 5) if stagger else range(first, last + 1))
    ax.set_xlabel("year")
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def timeline() -> plt.Figure:
    """The milestones of the book, 1989 to 1998."""
    return _timeline(TIMELINE, title="From the zip-code network to LeNet-5")


def legacy_timeline() -> plt.Figure:
    """From the zip-code network to AlexNet and the modern training recipe, 1989 to 2015."""
    return _timeline(LEGACY_TIMELINE, title="From LeNet to AlexNet", width=11, stagger=True)
