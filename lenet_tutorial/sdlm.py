"""Stochastic diagonal Levenberg-Marquardt: the papers' second-order gradient descent.

Plain gradient descent uses one step size for every weight. The 1989 network already
gave each weight its own, from a diagonal estimate of the Hessian (Becker & LeCun,
1988); the 1998 paper (Appendix C) names the method *stochastic diagonal
Levenberg-Marquardt*:

    w_k <- w_k - eta / (mu + h_kk) * dE/dw_k

``h_kk`` estimates the second derivative of the loss with respect to ``w_k``, ``mu``
(0.02 in 1998) keeps the step finite where ``h_kk`` is tiny, and ``eta`` follows a
global schedule. ``h_kk`` is re-estimated on a few hundred patterns before each pass.

The estimate (Gauss-Newton, made diagonal) is computed by back-propagating *second*
derivatives, exactly like gradients but with squared quantities:

- through a squashing unit ``x = f(a)``: ``d2E/da2 = f'(a)**2 * d2E/dx2``;
- through a weighted sum ``a_i = sum_j w_ij x_j``: ``d2E/dx_j2 = sum_i w_ij**2 * d2E/da_i2``,
  and the weight's own curvature is ``h = sum over its connections of d2E/da_i2 * x_j**2``.

Both lines of the last rule are what back-propagation *of gradients* computes for the same
layer with squared weights and squared inputs. So each layer is asked for its
``affine(x, weight, bias)`` function, and autograd does the rest.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .train import History, per_pass, train

# Structural modules: pure re-arrangements (Jacobian entries 0 or 1), so squared
# quantities pass through them exactly like gradients.
STRUCTURAL = (nn.ConstantPad2d, nn.Flatten, nn.Identity)


def _second_derivative_backward(module: nn.Module, x: torch.Tensor, d2_out: torch.Tensor, curvature: dict):
    """Given d2E/d(out)^2 for ``module`` at input ``x``, add its parameters' h to
    ``curvature`` and return d2E/dx^2."""
    if hasattr(module, "affine"):
        x2 = (x * x).detach().requires_grad_(True)
        w2 = (module.weight * module.weight).detach().requires_grad_(True)
        b = torch.zeros_like(module.bias, requires_grad=True)
        out = module.affine(x2, w2, b)
        d2_in, h_w, h_b = torch.autograd.grad(out, (x2, w2, b), d2_out)
        curvature[module.weight] = curvature.get(module.weight, 0) + h_w
        curvature[module.bias] = curvature.get(module.bias, 0) + h_b
        return d2_in
    if hasattr(module, "derivative"):  # an elementwise squashing function
        return module.derivative(x) ** 2 * d2_out
    if isinstance(module, STRUCTURAL):
        x_ = x.detach().requires_grad_(True)
        (d2_in,) = torch.autograd.grad(module(x_), x_, d2_out)
        return d2_in
    raise TypeError(f"no second-derivative rule for {type(module).__name__}")


def hessian_diagonal(
    model: nn.Sequential,
    images: torch.Tensor,
    output_curvature: Callable[[torch.Tensor], torch.Tensor],
) -> dict[nn.Parameter, torch.Tensor]:
    """Average Gauss-Newton diagonal ``h_kk`` of the loss over ``images``, for every parameter.

    ``output_curvature(outputs)`` gives d2E/dy^2 for each output of each pattern (for
    the squared error sum (y - t)^2 it is 2 everywhere). ``model`` must be an
    ``nn.Sequential`` of layers with an ``affine`` function, squashing units with a
    ``derivative``, and structural modules (padding, flattening).
    """
    inputs = []
    x = model.prepare_input(images) if hasattr(model, "prepare_input") else images
    with torch.no_grad():
        for module in model:
            inputs.append(x)
            x = module(x)
    d2 = output_curvature(x)
    curvature: dict = {}
    for module, x_in in zip(reversed(model), reversed(inputs)):
        d2 = _second_derivative_backward(module, x_in, d2, curvature)
    return {p: h / len(images) for p, h in curvature.items()}


def curvature_refresher(
    optimizer: SDLM,
    model: nn.Sequential,
    images: torch.Tensor,
    output_curvature: Callable[[torch.Tensor], torch.Tensor],
    patterns: int = 500,
) -> Callable[[int], None]:
    """A ``train(before_pass=...)`` callback: re-estimate h on ``patterns`` images before each pass.

    The 1998 paper re-estimates on 500 patterns; they are the first 500 of ``images``.
    """

    def before_pass(epoch: int) -> None:
        optimizer.update_curvature(hessian_diagonal(model, images[:patterns], output_curvature))

    return before_pass


class SDLM(torch.optim.Optimizer):
    """Stochastic diagonal Levenberg-Marquardt: per-parameter steps ``lr / (mu + h)``.

    Call :meth:`update_curvature` (e.g. from ``train(before_pass=...)``) before each pass.
    Until it is called, ``h = 0`` and the method is plain gradient descent with step ``lr/mu``.
    """

    def __init__(self, params, lr: float = 0.0005, mu: float = 0.02):
        if lr < 0 or mu <= 0:
            raise ValueError("lr must be >= 0 and mu > 0")
        super().__init__(params, {"lr": lr, "mu": mu})
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["h"] = torch.zeros_like(p)
        self._refresh_steps()

    def update_curvature(self, curvature: dict[nn.Parameter, torch.Tensor]) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if p in curvature:
                    self.state[p]["h"] = curvature[p].detach().clone()
        self._refresh_steps()

    def _refresh_steps(self) -> None:
        # 1 / (mu + h) changes only when h or mu does: compute it once, not at every step
        for group in self.param_groups:
            group["_inverse"] = [1.0 / (group["mu"] + self.state[p]["h"]) for p in group["params"]]

    def curvature(self, p: nn.Parameter) -> torch.Tensor:
        return self.state[p]["h"]

    @torch.no_grad()
    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            inverse = [inv for p, inv in zip(group["params"], group["_inverse"]) if p.grad is not None]
            steps = torch._foreach_mul([p.grad for p in params], inverse)
            torch._foreach_add_(params, steps, alpha=-group["lr"])
        return loss


def paper_schedule_1998(epoch: int) -> float:
    """LeNet-5's global learning rate for pass ``epoch`` (1-based), Appendix C of the 1998 paper.

    0.0005 for the first two passes, 0.0002 for the next three, 0.0001 for the next
    three, 0.00005 for the next four, and 0.00001 thereafter.
    """
    if epoch < 1:
        raise ValueError("passes count from 1")
    for last, lr in ((2, 0.0005), (5, 0.0002), (8, 0.0001), (12, 0.00005)):
        if epoch <= last:
            return lr
    return 0.00001


LARGEST_BATCH = 128


def growing_batch_sizes(
    first: int, schedule: Callable[[int], float] = paper_schedule_1998
) -> Callable[[int], int]:
    """``epoch -> B`` for mini-batch SDLM: ``first`` while the rate is the schedule's largest, then
    the largest power of two (up to 128) with ``B * rate(epoch) <= first * rate(1)``.

    A mini-batch update with the *sum* of B patterns' gradients moves the weights, to first
    order, as B per-pattern updates would; the approximation holds while the summed step
    B * rate is small. Check it once at ``first`` and the largest rate; this rule never
    exceeds that summed step, and uses fewer, larger updates as the rate falls.
    """
    budget = first * schedule(1)

    def batch_size(epoch: int) -> int:
        b = first
        while 2 * b <= LARGEST_BATCH and 2 * b * schedule(epoch) <= budget * (1 + 1e-9):
            b *= 2
        return b

    return batch_size


def summed_step_schedule(
    batch_size_of: Callable[[int], int],
    factor: float = 1.0,
    schedule: Callable[[int], float] = paper_schedule_1998,
) -> Callable[[int], float]:
    """``epoch -> rate`` for updates made with a batch *mean*: B times the per-pattern rate.

    Scaling the mean's step by the batch size B makes each update the sum of the B
    patterns' gradient steps, the mini-batch stand-in for B per-pattern updates
    (see :func:`growing_batch_sizes`). ``factor`` multiplies the per-pattern schedule.
    """
    return lambda epoch: batch_size_of(epoch) * factor * schedule(epoch)


def train_with_sdlm(
    model: nn.Sequential,
    train_data: tuple[torch.Tensor, torch.Tensor],
    *,
    loss_fn: nn.Module,
    curvature: tuple[nn.Sequential, Callable[[torch.Tensor], torch.Tensor]],
    mu: float,
    batch_size: int | Callable[[int], int],
    passes: int,
    generator: torch.Generator,
    schedule_factor: float = 1.0,
    curvature_patterns: int = 500,
    order: str = "fixed",
    **train_options,
) -> History:
    """The 1998 recipe around any network: SDLM, the paper's schedule (times
    ``schedule_factor``) as summed mini-batch steps, curvature re-estimated on
    ``curvature_patterns`` patterns before each pass, one random order kept for all passes
    (``order="dataset"``: the data set's own order, as in 1989).

    ``curvature = (module, output_curvature)``: the part of the network the Gauss-Newton
    estimate runs through, and the loss's second derivative with respect to its output
    (for LeNet-5, everything below the fixed RBF layer; for squared-error networks, the
    whole network). ``train_options`` go to :func:`lenet_tutorial.train.train`.
    Returns the per-pass history.
    """
    optimizer = SDLM(model.parameters(), mu=mu)
    module, output_curvature = curvature
    return train(
        model,
        train_data,
        loss_fn=loss_fn,
        optimizer=optimizer,
        epochs=passes,
        batch_size=batch_size,
        order=order,
        generator=generator,
        lr_schedule=summed_step_schedule(per_pass(batch_size), schedule_factor),
        before_pass=curvature_refresher(
            optimizer, module, train_data[0], output_curvature, curvature_patterns
        ),
        **train_options,
    )
