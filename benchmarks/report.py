"""Write the book's Status page from the measured results in ``benchmarks/results/``.

    python benchmarks/bench.py --record    # benchmarks/results/speed/<processor type>.json
    python benchmarks/bench.py --book --json > benchmarks/results/book.json
    python benchmarks/seeds.py lenet5 --json > benchmarks/results/seeds/lenet5.json
    python benchmarks/report.py            # rewrites book/status.md

The page shows only what the files hold; a test keeps it equal to them.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PAGE = ROOT / "book" / "status.md"

MODEL_NAMES = {
    "zip1989": "1989 zip-code network",
    "lenet1": "LeNet-1",
    "lenet4": "LeNet-4",
    "lenet5": "LeNet-5",
}


def _load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


NOT_RECORDED = "not recorded"


def provenance_table(result: dict) -> list[str]:
    """Where and when a result file was measured, as the fields the run recorded itself
    (files from before ``bench.py`` recorded them hold a few machine fields only)."""
    p = result.get("provenance") or {"machine": result.get("machine", {})}
    m = p.get("machine", {})
    torch_kernels = m.get("torch_cpu_capability") or m.get("cpu_capability")
    versions = ", ".join(
        f"{name} {m[key]}"
        for name, key in (("Python", "python"), ("PyTorch", "torch"), ("numba", "numba"))
        if m.get(key)
    )
    started, finished = p.get("started"), p.get("finished")
    commit = p.get("commit")
    if commit and p.get("uncommitted_changes"):
        commit += " (with uncommitted changes)"
    fields = [
        ("commit", commit),
        ("measured", f"{started} to {finished}" if started and finished else None),
        ("processor", m.get("processor") if "cpu_id" in m or "cpu_capability" in m else None),
        ("processor id (vendor, family, model, stepping)", m.get("cpu_id")),
        ("vector instructions", m.get("vector_features")),
        ("PyTorch's CPU kernels", torch_kernels),
        ("versions", versions or None),
        ("threads", m.get("threads")),
    ]
    for chapter, again in p.get("remeasured", {}).items():  # measured again after the run, and why
        fields.append(
            (
                f"`{chapter}` measured again",
                f"{again['started']}: {again['because']} ({again['first_seconds']:.0f} s)",
            )
        )
    return ["| field | value |", "|---|---|"] + [
        f"| {name} | {NOT_RECORDED if value in (None, '') else value} |" for name, value in fields
    ]


# The engine's speed targets: ratios measured in one run of bench.py, so that they hold on any machine.
TARGETS = [
    *(
        (
            f"{MODEL_NAMES[name]}: per-pattern step, engine over the naive pipeline",
            ("models", name, "1", "speedup"),
            ">=",
            15,
        )
        for name in ("zip1989", "lenet1", "lenet4", "lenet5")
    ),
    ("LeNet-5: the paper's 20 per-pattern passes (s)", ("lenet5_paper_schedule_s",), "<=", 150),
    ("LeNet-5: one step over its arithmetic bound", ("lenet5_step_over_bound",), "<=", 5),
]


def speed_runs() -> list[dict]:
    """The kept runs of ``bench.py --record``, one per processor type, oldest first."""
    folder = RESULTS / "speed"
    runs = [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))] if folder.exists() else []
    return sorted(runs, key=lambda run: run["provenance"]["started"])


def _processor(run: dict) -> str:
    m = run["provenance"]["machine"]
    return f"{m.get('processor', NOT_RECORDED)} ({m.get('cpu_id', NOT_RECORDED)}), {run['provenance']['started'][:10]}"


def targets_section(runs: list[dict]) -> list[str]:
    """The targets beside what each processor type's last run of ``bench.py`` measured: met, or missed."""
    lines = ["## Speed targets", ""]
    if not runs:
        return lines + ["Not measured yet: run `python benchmarks/bench.py --record`.", ""]
    lines += [
        "Each target is measured within one run, but whether it is met depends on the processor",
        "(its peak rate, and how far a per-pattern step falls short of it): each column is the last",
        "run on one type of processor.",
        "",
        "| target | " + " | ".join(_processor(run) for run in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for name, path, sense, bound in TARGETS:
        cells = []
        for run in runs:
            value = run
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if value is None:
                cells.append("not measured")
                continue
            met = value >= bound if sense == ">=" else value <= bound
            cells.append(f"{value:g} ({'met' if met else 'missed'})")
        lines.append(f"| {name} {'≥' if sense == '>=' else '≤'} {bound} | " + " | ".join(cells) + " |")
    return lines + [""]


def speed_section(speed: dict | None) -> list[str]:
    lines = ["## Training speed", ""]
    if speed is None:
        return lines + ["Not measured yet: run `python benchmarks/bench.py --record`.", ""]
    lines += [
        "The last run of `python benchmarks/bench.py --record` (the runs on other processors are in",
        "`benchmarks/results/speed/`, and their targets below):",
        "",
        *provenance_table(speed),
        "",
        "One training step — forward, backward and the SDLM update with its per-parameter steps — timed several",
        "ways on the same patterns, alternating, median of 5 runs each. *Engine*: at batch size 1 (the",
        "papers' per-pattern updates), the compiled engine of the page *The engine* (one thread); at a",
        "chapter's mini-batch size, the package's PyTorch loop (data pre-processed once into tensors,",
        "batches as slices; for LeNet-5 with the hand-written backward pass of *Back-propagation by",
        "hand*). *PyTorch loop*: that loop one pattern per step. *Autograd*: the loop with autograd's",
        "backward pass (LeNet-5). *Naive*: a tutorial-style pipeline, a `Dataset` normalising one sample",
        "per access and a `DataLoader`, the same model, loss and optimiser. *Speedup*: engine over naive.",
        "",
        "| network | batch size | engine (images/s) | PyTorch loop (images/s) | autograd (images/s) | naive (images/s) | speedup |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, sizes in speed["models"].items():
        for batch, row in sizes.items():
            lines.append(
                f"| {MODEL_NAMES.get(name, name)} | {batch} | {row['engine_images_per_s']:,.0f} | "
                f"{_number(row.get('torch_loop_images_per_s'))} | {_number(row.get('autograd_images_per_s'))} | "
                f"{row['naive_images_per_s']:,.0f} | {row['speedup']:.2f}× |"
            )
    lines += [""]
    if "lenet5_paper_schedule_s" in speed:
        lines += [
            f"**The paper's schedule.** One full per-pattern pass of LeNet-5 with the engine, its curvature "
            f"estimated on 500 patterns and its test error measured after it"
            f"{_median_of(speed.get('lenet5_paper_schedule_passes', 1))}, times 20: "
            f"**{speed['lenet5_paper_schedule_s']:.0f} s** for the 1998 paper's 20 passes over 60,000 digits. "
            f"One step took {1e6 * speed['lenet5_step_s']:.0f} µs; its arithmetic (2 operations per "
            f"connection forward, per connection above C1 for the input gradients, per trainable "
            f"connection for the weight gradients, and per parameter for the update) at this core's "
            f"single-thread rate of {speed['core_gflops']:.0f} GFLOP/s (a 512 × 512 matrix product) would "
            f"take {1e6 * speed['lenet5_step_bound_s']:.0f} µs: the step runs at "
            f"{speed['lenet5_step_over_bound']:.1f}× that bound.",
            "",
        ]
    if "lenet5_distortions_s" in speed:
        lines += [
            f"**Distortions.** A fresh random distortion of each of the 60,000 training digits, as the "
            f"distortions chapter makes before each pass (compiled resampling, the same bits on every "
            f"machine), median of 5: **{speed['lenet5_distortions_s']:.2f} s**, "
            f"{100 * speed['lenet5_distortions_over_pass']:.0f}% of one per-pattern pass.",
            "",
        ]
    lines += [
        f"One 60,000-digit pass of LeNet-5 at its chapter's first batch size (16), with the PyTorch loop, "
        f"took **{speed['lenet5_epoch_s']:.1f} s**. Its arithmetic, {speed['lenet5_epoch_gflop']:.0f} GFLOP "
        f"(3 × 2 floating-point operations per connection and digit: forward, and the two backward "
        f"products), at this machine's measured matrix-multiply rate of {speed['matmul_gflops']:.0f} "
        f"GFLOP/s, would take {speed['lenet5_epoch_bound_s']:.1f} s: the pass runs at "
        f"{speed['lenet5_epoch_over_bound']:.0f}× that bound.",
        "",
    ]
    return lines


def book_section(book: dict | None) -> list[str]:
    lines = ["## Chapters: execution time and memory", ""]
    if book is None:
        return lines + ["Not measured yet: run `python benchmarks/bench.py --book --json`.", ""]
    lines += [
        "Each chapter executed in a fresh kernel, as CI executes it, from an empty cache of trained",
        "networks, with 2 threads and with 1 (the size of a Binder machine), in one run of",
        "`python benchmarks/bench.py --book --json`; a dash marks a setting that run did not make.",
        "Peak memory is the kernel's largest resident size.",
        "",
        *provenance_table(book),
        "",
        "| chapter | 2 threads (s) | 1 thread (s) | peak memory (MB) |",
        "|---|---|---|---|",
    ]
    for name, runs in book["chapters"].items():
        two, one = runs.get("2_threads", {}), runs.get("1_threads", {})
        peak = max((run["peak_mb"] for run in (two, one) if "peak_mb" in run), default=None)
        lines.append(
            f"| `{name}` | {_number(two.get('seconds'))} | {_number(one.get('seconds'))} | {_number(peak)} |"
        )
    for failed in book.get("failed", []):
        lines.append(f"| `{failed}` | failed | | |")
    totals = book["total_s"]
    two, one = totals.get("2_threads"), totals.get("1_threads")
    lines += [
        f"| **total** | {_minutes(two)} | {_minutes(one)} | |",
        "",
    ]
    return lines


def _number(value: float | None, spec: str = ",.0f") -> str:
    """A measured value, or a dash where that run was not made."""
    return "–" if value is None else format(value, spec)


def _minutes(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds / 60:.1f} min"


def seeds_section() -> list[str]:
    lines = ["## How much is noise: results over seeds", ""]
    files = sorted((RESULTS / "seeds").glob("*.json")) if (RESULTS / "seeds").exists() else []
    if not files:
        return lines + ["Not measured yet: run `python benchmarks/seeds.py EXPERIMENT --json`.", ""]
    lines += [
        "Each experiment retrained exactly as its chapter trains it, only the seed changed (seed 0",
        "is the chapter's own run). A test set alone has a standard error of about 0.1 percentage",
        "point at 1% error on MNIST's 10,000 digits, and about 0.5 points at 5% on USPS's 2,007",
        "(`zip1989`, `lenet1_usps`).",
        "",
        "| experiment | test error by seed (%) | mean ± standard deviation (%) | PyTorch's CPU kernels, by seed |",
        "|---|---|---|---|",
    ]
    for path in files:
        s = json.loads(path.read_text())
        by_seed = ", ".join(f"{seed}: {error:.2f}" for seed, error in s["test_error_by_seed"].items())
        spread = f"{s['mean']:.2f} ± {s['std']:.2f}" if s["std"] is not None else f"{s['mean']:.2f}"
        lines.append(f"| `{s['experiment']}` | {by_seed} | {spread} | {_kernels_by_seed(s)} |")
    return lines + [""]


def _kernels_by_seed(seeds: dict) -> str:
    """``kernels_by_seed`` of a seeds file, with runs of equal values merged ("1-4: AVX2")."""
    kernels = seeds.get("kernels_by_seed")
    if not kernels:
        return NOT_RECORDED
    groups: list[list] = []
    for seed, value in kernels.items():
        value = value or NOT_RECORDED
        if groups and groups[-1][2] == value and int(seed) == int(groups[-1][1]) + 1:
            groups[-1][1] = seed
        else:
            groups.append([seed, seed, value])
    return ", ".join(f"{a}: {v}" if a == b else f"{a}-{b}: {v}" for a, b, v in groups)


def render() -> str:
    lines = [
        "# Status",
        "",
        "What the book's own tools measured, on which machine. This page is written by",
        "`python benchmarks/report.py` from the files in `benchmarks/results/`, and a test keeps it",
        "equal to them; the methods are in `benchmarks/bench.py` and `benchmarks/seeds.py`.",
        "",
    ]
    lines += book_section(_load("book.json"))
    runs = speed_runs()
    lines += speed_section(runs[-1] if runs else None)
    lines += targets_section(runs)
    lines += seeds_section()
    return "\n".join(lines).rstrip() + "\n"


def _median_of(passes: int) -> str:
    """How many passes the schedule's one pass is the median of (runs before 220ae05 timed one)."""
    return f" (the median of {passes} such passes)" if passes > 1 else ""


def main() -> None:
    PAGE.write_text(render())
    print(f"wrote {PAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
