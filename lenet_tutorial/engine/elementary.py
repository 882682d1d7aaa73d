"""exp, tanh and log from the four arithmetic operations: the same bits on every machine.

A processor's vector ``tanh`` and the C library's ``exp`` are implemented differently on
each machine (glibc picks a version for the CPU it runs on), and round their last bit
differently: the one source of disagreement left in a network whose sums are computed in a
fixed order. These are written with additions, multiplications, divisions and exact scalings
by powers of two only, each of which IEEE 754 rounds the same way everywhere, in double
precision (a float32 engine rounds their result once, at the end).

The method is the textbook one. ``exp(x) = 2**k exp(r)`` with ``k`` the integer nearest
``x / ln 2`` and ``|r| <= ln(2)/2``, the reduction done in two parts (``ln 2`` split into a
short head, whose product with ``k`` is exact, and a tail: Cody and Waite, 1980); ``exp(r) - 1``
from its Taylor series, 14 terms, whose truncation error is below 1e-18 there. ``tanh`` from
``exp(-2|u|) - 1`` without cancellation near 0; ``log`` from ``atanh`` of ``(m - 1)/(m + 1)``.
Accuracy: a few units in the last place of double precision, far below float32's.

The float32 engine squashes its layers with :func:`squash_array_float32`: the same method in
float32 arithmetic, eight numbers to a vector instead of four, with a shorter series (its
truncation, below 1e-8, is under float32's rounding). Its results lie within 4 units in the
last place of float32 of the exact ones (tested), and are the same bits on every machine.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..data.affine import EXACT

LN2_HI = 6.93147180369123816490e-01  # ln 2 rounded to 32 bits: k * LN2_HI is exact for |k| < 2**20
LN2_LO = 1.90821492927058770002e-10  # ln 2 - LN2_HI
INV_LN2 = 1.44269504088896338700e00
# Adding 2**52 + 2**51 to x rounds it to the nearest integer k (|k| < 2**31) and leaves k in the
# low bits of the sum's representation: no conversion instruction, which would not vectorise.
ROUNDING_MAGIC = 6755399441055744.0
ROUNDING_MAGIC_BITS = 0x4338000000000000
ONE_BITS = 1023 << 52  # the bits of 1.0 = 2**0
EXP_MAX = 709.0  # above: exp overflows double precision (the networks never get near)
EXP_MIN = -745.0  # below: exp underflows to 0

JIT = EXACT  # how every loop of the engine is compiled (see there)
# small helpers are inlined where they are called, so that the loops around them vectorise
INLINE = {**JIT, "inline": "always"}


# 1/(n+2)! for n = 0..12: exp(r) - 1 = r + r^2 (C[0] + C[1] r + ... + C[12] r^12)
C = (
    0.5,
    0.16666666666666666,
    0.041666666666666664,
    0.008333333333333333,
    0.001388888888888889,
    0.0001984126984126984,
    2.48015873015873e-05,
    2.7557319223985893e-06,
    2.755731922398589e-07,
    2.505210838544172e-08,
    2.08767569878681e-09,
    1.6059043836821613e-10,
    1.1470745597729725e-11,
)


@njit(**INLINE)
def expm1_small(r: float) -> float:
    """exp(r) - 1 for |r| <= 0.35, from the Taylor series to r^14 (truncation below 1e-18),
    evaluated by Estrin's scheme: independent pairs of terms combined in a tree, eight
    operations deep instead of Horner's twenty-eight, so that a vector unit is kept busy."""
    r2 = r * r
    r4 = r2 * r2
    r8 = r4 * r4
    low = (C[0] + C[1] * r) + r2 * (C[2] + C[3] * r)
    middle = (C[4] + C[5] * r) + r2 * (C[6] + C[7] * r)
    high = ((C[8] + C[9] * r) + r2 * (C[10] + C[11] * r)) + r4 * C[12]
    return r + r2 * ((low + r4 * middle) + r8 * high)


@njit(**INLINE)
def reduce(x: float):
    """x = k ln 2 + r, |r| <= ln(2)/2: returns k (as a double) and r. k is x / ln 2 rounded to
    the nearest integer by adding and subtracting :data:`ROUNDING_MAGIC` (plain arithmetic)."""
    k = (x * INV_LN2 + ROUNDING_MAGIC) - ROUNDING_MAGIC
    return k, (x - k * LN2_HI) - k * LN2_LO


@njit(**JIT)
def exp(x: float) -> float:
    """e ** x, to a few units in the last place of double precision."""
    if x > EXP_MAX:
        return math.inf
    if x < EXP_MIN:
        return 0.0
    k, r = reduce(x)
    return math.ldexp(1.0 + expm1_small(r), int(k))


