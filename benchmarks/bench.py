"""How fast the book trains, measured: the compiled engine and the package's PyTorch loop
against a tutorial-style pipeline.

    python benchmarks/bench.py --json           # training throughput, a few minutes on 2 cores
    python benchmarks/bench.py --record         # the same, kept in benchmarks/results/speed/
    python benchmarks/bench.py --book --json    # every chapter executed as CI does, 2 and 1 threads

**Throughput.** For each historical network, one training step (forward, backward, the SDLM
update with its per-parameter step sizes) is timed three or four ways on the same patterns,
in the same run, alternating, and the median of several repeats kept:

- *engine*: at batch size 1 (the papers' per-pattern updates), the compiled engine
  (:mod:`lenet_tutorial.engine`, one thread); at a chapter's mini-batch size,
  :func:`lenet_tutorial.train.one_pass`, the PyTorch loop (data pre-processed once into one
  tensor, batches as slices; for LeNet-5 the hand-written backward pass of
  :mod:`lenet_tutorial.backprop`);
- *torch loop* (batch size 1): that PyTorch loop, one pattern per step (key
  ``torch_loop_images_per_s``);
- *autograd* (LeNet-5 only): the PyTorch loop with autograd's backward pass (key
  ``autograd_images_per_s``);
- *naive*: the way tutorials usually write it: a ``torch.utils.data.Dataset`` that returns one
  normalised sample at a time (raw pixels converted and padded on each access), a
  ``DataLoader`` with the same batch size, the same model, loss and optimiser.

``speedup`` is engine over naive.

**The paper's schedule.** ``lenet5_paper_schedule_s``: one full per-pattern pass of the engine
over the 60,000 training digits, with its curvature estimate on 500 patterns and the test
error measured after it, times 20 (the median of three such passes, each from the same
weights: two single passes on one machine, minutes apart, differed by 15%).

**The bound of a step.** ``lenet5_step_bound_s`` is the floating-point work of one LeNet-5
per-pattern step divided by this core's single-thread peak (``core_gflops``: a 512 x 512
matrix product on one thread). The work: 2 operations (a multiply and an add) per connection
forward, 2 per connection for the gradient with respect to the inputs (not below C1, whose
inputs are the image), 2 per trainable connection for the gradients of the weights, and 2 per
parameter for the update. ``lenet5_step_over_bound`` is the measured step over it.

**The bound of a mini-batch pass.** ``lenet5_epoch_s`` is one 60,000-digit pass of LeNet-5 at
its chapter's first batch size (16) with the PyTorch loop; ``lenet5_epoch_bound_s`` its
arithmetic (3 x 2 x 340,908 operations per digit) at this machine's matrix-multiply rate on
the same threads.

**The book.** ``--book`` executes each chapter (a copy, in a temporary folder: the committed
outputs are not touched) in a fresh kernel with 2 threads, then with 1 thread (the Binder
proxy), and reports its wall time and the kernel's peak memory. Each setting starts from an
empty cache of trained networks, as a new reader does (the data still come from
``$LENET_TUTORIAL_DATA`` if it is set). ``--threads 1`` runs one
setting only; ``--chapters lenet5 legacy`` only the chapters whose file names are given.

Machines are noisy: compare ratios measured in the same run, and medians. The targets are
each measured within one run, but whether they are met depends on the processor (a core's
peak, and how far a per-pattern step falls short of it): ``--record`` keeps one run per processor type,
``benchmarks/results/speed/<vendor>-<family>-<model>.json``, replacing that type's last one,
and the Status page sets the targets beside each.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from lenet_tutorial import reproducibility
from lenet_tutorial.backprop import LeNet5Backprop
from lenet_tutorial.data import load_mnist, load_usps, mnist_to_lenet5, usps_to_lenet1
from lenet_tutorial.data.preprocess import LENET5_BACKGROUND, LENET5_FOREGROUND
from lenet_tutorial.distortions import engine_distorter
from lenet_tutorial.engine import Engine
from lenet_tutorial.losses import MAPLoss, TargetMSELoss
from lenet_tutorial.models import LeNet1, LeNet4, LeNet5, ZipCodeNet1989
from lenet_tutorial.models.summary import layer_counts
from lenet_tutorial.recipes.lenet5 import FIRST_BATCH as LENET5_BATCH
from lenet_tutorial.recipes.lenet5 import J
from lenet_tutorial.reproducibility import seed_everything
from lenet_tutorial.sdlm import SDLM
from lenet_tutorial.train import one_pass

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5
SCHEDULE_PASSES = 3  # full 60,000-digit passes timed for the paper's schedule (their median)


@dataclass(frozen=True)
class Case:
    """A network as its chapter trains it: raw data, how one raw sample becomes an input, batch size."""

    build: type
    dataset: str  # "usps" or "mnist"
    chapter_batch: int
    map_loss: bool = False
    backprop: type | None = None  # a hand-written backward pass, if the package has one


CASES = {
    "zip1989": Case(ZipCodeNet1989, "usps", 1),
    "lenet1": Case(LeNet1, "usps", 1),
    "lenet4": Case(LeNet4, "mnist", 1),
    "lenet5": Case(LeNet5, "mnist", LENET5_BATCH, map_loss=True, backprop=LeNet5Backprop),
}


def raw_data(dataset: str, n: int):
    """The first ``n`` training digits as stored (MNIST: uint8 28x28; USPS: floats 16x16) and labels."""
    if dataset == "mnist":
        images, labels = load_mnist("train")
    else:
        images, labels = load_usps("train")
    return images[:n], labels[:n]


def prepare(case: Case, images: torch.Tensor) -> torch.Tensor:
    """The chapter's input tensor for ``images``, all at once."""
    if case.build is ZipCodeNet1989:
        return images.clone()
    return usps_to_lenet1(images) if case.dataset == "usps" else mnist_to_lenet5(images)


