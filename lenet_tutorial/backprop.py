"""Back-propagation through LeNet-5, written out by hand.

autograd records every operation of the forward pass in a graph, then walks the graph
backwards, calling one backward function per node. For a network the size of LeNet-5 fed
one pattern at a time, that bookkeeping costs more than the arithmetic: the
:class:`~lenet_tutorial.models.LeNet5` module makes about fifty small tensor operations
forward, each recorded, each with its backward node. Here the same gradients come from
the chain rule written out layer by layer, as networks were programmed before autograd,
with every layer's arithmetic gathered into a few operations.

Each layer computes ``a = W x + b`` (a weighted sum: a convolution, a fully connected
layer, a 2x2 block sum times a coefficient) and squashes it, ``x' = f(a)``. Going down,
with ``g = dE/dx'`` arriving from above:

- through the squashing: ``dE/da = g * f'(a)``, with ``f'(a) = A S (1 - tanh(S a)^2)``;
- to the weights: ``dE/dW = dE/da`` times the layer's input (an outer product for a
  fully connected layer, a correlation of the input with ``dE/da`` for a convolution);
- to the bias: ``dE/db = dE/da`` summed over the units that share the bias;
- to the input: ``dE/dx = W^T dE/da`` (for a convolution, ``dE/da`` convolved with the
  flipped kernels: a transposed convolution).

The results are checked against autograd in ``tests/test_backprop.py`` and in the book's
page on this module. :func:`lenet_tutorial.train.train` uses it through its ``gradients``
argument; the update is still the optimiser's (:class:`~lenet_tutorial.sdlm.SDLM`).
"""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F

from .layers import SQUASH_AMPLITUDE, SQUASH_SLOPE
from .losses import MAPLoss
from .models.lenet5 import LeNet5
from .speed import fast_block_sums