@njit(**JIT)
def tanh(u: float) -> float:
    """tanh(u) = -(exp(-2|u|) - 1) / (exp(-2|u|) + 1), with the sign of u; exp(-2|u|) - 1 from the
    series alone where the reduction leaves it unscaled (no cancellation near 0)."""
    v = max(-2.0 * abs(u), -40.0)  # beyond, tanh is 1 in double precision
    k, r = reduce(v)
    p = expm1_small(r)
    e = p if k == 0 else math.ldexp(1.0 + p, int(k)) - 1.0
    t = -e / (2.0 + e)
    return t if u >= 0 else -t


@njit(**JIT)
def log(x: float) -> float:
    """The natural logarithm of x > 0 (-inf at 0, nan below)."""
    if x < 0 or x != x:
        return math.nan
    if x == 0:
        return -math.inf
    if x == math.inf:
        return math.inf
    m, e = math.frexp(x)  # x = m 2**e, 0.5 <= m < 1
    if m < 0.7071067811865476:  # bring m into [sqrt(1/2), sqrt(2))
        m *= 2.0
        e -= 1
    s = (m - 1.0) / (m + 1.0)  # log m = 2 atanh s, |s| <= 0.1716
    s2 = s * s
    p = 1.0 / 27.0
    for n in range(25, 0, -2):
        p = 1.0 / n + s2 * p
    return 2.0 * s * p + e * LN2_LO + e * LN2_HI


@njit(**JIT)
def squash_array(x, y, derivative, slope, amplitude, work, bits):
    """y = amplitude tanh(slope x) and its derivative, for a whole layer: the same numbers as
    :func:`tanh`, computed in loops without branches, library calls or conversions to integers
    (2**k is assembled from the bits of the rounding's sum), so that they are vectorised.

    ``work`` (float64, [2, n] at least) and ``bits`` (int64, n) are scratch.
    """
    n = x.shape[0]
    p = work[0, :n]
    m = work[1, :n]
    for i in range(n):
        v = max(-2.0 * abs(slope * x[i]), -40.0)
        k, r = reduce(v)
        p[i] = expm1_small(r)
        m[i] = k + ROUNDING_MAGIC  # k in the low bits of the representation
    integer = m.view(np.int64)
    for i in range(n):
        bits[i] = (integer[i] - ROUNDING_MAGIC_BITS + 1023) << 52
    scale = bits[:n].view(np.float64)  # 2**k, exactly
    for i in range(n):
        e = p[i] if bits[i] == ONE_BITS else (1.0 + p[i]) * scale[i] - 1.0
        t = -e / (2.0 + e)
        t = t if x[i] >= 0 else -t
        y[i] = amplitude * t
        derivative[i] = amplitude * slope * (1.0 - t * t)


# The float32 constants of squash_array_float32 (np.float32, so that numba computes in float32)
F32 = np.float32
ROUNDING_MAGIC_32 = F32(12582912.0)  # 2**23 + 2**22: rounds a float32 to an integer
ROUNDING_MAGIC_BITS_32 = np.int32(0x4B400000)
INV_LN2_32 = F32(INV_LN2)
LN2_HI_32 = F32(0.693145751953125)  # ln 2 to 16 bits: k * LN2_HI_32 is exact for |k| < 2**8
LN2_LO_32 = F32(1.4286068203094173e-06)  # ln 2 - LN2_HI_32
C_32 = tuple(F32(c) for c in C[:6])  # 1/2!, ..., 1/7!: exp(r) - 1 to r^7, truncation < 1e-8
ONE_BITS_32 = np.int32(127 << 23)


@njit(**JIT)
def squash_array_float32(x, y, derivative, slope, amplitude, work, bits):
    """:func:`squash_array` for float32 layers, computed in float32 (see the module's text).

    ``work`` (float32, 2n at least) and ``bits`` (int32, n) are scratch.
    """
    n = x.shape[0]
    p = work[:n]
    m = work[n : 2 * n]
    s, a, a_s = F32(slope), F32(amplitude), F32(amplitude * slope)
    one, two = F32(1.0), F32(2.0)
    c0, c1, c2, c3, c4, c5 = C_32
    for i in range(n):
        v = max(-two * abs(s * x[i]), F32(-20.0))  # beyond, tanh is 1 in float32
        k = (v * INV_LN2_32 + ROUNDING_MAGIC_32) - ROUNDING_MAGIC_32
        r = (v - k * LN2_HI_32) - k * LN2_LO_32
        r2 = r * r
        p[i] = r + r2 * ((c0 + c1 * r) + r2 * ((c2 + c3 * r) + r2 * (c4 + c5 * r)))
        m[i] = k + ROUNDING_MAGIC_32
    integer = m.view(np.int32)
    for i in range(n):
        bits[i] = (integer[i] - ROUNDING_MAGIC_BITS_32 + 127) << 23
    scale = bits[:n].view(np.float32)
    for i in range(n):
        e = p[i] if bits[i] == ONE_BITS_32 else (one + p[i]) * scale[i] - one
        t = -e / (two + e)
        t = t if x[i] >= 0 else -t
        y[i] = a * t
        derivative[i] = a_s * (one - t * t)
