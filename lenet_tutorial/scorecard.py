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
:func:`seed_results`, so its text cannot drift from them either. The same holds for the
runs on the validation split with which a recipe's settings were chosen
(``tools/*_settings.py --json``, one line per run in ``benchmarks/results/settings/``): a
chapter prints their table with :func:`settings_runs` and :func:`format_settings_runs`.

**The book's record travels with the package.** ``tools/record_results.py`` collects every
result, curve and seeds table into ``lenet_tutorial/results.json`` (a test keeps it equal to
the committed notebooks and ``benchmarks/results/seeds/``), and a chapter that quotes
another chapter's result reads it there (:func:`recorded`, :func:`seed_results`): in Colab,
with only the package installed, as in a clone of the repository.

**How far a re-run may land from the book.** The same chapter executed on another processor
rounds PyTorch's steps differently and ends a few digits away (a chapter trained by the
compiled engine does not: it lands on the same digits). :func:`expected_spread`
says how far is still the same result: three standard deviations of the difference of two
runs, from the seeds' spread where ``benchmarks/seeds.py`` measured one, from the binomial
standard error of the test set otherwise. Counts have no spread.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import statistics
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

from .paper import REPORTED, reported
from .recipes import TRAINED_BY_THE_ENGINE

LINE = re.compile(r"^\[scorecard\] (?P<id>[\w.]+) = (?P<value>-?[\d.]+)(?: (?P<unit>\S+))?\s*$")
CURVE_LINE = re.compile(r"^\[curve\] (?P<id>[\w.]+) = (?P<points>\[.*\])\s*$")
DECIMALS = {"%": 2, "parameters": 0, "connections": 0, "step": 5}  # step: eta / (mu + h_kk)
MNIST_TEST_DIGITS, USPS_TEST_DIGITS = 10_000, 2_007
MNIST_TRAIN_DIGITS, USPS_TRAIN_DIGITS = 60_000, 7_291
RECORD_FILE = "results.json"  # in the package, beside this module
# where tools/execute_notebooks.py asks a chapter to note which entries of the record it read
READS_ENV = "LENET_TUTORIAL_RECORD_READS"
SPREAD_IN_STANDARD_DEVIATIONS = 3
SECTIONS = ("scorecard", "curves", "seeds", "settings")  # of the book's record


def standard_error(percent: float, n: int) -> float:
    """Standard error, in points, of an error rate of ``percent`` % measured on ``n`` test
    digits: sqrt(p (1 - p) / n) -- how far another test set of that size could move it."""
    p = percent / 100
    return 100 * math.sqrt(p * (1 - p) / n)


def gap_in_standard_errors(ours: float, paper: float, n: int) -> float:
    """``ours - paper`` (error rates in %, each measured on ``n`` test digits) in standard errors
    of the difference of two independent measurements, sqrt(SE_paper^2 + SE_ours^2)."""
    return (ours - paper) / math.hypot(standard_error(paper, n), standard_error(ours, n))


def seed_noise(a: list[float], b: list[float]) -> float:
    """Twice the standard error of the difference of two means over seeds, ``a``'s and ``b``'s:
    2 sqrt(s_a^2 / n_a + s_b^2 / n_b), with s the sample standard deviations. A setting whose
    mean beats another's by less has not been shown better: another five seeds could reverse it.
    """
    if len(a) < 2 or len(b) < 2:
        raise ValueError("a spread over seeds needs at least two seeds on each side")
    return 2 * (statistics.variance(a) / len(a) + statistics.variance(b) / len(b)) ** 0.5


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


def read_seed_runs(folder: str | Path) -> dict[str, dict]:
    """Every ``benchmarks/seeds.py EXPERIMENT --json`` file in ``folder``, by experiment."""
    runs = {}
    for path in sorted(Path(folder).glob("*.json")):
        results = json.loads(path.read_text(encoding="utf-8"))
        runs[results["experiment"]] = results
    return runs


def seed_results(experiment: str) -> dict | None:
    """What ``benchmarks/seeds.py EXPERIMENT`` measured, from the book's record: test and
    training error (%) by seed (on USPS also the rejection for 1% error), and the test
    errors' mean and standard deviation. Seed 0 is the chapter's own run. ``None`` for an
    experiment that was not retrained over seeds.
    """
    _note_read(f"seeds/{experiment}")
    return book_record()["seeds"].get(experiment)


def format_seed_results(results: dict) -> str:
    """The errors of :func:`seed_results` as a table, one column per seed, then mean ± sd."""
    seeds = list(results["test_error_by_seed"])
    width = max(24, len(results["experiment"]) + 7)  # the labels' column: a long name widens it
    lines = [
        f"{results['experiment'] + ', seed':{width}s}" + "".join(f"{s:>6s}" for s in seeds) + "   mean ± sd"
    ]
    for label, key in (
        ("test error (%)", "test_error_by_seed"),
        ("train error (%)", "train_error_by_seed"),
        ("rejected, 1% error (%)", "reject_at_1pct_by_seed"),  # the USPS experiments
    ):
        if key in results:
            values = [results[key][s] for s in seeds]
            spread = f" ± {statistics.stdev(values):.2f}" if len(values) > 1 else ""
            lines.append(
                f"{label:{width}s}"
                + "".join(f"{v:6.2f}" for v in values)
                + f"   {statistics.mean(values):.2f}{spread}"
            )
    return "\n".join(lines)


def read_settings_runs(folder: str | Path) -> dict[str, list[dict]]:
    """Every ``benchmarks/results/settings/EXPERIMENT.jsonl`` in ``folder``, by experiment: the
    runs of ``tools/*_settings.py --json``, one JSON object per line, in the file's order."""
    runs = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        runs[path.stem] = [json.loads(line) for line in lines if line.strip()]
    return runs


def settings_runs(experiment: str) -> list[dict]:
    """The validation runs that chose ``experiment``'s settings, from the book's record: each
    with its ``settings`` and its per-pass ``history`` (``test_error`` is the validation
    error there). Empty for an experiment without recorded runs."""
    _note_read(f"settings/{experiment}")
    return book_record().get("settings", {}).get(experiment, [])


def format_settings_runs(runs: list[dict], columns: dict, passes: tuple[int, ...]) -> str:
    """A table of validation runs, one row per run: the settings in ``columns`` (heading ->
    ``settings -> text``), then, for each pass in ``passes``, the training error counted as
    the run counted it and the validation error after that pass, in %."""
    return _settings_table([[run] for run in runs], columns, passes, spread=False, after={})


def format_settings_means(
    runs: list[dict], columns: dict, passes: tuple[int, ...], after: dict[str, str] | None = None
) -> str:
    """Like :func:`format_settings_runs`, with the runs that differ only in their seed on one
    row: for each pass the mean training and validation errors over the seeds, in %, and
    after the last pass the validation errors' standard deviation and the number of seeds.
    ``after`` adds columns, ``heading: key``, for what a tool measured after training (a
    run's ``key``): the mean over the seeds, or a dash where a run lacks it. Rows come in the
    order of each setting's first run."""
    groups: dict[str, list[dict]] = {}
    for run in runs:
        key = json.dumps({k: v for k, v in run["settings"].items() if k != "seed"}, sort_keys=True)
        groups.setdefault(key, []).append(run)
    return _settings_table(list(groups.values()), columns, passes, spread=True, after=after or {})


def settings_groups(runs: list[dict], *names: str) -> dict[tuple, list[dict]]:
    """The validation runs by setting: ``(run's settings[name] for name in names) -> runs``,
    each group's runs (one per seed) in the file's order."""
    groups: dict[tuple, list[dict]] = {}
    for run in runs:
        groups.setdefault(tuple(run["settings"][name] for name in names), []).append(run)
    return groups


def noise_margins(groups: dict[tuple, list[dict]], standard: tuple, measures: dict) -> dict[tuple, float]:
    """For each setting of ``groups`` (:func:`settings_groups`) and each of ``measures`` (name ->
    ``runs -> values``, lower is better), how far the setting's mean is from beating the
    ``standard`` setting's by twice the seeds' noise (:func:`seed_noise`): ``(setting, name) ->
    noise - gain``, positive where the setting has not been shown better."""
    margins = {}
    for key, group in groups.items():
        for name, of in measures.items():
            gain = statistics.mean(of(groups[standard])) - statistics.mean(of(group))
            margins[key, name] = seed_noise(of(groups[standard]), of(group)) - gain
    return margins


def _settings_table(
    groups: list[list[dict]], columns: dict, passes: tuple[int, ...], spread: bool, after: dict[str, str]
) -> str:
    """One row per group of runs (a group of one: the run itself): its settings, then each
    pass's mean training and validation errors; with ``spread``, the last validation errors'
    standard deviation and the group's size; then the means of the ``after`` measurements. A
    pass some run of the group stopped before shows dashes."""
    runs = [run for group in groups for run in group]
    widths = [
        max(len(heading), *(len(show(r["settings"])) for r in runs)) for heading, show in columns.items()
    ]
    settings = "  ".join(f"{h:{w}s}" for h, w in zip(columns, widths))
    lines = [
        settings
        + "".join(f"  {'pass ' + str(p):>14s}" for p in passes)
        + (f"  {'val sd':>7s}{'seeds':>6s}" if spread else "")
        + "".join(f"  {heading:>8s}" for heading in after),
        " " * len(settings) + f"  {'train':>7s}{'val':>7s}" * len(passes),
    ]
    for group in groups:
        row = "  ".join(f"{show(group[0]['settings']):{w}s}" for show, w in zip(columns.values(), widths))
        for p in passes:
            steps = [run["history"][p - 1] for run in group if p <= len(run["history"])]
            if len(steps) < len(group):  # a run stopped before this pass
                row += f"  {'-':>7s}{'-':>7s}"
                continue
            trains = [step["train_error"] for step in steps]
            train = "-" if None in trains else f"{100 * statistics.mean(trains):.2f}"
            row += f"  {train:>7s}{100 * statistics.mean(step['test_error'] for step in steps):7.2f}"
        if spread:
            last = [run["history"][-1]["test_error"] for run in group]
            deviation = f"{100 * statistics.stdev(last):.2f}" if len(last) > 1 else "-"
            row += f"  {deviation:>7s}{len(group):6d}"
        for key in after.values():
            values = [run.get(key) for run in group]
            row += f"  {'-':>8s}" if None in values else f"  {statistics.mean(values):8.2f}"
        lines.append(row)
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


# -- The book's record, shipped with the package -------------------------------------------


def build_record(book_dir: str | Path, seeds_dir: str | Path, settings_dir: str | Path) -> dict:
    """The book's record: every result and curve of the notebooks under ``book_dir``, every
    seeds table in ``seeds_dir`` and every validation run in ``settings_dir``.
    ``tools/record_results.py`` writes it to the package."""
    return {
        "about": "The book's results, written by tools/record_results.py from the committed "
        "notebooks, benchmarks/results/seeds/ and benchmarks/results/settings/; do not edit by hand.",
        "scorecard": {e.id: {"ours": e.ours, "notebook": e.notebook} for e in collect(book_dir)},
        "curves": {id: [list(p) for p in points] for id, points in sorted(collect_curves(book_dir).items())},
        "seeds": read_seed_runs(seeds_dir),
        "settings": read_settings_runs(settings_dir),
    }


def record_text(record: dict) -> str:
    """The record as it is stored: JSON with one result, curve, seeds table or experiment's
    validation runs per line."""

    def section(items: dict) -> str:
        lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in items.items()]
        return "{\n" + ",\n".join(lines) + "\n }" if lines else "{}"

    parts = [f' "about": {json.dumps(record["about"])}']
    parts += [f" {json.dumps(name)}: {section(record[name])}" for name in SECTIONS]
    return "{\n" + ",\n".join(parts) + "\n}\n"


@functools.cache
def book_record() -> dict:
    """The record shipped with the package (``lenet_tutorial/results.json``)."""
    return json.loads(resources.files(__package__).joinpath(RECORD_FILE).read_text(encoding="utf-8"))


def book_record_from(path: str | Path) -> dict:
    """A record file as :func:`book_record` reads it (empty sections if there is none yet)."""
    path = Path(path)
    if not path.is_file():
        return {name: {} for name in SECTIONS}
    return json.loads(path.read_text(encoding="utf-8"))


def _note_read(key: str) -> None:
    """Note that the chapter being executed read ``key`` ("seeds/lenet5", "scorecard/*") of the
    record, where ``tools/execute_notebooks.py`` asks for it: it re-executes the chapters that
    read an entry that changed."""
    log = os.environ.get(READS_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(key + "\n")


def changed_entries(before: dict, after: dict) -> set[str]:
    """The entries ("scorecard/lenet5.test_error", "seeds/lenet5", ...) that differ between two records."""
    changed = set()
    for section in SECTIONS:
        old, new = before.get(section, {}), after.get(section, {})
        changed |= {f"{section}/{key}" for key in set(old) | set(new) if old.get(key) != new.get(key)}
    return changed


def reads_affected(reads: list[str], changed: set[str]) -> bool:
    """Whether a chapter that read ``reads`` ("scorecard/*": every result) sees one of ``changed``."""
    for read in reads:
        section, _, key = read.partition("/")
        if read in changed or (key == "*" and any(c.startswith(section + "/") for c in changed)):
            return True
    return False


def book_entries() -> list[Entry]:
    """The book's scorecard, from its record: every result beside the paper's, in paper.py's order."""
    _note_read("scorecard/*")
    results = book_record()["scorecard"]
    entries = []
    for id in REPORTED:
        if id in results:
            r = reported(id)
            entries.append(
                Entry(
                    id,
                    r.experiment,
                    r.metric,
                    r.paper,
                    results[id]["ours"],
                    r.unit,
                    r.source,
                    results[id]["notebook"],
                )
            )
    return entries


def recorded(id: str | None = None):
    """The book's value of result ``id`` (every result, by id, without an argument)."""
    values = {id_: r["ours"] for id_, r in book_record()["scorecard"].items()}
    if id is None:
        _note_read("scorecard/*")
        return values
    _note_read(f"scorecard/{id}")
    if id not in values:
        raise KeyError(f"the book records no result {id!r}")
    return values[id]


def recorded_curves() -> dict[str, list[tuple[float, float]]]:
    """Every curve the book's chapters recorded, by id."""
    _note_read("curves/*")
    return {id: [tuple(p) for p in points] for id, points in book_record()["curves"].items()}


# -- How far a re-run may land -------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """A re-run of the book on another machine should land within ``band`` of the book's value."""

    band: float
    basis: str  # where the band comes from, in words


def digits_measured(id: str) -> int:
    """How many digits result ``id`` counts: the training or test set of USPS or MNIST."""
    entry = reported(id)
    usps = "USPS" in entry.experiment
    if entry.metric.startswith("train"):
        return USPS_TRAIN_DIGITS if usps else MNIST_TRAIN_DIGITS
    return USPS_TEST_DIGITS if usps else MNIST_TEST_DIGITS


def expected_spread(id: str, value: float | None = None) -> Spread:
    """How far from the book's ``value`` of result ``id`` a re-run may land and still be the
    same result: three standard deviations of one run.

    The standard deviation is the seeds' (``benchmarks/seeds.py``) where the book measured one
    for this result, else the binomial standard error of ``value`` on the digits it counts
    (see :func:`standard_error`); the band is at least one digit. Two runs with different
    seeds differ by sqrt(2) of those deviations on average; a re-run on another processor
    starts from the same weights and order and drifts apart only through rounding, so it stays
    closer than that. Counts of units, connections and parameters depend on no rounding, and
    the results of an experiment trained by the engine (``recipes.TRAINED_BY_THE_ENGINE``) are
    the same on every machine: their band is 0.
    """
    entry = reported(id)
    experiment, metric = id.split(".", 1)
    if experiment in TRAINED_BY_THE_ENGINE:
        return Spread(0.0, "trained and measured by the engine, the same on every machine")
    if entry.unit != "%":
        return Spread(0.0, "a count, the same on every machine")
    seeds = seed_results(experiment)
    by_seed = (seeds or {}).get(f"{metric}_by_seed", {})
    n = digits_measured(id)
    if len(by_seed) > 1:
        sigma = statistics.stdev(by_seed.values())
        basis = f"{len(by_seed)} seeds' standard deviation, {sigma:.2f}"
    else:
        sigma = standard_error(recorded(id) if value is None else value, n)
        basis = f"binomial standard error on {n:,} digits, {sigma:.2f}"
    return Spread(max(SPREAD_IN_STANDARD_DEVIATIONS * sigma, 100 / n), f"3 x the {basis}")


def curve_point_spread(id: str, value: float) -> float:
    """The band of one coordinate (in %) of a recorded curve: three binomial standard errors
    of that coordinate on the experiment's test set (at least one digit)."""
    experiment = id.split(".", 1)[0]
    n = next(
        (digits_measured(r) for r in REPORTED if r == f"{experiment}.test_error"),
        MNIST_TEST_DIGITS,
    )
    return max(SPREAD_IN_STANDARD_DEVIATIONS * standard_error(value, n), 100 / n)


def compare_with_book(id: str, book: float, run: float, spread: Spread | None = None) -> str:
    """One line: this run's value of ``id`` beside the book's, and whether it lies within the spread."""
    spread = spread or expected_spread(id, book)
    unit = reported(id).unit
    shown = f" {unit}" if unit == "%" else ""
    verdict = "within" if abs(run - book) <= spread.band else "OUTSIDE"
    return (
        f"{id}: the book: {format_value(book, unit)}{shown}, this run: {format_value(run, unit)}{shown}, "
        f"{verdict} the expected spread (±{format_value(spread.band, unit)}; {spread.basis})"
    )