@functools.cache
def squash_constants(dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``S``, ``A`` and ``A S`` as 0-dim tensors of ``dtype``, made once per type.

    A Python number is wrapped into a new tensor at every multiplication, and a tensor of
    another type is converted at every multiplication (18 conversions a step): either way a
    small allocation and copy each time, for the same rounded value.
    """
    return tuple(
        torch.tensor(value, dtype=dtype)
        for value in (SQUASH_SLOPE, SQUASH_AMPLITUDE, SQUASH_AMPLITUDE * SQUASH_SLOPE)
    )


def squashed(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``f(a) = A tanh(S a)``, and ``tanh(S a)``, which is all that f'(a) needs."""
    slope, amplitude, _ = squash_constants(a.dtype)
    t = torch.tanh(a.mul_(slope))  # ``a`` is a fresh result: scale it in place
    return t * amplitude, t


def through_squash(g: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """``dE/da`` from ``g = dE/dx`` for ``x = f(a)``: ``g A S (1 - t^2)``, t = tanh(S a).

    ``tanh_backward(g, t)`` is PyTorch's fused ``g (1 - t^2)``: one pass over memory, not three.
    """
    return torch.ops.aten.tanh_backward(g, t).mul_(squash_constants(t.dtype)[2])


def spread_to_blocks(g: torch.Tensor) -> torch.Tensor:
    """Back through a 2x2 block sum: each of the four inputs of a block gets the block's gradient."""
    return F.interpolate(g, scale_factor=2, mode="nearest")


def per_map(v: torch.Tensor) -> torch.Tensor:
    """A per-map vector, shaped to broadcast over ``[N, maps, H, W]``."""
    return v.view(1, -1, 1, 1)


def map_sums(g: torch.Tensor) -> torch.Tensor:
    """Sum over patterns and positions: the gradient of anything shared by a whole map."""
    return g.sum((0, 2, 3))


def convolution_backward(g: torch.Tensor, x: torch.Tensor, kernel: torch.Tensor, input_gradient: bool):
    """``(dE/dx, dE/dkernel, dE/dbias)`` of ``a = conv2d(x, kernel) + bias``, from ``g = dE/da``.

    The kernel's gradient is the correlation of the input with ``g`` (each weight met every
    input position its kernel slid over); the input's gradient is ``g`` convolved with the
    flipped kernels (``F.conv_transpose2d(g, kernel)``); the bias's is ``g`` summed per map.
    One call to PyTorch's convolution backward computes all three (``dE/dx`` only if asked:
    C1's input is the image, which has no parameters).
    """
    return torch.ops.aten.convolution_backward(
        g,
        x,
        kernel,
        [kernel.shape[0]],
        [1, 1],
        [0, 0],
        [1, 1],
        False,
        [0, 0],
        1,
        [input_gradient, True, True],
    )


class LeNet5Backprop:
    """The gradients of LeNet-5's MAP criterion, layer by layer, without autograd.

    ``LeNet5Backprop(model, loss)(images, labels)`` puts ``dE/dp`` into ``p.grad`` for every
    parameter ``p`` of ``model``, as ``loss(model(images), labels).backward()`` would: same
    parameters, same criterion, same numbers up to rounding. It returns the loss and the RBF
    penalties, ``model(images)``: the forward pass computes them anyway, and they are the
    network's answers (the smallest penalty wins), for counting errors on the fly.
    """

    def __init__(self, model: LeNet5, loss: MAPLoss):
        if not isinstance(model, LeNet5):
            raise TypeError(f"LeNet5Backprop is written for LeNet5, not {type(model).__name__}")
        if not isinstance(loss, MAPLoss) or loss.rbf is not model.output:
            raise TypeError("LeNet5Backprop needs the MAPLoss made for this model: MAPLoss(j, model.output)")
        self.model, self.j = model, loss.j
        self._centres = None

    def rbf_constants(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The fixed RBF centres ``[10, 84]``, their squared norms, and the ten one-hot rows.

        Computed once, and again only if the model moved to another device or type
        (``model.to(...)`` replaces its buffers).
        """
        centres = self.model.output.centres
        if self._centres is not centres:
            one_hot = torch.eye(10, dtype=centres.dtype, device=centres.device)
            self._centres, self._constants = centres, (centres, (centres * centres).sum(1), one_hot)
        return self._constants

    @torch.no_grad()
    def __call__(self, images: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        m = self.model
        if images.ndim != 4 or images.shape[1:] != (1, 32, 32):
            raise ValueError(f"LeNet-5 reads [N, 1, 32, 32] inputs, got shape {tuple(images.shape)}")
        n = len(images)
        centres, centre_norms, one_hot = self.rbf_constants()
        c1_kernel = m.c1.weight.view(6, 1, 5, 5)
        c3_kernel = m.c3.full_kernel(m.c3.weight)  # [16, 6, 5, 5]: Table I's 60 kernels, zeros elsewhere
        c5_matrix = m.c5.weight.view(120, 400)  # C5's 5x5 kernels cover S4's 5x5 maps: a matrix

        # ---- forward, keeping what the backward pass needs: inputs, and t = tanh(S a) ----
        x, c1 = squashed(F.conv2d(images, c1_kernel, m.c1.bias))
        s2_sums = fast_block_sums(x)
        x, s2 = squashed(torch.addcmul(per_map(m.s2.bias), s2_sums, per_map(m.s2.weight)))
        c3_input = x
        x, c3 = squashed(F.conv2d(x, c3_kernel, m.c3.bias))
        s4_sums = fast_block_sums(x)
        x, s4 = squashed(torch.addcmul(per_map(m.s4.bias), s4_sums, per_map(m.s4.weight)))
        c5_input = x.view(n, 400)
        x, c5 = squashed(torch.addmm(m.c5.bias, c5_input, c5_matrix.T))
        f6_input = x
        x, f6 = squashed(torch.addmm(m.f6.bias, x, m.f6.weight.T))
        # RBF penalties y_i = ||x||^2 - 2 x.w_i + ||w_i||^2
        penalties = torch.addmm((x * x).sum(1, keepdim=True) + centre_norms, x, centres.T, alpha=-2)

        # ---- the criterion ------------------------------------------------------------
        # E = y_D + log(exp(-j) + sum_i exp(-y_i)) is the cross-entropy of eleven scores
        # (-j, -y_0, ..., -y_9) with class D + 1 correct: class 0 is the "rubbish class".
        log_p = torch.log_softmax(F.pad(penalties, (1, 0), value=self.j).neg_(), 1)
        loss = F.nll_loss(log_p, labels + 1)
        # dE/dy_i = (1[i = D] - p_i) / n, with p_i = exp(-y_i) / Z
        g = (one_hot[labels] - log_p[:, 1:].exp()).div_(n)

        # ---- backward: dE/da layer by layer, each parameter's gradient on the way ------
        # RBF: dy_i/dx = 2 (x - w_i), so dE/dx = 2 (x sum_i g_i - sum_i g_i w_i)
        g = through_squash(torch.addmm(x * g.sum(1, keepdim=True), g, centres, beta=2, alpha=-2), f6)
        m.f6.weight.grad, m.f6.bias.grad = g.T @ f6_input, g.sum(0)
        g = through_squash(g @ m.f6.weight, c5)
        m.c5.weight.grad, m.c5.bias.grad = (g.T @ c5_input).view_as(m.c5.weight), g.sum(0)
        g = through_squash((g @ c5_matrix).view(n, 16, 5, 5), s4)
        m.s4.weight.grad, m.s4.bias.grad = map_sums(g * s4_sums), map_sums(g)
        g = through_squash(spread_to_blocks(g * per_map(m.s4.weight)), c3)
        g, c3_grad, m.c3.bias.grad = convolution_backward(g, c3_input, c3_kernel, input_gradient=True)
        m.c3.weight.grad = c3_grad.view(96, 25)[m.c3.link_index].view_as(m.c3.weight)  # Table I's links only
        g = through_squash(g, s2)
        m.s2.weight.grad, m.s2.bias.grad = map_sums(g * s2_sums), map_sums(g)
        g = through_squash(spread_to_blocks(g * per_map(m.s2.weight)), c1)
        _, c1_grad, m.c1.bias.grad = convolution_backward(g, images, c1_kernel, input_gradient=False)
        m.c1.weight.grad = c1_grad.view_as(m.c1.weight)
        return loss, penalties
