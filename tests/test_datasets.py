"""The real data sets: counts, shapes, value ranges and known first labels."""

from __future__ import annotations

import torch

from lenet_tutorial.data import load_mnist, load_usps


def test_usps_train_has_7291_digits_of_16x16_in_minus1_to_1(data_dir):
    images, labels = load_usps("train", data_dir)
    assert images.shape == (7291, 16, 16) and images.dtype == torch.float32
    assert labels.dtype == torch.int64
    assert images.min() == -1 and images.max() == 1
    assert torch.bincount(labels).tolist() == [1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644]


def test_usps_test_has_2007_digits_with_the_published_class_counts(data_dir):
    images, labels = load_usps("test", data_dir)
    assert images.shape == (2007, 16, 16)
    assert torch.bincount(labels).tolist() == [359, 264, 198, 166, 200, 160, 170, 147, 166, 177]


def test_mnist_train_has_60000_uint8_digits_starting_5_0_4_1_9(data_dir):
    images, labels = load_mnist("train", data_dir)
    assert images.shape == (60000, 28, 28) and images.dtype == torch.uint8
    assert labels.dtype == torch.int64
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert torch.bincount(labels).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_mnist_test_has_10000_digits_starting_7_2_1_0_4(data_dir):
    images, labels = load_mnist("test", data_dir)
    assert images.shape == (10000, 28, 28)
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert images.max() == 255 and images.min() == 0
