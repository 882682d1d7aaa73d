"""Building blocks shared by the historical networks.

The squashing function and the initialisation are the 1998 paper's (Appendix A),
which it says were also those of the earlier networks.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .speed import fast_block_sums

SQUASH_AMPLITUDE = 1.7159
SQUASH_SLOPE = 2.0 / 3.0


def squash_derivative(a: torch.Tensor) -> torch.Tensor:
    """f'(a) for the squashing function."""
    return SQUASH_AMPLITUDE * SQUASH_SLOPE * (1 - torch.tanh(SQUASH_SLOPE * a) ** 2)


def squash(a: torch.Tensor) -> torch.Tensor:
    """f(a) = 1.7159 tanh(2a/3): f(+-1) = +-1, and the gain near 0 is about 1."""
    return SQUASH_AMPLITUDE * torch.tanh(SQUASH_SLOPE * a)


class ScaledTanh(nn.Module):
    """The papers' sigmoid, f(a) = A tanh(S a) with A = 1.7159, S = 2/3.

    With these constants f(1) = 1 and f(-1) = -1, so targets of +-1 sit where the
    second derivative is largest: outputs are not driven into the flat tails, and
    the weights do not grow without bound chasing an asymptote.
    """

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return squash(a)

    @staticmethod
    def derivative(a: torch.Tensor) -> torch.Tensor:
        return squash_derivative(a)


