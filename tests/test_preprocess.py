"""The papers' input normalisations."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.data import (
    mnist_to_16x16,
    mnist_to_28x28,
    mnist_to_lenet5,
    pad_centred,
    usps_to_lenet1,
)
from lenet_tutorial.data.normalise import slant


def test_lenet5_input_is_32x32_with_background_minus_0_1_and_ink_1_175():
    images = torch.zeros(2, 28, 28, dtype=torch.uint8)
    images[:, 10, 10] = 255
    x = mnist_to_lenet5(images)
    assert x.shape == (2, 1, 32, 32) and x.dtype == torch.float32
    assert torch.isclose(x[0, 0, 0, 0], torch.tensor(-0.1))
    assert torch.isclose(x[0, 0, 12, 12], torch.tensor(1.175))  # the digit moved by the 2-pixel margin
    assert torch.isclose(x.amin(), torch.tensor(-0.1))


def test_28x28_scale_matches_lenet5_grey_levels():
    images = torch.tensor([[[0, 255] * 14] * 28], dtype=torch.uint8)
    x = mnist_to_28x28(images)
    assert x.shape == (1, 1, 28, 28)
    assert set(torch.round(x.unique() * 1000).tolist()) == {-100.0, 1175.0}


def test_16x16_mnist_is_in_minus1_to_1_like_usps_and_keeps_the_whole_digit():
    images = torch.zeros(3, 28, 28, dtype=torch.uint8)
    images[:, 2:22, 9:13] = 255  # a tall stroke, far from the middle: the old crop cut it
    x = mnist_to_16x16(images)
    assert x.shape == (3, 16, 16)
    assert x.min() >= -1 and x.max() <= 1
    ink_rows = (x[0] > 0).any(1).nonzero().flatten()
    assert ink_rows.min() <= 1 and ink_rows.max() >= 14  # the 20-pixel stroke now spans the 16 rows


def test_deslanted_16x16_mnist_stands_the_digit_upright_first():
    images = torch.zeros(1, 28, 28, dtype=torch.uint8)
    for row in range(4, 24):  # a stroke leaning right like italics: one pixel left per row down
        images[0, row, 22 - row // 2 : 24 - row // 2] = 255
    leaning, upright = mnist_to_16x16(images), mnist_to_16x16(images, deslanted=True)
    assert upright.shape == (1, 16, 16) and upright.min() >= -1 and upright.max() <= 1
    assert slant((leaning + 1) / 2).abs() > 0.3 > 0.05 > slant((upright + 1) / 2).abs()


def test_lenet1_input_centres_the_16x16_digit_in_28x28():
    digit = torch.full((1, 16, 16), 0.5)
    x = usps_to_lenet1(digit)
    assert x.shape == (1, 1, 28, 28)
    assert (x[0, 0, 6:22, 6:22] == 0.5).all()
    assert x.sum() == 0.5 * 256 - (28 * 28 - 256)


@pytest.mark.parametrize(
    "function, images",
    [
        (mnist_to_lenet5, torch.zeros(2, 32, 32, dtype=torch.uint8)),
        (mnist_to_lenet5, torch.zeros(28, 28, dtype=torch.uint8)),
        (mnist_to_28x28, torch.zeros(1, 28, 28)),  # floats, not MNIST bytes
        (mnist_to_16x16, torch.zeros(1, 28, 28)),
        (usps_to_lenet1, torch.zeros(1, 28, 28)),
    ],
)
def test_wrong_shape_or_type_is_a_clear_error(function, images):
    with pytest.raises(ValueError, match="expected"):
        function(images)


def test_cannot_centre_a_large_image_in_a_small_field():
    with pytest.raises(ValueError, match="cannot centre"):
        pad_centred(torch.zeros(1, 30, 30), 28, 0.0)


_INPUT_DIGEST = """
import hashlib, sys, torch
torch.set_num_threads(int(sys.argv[1]))
from lenet_tutorial.data import load_mnist, mnist_to_16x16
images = load_mnist("train")[0][:2000]
for deslanted in (False, True):
    print(hashlib.sha256(mnist_to_16x16(images, deslanted=deslanted).numpy().tobytes()).hexdigest())
"""
# The first 2,000 training digits as the chapter *MNIST*'s LeNet-1 reads them (as published,
# deslanted): the SHA-256 of their float32 bytes, computed once and the same on every machine.
DIGITS_16X16 = [
    "31e6aa92bc3a1dbc1984f9700ed37a9c070d0b096612db8627c4248bceb428bd",
    "3716153db1164fa675d1dd941e021275e2452c7f0f8d8c85d92d50319783193c",
]


@pytest.mark.parametrize(
    "processor, threads",
    [("this one", 1), ("this one", 2), ("a generic x86-64, for numba and PyTorch", 1)],
)
def test_16x16_mnist_is_the_same_bits_on_every_processor(processor, threads, data_dir):
    """The chapter *MNIST* trains LeNet-1 with the engine, whose numbers are the same on every
    machine, on 16x16 digits that these functions resample: so they must be the same bits
    everywhere too. "generic": numba compiles for the plainest x86-64 (NUMBA_CPU_NAME) and
    PyTorch runs its unvectorised kernels (ATEN_CPU_CAPABILITY=default), whose sums and
    grid_sample did round some pixels differently."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, LENET_TUTORIAL_DATA=str(data_dir))
    if processor.startswith("a generic"):
        env.update(NUMBA_CPU_NAME="generic", ATEN_CPU_CAPABILITY="default")
    done = subprocess.run(
        [sys.executable, "-c", _INPUT_DIGEST, str(threads)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == DIGITS_16X16
