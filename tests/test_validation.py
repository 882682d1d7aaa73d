"""Settings are chosen on the end of the training set, the same split in every tool."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import torch

from lenet_tutorial.data import VALIDATION_DIGITS, validation_split
from lenet_tutorial.train import History

from .conftest import ROOT, load_tool


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
    assert "with cli.Run(" in source, "train inside the run, so that --json output stays clean"
    assert not re.search(r"\[\s*:?-?\s*(1_?000|10_?000|50_?000)\s*:?\s*\]", source), "a hand-made split"
    shown = subprocess.run([sys.executable, str(tool), "--help"], capture_output=True, text=True, cwd=ROOT)
    assert shown.returncode == 0, shown.stderr
    assert "--json" in shown.stdout and "--factor " not in shown.stdout


def test_a_settings_tools_json_output_is_its_results_and_nothing_else(capsys):
    # `tools/X_settings.py --json >> benchmarks/results/settings/X.jsonl` is how the settings
    # records grow: what the training prints (the engine's one-time compilation notice) must
    # go to standard error, not into the record.
    cli = load_tool("settings_cli")
    history = History(rows=[{"epoch": 1, "train_loss": 0.3, "train_error": 0.05, "test_error": 0.06}])
    for as_json in (True, False):
        with cli.Run("a run", {"seed": 3, "json": as_json}) as run:
            print("the engine compiled its loops in 25 s (once: they are cached for later runs)")
        run.report(history)
        out, err = capsys.readouterr()
        if as_json:
            record = json.loads(out)  # one JSON line, nothing else
            assert record["settings"] == {"seed": 3} and record["history"] == history.rows
            assert "compiled its loops" in err
        else:  # a reader at a terminal sees everything, in order
            assert out.index("compiled its loops") < out.index("a run: seed 3") and not err
