"""Settings are chosen on the end of the training set, the same split in every tool."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import torch

from lenet_tutorial.data import VALIDATION_DIGITS, validation_split

from .conftest import ROOT


@pytest.mark.parametrize("dataset, total", [("usps", 7291), ("mnist", 60_000)])
def test_the_last_digits_of_the_training_set_are_held_out(dataset, total):
    images, labels = torch.arange(total).float().view(-1, 1), torch.arange(total) % 10
    (fit_x, fit_y), (val_x, val_y) = validation_split(images, labels, dataset)
    held_out = VALIDATION_DIGITS[dataset]
    assert len(val_x) == len(val_y) == held_out and len(fit_x) == total - held_out
    assert torch.equal(torch.cat([fit_x, val_x]), images)  # nothing lost, nothing shared, order kept


def test_a_wrong_split_is_a_clear_error():
    with pytest.raises(ValueError, match="dataset must be one of"):
        validation_split(torch.zeros(10), torch.zeros(10), "emnist")
    with pytest.raises(ValueError, match="whole usps training set"):
        validation_split(torch.zeros(500), torch.zeros(500), "usps")


SETTINGS_TOOLS = sorted((ROOT / "tools").glob("*_settings.py"))


@pytest.mark.parametrize("tool", SETTINGS_TOOLS, ids=lambda p: p.stem)
def test_every_settings_tool_speaks_the_shared_vocabulary(tool):
    source = tool.read_text()
    assert "import settings_cli as cli" in source and "cli.validation_split(" in source
    assert not re.search(r"\[\s*:?-?\s*(1_?000|10_?000|50_?000)\s*:?\s*\]", source), "a hand-made split"
    shown = subprocess.run([sys.executable, str(tool), "--help"], capture_output=True, text=True, cwd=ROOT)
    assert shown.returncode == 0, shown.stderr
    assert "--json" in shown.stdout and "--factor " not in shown.stdout
