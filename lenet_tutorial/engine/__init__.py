"""The engine: the papers' one-pattern-at-a-time training, compiled, with the same bits everywhere.

In eager PyTorch a LeNet-5 training step is some hundred tensor operations of a few
microseconds each, whatever their size: the paper's twenty per-pattern passes take a quarter
of an hour. The step's arithmetic is about a million multiply-adds, microseconds at one
core's vector rate. This package is that step written as loops and compiled by numba:

- :mod:`~lenet_tutorial.engine.network` reads a PyTorch model (the one definition of each
  architecture) into tables and flat buffers, and writes trained weights back;
- :mod:`~lenet_tutorial.engine.kernels` holds every layer's forward and backward loops, the
  criteria, and whole passes: per-pattern SDLM updates (or summed mini-batches), the 1998
  curvature estimate and SN2.8's running average, evaluation;
- :mod:`~lenet_tutorial.engine.elementary` computes exp, tanh and log from arithmetic alone;
- :mod:`~lenet_tutorial.engine.engine` is the Python side: checks, buffers, results.

One thread, no BLAS, no fast-math (no reassociation, no fused multiply-add contraction),
every sum in the order the code writes it: the numbers are the same on every x86-64 machine,
whatever its vector instructions. ``python -m lenet_tutorial engine-digests`` prints the
digest of each network's weights after 2,000 steps; a test compares them with the committed
ones, compiled for this processor and for a generic one.
"""

from __future__ import annotations

# (numba's vectoriser is switched on by the package, lenet_tutorial/__init__.py, before any import
# of numba.)
from .engine import Engine
from .network import Network, UnsupportedLayer

__all__ = ["Engine", "Network", "UnsupportedLayer"]
