"""Saved networks: loaded only for exactly the same settings, never half-written, never silently replaced."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lenet_tutorial.checkpoints import cached_training, checkpoint_path
from lenet_tutorial.data.files import CACHE_ENV
from lenet_tutorial.train import History


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    return tmp_path


def trainer(calls: list):
    def train():
        calls.append(1)
        torch.manual_seed(len(calls))
        return nn.Linear(3, 2), History(
            rows=[{"epoch": 1, "train_loss": 1.0, "train_error": 0.25}], train_error_measured="on_the_fly"
        )

    return train


def test_a_network_is_trained_once_then_loaded_with_its_history(cache):
    calls = []
    first, history, loaded = cached_training("net", {"seed": 0}, trainer(calls), lambda: nn.Linear(3, 2))
    again, history2, loaded2 = cached_training("net", {"seed": 0}, trainer(calls), lambda: nn.Linear(3, 2))
    assert (loaded, loaded2, len(calls)) == (False, True, 1)
    assert torch.equal(first.weight, again.weight) and history2.rows == history.rows
    assert history2.train_error_measured == "on_the_fly"  # printed and plotted as trained: the same table
    assert history2.table() == history.table()
    assert not list(cache.rglob("*.part"))  # the temporary file was renamed into place


def test_other_settings_train_a_new_network(cache):
    calls = []
    cached_training("net", {"seed": 0}, trainer(calls), lambda: nn.Linear(3, 2))
    _, _, loaded = cached_training("net", {"seed": 1}, trainer(calls), lambda: nn.Linear(3, 2))
    assert not loaded and len(calls) == 2
    assert checkpoint_path("net", {"seed": 0}) != checkpoint_path("net", {"seed": 1})


def test_an_unreadable_saved_network_is_reported_not_replaced(cache):
    path = checkpoint_path("net", {"seed": 0})
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(RuntimeError, match="delete it to train again"):
        cached_training("net", {"seed": 0}, trainer([]), lambda: nn.Linear(3, 2))
    assert path.read_bytes() == b"not a checkpoint"
