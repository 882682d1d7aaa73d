"""Seeds and threads: what makes a chapter print the same numbers every time.

The book's notebooks are re-executed in CI and their outputs compared with the
committed ones, digit for digit. That needs every random number generator seeded
and a fixed number of threads: a matrix product split over a different number of
threads adds its terms in another order and can change the last bits of a result.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

THREADS_ENV = "LENET_TUTORIAL_THREADS"
DEFAULT_THREADS = 2  # the machine the committed outputs were computed on


def thread_count(threads: int | None = None) -> int:
    """``threads``, or else ``$LENET_TUTORIAL_THREADS``, or else 2."""
    return int(os.environ.get(THREADS_ENV, DEFAULT_THREADS)) if threads is None else threads


def seed_everything(seed: int = 0, threads: int | None = None) -> torch.Generator:
    """Seed Python, NumPy and PyTorch, fix the thread count, and return a seeded generator.

    ``threads`` defaults to ``$LENET_TUTORIAL_THREADS`` or 2. Keep it at 2 to get the
    book's numbers bit for bit; any value gives a run that repeats itself.
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
