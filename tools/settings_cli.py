"""What every ``*_settings.py`` tool shares: one vocabulary of options, the validation split,
and one way to report a run (a line and a per-pass table, or one JSON object with ``--json``).

The vocabulary: ``--mu`` (SDLM's mu), ``--epsilon`` and ``--gamma`` (SN2.8's constant step and
running-average weight), ``--schedule-factor`` (times LeNet-5's per-pass schedule
of 1998, Appendix C), ``--batch-size`` (patterns per update in the first passes), ``--passes``,
``--lr`` (a modern optimiser's rate), ``--train`` (digits of the fitting part used, from its
start), ``--seed`` (one run per seed), ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time

from lenet_tutorial.data import validation_split  # noqa: F401 (the tools' one split)

OPTIONS = {
    "mu": dict(type=float, help="SDLM's mu: the step is eta / (mu + h)"),
    "epsilon": dict(type=float, help="SN2.8's global step: the step is epsilon / (mu + h)"),
    "gamma": dict(type=float, help="SN2.8's running average: h <- (1 - gamma) h + gamma h_pattern"),
    "schedule_factor": dict(type=float, help="multiplies LeNet-5's per-pass schedule"),
    "batch_size": dict(type=int, help="patterns per update in the first passes"),
    "passes": dict(type=int, help="passes over the fitting digits"),
    "lr": dict(type=float, help="a modern optimiser's learning rate"),
    "train": dict(type=int, help="fitting digits used, from the start"),
    "seed": dict(type=int, help="the seed of the initial weights (several: one run each)"),
}
REQUIRED = object()
SN28 = ("epsilon", "mu", "gamma", "passes")  # the options of SN2.8's per-pattern training


def parser(doc: str, **defaults) -> argparse.ArgumentParser:
    """An argument parser with the shared options named in ``defaults`` (``REQUIRED`` for none)
    and ``--json``; a tool adds its own options to it."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, default in defaults.items():
        flag = "--" + name.replace("_", "-")
        if default is REQUIRED:
            p.add_argument(flag, required=True, **OPTIONS[name])
        elif isinstance(default, tuple):  # several values, one run each
            p.add_argument(flag, default=list(default), nargs="+", **OPTIONS[name])
        else:
            p.add_argument(flag, default=default, **OPTIONS[name])
    p.add_argument("--json", action="store_true", help="print one JSON object: the settings and the history")
    return p


class Run:
    """Times one run; :meth:`report` prints it with its settings and validation history, as
    one JSON line with ``--json`` (``settings["json"]``).

    The training goes inside ``with cli.Run(...) as run:``. With ``--json``
    standard output then carries the JSON lines and nothing else, so that ``--json >> file``
    makes a results file: whatever the training prints (the engine's one-time compilation
    notice, a progress line) goes to standard error."""

    def __init__(self, name: str, settings: dict):
        self.name, self.started = name, time.perf_counter()
        self.settings = {key: value for key, value in settings.items() if key != "json"}
        self.as_json = bool(settings.get("json"))
        self._quiet = contextlib.redirect_stdout(sys.stderr) if self.as_json else contextlib.nullcontext()

    def __enter__(self) -> Run:
        self._quiet.__enter__()
        return self

    def __exit__(self, *exception) -> None:
        self._quiet.__exit__(*exception)

    def report(self, history, **measured) -> dict:
        """``measured``: what the tool measured on the validation digits after training besides
        the history (the USPS tools: ``val_reject_at_1pct``), kept in the JSON object."""
        result = {
            "run": self.name,
            "settings": self.settings,
            "seconds": round(time.perf_counter() - self.started, 1),
            "history": history.rows,
        } | measured
        if self.as_json:
            print(json.dumps(result))
        else:
            shown = ", ".join(
                f"{key} {value:g}" if isinstance(value, float) else f"{key} {value}"
                for key, value in self.settings.items()
            )
            print(f"{self.name}: {shown}, {result['seconds']:.0f} s")
            print(history.table().replace("test err", " val err"))
            for key, value in measured.items():
                print(f"{key}: {value:g}")
        return result


def sn28_settings(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict:
    """The SN2.8 options of ``args`` as keyword arguments of
    :func:`lenet_tutorial.recipes.zip1989.train_as_in_1989`, checked (a clear error, not a
    diverging run)."""
    if args.epsilon <= 0 or args.mu <= 0 or not 0 < args.gamma <= 1 or args.passes < 1:
        parser.error("need epsilon > 0, mu > 0, 0 < gamma <= 1 and at least one pass")
    return {name: getattr(args, name) for name in SN28}