def fan_in_uniform_(weight: torch.Tensor, fan_in: int, bias: torch.Tensor | None = None) -> None:
    """Initialise uniformly in +-2.4 / F_i, F_i the unit's fan-in (no square root).

    LeCun et al. (1998, Appendix A): weights small enough that the total input of a
    unit lies where the sigmoid is not saturated. Karpathy's 2022 reproduction used
    2.4/sqrt(F_i); both papers write 2.4/F_i, so we do.
    """
    bound = 2.4 / fan_in
    with torch.no_grad():
        weight.uniform_(-bound, bound)
        if bias is not None:
            bias.uniform_(-bound, bound)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable (free) parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class ConnectedConv2d(nn.Module):
    """A convolution in which each output map reads only some input maps.

    ``table[i][o]`` is true when output map ``o`` reads input map ``i`` (the layout of
    Table I of the 1998 paper: input maps as rows). Only the connected kernels are
    parameters, so the parameter count is the paper's. ``table=None`` connects everything.

    ``bias="map"`` gives one bias per output map (LeNet-1, LeNet-5); ``bias="unit"`` one
    bias per output *unit*, as in the 1989 network, whose weights were shared but biases
    were not; it needs ``output_size``.

    Why the sparse tables? The 1998 paper gives two reasons: it keeps the number of
    connections in bounds, and, more importantly, it breaks the symmetry of the network:
    different maps are forced to extract different features because they get different inputs.
    """

    def __init__(
        self,
        in_maps: int,
        out_maps: int,
        kernel_size: int,
        table: list[list[bool]] | None = None,
        stride: int = 1,
        bias: str = "map",
        output_size: tuple[int, int] | None = None,
    ):
        super().__init__()
        if table is None:
            table = [[True] * out_maps for _ in range(in_maps)]
        if len(table) != in_maps or any(len(row) != out_maps for row in table):
            raise ValueError(f"table must have {in_maps} rows of {out_maps} entries")
        if bias not in ("map", "unit"):
            raise ValueError("bias must be 'map' or 'unit'")
        if bias == "unit" and output_size is None:
            raise ValueError("bias='unit' needs output_size")
        self.in_maps, self.out_maps, self.kernel_size, self.stride = in_maps, out_maps, kernel_size, stride
        self.table = [list(map(bool, row)) for row in table]
        # links in output-major order: the kernels of output map 0 first
        links = [(o, i) for o in range(out_maps) for i in range(in_maps) if self.table[i][o]]
        self.register_buffer(
            "link_index", torch.tensor([o * in_maps + i for o, i in links]), persistent=False
        )
        self.fan_in = [
            sum(self.table[i][o] for i in range(in_maps)) * kernel_size**2 for o in range(out_maps)
        ]
        self.weight = nn.Parameter(torch.empty(len(links), kernel_size, kernel_size))
        bias_shape = (out_maps,) if bias == "map" else (out_maps, *output_size)
        self.bias = nn.Parameter(torch.empty(bias_shape))
        self.bias_mode = bias
        self.reset_parameters()

    def kernels_of_each_map(self):
        """For each output map o: its units' fan-in and the slice of ``weight`` holding the
        kernels that feed it (links are stored output-major)."""
        link = 0
        for o in range(self.out_maps):
            n = self.fan_in[o] // self.kernel_size**2  # kernels feeding output map o
            yield self.fan_in[o], slice(link, link + n)
            link += n

    def reset_parameters(self) -> None:
        """Uniform in +-2.4/F_i, F_i the fan-in of the unit the weight feeds."""
        with torch.no_grad():
            for o, (fan_in, kernels) in enumerate(self.kernels_of_each_map()):
                fan_in_uniform_(self.weight[kernels], fan_in, self.bias[o])

    @property
    def links(self) -> int:
        return len(self.link_index)

    def full_kernel(self, weight: torch.Tensor) -> torch.Tensor:
        """The dense ``[out, in, k, k]`` kernel, zero where the table has no link."""
        if self.links == self.out_maps * self.in_maps:  # fully connected: the links are the kernel
            return weight.reshape(self.out_maps, self.in_maps, self.kernel_size, self.kernel_size)
        k2 = self.kernel_size**2
        dense = weight.new_zeros(self.out_maps * self.in_maps, k2)
        dense = dense.index_copy(0, self.link_index, weight.reshape(-1, k2))
        return dense.reshape(self.out_maps, self.in_maps, self.kernel_size, self.kernel_size)

    def affine(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        """The layer as a function of its input and parameters (linear in each)."""
        out = F.conv2d(x, self.full_kernel(weight), stride=self.stride)
        if bias is None:
            return out
        return out + (bias.view(1, -1, 1, 1) if self.bias_mode == "map" else bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] != self.in_maps:
            raise ValueError(f"expected input [N, {self.in_maps}, H, W], got {tuple(x.shape)}")
        return self.affine(x, self.weight, self.bias)

    def connections(self, output_shape: tuple[int, ...]) -> int:
        """Connections into this layer's units, one per bias included."""
        h, w = output_shape[-2:]
        return h * w * sum(f + 1 for f in self.fan_in)


def block_sums(x: torch.Tensor, size: int = 2) -> torch.Tensor:
    """The sum of each non-overlapping ``size`` x ``size`` block of each map of ``x``
    (``[N, C, H, W]``): what a subsampling unit adds up before its coefficient and bias.

    This is the definition. The layer computes the same sums with
    :func:`lenet_tutorial.speed.fast_block_sums`, which is faster on a CPU and tested equal.
    """
    n, maps, h, w = x.shape
    return x.reshape(n, maps, h // size, size, w // size, size).sum(dim=(3, 5))


class SubsamplingLayer(nn.Module):
    """Trainable subsampling: each unit sums a 2x2 block of its map, times a coefficient, plus a bias.

    One coefficient and one bias per map (LeNet-1's averaging layers and LeNet-5's S2/S4).
    ``in_maps`` smaller than ``maps`` lets each input map feed several subsampling maps,
    each with its own coefficient and bias: LeNet-4's 8 maps "connected in pairs" to 4.
    The coefficient sets how far the squashing that follows is from linear: small, and
    the unit blurs; large, and it acts as a noisy OR or AND of its four inputs. Halving
    the resolution makes the features less sensitive to small shifts and distortions.
    """

    def __init__(self, maps: int, size: int = 2, in_maps: int | None = None):
        super().__init__()
        in_maps = maps if in_maps is None else in_maps
        if maps % in_maps:
            raise ValueError(f"{maps} subsampling maps cannot share {in_maps} input maps equally")
        self.maps, self.size, self.in_maps = maps, size, in_maps
        self.weight = nn.Parameter(torch.empty(maps))
        self.bias = nn.Parameter(torch.empty(maps))
        fan_in_uniform_(self.weight, size * size, self.bias)

    def affine(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        block_sum = fast_block_sums(x, self.size)  # = block_sums(x, self.size), faster
        if self.maps != self.in_maps:  # LeNet-4: each input map feeds maps // in_maps of ours
            block_sum = block_sum.repeat_interleave(self.maps // self.in_maps, dim=1)
        out = block_sum * weight.view(1, -1, 1, 1)
        return out if bias is None else out + bias.view(1, -1, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] != self.in_maps or x.shape[-1] % self.size or x.shape[-2] % self.size:
            raise ValueError(
                f"expected input [N, {self.in_maps}, H, W] with H, W divisible by {self.size}, got {tuple(x.shape)}"
            )
        return self.affine(x, self.weight, self.bias)

    def connections(self, output_shape: tuple[int, ...]) -> int:
        h, w = output_shape[-2:]
        return self.maps * h * w * (self.size * self.size + 1)


class FullyConnected(nn.Linear):
    """A fully connected layer with the papers' initialisation and the ``affine`` interface."""

    def __init__(self, in_features: int, out_features: int):
        super().__init__(in_features, out_features)
        fan_in_uniform_(self.weight, in_features, self.bias)

    def affine(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        return F.linear(x, weight, bias)

    def connections(self, output_shape: tuple[int, ...]) -> int:
        return self.out_features * (self.in_features + 1)


def sn28_initialisation_(model: nn.Module, scale: float = 2.4) -> nn.Module:
    """Re-initialise ``model`` as the group's simulator of 1989-1990 did (SN2.8, ``src/gbp.c``),
    in place; returns it.

    Every weight *and bias* uniform in +-2.4/F_i. The papers' rule, with SN2.8's reading of
    the fan-in: a bias is a connection from a constant "bias unit", so it is drawn like a
    weight and counted among the unit's inputs, F_i = (weights feeding the unit) + 1. (Our
    layers' own initialisation divides by the weights alone.) A subsampling unit reads
    four inputs through one shared coefficient, plus its bias: F_i = 5.
    """
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, ConnectedConv2d):
                for o, (fan_in, kernels) in enumerate(module.kernels_of_each_map()):
                    bound = scale / (fan_in + 1)
                    module.weight[kernels].uniform_(-bound, bound)
                    module.bias[o].uniform_(-bound, bound)
            elif isinstance(module, SubsamplingLayer):
                bound = scale / (module.size**2 + 1)
                module.weight.uniform_(-bound, bound)
                module.bias.uniform_(-bound, bound)
            elif isinstance(module, FullyConnected):
                bound = scale / (module.in_features + 1)
                module.weight.uniform_(-bound, bound)
                module.bias.uniform_(-bound, bound)
    return model


def lush_initialisation_(model: nn.Module) -> nn.Module:
    """Re-initialise ``model`` as LeCun's group's own LeNet-5 code did (Lush's gblearn2, 2002:
    ``packages/gblearn2/gb-modules-nn.lsh``), in place; returns it.

    Every weight uniform in +-1/sqrt(F_i), F_i the fan-in of the unit it feeds (the papers
    write 2.4/F_i); every bias 0; every subsampling coefficient 0.5, not drawn at random (the
    papers' rule draws it in +-0.6, so that some subsampling maps start near zero gain). The
    RBF centres and anything else without one of these layers are left alone.
    """
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, ConnectedConv2d):
                for fan_in, kernels in module.kernels_of_each_map():
                    module.weight[kernels].uniform_(-(fan_in**-0.5), fan_in**-0.5)
                module.bias.zero_()
            elif isinstance(module, SubsamplingLayer):
                module.weight.fill_(0.5)
                module.bias.zero_()
            elif isinstance(module, FullyConnected):
                bound = module.in_features**-0.5
                module.weight.uniform_(-bound, bound)
                module.bias.zero_()
    return model
