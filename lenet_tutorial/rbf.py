"""LeNet-5's output layer: Euclidean radial basis function units with fixed centres.

Each output unit i computes a *penalty*, the squared distance between F6's 84 outputs
and the unit's centre: ``y_i = sum_j (x_j - w_ij)**2``. The answer is the class with the
smallest penalty. The 1998 paper fixed the centres by hand to -1 or +1: each is a
stylised image of its digit drawn on a 7x12 grid. Why a bitmap and not a "one of N"
code? Such distributed codes keep working for classes that look alike, and let the
network reject a non-digit whose F6 output is close to no bitmap at all; the paper built
its full printable-ASCII recogniser the same way.

The paper's Figure 3 shows the bitmaps; no digital copy was published. The ones below
are our transcription of that figure's style (a 7-wide, 12-high stroke font with the
digit in the upper ten rows), not a pixel-exact copy: where they differ from the
original, any two codes still differ in at least 14 of the 84 positions.
"""

from __future__ import annotations

import torch
from torch import nn

BITMAP_WIDTH, BITMAP_HEIGHT = 7, 12

# '#' = +1 (ink), '.' = -1; one 7x12 drawing per digit.
DIGIT_BITMAPS = {
    0: """
.......
..###..
.#...#.
#.....#
#.....#
#.....#
#.....#
#.....#
.#...#.
..###..
.......
.......""",
    1: """
.......
...#...
..##...
.#.#...
...#...
...#...
...#...
...#...
...#...
.#####.
.......
.......""",
    2: """
.......
.#####.
#.....#
......#
.....#.
....#..
...#...
..#....
.#.....
#######
.......
.......""",
    3: """
.......
#######
.....#.
....#..
...#...
..###..
.....#.
......#
#.....#
.#####.
.......
.......""",
    4: """
.......
....#..
...##..
..#.#..
.#..#..
#...#..
#######
....#..
....#..
....#..
.......
.......""",
    5: """
.......
#######
#......
#......
#####..
.....#.
......#
......#
.....#.
#####..
.......
.......""",
    6: """
.......
..####.
.#.....
#......
#......
######.
#.....#
#.....#
#.....#
.#####.
.......
.......""",
    7: """
.......
#######
......#
.....#.
....#..
...#...
...#...
..#....
..#....
..#....
.......
.......""",
    8: """
.......
.#####.
#.....#
#.....#
.#####.
#.....#
#.....#
#.....#
#.....#
.#####.
.......
.......""",
    9: """
.......
.#####.
#.....#
#.....#
#.....#
.######
......#
......#
.....#.
.####..
.......
.......""",
}


def digit_bitmaps() -> torch.Tensor:
    """The ten centres as a ``[10, 84]`` tensor of +-1 (row-major 12 rows of 7)."""
    rows = []
    for digit in range(10):
        lines = DIGIT_BITMAPS[digit].split()
        if len(lines) != BITMAP_HEIGHT or any(len(line) != BITMAP_WIDTH for line in lines):
            raise ValueError(f"the bitmap of {digit} is not {BITMAP_WIDTH}x{BITMAP_HEIGHT}")
        rows.append([1.0 if c == "#" else -1.0 for c in "".join(lines)])
    return torch.tensor(rows)


class EuclideanRBF(nn.Module):
    """``y_i = ||x - w_i||^2`` for fixed centres ``w_i`` (a buffer, not a parameter).

    Fixed, because a trainable RBF layer with the paper's plain squared-error criterion
    has a trivial solution: move every centre to the same point, and every penalty is 0.
    """

    def __init__(self, centres: torch.Tensor | None = None):
        super().__init__()
        centres = digit_bitmaps() if centres is None else centres
        self.register_buffer("centres", centres.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != self.centres.shape[1]:
            raise ValueError(f"expected input [N, {self.centres.shape[1]}], got {tuple(x.shape)}")
        # ||x||^2 - 2 x.w + ||w||^2: one matrix product instead of an [N, 10, 84] difference
        return (x * x).sum(1, keepdim=True) - 2 * x @ self.centres.T + (self.centres * self.centres).sum(1)

    def connections(self, output_shape: tuple[int, ...]) -> int:
        return self.centres.numel()
