"""The engine: a network's tables, its buffers, and the compiled passes over them.

:class:`Engine` is built from a PyTorch model and trains a copy of its parameters, one
pattern at a time, with compiled loops; :meth:`Engine.write` puts the trained parameters
back into the model. Inputs are checked here, in Python, before any compiled code runs: a
wrong shape is refused with a message, never read past the end of a buffer.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from . import kernels as K
from .network import Network

CODES = {"squared_error": K.SQUARED_ERROR, "map": K.MAP, "cross_entropy": K.CROSS_ENTROPY}
CRITERIA = tuple(CODES)


class Engine:
    """``model`` compiled for one-pattern steps.

    ``criterion``: ``"squared_error"``, the sum over the outputs of (y - t)^2 against targets
    ``on`` for the true class and ``off`` elsewhere (the 1989-1995 networks); or ``"map"``,
    LeNet-5's MAP criterion on its RBF penalties, with the rubbish-class constant ``j``; or
    ``"cross_entropy"``, the softmax cross-entropy of linear outputs (the modern criterion,
    for the "33 years later" chapter's first change).
    ``dtype``: float32 (training) or float64 (the tests against PyTorch).
    """

    def __init__(
        self,
        model: nn.Module,
        input_shape: tuple[int, ...],
        *,
        criterion: str = "squared_error",
        j: float = 0.1,
        on: float = 1.0,
        off: float = -1.0,
        dtype=np.float32,
    ):
        if criterion not in CRITERIA:
            raise ValueError(f"criterion must be one of {CRITERIA}, not {criterion!r}")
        self.net = Network(model, input_shape, dtype)
        if (criterion == "map") != self.net.rbf:
            raise ValueError(
                "the MAP criterion reads RBF penalties: it needs an RBF output layer, and only it does"
            )
        self.criterion = CODES[criterion]
        self.j = float(j)
        dtype = self.net.dtype
        n_out = self.net.n_outputs
        self.targets = np.full((n_out, n_out), off, dtype=dtype)
        np.fill_diagonal(self.targets, on)
        n, p = self.net.n_activations, self.net.n_parameters
        widest = int(max(np.prod(layer.output_shape) for layer in self.net.layers))
        self.tables = K.Tables(self.net.spec, self.net.links, self.net.const)
        self.buffers = K.Buffers(
            act=np.zeros(n + K.SLACK, dtype),
            derivative=np.zeros(n, dtype),
            dact=np.zeros(n, dtype),
            act2=np.zeros(n + K.SLACK, dtype),
            grad=np.zeros(p, dtype),
            h=np.zeros(p, dtype),
            hp=np.zeros(p, dtype),
            theta2=np.zeros(p, dtype),
            part=np.zeros(4 * max(widest, int(np.prod(self.net.input_shape))), dtype),
            scratch=np.zeros(max(n_out, 16), np.float64),
            work=np.zeros((2, widest), np.float64),
            bits=np.zeros(widest, np.int64),
        )
        self.mask = self.net.trainable()
        self._checked: list[np.ndarray] = []

    @property
    def theta(self) -> np.ndarray:
        return self.net.theta

    def scale_rates(self, factors: dict[str, np.ndarray]) -> None:
        """Set each named parameter's steps to its factors times the plain steps (arrays of the
        parameter's shape, by the model's parameter names): per-unit learning rates, as SN2.8's
        ``epsi-sqrt`` sets them (:func:`lenet_tutorial.recipes.zip1989.unit_rates`). Every step
        of :meth:`steps` and :meth:`running_pass` is multiplied; a frozen parameter stays
        frozen. The factors replace any given before, so an engine reused for another run
        (``train(..., engine=)``) does not compound them; parameters not named keep theirs."""
        plain = self.net.trainable()  # 1, or 0 for a frozen parameter
        for name, factor in factors.items():
            if name not in self.net.index:
                raise ValueError(f"the engine's network has no parameter {name!r}")
            index = self.net.index[name]
            factor = np.asarray(factor, dtype=self.dtype)
            if factor.shape != index.shape or not np.all(np.isfinite(factor)) or np.any(factor < 0):
                raise ValueError(f"{name}: expected {index.shape} finite factors of at least 0")
            self.mask[index] = plain[index] * factor

    @property
    def dtype(self):
        return self.net.dtype

    def write(self, model: nn.Module) -> None:
        """Copy the engine's parameters into ``model`` (the one it was built from, or a twin)."""
        self.net.write(model)

    def read(self, model: nn.Module) -> None:
        self.net.read(model)

    # -- data ---------------------------------------------------------------------------

    def images(self, images) -> np.ndarray:
        """``images`` as the compiled loops read them: ``[N, C*H*W]``, contiguous, the engine's
        type. Accepts ``[N, C, H, W]`` (``[N, H, W]`` for one channel) or what this returned."""
        if any(images is seen for seen in self._checked):
            return images
        x = images.detach().cpu().numpy() if isinstance(images, torch.Tensor) else np.asarray(images)
        shape = self.net.input_shape
        size = int(np.prod(shape))
        if x.ndim == 3 and shape[0] == 1:
            x = x[:, None]
        if not (x.ndim == 4 and tuple(x.shape[1:]) == shape) and not (x.ndim == 2 and x.shape[1] == size):
            raise ValueError(
                f"the engine's network reads images of shape [N, {', '.join(map(str, shape))}], got {tuple(x.shape)}"
            )
        if not np.all(np.isfinite(x)):
            raise ValueError("the images contain NaN or infinite values")
        x = np.ascontiguousarray(x.reshape(len(x), size), dtype=self.dtype)
        self._checked = [x, *self._checked[:3]]  # checked once, not again at every pass
        return x

    def labels(self, labels, n: int) -> np.ndarray:
        y = labels.detach().cpu().numpy() if isinstance(labels, torch.Tensor) else np.asarray(labels)
        y = y.astype(np.int64, copy=False)
        if y.shape != (n,):
            raise ValueError(f"expected {n} labels, got an array of shape {y.shape}")
        if n and (y.min() < 0 or y.max() >= self.net.n_outputs):
            raise ValueError(f"labels must lie in 0..{self.net.n_outputs - 1}")
        return np.ascontiguousarray(y)

    def order(self, order, n: int) -> np.ndarray:
        o = (
            np.arange(n)
            if order is None
            else (order.cpu().numpy() if isinstance(order, torch.Tensor) else np.asarray(order))
        )
        o = np.ascontiguousarray(o, dtype=np.int64)
        if o.ndim != 1 or (len(o) and (o.min() < 0 or o.max() >= n)):
            raise ValueError(f"the order must be indices into the {n} patterns")
        return o

    # -- passes -------------------------------------------------------------------------

    def outputs(self, images) -> np.ndarray:
        """The network's outputs (for an RBF network, the penalties) for every image."""
        x = self.images(images)
        out = np.zeros((len(x), self.net.n_outputs), self.dtype)
        K.outputs(self.tables, self.theta, x, self.buffers, out)
        return out

    def scores(self, outputs: np.ndarray) -> np.ndarray:
        """Class scores, higher = more likely: minus the penalties of an RBF network."""
        return -outputs if self.net.rbf else outputs

    def error(self, images, labels) -> float:
        """The fraction of ``images`` misclassified."""
        scores = self.scores(self.outputs(images))
        return float((scores.argmax(1) != self.labels(labels, len(scores))).mean())

    def gradient(self, images, labels) -> tuple[float, np.ndarray]:
        """The criterion summed over the patterns, and its gradient (theta's layout)."""
        x = self.images(images)
        y = self.labels(labels, len(x))
        seen = np.zeros((len(x), self.net.n_outputs), self.dtype)
        total = K.gradient(
            self.tables, self.theta, x, y, self.criterion, self.j, self.targets, self.buffers, seen
        )
        return total, self.buffers.grad.copy()

    def curvature(self, images, order=None) -> np.ndarray:
        """The Gauss-Newton diagonal h_kk averaged over ``images[order]`` (the 1998 estimate)."""
        x = self.images(images)
        o = self.order(order, len(x))
        if not len(o):
            raise ValueError("the curvature is an average over patterns: give at least one")
        K.average_curvature(self.tables, self.theta, x, o, self.criterion, self.j, self.buffers)
        return self.buffers.h.copy()

    def steps(self, eta: float, mu: float, h: np.ndarray) -> np.ndarray:
        """SDLM's per-parameter steps eta / (mu + h_kk) (0 for frozen parameters)."""
        if mu <= 0 or eta < 0:
            raise ValueError("SDLM needs mu > 0 and eta >= 0")
        return (self.dtype.type(eta) / (self.dtype.type(mu) + h.astype(self.dtype))) * self.mask

    def train_pass(self, images, labels, order, step: np.ndarray, batch: int = 1):
        """One pass of updates theta -= step * gradient over ``images[order]``, every ``batch``
        patterns (1: per pattern). Returns each pattern's criterion and its outputs before
        the update it caused, in the order presented."""
        x, o = self.images(images), None
        y = self.labels(labels, len(x))
        o = self.order(order, len(x))
        if batch < 1:
            raise ValueError("batch must be at least 1")
        step = np.ascontiguousarray(step, dtype=self.dtype)
        if step.shape != self.theta.shape:
            raise ValueError(f"expected {self.theta.shape[0]} steps, one per parameter")
        seen = np.zeros((len(o), self.net.n_outputs), self.dtype)
        losses = np.zeros(len(o), np.float64)
        K.train_pass(
            self.tables,
            self.theta,
            step,
            x,
            y,
            o,
            batch,
            self.criterion,
            self.j,
            self.targets,
            self.buffers,
            seen,
            losses,
        )
        return losses, seen

    @property
    def h(self) -> np.ndarray:
        """The running-average curvature of :meth:`running_pass` (theta's layout), kept between passes."""
        return self.buffers.h

    def running_pass(self, images, labels, order, epsilon: float, mu: float, gamma: float):
        """One pass of per-pattern updates with SN2.8's running-average curvature (:attr:`h`,
        updated at every pattern): theta -= epsilon / (mu + h) * gradient, frozen parameters
        (``requires_grad`` off in the model) left alone."""
        x = self.images(images)
        y = self.labels(labels, len(x))
        o = self.order(order, len(x))
        if not 0 < gamma <= 1 or mu <= 0:
            raise ValueError("SN2.8's running average needs 0 < gamma <= 1 and mu > 0")
        seen = np.zeros((len(o), self.net.n_outputs), self.dtype)
        losses = np.zeros(len(o), np.float64)
        K.running_pass(
            self.tables, self.theta, self.mask, float(epsilon), float(mu), float(gamma), x, y, o, self.criterion, self.j,
            self.targets, self.buffers, seen, losses,
        )  # fmt: skip
        return losses, seen

    @property
    def fixed_parameters(self) -> list[str]:
        return sorted(self.net.fixed)

    def warm_up(self) -> float:
        """Compile (or load from the cache) every pass on a few patterns; return the seconds it took."""
        started = time.perf_counter()
        x = np.zeros((2, *self.net.input_shape), self.dtype)
        y = np.zeros(2, np.int64)
        saved = self.theta.copy()
        h = self.curvature(x)
        self.train_pass(x, y, None, self.steps(0.0, 1.0, h))
        self.gradient(x[:1], y[:1])
        self.outputs(x)
        self.theta[:] = saved
        return time.perf_counter() - started
