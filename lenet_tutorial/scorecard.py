"""The reproduction scorecard: what each chapter measured, beside the paper.

A chapter *records* a result by printing it in a fixed form::

    [scorecard] fc1989.test_error = 7.92 %

and the scorecard is *collected* from the committed notebooks' outputs. Since CI
re-executes every notebook and compares its outputs with the committed ones (strict
nbval), a number in the scorecard is always one the code really produces: change a
stored number by hand and CI fails.

Curves travel the same way (``[curve] id = [[x, y], ...]``): a chapter can draw another
chapter's measured curve beside its own without training that chapter's network again.

How much of a result is the luck of the seed is measured outside the book, by
``benchmarks/seeds.py`` (one chapter's network retrained with five seeds: too long to run
inside a chapter). A chapter that quotes those numbers prints and checks them with
:func:`seed_results`, so its text cannot drift from them either.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

from .paper import REPORTED, reported

LINE = re.compile(r"^\[scorecard\] (?P<id>[\w.]+) = (?P<value>-?[\d.]+)(?: (?P<unit>\S+))?\s*$")
CURVE_LINE = re.compile(r"^\[curve\] (?P<id>[\w.]+) = (?P<points>\[.*\])\s*$")
DECIMALS = {"%": 2, "parameters": 0, "connections": 0}
MNIST_TEST_DIGITS, USPS_TEST_DIGITS = 10_000, 2_007
SEED_RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results" / "seeds"


def standard_error(percent: float, n: int) -> float:
    """Standard error, in points, of an error rate of ``percent`` % measured on ``n`` test
    digits: sqrt(p (1 - p) / n) -- how far another test set of that size could move it."""
    p = percent / 100
    return 100 * math.sqrt(p * (1 - p) / n)


def gap_in_standard_errors(ours: float, paper: float, n: int) -> float:
    """``ours - paper`` (error rates in %, each measured on ``n`` test digits) in standard errors
    of the difference of two independent measurements, sqrt(SE_paper^2 + SE_ours^2)."""
    return (ours - paper) / math.hypot(standard_error(paper, n), standard_error(ours, n))


@dataclass(frozen=True)
class Entry:
    id: str
    experiment: str
    metric: str
    paper: float | None
    ours: float
    unit: str
    source: str
    notebook: str


def format_value(value: float, unit: str) -> str:
    decimals = DECIMALS.get(unit, 2)
    return f"{value:.{decimals}f}" if decimals else f"{round(value):d}"


def record(id: str, ours: float) -> float:
    """Record a result of this chapter in the scorecard; print it beside the paper's number.

    Returns the value as recorded (rounded as printed), so the chapter can assert on it.
    """
    entry = reported(id)
    text = format_value(ours, entry.unit)
    unit = "%" if entry.unit == "%" else ""
    paper = (
        "none reported" if entry.paper is None else f"{format_value(entry.paper, entry.unit)} {unit}".strip()
    )
    print(f"[scorecard] {id} = {text}{' ' + unit if unit else ''}")
    print(f"            paper: {paper} ({entry.experiment}, {entry.metric})")
    return float(text)


def record_curve(id: str, xs, ys, decimals: int = 2) -> list[tuple[float, float]]:
    """Record a curve (e.g. error versus rejection) for other chapters to draw beside theirs.

    Printed as ``[curve] id = [[x, y], ...]``, rounded; collected from the committed,
    nbval-verified outputs by :func:`collect_curves`, like the scorecard.
    """
    points = [(round(float(x), decimals), round(float(y), decimals)) for x, y in zip(xs, ys)]
    print(f"[curve] {id} = {json.dumps(points)}")
    return points


def seed_results(experiment: str, folder: str | Path = SEED_RESULTS) -> dict | None:
    """What ``benchmarks/seeds.py EXPERIMENT --json`` saved: test and training error (%) by
    seed (on USPS also the rejection for 1% error), and the test errors' mean and standard
    deviation. Seed 0 is the chapter's own run.

    ``None`` where there is no such file: the package installed without the repository
    (in Colab, say) has no ``benchmarks/`` folder.
    """
    path = Path(folder) / f"{experiment}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def format_seed_results(results: dict) -> str:
    """The errors of :func:`seed_results` as a table, one column per seed, then mean ± sd."""
    seeds = list(results["test_error_by_seed"])
    lines = [f"{results['experiment'] + ', seed':24s}" + "".join(f"{s:>6s}" for s in seeds) + "   mean ± sd"]
    for label, key in (
        ("test error (%)", "test_error_by_seed"),
        ("train error (%)", "train_error_by_seed"),
        ("rejected, 1% error (%)", "reject_at_1pct_by_seed"),  # the USPS experiments
    ):
        if key in results:
            values = [results[key][s] for s in seeds]
            spread = f" ± {statistics.stdev(values):.2f}" if len(values) > 1 else ""
            lines.append(
                f"{label:24s}"
                + "".join(f"{v:6.2f}" for v in values)
                + f"   {statistics.mean(values):.2f}{spread}"
            )
    return "\n".join(lines)


def _stream_text(cell: dict) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = output.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


def _notebooks(book_dir: str | Path):
    for path in sorted(Path(book_dir).rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts or "_build" in path.parts:
            continue
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "code":
                yield path, _stream_text(cell).splitlines()


def collect_curves(book_dir: str | Path) -> dict[str, list[tuple[float, float]]]:
    """Every curve recorded with :func:`record_curve` in the notebooks under ``book_dir``."""
    curves = {}
    for _, lines in _notebooks(book_dir):
        for line in lines:
            match = CURVE_LINE.match(line)
            if match:
                curves[match["id"]] = [tuple(point) for point in json.loads(match["points"])]
    return curves


def collect(book_dir: str | Path) -> list[Entry]:
    """Every recorded result in the notebooks under ``book_dir``, in the order of the ids in paper.py."""
    found: dict[str, Entry] = {}
    for path, lines in _notebooks(book_dir):
        for line in lines:
            match = LINE.match(line)
            if not match:
                continue
            entry = reported(match["id"])
            if entry.id in found:
                raise ValueError(f"{entry.id} is recorded twice: in {found[entry.id].notebook} and {path}")
            found[entry.id] = Entry(
                id=entry.id,
                experiment=entry.experiment,
                metric=entry.metric,
                paper=entry.paper,
                ours=float(match["value"]),
                unit=entry.unit,
                source=entry.source,
                notebook=str(path.relative_to(book_dir)),
            )
    return [found[id] for id in REPORTED if id in found]


def as_json(entries: list[Entry]) -> str:
    keys = ("id", "experiment", "metric", "paper", "ours", "unit", "source")
    return json.dumps([{k: asdict(e)[k] for k in keys} for e in entries], indent=2)


def as_table(entries: list[Entry]) -> str:
    rows = [("id", "paper", "ours", "unit")]
    for e in entries:
        paper = "-" if e.paper is None else format_value(e.paper, e.unit)
        rows.append((e.id, paper, format_value(e.ours, e.unit), e.unit))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)
