"""One training loop for every chapter.

The data live in memory as tensors, so a pass over the training set is a loop of
tensor slices: no ``Dataset`` returning one sample at a time, no per-sample Python
work. The same loop does what the papers did, per-pattern updates (``batch_size=1``)
in a constant order, and what came later, shuffled mini-batches.

After each pass it measures train and test error with large batched forward
passes, and records them in a :class:`History`: the table and curves every chapter
shows. The training error can instead be counted *on the fly*, as the 1998 paper's
Figure 5 did: each pattern's answer as the network gave it during the pass, before the
update that pattern caused. Those answers are computed for training anyway, so it costs
nothing; but they come from a network that changes during the pass.

A model's ``forward`` returns what its loss function reads. Its class *scores*
(higher = more likely) are the same tensor, unless the model defines
``output_scores(outputs)``: LeNet-5's RBF units, say, output penalties, and the
answer is the class with the smallest one.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm.std import tqdm

ORDERS = ("shuffle", "fixed", "dataset")
TRAIN_ERRORS = ("after_each_pass", "after_last_pass", "on_the_fly")
PROGRESS_ENV = "LENET_TUTORIAL_PROGRESS"


def progress_default() -> bool:
    """Show progress bars unless ``$LENET_TUTORIAL_PROGRESS`` is ``0``.

    The book's committed outputs are made with bars off (``tools/execute_notebooks.py``),
    so that the published page shows results rather than a stack of half-drawn bars.
    """
    return os.environ.get(PROGRESS_ENV, "1") != "0"


def scores_of(model: nn.Module, outputs: torch.Tensor) -> torch.Tensor:
    return model.output_scores(outputs) if hasattr(model, "output_scores") else outputs


@dataclass(frozen=True)
class Evaluation:
    error: float  # fraction of patterns misclassified
    loss: float | None  # mean loss over the set, if a loss function was given
    scores: torch.Tensor  # [N, classes], higher = more likely; argmax is the answer

    @property
    def predictions(self) -> torch.Tensor:
        return self.scores.argmax(1)


def evaluate(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    loss_fn: Callable | None = None,
    batch_size: int = 512,
) -> Evaluation:
    """Error rate (and mean loss) of ``model`` on a whole data set, in large batches.

    Large, but not too large: on a CPU, batches of a few hundred keep each layer's
    activations in cache; batches of 2,048 made LeNet-5's evaluation twice as slow.
    """
    was_training = model.training
    model.eval()
    outputs = []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            outputs.append(model(images[start : start + batch_size]))
        outputs = torch.cat(outputs)
        scores = scores_of(model, outputs)
        loss = float(loss_fn(outputs, labels)) if loss_fn is not None else None
    model.train(was_training)
    error = (scores.argmax(1) != labels).double().mean().item()
    return Evaluation(error=error, loss=loss, scores=scores)


@dataclass
class History:
    """What happened in each pass: train loss, train/test error (fractions), time.

    ``train_error_measured`` says how the training error was measured (see :func:`train`).
    """

    rows: list[dict] = field(default_factory=list)
    train_error_measured: str = "after_each_pass"

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: str) -> list:
        return [row[key] for row in self.rows]

    @property
    def last(self) -> dict:
        return self.rows[-1]

    def table(self, every: int = 1) -> str:
        """The history as fixed-width text (errors in %), every ``every``-th pass and the last."""
        has_test = self.rows and self.rows[0].get("test_error") is not None
        lines = ["pass   train loss   train err" + ("   test err" if has_test else "")]
        for row in self.rows:
            if row["epoch"] % every and row is not self.rows[-1]:
                continue
            train_error = "–" if row["train_error"] is None else f"{100 * row['train_error']:.2f}%"
            line = f"{row['epoch']:4d}   {row['train_loss']:10.4g}   {train_error:>9s}"
            if has_test:
                line += f"   {100 * row['test_error']:7.2f}%"
            lines.append(line)
        if self.train_error_measured == "on_the_fly":
            lines.append("(train err: counted on the fly, each pattern's answer before its update)")
        return "\n".join(lines)


def per_pass(batch_size: int | Callable[[int], int]) -> Callable[[int], int]:
    """``batch_size`` as a function of the pass (epochs count from 1), whichever form it came in."""
    return batch_size if callable(batch_size) else (lambda epoch: batch_size)


def _order(n: int, order: str, generator: torch.Generator, fixed: torch.Tensor | None):
    if order == "dataset":
        return None
    if order == "fixed":
        return fixed
    return torch.randperm(n, generator=generator)


@contextmanager
def _onednn(enabled: bool):
    """Switch PyTorch's oneDNN (mkldnn) CPU kernels on or off, then restore the setting."""
    previous = torch.backends.mkldnn.enabled
    torch.backends.mkldnn.enabled = enabled
    try:
        yield
    finally:
        torch.backends.mkldnn.enabled = previous


