"""The two data sets of the book, loaded from the real published files.

>>> images, labels = load_usps("train")     # float32 [7291, 16, 16] in [-1, 1]
>>> images, labels = load_mnist("test")     # uint8 [10000, 28, 28]
"""

from .files import CACHE_ENV, DATA_ENV, FILES, DataFileError, cache_dir
from .lookup import locate
from .mnist import load_mnist
from .preprocess import (
    LENET5_BACKGROUND,
    LENET5_FOREGROUND,
    mnist_to_16x16,
    mnist_to_28x28,
    mnist_to_lenet5,
    mnist_to_lush,
    pad_centred,
    usps_to_lenet1,
)
from .usps import load_usps
from .validation import VALIDATION_DIGITS, validation_split

__all__ = [
    "CACHE_ENV",
    "VALIDATION_DIGITS",
    "DATA_ENV",
    "FILES",
    "LENET5_BACKGROUND",
    "LENET5_FOREGROUND",
    "DataFileError",
    "cache_dir",
    "load_mnist",
    "load_usps",
    "locate",
    "mnist_to_16x16",
    "mnist_to_28x28",
    "mnist_to_lenet5",
    "mnist_to_lush",
    "pad_centred",
    "usps_to_lenet1",
    "validation_split",
]
