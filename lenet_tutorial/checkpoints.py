"""Trained networks kept on disk, so that one chapter can build on another's network.

The boosting chapter starts from the LeNet-4 its previous chapter trained. Training is
deterministic (seeded, fixed threads), so re-training gives the same network bit for
bit -- but it costs minutes. :func:`cached_training` saves a network and its history
under a key made of everything that determines them, and loads it when asked for the
same thing again; any change of settings, package or PyTorch version gives a new key,
so a stale network is never loaded. Files live in the download cache
(``$LENET_TUTORIAL_CACHE`` or ``~/.cache/lenet_tutorial``), under ``trained/``; deleting
them only costs the time to train again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from . import __version__
from .data.files import cache_dir
from .train import History


def data_fingerprint(**datasets: tuple[torch.Tensor, torch.Tensor]) -> dict:
    """Settings entries that change when the data do: size and pixel sum of each named set."""
    return {name: [len(x), float(x.double().sum())] for name, (x, _) in datasets.items()}


def checkpoint_path(name: str, settings: dict) -> Path:
    """Where the network ``name`` trained with ``settings`` (JSON-serialisable) is kept."""
    key = json.dumps(
        {"settings": settings, "package": __version__, "torch": torch.__version__}, sort_keys=True
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir() / "trained" / f"{name}-{digest}.pt"


def cached_training(
    name: str,
    settings: dict,
    train: Callable[[], tuple[nn.Module, History]],
    build: Callable[[], nn.Module],
) -> tuple[nn.Module, History, bool]:
    """``train()``'s network and history, from disk when they were saved before.

    Returns ``(model, history, loaded)``. A file that cannot be read (truncated, from
    another program) is reported, not silently replaced.
    """
    path = checkpoint_path(name, settings)
    if path.exists():
        try:
            saved = torch.load(path, weights_only=True)
            model = build()
            model.load_state_dict(saved["state"])
        except Exception as error:
            raise RuntimeError(
                f"cannot read the saved network {path} ({error}); delete it to train again"
            ) from error
        # how the training error was measured travels with the rows: a loaded history prints
        # and plots as the trained one did (older files did not save it: the default then)
        measured = saved.get("train_error_measured", History().train_error_measured)
        return model, History(rows=saved["history"], train_error_measured=measured), True
    model, history = train()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    saved = {
        "state": model.state_dict(),
        "history": history.rows,
        "train_error_measured": history.train_error_measured,
    }
    torch.save(saved, partial)
    partial.replace(path)  # atomic: a reader never sees a half-written file
    return model, history, False