def one_pass(
    model, x, y, loss_fn, optimizer, batch_size: int, gradients=None, outputs_seen: list | None = None
) -> float:
    """One pass of updates; returns the summed loss. The hot loop: tensor slices only.

    ``gradients(images, labels)``, if given, sets every parameter's ``.grad`` for the batch
    and returns the loss and the model's outputs (e.g.
    :class:`lenet_tutorial.backprop.LeNet5Backprop`); otherwise autograd does, through
    ``loss_fn(model(images), labels).backward()``. ``outputs_seen``, if given, receives each
    batch's outputs, computed before the batch's update: the on-the-fly training error.
    """
    total_loss = 0.0  # a Python float: no tensor op per step
    # For one pattern at a time, oneDNN's convolution set-up costs more than the arithmetic:
    # PyTorch's native kernels make a per-pattern step about a third faster on a CPU.
    with _onednn(enabled=batch_size > 1):
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            if gradients is None:
                optimizer.zero_grad(set_to_none=True)
                outputs = model(xb)
                loss = loss_fn(outputs, yb)
                loss.backward()
            else:  # overwrites every .grad: nothing to zero
                loss, outputs = gradients(xb, yb)
            if outputs_seen is not None:
                outputs_seen.append(outputs.detach())
            optimizer.step()
            total_loss += loss.item() * len(xb)
    return total_loss


def train(
    model: nn.Module,
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    epochs: int,
    batch_size: int | Callable[[int], int] = 1,
    order: str = "shuffle",
    generator: torch.Generator | None = None,
    test_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    lr_schedule: Callable[[int], float] | None = None,
    before_pass: Callable[[int], None] | None = None,
    transform: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None,
    progress: bool | None = None,
    eval_batch_size: int = 512,
    train_error: str = "after_each_pass",
    gradients: Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]] | None = None,
) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_data``; return the per-pass history.

    batch_size
        patterns per update, or ``epoch -> patterns per update`` (epochs count from 1).
    order
        ``"dataset"``: the order of the data set, every pass (the 1989 paper's constant
        order); ``"fixed"``: one random order drawn once and kept (the 1998 paper's);
        ``"shuffle"``: a new random order each pass (modern practice).
    lr_schedule
        ``epoch -> learning rate`` (epochs count from 1), set on every parameter group
        before the pass.
    before_pass
        ``epoch -> None``, called before each pass; second-order methods re-estimate
        their curvature there.
    transform
        ``(images, generator) -> images``, applied to the whole training set at the start
        of each pass: fresh distortions every pass, without per-sample Python work.
    progress
        show a progress bar over the passes (default: see :func:`progress_default`).
    train_error
        ``"after_each_pass"``: the error of the network on the whole training set, measured
        after every pass; ``"after_last_pass"``: the same, after the last pass only
        (``None`` in the other rows): on MNIST that measurement costs a third of a pass,
        worth saving when only the end result matters; ``"on_the_fly"``: the fraction of
        each pass's patterns the network got wrong when they were presented, before the
        update each caused, as in the 1998 paper's Figure 5 (free, but made by a network
        that changes during the pass; with ``transform``, on the transformed patterns).
    gradients
        ``(images, labels) -> (loss, outputs)``, setting every parameter's ``.grad``: a
        hand-written backward pass (:class:`lenet_tutorial.backprop.LeNet5Backprop`)
        instead of autograd.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    if train_error not in TRAIN_ERRORS:
        raise ValueError(f"train_error must be one of {TRAIN_ERRORS}, not {train_error!r}")
    batch_size_of = per_pass(batch_size)
    if any(batch_size_of(epoch) < 1 for epoch in range(1, epochs + 1)):
        raise ValueError("batch_size must be at least 1")
    images, labels = train_data
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    generator = generator if generator is not None else torch.Generator().manual_seed(0)
    fixed = torch.randperm(len(images), generator=generator) if order == "fixed" else None
    history = History(train_error_measured=train_error)
    bar = tqdm(
        range(1, epochs + 1),
        desc="training",
        unit="pass",
        file=sys.stdout,
        ncols=100,
        disable=not (progress_default() if progress is None else progress),
    )
    for epoch in bar:
        started = time.perf_counter()
        if lr_schedule is not None:
            for group in optimizer.param_groups:
                group["lr"] = lr_schedule(epoch)
        if before_pass is not None:
            before_pass(epoch)
        x = transform(images, generator) if transform is not None else images
        y = labels
        permutation = _order(len(images), order, generator, fixed)
        if permutation is not None:
            x, y = x[permutation], y[permutation]
        model.train()
        outputs_seen = [] if train_error == "on_the_fly" else None
        total_loss = one_pass(model, x, y, loss_fn, optimizer, batch_size_of(epoch), gradients, outputs_seen)
        fly_error = None
        if outputs_seen is not None:  # the answers in the order given, so compare with this pass's y
            fly_error = (scores_of(model, torch.cat(outputs_seen)).argmax(1) != y).double().mean().item()
            del outputs_seen
        # a transformed, reordered copy of the training set is as large as the set itself:
        # free it now, not when the next pass's copy replaces it (peak memory on Binder)
        del x, y
        if not math.isfinite(total_loss):
            raise FloatingPointError(
                f"training diverged in pass {epoch}: the loss is {total_loss}. Lower the learning rate."
            )
        measure_now = train_error == "after_each_pass" or (
            train_error == "after_last_pass" and epoch == epochs
        )
        error = (
            evaluate(model, images, labels, batch_size=eval_batch_size).error if measure_now else fly_error
        )
        row = {"epoch": epoch, "train_loss": total_loss / len(images), "train_error": error}
        if test_data is not None:
            row["test_error"] = evaluate(model, *test_data, batch_size=eval_batch_size).error
        row["seconds"] = time.perf_counter() - started
        history.rows.append(row)
        bar.set_postfix(
            **({"train": f"{100 * error:.2f}%"} if error is not None else {}),
            **({"test": f"{100 * row['test_error']:.2f}%"} if test_data is not None else {}),
        )
    bar.close()
    return history
