"""Figures: opaque backgrounds, labelled axes, and the static figures can be redrawn."""

from __future__ import annotations

import importlib.util

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from lenet_tutorial import plots  # noqa: E402
from lenet_tutorial.rejection import rejection_curve  # noqa: E402
from lenet_tutorial.train import History  # noqa: E402

from .conftest import ROOT  # noqa: E402


def assert_opaque_and_labelled(fig):
    assert fig.get_facecolor()[3] == 1.0
    for ax in fig.axes:
        if ax.get_visible() and ax.has_data():
            assert ax.get_xlabel() and (ax.get_ylabel() or not ax.get_yticks().size)


def test_book_figures_have_opaque_backgrounds_and_labelled_axes():
    plots.use_book_style()
    history = History(
        [{"epoch": 1, "train_loss": 1.0, "train_error": 0.2, "test_error": 0.3, "seconds": 1.0}]
    )
    curve = rejection_curve(torch.tensor([[0.2, 0.1], [0.0, 0.5]]), torch.tensor([0, 0]))
    for fig in (
        plots.learning_curves(history, title="t", paper_test_error=5.0),
        plots.rejection_plot({"net": curve}, title="t", marks={"paper": (12.1, 1.0)}),
        plots.paper_vs_ours(["a", "b"], [1.0, None], [1.1, 2.0], title="t"),
        plots.paper_vs_ours(["a", "b"], [1.0, None], [1.1, 2.0], title="t", spread=[0.1, None]),
        plots.timeline(),
        plots.legacy_timeline(),
        plots.confusion_matrix(torch.tensor([0, 1, 1]), torch.tensor([0, 1, 7]), title="t"),
    ):
        assert_opaque_and_labelled(fig)


def test_the_committed_timeline_can_be_redrawn(tmp_path):
    spec = importlib.util.spec_from_file_location("make_figures", ROOT / "tools" / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (path,) = module.main(tmp_path)
    committed = Image.open(ROOT / "book" / "figures" / "timeline.png")
    redrawn = Image.open(path)
    assert redrawn.size == committed.size
    assert committed.mode in ("RGB", "RGBA") and committed.getextrema()[-1][0] == 255  # opaque


def test_confusion_matrix_writes_each_error_count_off_the_diagonal():
    fig = plots.confusion_matrix(torch.tensor([3, 3, 3, 5]), torch.tensor([8, 8, 3, 5]), title="t")
    texts = {(t.get_position(), t.get_text()) for t in fig.axes[0].texts}
    assert texts == {((8, 3), "2")}


def test_learning_curves_skip_passes_whose_training_error_was_not_measured():
    history = History(
        [
            {"epoch": 1, "train_loss": 1.0, "train_error": None, "test_error": 0.3, "seconds": 1.0},
            {"epoch": 2, "train_loss": 0.5, "train_error": 0.1, "test_error": 0.2, "seconds": 1.0},
        ]
    )
    fig = plots.learning_curves(history, title="t")
    train_line = fig.axes[0].lines[0]
    assert list(train_line.get_xdata()) == [2] and list(train_line.get_ydata()) == [10.0]


def test_the_spread_over_seeds_is_drawn_where_there_is_one():
    fig = plots.paper_vs_ours(["a", "b"], [1.0, 2.0], [1.1, 2.0], title="t", spread=[0.1, None])
    (bars,) = [c for c in fig.axes[0].containers if c.get_label() == "this book"]
    (segments,) = bars.errorbar.lines[2]  # one line of +- the spread across each bar's end
    drawn = [s for s in segments.get_segments() if len(s) and np.isfinite(s).all()]
    assert len(drawn) == 1 and np.allclose(sorted(drawn[0][:, 0]), [1.0, 1.2])