class OneSampleAtATime(Dataset):
    """The tutorial pattern: keep raw pixels, normalise each sample when it is asked for."""

    def __init__(self, case: Case, images: torch.Tensor, labels: torch.Tensor):
        self.case, self.images, self.labels = case, images, labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int):
        image = self.images[i]
        if self.case.dataset == "mnist":  # grey levels, then pad 28x28 -> 32x32 with background
            x = image.float() / 255 * (LENET5_FOREGROUND - LENET5_BACKGROUND) + LENET5_BACKGROUND
            x = torch.nn.functional.pad(x, (2, 2, 2, 2), value=LENET5_BACKGROUND).unsqueeze(0)
        elif self.case.build is ZipCodeNet1989:
            x = image.float()
        else:  # USPS 16x16 centred in 28x28 background
            x = torch.nn.functional.pad(image.float(), (6, 6, 6, 6), value=-1.0).unsqueeze(0)
        return x, self.labels[i]


def fresh(case: Case):
    """Model, loss and SDLM optimiser, seeded, with a fixed curvature (the same for both loops)."""
    seed_everything(0)
    model = case.build()
    loss = MAPLoss(J, model.output) if case.map_loss else TargetMSELoss(outputs="sum")
    optimizer = SDLM(model.parameters(), lr=1e-6, mu=1.0)
    return model, loss, optimizer


def engine_seconds(case: Case, inputs, labels, batch: int, by_hand: bool = True) -> float:
    """The package's loop; with the case's hand-written backward pass if it has one and ``by_hand``."""
    model, loss, optimizer = fresh(case)
    gradients = case.backprop(model, loss) if case.backprop is not None and by_hand else None
    started = time.perf_counter()
    one_pass(model, inputs, labels, loss, optimizer, batch, gradients)
    return time.perf_counter() - started


def naive_seconds(case: Case, images, labels, batch: int) -> float:
    model, loss, optimizer = fresh(case)
    loader = DataLoader(OneSampleAtATime(case, images, labels), batch_size=batch, shuffle=True)
    started = time.perf_counter()
    model.train()
    for x, y in loader:
        optimizer.zero_grad()
        batch_loss = loss(model(x), y)
        batch_loss.backward()
        optimizer.step()
    return time.perf_counter() - started


