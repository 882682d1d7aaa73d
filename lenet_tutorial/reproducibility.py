"""Seeds and threads: what makes a chapter print the same numbers every time.

The book's notebooks are re-executed in CI and their outputs compared with the
committed ones, digit for digit. That needs every random number generator seeded
and a fixed number of threads: a matrix product split over a different number of
threads adds its terms in another order and can change the last bits of a result.

The book's numbers are computed with two threads. On a machine that lets a program use
only one CPU -- Binder, a container started with ``--cpus=1``, a one-core laptop -- two
threads are a trap: every operation is split into two halves that wait for each other,
and on one CPU one half always waits for the other to be scheduled. Measured on a 1-CPU
quota, a LeNet-5 training step took 7.7 ms with two threads and 3.5 ms with one. So
there the chapters use one thread, and say so.
"""

from __future__ import annotations

import math
import os
import platform
import random
import warnings
from pathlib import Path

import numpy as np
import torch

THREADS_ENV = "LENET_TUTORIAL_THREADS"
DEFAULT_THREADS = 2  # the machine the committed outputs were computed on
CGROUP_ROOT = Path("/sys/fs/cgroup")


def cpu_quota(cgroup_root: Path = CGROUP_ROOT, membership: Path = Path("/proc/self/cgroup")) -> float | None:
    """The CPUs this process's Linux control group may use (a quota, e.g. 1.0), or ``None``.

    Containers (Binder, Docker's ``--cpus``) limit CPU *time* rather than the CPUs a program
    sees: ``os.cpu_count()`` still reports every core of the host. The limit is in the
    control group's ``cpu.max`` (cgroup v2: "quota period", or "max" for none) or
    ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us`` (v1: quota -1 for none), looked up in
    the group this process belongs to and in the root of the mount, which is the group
    itself inside a container.
    """
    try:
        lines = membership.read_text().splitlines()
    except OSError:
        return None
    quotas = []
    for line in lines:
        fields = line.split(":", 2)  # hierarchy:controllers:group
        if len(fields) != 3:
            continue
        _, controllers, group = fields
        group = group.lstrip("/")
        if controllers == "":  # cgroup v2
            for folder in {cgroup_root / group, cgroup_root}:
                quotas.append(_quota_v2(folder / "cpu.max"))
        elif "cpu" in controllers.split(","):  # cgroup v1, mounted as cpu or cpu,cpuacct
            for mount in {cgroup_root / "cpu", cgroup_root / controllers}:
                for folder in {mount / group, mount}:
                    quotas.append(_quota_v1(folder))
    quotas = [q for q in quotas if q is not None]
    return min(quotas) if quotas else None


def _quota_v2(path: Path) -> float | None:
    try:
        quota, period = path.read_text().split()
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):
        return None


def _quota_v1(folder: Path) -> float | None:
    try:
        quota = int((folder / "cpu.cfs_quota_us").read_text())
        period = int((folder / "cpu.cfs_period_us").read_text())
        return None if quota <= 0 else quota / period
    except (OSError, ValueError, ZeroDivisionError):
        return None


def usable_cpus() -> int:
    """The CPUs this process can keep busy: those it may run on, within its CPU-time quota."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = cpu_quota()
    if quota is not None:
        cpus = min(cpus, max(1, math.floor(quota)))
    return cpus


def thread_count(threads: int | None = None) -> int:
    """``threads``, or else ``$LENET_TUTORIAL_THREADS``, or else 2 -- or 1 where only one CPU is usable."""
    if threads is not None:
        return threads
    if THREADS_ENV in os.environ:
        return int(os.environ[THREADS_ENV])
    cpus = usable_cpus()
    if cpus < DEFAULT_THREADS:
        warnings.warn(
            "this machine lets Python use one CPU: the chapters train with one thread instead of "
            "the book's two (two threads on one CPU wait for each other: about twice as slow). "
            "Results can differ from the book's in the last digits; set "
            f"{THREADS_ENV}={DEFAULT_THREADS} to reproduce them exactly, slowly.",
            stacklevel=2,
        )
        return cpus
    return DEFAULT_THREADS


def seed_everything(seed: int = 0, threads: int | None = None) -> torch.Generator:
    """Seed Python, NumPy and PyTorch, fix the thread count, and return a seeded generator.

    ``threads`` defaults to ``$LENET_TUTORIAL_THREADS``, else 2 (1 on a machine with one
    usable CPU: see :func:`thread_count`). Two threads give the book's numbers bit for bit;
    any value gives a run that repeats itself.
    """
    threads = thread_count(threads)
    torch.set_num_threads(threads)
    # On a GPU, deterministic matrix products need this cuBLAS setting (read when CUDA starts);
    # on a CPU it does nothing.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


# The processor features that decide which vector kernels PyTorch, oneDNN and MKL pick: two
# machines that differ in one of them can round a mini-batch step differently.
# Settings that make PyTorch, MKL and oneDNN pick other kernels on the same processor.
KERNEL_SETTINGS = ("ATEN_CPU_CAPABILITY", "MKL_CBWR", "MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA")
VECTOR_FEATURES = (
    "sse4_2",
    "avx",
    "fma",
    "avx2",
    "avx512f",
    "avx512bw",
    "avx512_vnni",
    "avx512_bf16",
    "amx_tile",
)


def _cpuinfo(path: Path = Path("/proc/cpuinfo")) -> dict[str, str]:
    """The first processor's fields in ``/proc/cpuinfo`` (Linux), or nothing elsewhere."""
    fields: dict[str, str] = {}
    try:
        text = path.read_text()
    except OSError:
        return fields
    for line in text.splitlines():
        if not line.strip():
            break  # the end of the first processor's block
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def machine(threads: int | None = None) -> dict[str, str | int]:
    """What decides the last bits of the numbers a chapter computes, as a flat record.

    The processor (its model and the vector instructions it offers), the kernels PyTorch
    chose for it (``ATEN_CPU_CAPABILITY`` can lower them), the library versions and the
    thread count. Two executions with equal records compute the same bits; the notebook
    tests compare a chapter's outputs exactly only where the record of the machine that
    executed it equals this one (``tools/execute_notebooks.py`` stores it in the notebook).
    """
    import matplotlib
    import numba

    cpu = _cpuinfo()
    flags = set(cpu.get("flags", "").split())
    return {
        "processor": cpu.get("model name") or platform.processor() or "unknown",
        "cpu_id": " ".join(cpu.get(k, "?") for k in ("vendor_id", "cpu family", "model", "stepping")),
        "vector_features": " ".join(f for f in VECTOR_FEATURES if f in flags),
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "kernel_settings": " ".join(f"{k}={os.environ[k]}" for k in KERNEL_SETTINGS if k in os.environ),
        "architecture": platform.machine(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "matplotlib": matplotlib.__version__,
        "numba": numba.__version__,
        "threads": thread_count(threads),
    }


def machine_differences(recorded: dict, current: dict) -> list[str]:
    """The fields in which two :func:`machine` records differ, as ``"field: a -> b"`` lines."""
    keys = sorted(set(recorded) | set(current))
    return [
        f"{key}: {recorded.get(key, 'not recorded')} -> {current.get(key, 'not recorded')}"
        for key in keys
        if recorded.get(key) != current.get(key)
    ]
