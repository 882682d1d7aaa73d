"""A PyTorch network as the engine sees it: a table of layers, flat buffers, and the way back.

The PyTorch modules stay the one definition of each architecture. :class:`Network` reads
one (``ZipCodeNet1989()``, ``LeNet1()``, ``LeNet4()``, ``LeNet5()`` or any ``nn.Sequential``
of the same layers) into what the compiled loops need:

- ``spec``: one row of integers per layer (its kind, sizes, and where its input, output,
  weights and biases start in the flat buffers);
- ``theta``: every trainable parameter in one flat array. Convolution kernels keep PyTorch's
  order, and so do the weights of fully connected layers (``[out, in]``: one output's weights
  in a row, so that the backward pass runs along contiguous inputs). A
  convolution whose kernel covers its whole input (LeNet-5's C5: 5x5 kernels on 5x5 maps,
  every map connected) is a fully connected layer and is stored as one;
- ``links``, ``const``: the connection tables, and what is fixed (padding values, the RBF
  centres).

:meth:`Network.read` and :meth:`Network.write` move the parameters between the model and
``theta``, through one index array per parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..layers import ConnectedConv2d, ScaledTanh, SubsamplingLayer
from ..rbf import EuclideanRBF
from . import kernels as K


class UnsupportedLayer(TypeError):
    """A module the engine has no compiled loop for."""


@dataclass(frozen=True)
class Layer:
    name: str  # the module's name in the model, e.g. "c3"
    kind: int  # one of kernels.PAD, CONV, ...
    input_shape: tuple[int, int, int]
    output_shape: tuple[int, int, int]

    def __str__(self) -> str:
        shape = "x".join(
            map(str, self.output_shape if self.output_shape[1:] != (1, 1) else self.output_shape[:1])
        )
        return f"{self.name} ({K.KIND_NAMES[self.kind]}, {shape})"


class Network:
    """``model``'s layers as the engine's tables, for inputs of ``input_shape`` (C, H, W)."""

    def __init__(self, model: nn.Module, input_shape: tuple[int, ...], dtype=np.float32):
        if not isinstance(model, nn.Sequential):
            raise UnsupportedLayer(f"the engine reads an nn.Sequential of layers, not {type(model).__name__}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError("the engine computes in float32 or float64")
        shape = tuple(input_shape)
        if len(shape) == 2:
            shape = (1, *shape)
        if len(shape) != 3 or min(shape) < 1:
            raise ValueError(f"input_shape must be (channels, height, width), got {input_shape}")
        self.input_shape = shape
        rows, links, const = [], [], []
        self.layers: list[Layer] = []
        self.index: dict[str, np.ndarray] = {}  # parameter name -> positions in theta, PyTorch's shape
        self.fixed: dict[str, nn.Parameter] = {}
        n_theta = 0
        offset = 0  # where the current layer's input starts in the activations
        size = int(np.prod(shape))
        self.rbf = False
        for name, module in model.named_children():
            if isinstance(module, nn.Flatten):
                shape = (size, 1, 1)
                continue
            if isinstance(module, nn.Identity):  # e.g. a squashing removed, for linear outputs
                continue
            if self.rbf:
                raise UnsupportedLayer(
                    f"layer {name!r} follows the RBF output layer: the engine needs it last"
                )
            row = np.zeros(K.FIELDS, dtype=np.int64)
            row[K.IN_C], row[K.IN_H], row[K.IN_W] = shape
            row[K.X_OFF] = offset
            if isinstance(module, nn.ConstantPad2d):
                left, right, top, bottom = module.padding
                out = (shape[0], shape[1] + top + bottom, shape[2] + left + right)
                row[K.KIND], row[K.PAD_TOP], row[K.PAD_LEFT] = K.PAD, top, left
                row[K.C_OFF] = len(const)
                const.append(float(module.value))
            elif isinstance(module, ConnectedConv2d):
                out, n_theta = self._convolution(name, module, shape, row, links, n_theta)
            elif isinstance(module, SubsamplingLayer):
                if shape[0] != module.in_maps or shape[1] % module.size or shape[2] % module.size:
                    raise ValueError(f"layer {name!r} cannot subsample maps of {shape}")
                out = (module.maps, shape[1] // module.size, shape[2] // module.size)
                row[K.KIND], row[K.K], row[K.GROUP] = K.SUB, module.size, module.maps // module.in_maps
                n_theta = self._parameter(name, "weight", module.weight, np.arange(module.maps), row, n_theta)
                n_theta = self._parameter(name, "bias", module.bias, np.arange(module.maps), row, n_theta)
            elif isinstance(module, ScaledTanh):
                out = shape
                row[K.KIND] = K.SQUASH
            elif isinstance(module, nn.Linear):
                if module.in_features != size:
                    raise ValueError(f"layer {name!r} reads {module.in_features} inputs, not {size}")
                out = (module.out_features, 1, 1)
                row[K.KIND] = K.FULL
                n_theta = self._parameter(
                    name, "weight", module.weight, np.arange(module.weight.numel()), row, n_theta
                )
                n_theta = self._parameter(
                    name, "bias", module.bias, np.arange(module.out_features), row, n_theta
                )
            elif isinstance(module, EuclideanRBF):
                n_out, n_in = module.centres.shape
                if n_in != size:
                    raise ValueError(f"layer {name!r} reads {n_in} inputs, not {size}")
                out = (n_out, 1, 1)
                row[K.KIND], row[K.C_OFF] = K.RBF, len(const)
                const.extend(module.centres.detach().double().T.reshape(-1).tolist())
                self.rbf = True
            else:
                raise UnsupportedLayer(
                    f"the engine has no compiled loop for layer {name!r}, a {type(module).__name__}"
                )
            row[K.OUT_C], row[K.OUT_H], row[K.OUT_W] = out
            row[K.Y_OFF] = offset + size
            self.layers.append(Layer(name, int(row[K.KIND]), shape, out))
            rows.append(row)
            offset += size
            shape, size = out, int(np.prod(out))
        if not rows:
            raise UnsupportedLayer("the model has no layers")
        self.spec = np.stack(rows)
        self.links = np.array(links, dtype=np.int64) if links else np.zeros(2, dtype=np.int64)
        self.const = np.array(const or [0.0], dtype=self.dtype)
        self.n_activations = offset + size
        self.n_outputs = size
        self.n_parameters = n_theta
        self.theta = np.zeros(n_theta, dtype=self.dtype)
        self.max_width = int(self.spec[:, K.OUT_W].max())
        self.read(model)

    def _parameter(self, layer, kind, parameter, positions, row, n_theta):
        """Place ``parameter`` at ``theta[n_theta + positions]`` (``positions`` in PyTorch's shape)."""
        positions = np.asarray(positions).reshape(tuple(parameter.shape))
        name = f"{layer}.{kind}"
        if not parameter.requires_grad:
            self.fixed[name] = parameter
        self.index[name] = n_theta + positions
        field_off, field_len = (K.W_OFF, K.W_LEN) if kind == "weight" else (K.B_OFF, K.B_LEN)
        row[field_off], row[field_len] = n_theta, positions.size
        return n_theta + positions.size

    def _convolution(self, name, module, shape, row, links, n_theta):
        c, h, w = shape
        k, s = module.kernel_size, module.stride
        if c != module.in_maps:
            raise ValueError(f"layer {name!r} reads {module.in_maps} maps, not {c}")
        out = (module.out_maps, (h - k) // s + 1, (w - k) // s + 1)
        if out[1] < 1 or out[2] < 1:
            raise ValueError(f"layer {name!r}: a {k}x{k} kernel does not fit maps of {h}x{w}")
        pairs = [(o, i) for o in range(module.out_maps) for i in range(module.in_maps) if module.table[i][o]]
        whole = out[1:] == (1, 1) and (h, w) == (k, k) and len(pairs) == module.in_maps * module.out_maps
        if whole and module.bias_mode == "map":
            # every output unit reads every input: a fully connected layer. PyTorch's kernels
            # [o * in + i, ky, kx] are already its rows, output o's c k k weights in a row
            row[K.KIND] = K.FULL
            n_theta = self._parameter(
                name, "weight", module.weight, np.arange(module.weight.numel()), row, n_theta
            )
        else:
            row[K.KIND], row[K.K], row[K.STRIDE] = K.CONV, k, s
            row[K.LINK_OFF], row[K.N_LINKS] = len(links), len(pairs)
            for o, i in pairs:
                links.extend((o, i))
            n_theta = self._parameter(
                name, "weight", module.weight, np.arange(module.weight.numel()), row, n_theta
            )
        if module.bias_mode == "unit":
            if tuple(module.bias.shape[1:]) != out[1:]:
                raise ValueError(
                    f"layer {name!r}: per-unit biases of {tuple(module.bias.shape)} for maps of {out}"
                )
            row[K.UNIT_BIAS] = 1
        n_theta = self._parameter(name, "bias", module.bias, np.arange(module.bias.numel()), row, n_theta)
        return out, n_theta

    # -- moving parameters ----------------------------------------------------------------

    def read(self, model: nn.Module) -> None:
        """theta <- the model's parameters."""
        for name, p in model.named_parameters():
            if name in self.index:
                self.theta[self.index[name]] = p.detach().cpu().numpy().astype(self.dtype)

    def write(self, model: nn.Module) -> None:
        """The model's parameters <- theta (a frozen parameter keeps its value)."""
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name in self.index and name not in self.fixed:
                    value = torch.from_numpy(np.ascontiguousarray(self.theta[self.index[name]]))
                    p.copy_(value.to(p.dtype))

    def in_pytorch_layout(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """A flat array laid out as theta (a gradient, a curvature), as one array per parameter."""
        return {name: flat[index] for name, index in self.index.items()}

    def trainable(self) -> np.ndarray:
        """1 for the positions of theta that training may change, 0 for frozen parameters."""
        mask = np.ones(self.n_parameters, dtype=self.dtype)
        for name in self.fixed:
            mask[self.index[name]] = 0
        return mask

    def __str__(self) -> str:
        return " -> ".join(str(layer) for layer in self.layers)