def compiled_engine(case: Case, inputs, labels):
    """The compiled engine for ``case``, its inputs converted, steps from a curvature estimate."""
    seed_everything(0)
    model = case.build()
    engine = Engine(
        model, tuple(inputs.shape[1:]), criterion="map" if case.map_loss else "squared_error", j=J
    )
    engine.warm_up()  # compiled, or loaded from the cache
    x, y = engine.images(inputs), engine.labels(labels, len(inputs))
    step = engine.steps(1e-6, 1.0, engine.curvature(x, np.arange(min(500, len(x)))))
    return engine, x, y, step


def compiled_seconds(engine: Engine, x, y, step) -> float:
    saved = engine.theta.copy()
    started = time.perf_counter()
    engine.train_pass(x, y, None, step)
    seconds = time.perf_counter() - started
    engine.theta[:] = saved
    return seconds


def throughput(case: Case, batch: int) -> dict:
    n = 2048 if batch == 1 else 4096
    images, labels = raw_data(case.dataset, n)
    inputs = prepare(case, images)
    engine_seconds(case, inputs[:64], labels[:64], batch)  # warm-up: allocator, kernels
    if batch == 1:
        compiled = compiled_engine(case, inputs, labels)
    engine, loop, naive, autograd = [], [], [], []
    for _ in range(REPEATS):  # alternate, so that slow moments of the machine hit all
        if batch == 1:
            engine.append(compiled_seconds(*compiled))
            loop.append(engine_seconds(case, inputs[:512], labels[:512], batch) * n / 512)
        else:
            engine.append(engine_seconds(case, inputs, labels, batch))
        naive.append(naive_seconds(case, images[:512], labels[:512], batch) * n / 512)
        if case.backprop is not None:
            autograd.append(engine_seconds(case, inputs[:512], labels[:512], batch, by_hand=False) * n / 512)
    e, v = n / statistics.median(engine), n / statistics.median(naive)
    result = {
        "engine_images_per_s": round(e, 1),
        "naive_images_per_s": round(v, 1),
        "speedup": round(e / v, 2),
    }
    if loop:
        result["torch_loop_images_per_s"] = round(n / statistics.median(loop), 1)
    if autograd:
        result["autograd_images_per_s"] = round(n / statistics.median(autograd), 1)
    return result


def core_gflops(size: int = 512) -> float:
    """One core's floating-point rate: a matrix product on one thread (float32, multiply-adds as 2)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        a, b = torch.randn(size, size), torch.randn(size, size)
        torch.mm(a, b)
        rates = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            for _ in range(10):
                torch.mm(a, b)
            rates.append(10 * 2 * size**3 / (time.perf_counter() - started) / 1e9)
    finally:
        torch.set_num_threads(threads)
    return statistics.median(rates)


def lenet5_step_flops() -> int:
    """The floating-point operations of one LeNet-5 per-pattern step, counted as the module says."""
    counts = {r.name: r for r in layer_counts(LeNet5(), (1, 32, 32))}
    connections = sum(r.connections for r in counts.values())
    below_c1 = connections - counts["c1"].connections  # C1's inputs are the image: no gradient
    trainable = connections - counts["output"].connections  # the RBF centres are fixed
    parameters = sum(r.parameters for r in counts.values())
    return 2 * connections + 2 * below_c1 + 2 * trainable + 2 * parameters


def lenet5_paper_schedule(gflops_one_core: float) -> dict:
    """One full per-pattern pass of the engine, as the paper's schedule makes twenty."""
    case = CASES["lenet5"]
    images, labels = load_mnist("train")
    test_images, test_labels = load_mnist("test")
    engine, x, y, step = compiled_engine(case, mnist_to_lenet5(images), labels)
    tests = engine.images(mnist_to_lenet5(test_images))
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0)).numpy()
    saved, passes = engine.theta.copy(), []
    for _ in range(SCHEDULE_PASSES):  # each from the same weights: one pass of ~10 s is noisy
        engine.theta[:] = saved
        started = time.perf_counter()
        step = engine.steps(0.0005, 1.0, engine.curvature(x, np.arange(500)))
        engine.train_pass(x, y, order, step)
        engine.error(tests, test_labels)
        passes.append(time.perf_counter() - started)
    engine.theta[:] = saved
    one_pass = statistics.median(passes)
    step_seconds = min(compiled_seconds(engine, x[:2000], y[:2000], step) for _ in range(3)) / 2000
    # the distortions chapter's fresh training set, made before each pass (compiled resampling)
    distort = engine_distorter(background=LENET5_BACKGROUND)
    distort(x[:10], torch.Generator().manual_seed(0))  # compiles (or loads) the loops
    distortions = []
    for seed in range(REPEATS):
        started = time.perf_counter()
        distort(x, torch.Generator().manual_seed(seed))
        distortions.append(time.perf_counter() - started)
    bound = lenet5_step_flops() / (gflops_one_core * 1e9)
    return {
        "lenet5_paper_schedule_s": round(20 * one_pass, 1),
        "lenet5_paper_schedule_passes": SCHEDULE_PASSES,
        "lenet5_step_s": round(step_seconds, 7),
        "lenet5_step_bound_s": round(bound, 7),
        "lenet5_step_over_bound": round(step_seconds / bound, 2),
        "lenet5_distortions_s": round(statistics.median(distortions), 2),
        "lenet5_distortions_over_pass": round(statistics.median(distortions) / one_pass, 3),
    }


def matmul_gflops(size: int = 1024) -> float:
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    rates = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _ in range(5):
            torch.mm(a, b)
        rates.append(5 * 2 * size**3 / (time.perf_counter() - started) / 1e9)
    return statistics.median(rates)


def lenet5_epoch(gflops: float) -> dict:
    case = CASES["lenet5"]
    images, labels = load_mnist("train")
    inputs = mnist_to_lenet5(images)
    seconds = engine_seconds(case, inputs, labels, LENET5_BATCH)
    connections = sum(r.connections for r in layer_counts(LeNet5(), (1, 32, 32)))
    flops = len(inputs) * 3 * 2 * connections
    bound = flops / (gflops * 1e9)
    return {
        "lenet5_epoch_s": round(seconds, 2),
        "lenet5_epoch_bound_s": round(bound, 2),
        "lenet5_epoch_over_bound": round(seconds / bound, 1),
        "lenet5_epoch_gflop": round(flops / 1e9, 1),
    }


def provenance() -> dict:
    """What a measurement depends on, recorded by the run itself: the commit measured (and
    whether the working tree differed from it), when the run started, and the machine
    (:func:`lenet_tutorial.reproducibility.machine`: processor, vector features, PyTorch's CPU
    kernels, library versions, threads). Two machines with the same operating system can
    differ twofold: PyTorch's kernels use the widest vector instructions the processor has."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {
        "commit": git("rev-parse", "HEAD").strip() or None,
        "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no").strip()),
        "started": _now(),
        "machine": reproducibility.machine(),
        "cpus": os.cpu_count(),
    }


def record_path(result: dict) -> Path:
    """Where ``--record`` keeps a run: one file per processor type (vendor, family, model)."""
    cpu_id = result["provenance"]["machine"].get("cpu_id") or ""
    parts = cpu_id.split()[:3]
    if len(parts) < 3:
        raise SystemExit(
            f"this machine's processor type is not known ({cpu_id!r}): print with --json instead"
        )
    return ROOT / "benchmarks" / "results" / "speed" / f"{'-'.join(parts)}.json"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def quick() -> dict:
    seed_everything(0)
    result = {"provenance": provenance(), "models": {}}
    for name, case in CASES.items():
        sizes = sorted({1, case.chapter_batch})
        result["models"][name] = {str(b): throughput(case, b) for b in sizes}
        print(f"{name}: {result['models'][name]}", file=sys.stderr, flush=True)
    gflops = matmul_gflops()
    result["matmul_gflops"] = round(gflops, 1)
    result.update(lenet5_epoch(gflops))
    one_core = core_gflops()
    result["core_gflops"] = round(one_core, 1)
    result.update(lenet5_paper_schedule(one_core))
    result["provenance"]["finished"] = _now()
    return result


# --- the book ----------------------------------------------------------------------------


def chapters(names: list[str] | None = None) -> list[Path]:
    """The notebooks of the table of contents, in reading order (only ``names``, if given)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
    paths = [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]
    if names is None:
        return paths
    unknown = set(names) - {p.stem for p in paths}
    if unknown:
        raise SystemExit(
            f"no chapter named {', '.join(sorted(unknown))}; choose from: {' '.join(p.stem for p in paths)}"
        )
    return [p for p in paths if p.stem in names]


def run_notebook(path: str) -> None:
    """Execute one notebook (in this process's folder), then print the kernel's peak memory in MB."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=None, kernel_name="python3").execute()
    # the kernel was this process's child: the largest resident size among finished children
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"peak_mb": round(peak_kb / 1024, 1)}))


def book(thread_counts=(2, 1), names: list[str] | None = None) -> dict:
    result = {"provenance": provenance(), "chapters": {}, "total_s": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for threads in thread_counts:
            total = 0.0
            for path in chapters(names):
                copy = Path(scratch) / path.name
                shutil.copy(path, copy)
                env = dict(
                    os.environ,
                    LENET_TUTORIAL_THREADS=str(threads),
                    LENET_TUTORIAL_PROGRESS="0",
                    # an empty cache per setting, as a new reader has: every network is trained,
                    # and a later chapter reuses only what an earlier one saved in this run
                    LENET_TUTORIAL_CACHE=str(Path(scratch) / f"cache-{threads}-threads"),
                )
                started = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, __file__, "--run-notebook", str(copy)],
                    cwd=scratch,
                    env=env,
                    capture_output=True,
                    text=True,
                )
                seconds = time.perf_counter() - started
                name = str(path.relative_to(ROOT))
                if done.returncode:  # recorded, and the run goes on: the other chapters' times still count
                    print(
                        f"{path.name} failed with {threads} thread(s):\n{done.stderr[-2000:]}",
                        file=sys.stderr,
                    )
                    result.setdefault("failed", []).append(f"{name}, {threads} thread(s)")
                    continue
                peak = json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"]
                result["chapters"].setdefault(name, {})[f"{threads}_threads"] = {
                    "seconds": round(seconds, 1),
                    "peak_mb": peak,
                }
                total += seconds
                print(
                    f"{name}, {threads} thread(s): {seconds:.0f} s, {peak:.0f} MB",
                    file=sys.stderr,
                    flush=True,
                )
            result["total_s"][f"{threads}_threads"] = round(total, 1)
    result["provenance"]["finished"] = _now()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--record", action="store_true", help="keep the run in benchmarks/results/speed/")
    parser.add_argument("--book", action="store_true", help="execute every chapter, 2 and 1 threads")
    parser.add_argument("--threads", type=int, choices=(1, 2), help="with --book: one thread count only")
    parser.add_argument("--chapters", nargs="+", metavar="NAME", help="with --book: these chapters only")
    parser.add_argument("--run-notebook", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_notebook:
        run_notebook(args.run_notebook)
        return
    if args.book and args.record:
        parser.error(
            "--record keeps the training speed; for the chapters: --book --json > benchmarks/results/book.json"
        )
    if args.book:
        result = book((args.threads,) if args.threads else (2, 1), args.chapters)
    else:
        result = quick()
    if args.record:
        path = record_path(result)
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(result) + "\n")
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
        return
    print(json.dumps(result, indent=None if args.json else 2))
    if result.get("failed"):
        raise SystemExit(f"failed: {'; '.join(result['failed'])}")


if __name__ == "__main__":
    main()
