"""The engine's compiled loops: every layer of the historical networks, forward and backward.

Each function works on one pattern. Its arrays are flat views into the engine's buffers
(activations, parameters, gradients), reshaped inside; its sizes come from the layer's row of
the network description (:mod:`lenet_tutorial.engine.network`). The loops are written so that
the compiler can vectorise them *across independent outputs* (eight output columns at once,
say) without ever changing the order in which one output's terms are added: every sum is
computed in the order the code writes it, on every machine. Where one number is a long sum
(a weight's gradient over the positions of its map, a dot product), it is first split into
partial sums kept side by side, in a fixed pattern, and those are added at the end in a fixed
order: as fast as a vector unit allows, and still one order.

The same backward loop computes gradients and curvatures. The Gauss-Newton diagonal of
stochastic diagonal Levenberg-Marquardt back-propagates second derivatives exactly as
gradients are back-propagated, with squared weights and squared inputs
(:mod:`lenet_tutorial.sdlm`): the curvature pass calls these functions on squared copies.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from . import elementary

JIT = elementary.JIT

# the kinds of layer, and the fields of a layer's row in the network description
PAD, CONV, FULL, SUB, SQUASH, RBF = range(6)
KIND_NAMES = ("padding", "convolution", "fully connected", "subsampling", "squashing", "RBF")
(
    KIND,
    IN_C,
    IN_H,
    IN_W,
    OUT_C,
    OUT_H,
    OUT_W,
    K,
    STRIDE,
    W_OFF,
    W_LEN,
    B_OFF,
    B_LEN,
    LINK_OFF,
    N_LINKS,
    UNIT_BIAS,
    PAD_TOP,
    PAD_LEFT,
    X_OFF,
    Y_OFF,
    GROUP,
    C_OFF,
) = range(22)
FIELDS = 22

SQUASH_AMPLITUDE = 1.7159
SQUASH_SLOPE = 2.0 / 3.0
# numbers after a convolution's input maps that its backward pass may read (and not use):
# the activation buffers are this much longer than the network's activations
SLACK = 16


# -- Convolutions with a connection table ---------------------------------------------------


@njit(**JIT)
def conv_forward(x, y, w, b, links, cin, h, wd, cout, oh, ow, k, s, unit_bias, acc):
    """y[o] = bias + sum over the links (o, i), in table order, of the k x k kernel slid over x[i].

    The outputs of a map are accumulated at the positions of their windows' corners in the
    input map, ``acc[oy s wd + ox s]``: then each kernel weight adds one contiguous stretch
    of the input map, a single long vectorised loop. (The positions between the outputs are
    computed too, and thrown away.)
    """
    X = x.reshape((cin, h * wd))
    Y = y.reshape((cout, oh, ow))
    W = w.reshape((-1, k, k))
    span = (oh - 1) * s * wd + (ow - 1) * s + 1
    a = acc[:span]
    link = 0
    for o in range(cout):
        if unit_bias:
            B = b.reshape((cout, oh, ow))
            a[:] = 0.0
            for oy in range(oh):
                for ox in range(ow):
                    a[oy * s * wd + ox * s] = B[o, oy, ox]
        else:
            a[:] = b[o]
        while link < links.shape[0] // 2 and links[2 * link] == o:
            source = X[links[2 * link + 1]]
            for ky in range(k):
                row = ky * wd
                if k == 5:  # a kernel row's five weights in one loop: the same additions, in order
                    r0, r1, r2 = (
                        source[row : row + span],
                        source[row + 1 : row + 1 + span],
                        source[row + 2 : row + 2 + span],
                    )
                    r3, r4 = source[row + 3 : row + 3 + span], source[row + 4 : row + 4 + span]
                    w0, w1, w2, w3, w4 = (
                        W[link, ky, 0],
                        W[link, ky, 1],
                        W[link, ky, 2],
                        W[link, ky, 3],
                        W[link, ky, 4],
                    )
                    for p in range(span):  # independent outputs: vectorised
                        a[p] = ((((a[p] + w0 * r0[p]) + w1 * r1[p]) + w2 * r2[p]) + w3 * r3[p]) + w4 * r4[p]
                else:
                    for kx in range(k):
                        weight = W[link, ky, kx]
                        window = source[row + kx : row + kx + span]
                        for p in range(span):
                            a[p] += weight * window[p]
            link += 1
        for oy in range(oh):
            for ox in range(ow):
                Y[o, oy, ox] = a[oy * s * wd + ox * s]


@njit(**JIT)
def correlation(source, gradients, kernel_gradient, running, oh, ow, k, s, wd):
    """kernel_gradient[ky, kx] += sum over the outputs of gradient x the input under (ky, kx):
    each output adds its gradient times its window of input to ``running``, one running sum per
    offset in the window, in the outputs' order.

    ``running`` is a whole number of vectors long (16 numbers each), longer than the window:
    the loops then have no scalar remainder. Its last sums are never read, and ``source``
    carries :data:`SLACK` numbers after its map for them to read."""
    running[:] = 0.0
    wide = running.shape[0]
    for oy in range(oh):
        ox = 0
        while ox + 5 <= ow:  # five outputs of a row in one loop: the same additions, in order
            base = oy * s * wd + ox * s
            x0, x1, x2 = (
                source[base : base + wide],
                source[base + s : base + s + wide],
                source[base + 2 * s : base + 2 * s + wide],
            )
            x3, x4 = source[base + 3 * s : base + 3 * s + wide], source[base + 4 * s : base + 4 * s + wide]
            g0, g1, g2, g3, g4 = (
                gradients[oy, ox],
                gradients[oy, ox + 1],
                gradients[oy, ox + 2],
                gradients[oy, ox + 3],
                gradients[oy, ox + 4],
            )
            for q in range(wide):
                running[q] = ((((running[q] + g0 * x0[q]) + g1 * x1[q]) + g2 * x2[q]) + g3 * x3[q]) + g4 * x4[
                    q
                ]
            ox += 5
        while ox < ow:
            gradient = gradients[oy, ox]
            base = oy * s * wd + ox * s
            window = source[base : base + wide]
            for q in range(wide):
                running[q] += gradient * window[q]
            ox += 1
    for ky in range(k):
        for kx in range(k):
            kernel_gradient[ky, kx] += running[ky * wd + kx]


@njit(**JIT)
def conv_backward(x, dy, dx, w, gw, gb, links, cin, h, wd, cout, oh, ow, k, s, unit_bias, need_dx, scratch):
    """Add the gradients of the kernels and biases to ``gw``, ``gb``; add dE/dx to ``dx``.

    dE/dy of each map is first spread to its outputs' positions in the input map, with zeros in
    between and a margin of zeros on each side (``scratch``). Then dE/dx is a convolution of
    that spread with the kernel turned round, computed like the forward pass: one long
    vectorised loop per kernel row. A kernel weight's gradient is a sum over the map's outputs:
    for large maps, one dot product of the spread gradients with a stretch of the input map; for
    small or strided maps, where the outputs are few, each output adds its gradient times the
    window of input under it to a row of running sums, one per offset in the window (a
    correlation), and the kernel's weights read their offsets off it. Which one depends on the
    layer's sizes only. ``x`` holds the input maps and :data:`SLACK` numbers after them.
    """
    size = h * wd
    X = x[: cin * size].reshape((cin, size))
    dX = dx.reshape((cin, size))
    dY = dy.reshape((cout, oh, ow))
    W = w.reshape((-1, k, k))
    gW = gw.reshape((-1, k, k))
    span = (oh - 1) * s * wd + (ow - 1) * s + 1
    offsets = (k - 1) * wd + k  # the window's extent in the flattened input map
    margin = offsets - 1
    correlate = oh * ow * offsets <= 2 * k * k * span
    padded = scratch[: margin + h * wd + margin]
    g = padded[margin : margin + span]
    wide = offsets + (-offsets) % 16  # whole vectors: see correlation
    running = scratch[2 * margin + h * wd : 2 * margin + h * wd + wide]
    lanes = scratch[2 * margin + h * wd + wide : 2 * margin + h * wd + wide + 16]
    padded[:] = 0.0
    link = 0
    for o in range(cout):
        for oy in range(oh):
            for ox in range(ow):
                g[oy * s * wd + ox * s] = dY[o, oy, ox]
        if unit_bias:
            gB = gb.reshape((cout, oh, ow))
            for oy in range(oh):
                for ox in range(ow):
                    gB[o, oy, ox] += dY[o, oy, ox]
        else:
            gb[o] += total(g, span)
        while link < links.shape[0] // 2 and links[2 * link] == o:
            i = links[2 * link + 1]
            source = X[i]
            if correlate:
                with_slack = x[i * size : (i + 1) * size + SLACK]
                correlation(with_slack, dY[o], gW[link], running, oh, ow, k, s, wd)
            else:
                for ky in range(k):
                    for kx in range(k):
                        start = ky * wd + kx
                        gW[link, ky, kx] += dot(g, source[start : start + span], span, lanes)
            if need_dx:
                # dx[q] += sum over the kernel of w[ky, kx] g[q - ky wd - kx]: g read backwards
                target = dX[i]
                n = h * wd
                for ky in range(k):
                    row = margin - ky * wd
                    if k == 5:
                        g0, g1, g2 = (
                            padded[row : row + n],
                            padded[row - 1 : row - 1 + n],
                            padded[row - 2 : row - 2 + n],
                        )
                        g3, g4 = padded[row - 3 : row - 3 + n], padded[row - 4 : row - 4 + n]
                        w0, w1, w2, w3, w4 = (
                            W[link, ky, 0],
                            W[link, ky, 1],
                            W[link, ky, 2],
                            W[link, ky, 3],
                            W[link, ky, 4],
                        )
                        for q in range(n):
                            target[q] = (
                                (((target[q] + w0 * g0[q]) + w1 * g1[q]) + w2 * g2[q]) + w3 * g3[q]
                            ) + w4 * g4[q]
                    else:
                        for kx in range(k):
                            weight = W[link, ky, kx]
                            shifted = padded[row - kx : row - kx + n]
                            for q in range(n):
                                target[q] += weight * shifted[q]
            link += 1
        for oy in range(oh):  # the zeros back, for the next map
            for ox in range(ow):
                g[oy * s * wd + ox * s] = 0.0


# -- Fully connected layers (and a convolution whose kernel covers its whole input) ---------


@njit(**JIT)
def dot(a, b, n, lanes):
    """sum a[j] b[j], j < n, in sixteen lanes: lane l adds the products of j = l, l + 16, l + 32,
    ... in that order. Then lane l + 8 is added to lane l, the eight lanes in a fixed tree, and
    the last n % 16 products (summed in order) at the end.

    The lanes are sixteen numbers of scratch memory, ``lanes``, and each round reads all sixteen
    before it writes any: the compiler turns a round into vector instructions (two of eight
    lanes, or one of sixteen) and keeps every lane's additions in their order. (Kept in sixteen
    local variables instead, they were vectorised four at a time with shuffles, three times
    slower.)"""
    m = n - n % 16
    for lane in range(16):
        lanes[lane] = 0.0
    for j in range(0, m, 16):
        t0 = lanes[0] + a[j + 0] * b[j + 0]
        t1 = lanes[1] + a[j + 1] * b[j + 1]
        t2 = lanes[2] + a[j + 2] * b[j + 2]
        t3 = lanes[3] + a[j + 3] * b[j + 3]
        t4 = lanes[4] + a[j + 4] * b[j + 4]
        t5 = lanes[5] + a[j + 5] * b[j + 5]
        t6 = lanes[6] + a[j + 6] * b[j + 6]
        t7 = lanes[7] + a[j + 7] * b[j + 7]
        t8 = lanes[8] + a[j + 8] * b[j + 8]
        t9 = lanes[9] + a[j + 9] * b[j + 9]
        t10 = lanes[10] + a[j + 10] * b[j + 10]
        t11 = lanes[11] + a[j + 11] * b[j + 11]
        t12 = lanes[12] + a[j + 12] * b[j + 12]
        t13 = lanes[13] + a[j + 13] * b[j + 13]
        t14 = lanes[14] + a[j + 14] * b[j + 14]
        t15 = lanes[15] + a[j + 15] * b[j + 15]
        lanes[0] = t0
        lanes[1] = t1
        lanes[2] = t2
        lanes[3] = t3
        lanes[4] = t4
        lanes[5] = t5
        lanes[6] = t6
        lanes[7] = t7
        lanes[8] = t8
        lanes[9] = t9
        lanes[10] = t10
        lanes[11] = t11
        lanes[12] = t12
        lanes[13] = t13
        lanes[14] = t14
        lanes[15] = t15
    tail = a.dtype.type(0)
    for j in range(m, n):
        tail += a[j] * b[j]
    for lane in range(8):  # the lanes added pairwise: 16 -> 8, then in a tree
        lanes[lane] = lanes[lane] + lanes[lane + 8]
    low = (lanes[0] + lanes[4]) + (lanes[1] + lanes[5])
    high = (lanes[2] + lanes[6]) + (lanes[3] + lanes[7])
    return (low + high) + tail


@njit(**JIT)
def total(a, n):
    """sum a[j], j < n, in the same pattern as :func:`dot`."""
    z = a.dtype.type(0)
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = z
    m = n - n % 8
    for j in range(0, m, 8):
        s0 += a[j]
        s1 += a[j + 1]
        s2 += a[j + 2]
        s3 += a[j + 3]
        s4 += a[j + 4]
        s5 += a[j + 5]
        s6 += a[j + 6]
        s7 += a[j + 7]
    tail = z
    for j in range(m, n):
        tail += a[j]
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + tail


@njit(**JIT)
def full_forward(x, y, w, b, n_in, n_out, lanes):
    """y[j] = b[j] + sum_i W[j, i] x[i], the weights stored output-major: one dot product per output."""
    W = w.reshape((n_out, n_in))
    for j in range(n_out):
        y[j] = b[j] + dot(W[j], x, n_in, lanes)


@njit(**JIT)
def full_backward(x, dy, dx, w, gw, gb, n_in, n_out, need_dx):
    """Gradients of the weights and biases added to ``gw``, ``gb``; dE/dx[i] += sum over the
    outputs j, in order, of dy[j] W[j, i]: each loop runs along the contiguous inputs."""
    W = w.reshape((n_out, n_in))
    gW = gw.reshape((n_out, n_in))
    gb += dy
    for j in range(n_out):
        g = dy[j]
        row = gW[j]
        for i in range(n_in):
            row[i] += g * x[i]
    if need_dx:
        for j in range(n_out):
            g = dy[j]
            row = W[j]
            for i in range(n_in):
                dx[i] += g * row[i]


# -- Trainable subsampling --------------------------------------------------------------------


@njit(**JIT)
def block_sums(source, sums, oh, ow, size):
    """sums[r, c] = the sum of the size x size block at (r, c) of ``source``, added row by row,
    left to right. For the networks' 2 x 2 blocks, one loop along a row of blocks: vectorised."""
    for r in range(oh):
        line = sums[r]
        if size == 2:
            top, bottom = source[2 * r], source[2 * r + 1]
            for c in range(ow):
                line[c] = ((top[2 * c] + top[2 * c + 1]) + bottom[2 * c]) + bottom[2 * c + 1]
        else:
            for c in range(ow):
                total = source[r * size, c * size]
                for a in range(size):
                    for bb in range(size):
                        if a or bb:
                            total += source[r * size + a, c * size + bb]
                line[c] = total


@njit(**JIT)
def sub_forward(x, y, w, b, cin, h, wd, cout, oh, ow, size, group):
    """Each unit: coefficient x (sum of its size x size block) + bias; map m reads map m // group."""
    X = x.reshape((cin, h, wd))
    Y = y.reshape((cout, oh, ow))
    for m in range(cout):
        out = Y[m]
        block_sums(X[m // group], out, oh, ow, size)
        coefficient, bias = w[m], b[m]
        for r in range(oh):
            line = out[r]
            for c in range(ow):
                line[c] = coefficient * line[c] + bias


@njit(**JIT)
def sub_backward(x, dy, dx, w, gw, gb, cin, h, wd, cout, oh, ow, size, group, need_dx, scratch):
    """The coefficient's gradient: the output gradients dotted with the block sums (recomputed
    into ``scratch``); the bias's: their sum; each input of a block receives coefficient x its
    output's gradient."""
    X = x.reshape((cin, h, wd))
    dX = dx.reshape((cin, h, wd))
    dY = dy.reshape((cout, oh, ow))
    n = oh * ow
    sums = scratch[:n]
    lanes = scratch[n : n + 16]
    for m in range(cout):
        block_sums(X[m // group], sums.reshape((oh, ow)), oh, ow, size)
        gradient = dy[m * n : (m + 1) * n]
        gw[m] += dot(gradient, sums, n, lanes)
        gb[m] += total(gradient, n)
        if need_dx:
            target = dX[m // group]
            weight = w[m]
            G = dY[m]
            for r in range(oh):
                for a in range(size):
                    row = target[r * size + a]
                    line = G[r]
                    if size == 2:
                        for c in range(ow):
                            spread = weight * line[c]
                            row[2 * c] += spread
                            row[2 * c + 1] += spread
                    else:
                        for c in range(ow):
                            spread = weight * line[c]
                            for bb in range(size):
                                row[c * size + bb] += spread


# -- The squashing function -------------------------------------------------------------------


@njit(**JIT)
def squash_forward(x, y, derivative, work, bits):
    """y = A tanh(S x); keeps f'(x) = A S (1 - tanh(S x)^2) for the backward pass. A float32
    layer is squashed in float32 arithmetic, a float64 one in float64 (``work``: float64
    scratch, ``bits``: int64, each as long as the widest layer; the float32 path reads them
    as twice as many float32 and int32 numbers)."""
    if x.itemsize == 4:
        elementary.squash_array_float32(
            x,
            y,
            derivative,
            SQUASH_SLOPE,
            SQUASH_AMPLITUDE,
            work.reshape(-1).view(np.float32),
            bits.view(np.int32),
        )
    else:
        elementary.squash_array(x, y, derivative, SQUASH_SLOPE, SQUASH_AMPLITUDE, work, bits)


# -- LeNet-5's output layer: Euclidean RBF units with fixed centres ---------------------------


@njit(**JIT)
def rbf_forward(x, y, centres, n_in, n_out):
    """y[c] = sum_j (x[j] - centre[c, j])^2, the centres stored input-major."""
    C = centres.reshape((n_in, n_out))
    y[:] = 0.0
    for j in range(n_in):
        xj = x[j]
        row = C[j]
        for c in range(n_out):
            d = xj - row[c]
            y[c] += d * d


@njit(**JIT)
def rbf_backward(x, dy, dx, centres, n_in, n_out):
    C = centres.reshape((n_in, n_out))
    for j in range(n_in):
        xj = x[j]
        row = C[j]
        total = x.dtype.type(0)
        for c in range(n_out):
            d = xj - row[c]
            total += (d + d) * dy[c]
        dx[j] += total


# -- Criteria: value, gradient and curvature at the output -----------------------------------

SQUARED_ERROR, MAP, CROSS_ENTROPY = 0, 1, 2


@njit(**JIT)
def squared_error(y, label, targets, dy):
    """E = sum_o (y_o - t_o)^2 for one pattern; dE/dy into ``dy``; returns E."""
    total = 0.0
    for o in range(y.shape[0]):
        d = y[o] - targets[label, o]
        total += float(d) * float(d)
        dy[o] = d + d
    return total


@njit(**JIT)
def map_criterion(y, label, j, dy):
    """LeNet-5's E = y_D + log(exp(-j) + sum_i exp(-y_i)); dE/dy_i = [i = D] - p_i into ``dy``.

    Computed from the smallest of ``j`` and the penalties, so that no exponential overflows.
    """
    low = j
    for i in range(y.shape[0]):
        low = min(low, float(y[i]))
    z = elementary.exp(low - j)
    for i in range(y.shape[0]):
        z += elementary.exp(low - float(y[i]))
    for i in range(y.shape[0]):
        p = elementary.exp(low - float(y[i])) / z
        dy[i] = (1.0 if i == label else 0.0) - p
    return float(y[label]) - low + elementary.log(z)


@njit(**JIT)
def softmax(y, p):
    """p = the softmax of ``y`` (float64), computed from the largest output so that no
    exponential overflows; returns log of the sum of exp(y_i - largest)."""
    high = float(y[0])
    for i in range(y.shape[0]):
        high = max(high, float(y[i]))
    z = 0.0
    for i in range(y.shape[0]):
        p[i] = elementary.exp(float(y[i]) - high)
        z += p[i]
    for i in range(y.shape[0]):
        p[i] = p[i] / z
    return high + elementary.log(z)


@njit(**JIT)
def cross_entropy(y, label, dy, p):
    """The modern criterion: E = -log softmax(y)_D = log sum_i exp(y_i) - y_D for one
    pattern; dE/dy_i = p_i - [i = D] into ``dy``; returns E (``p``: float64 scratch)."""
    log_sum = softmax(y, p)
    for i in range(y.shape[0]):
        dy[i] = p[i] - (1.0 if i == label else 0.0)
    return log_sum - float(y[label])


@njit(**JIT)
def cross_entropy_curvature(y, d2y, p):
    """d2E/dy_i^2 of the cross-entropy: p_i (1 - p_i), the diagonal of its Hessian
    diag(p) - p p^T (the Gauss-Newton estimate keeps the diagonal only)."""
    softmax(y, p)
    for i in range(y.shape[0]):
        d2y[i] = p[i] * (1.0 - p[i])


@njit(**JIT)
def map_curvature(x, centres, j, n_in, n_out, d2x, p):
    """d2E/dx_j^2 of the MAP criterion at F6's outputs ``x``: the exact diagonal of its Hessian,
    2 (1 - sum_i p_i) + sum_i p_i a_ij^2 - (sum_i p_i a_ij)^2 with a_ij = 2 (x_j - c_ij)."""
    C = centres.reshape((n_in, n_out))
    y = p  # the penalties first, then the probabilities, in the same scratch
    y[:n_out] = 0.0
    for k in range(n_in):
        for c in range(n_out):
            d = x[k] - C[k, c]
            y[c] += d * d
    low = j
    for c in range(n_out):
        low = min(low, float(y[c]))
    z = elementary.exp(low - j)
    for c in range(n_out):
        z += elementary.exp(low - float(y[c]))
    total = 0.0
    for c in range(n_out):
        p[c] = elementary.exp(low - float(y[c])) / z
        total += p[c]
    for k in range(n_in):
        mean = 0.0
        mean2 = 0.0
        for c in range(n_out):
            a = 2.0 * (float(x[k]) - float(C[k, c]))
            mean += p[c] * a
            mean2 += p[c] * a * a
        d2x[k] = 2.0 * (1.0 - total) + mean2 - mean * mean


# -- The network: one pattern through every layer ---------------------------------------------

# What the passes read: the network's tables, and the engine's buffers (one pattern's
# activations, f'(x) of its squashing units, their gradients or second derivatives, squared
# activations, the parameters' gradients and curvatures, and scratch space).
Tables = namedtuple("Tables", "spec links const")
Buffers = namedtuple("Buffers", "act derivative dact act2 grad h hp theta2 part scratch work bits")


@njit(**JIT)
def forward(net, theta, buf):
    """The pattern in ``buf.act`` (from offset 0) through every layer; each layer writes its
    output after its input."""
    spec, act = net.spec, buf.act
    for layer in range(spec.shape[0]):
        r = spec[layer]
        kind = r[KIND]
        x = act[r[X_OFF] : r[X_OFF] + r[IN_C] * r[IN_H] * r[IN_W]]
        y = act[r[Y_OFF] : r[Y_OFF] + r[OUT_C] * r[OUT_H] * r[OUT_W]]
        w = theta[r[W_OFF] : r[W_OFF] + r[W_LEN]]
        b = theta[r[B_OFF] : r[B_OFF] + r[B_LEN]]
        if kind == CONV:
            table = net.links[r[LINK_OFF] : r[LINK_OFF] + 2 * r[N_LINKS]]
            conv_forward(
                x, y, w, b, table, r[IN_C], r[IN_H], r[IN_W], r[OUT_C], r[OUT_H], r[OUT_W], r[K], r[STRIDE],
                r[UNIT_BIAS], buf.part,
            )  # fmt: skip
        elif kind == FULL:
            full_forward(x, y, w, b, x.shape[0], y.shape[0], buf.part)
        elif kind == SUB:
            sub_forward(x, y, w, b, r[IN_C], r[IN_H], r[IN_W], r[OUT_C], r[OUT_H], r[OUT_W], r[K], r[GROUP])
        elif kind == SQUASH:
            squash_forward(x, y, buf.derivative[r[Y_OFF] : r[Y_OFF] + y.shape[0]], buf.work, buf.bits)
        elif kind == RBF:
            rbf_forward(
                x, y, net.const[r[C_OFF] : r[C_OFF] + x.shape[0] * y.shape[0]], x.shape[0], y.shape[0]
            )
        elif kind == PAD:
            X = x.reshape((r[IN_C], r[IN_H], r[IN_W]))
            Y = y.reshape((r[OUT_C], r[OUT_H], r[OUT_W]))
            Y[:] = net.const[r[C_OFF]]
            for c in range(r[IN_C]):
                for row in range(r[IN_H]):
                    Y[c, r[PAD_TOP] + row, r[PAD_LEFT] : r[PAD_LEFT] + r[IN_W]] = X[c, row]


@njit(**JIT)
def backward(net, theta, act, dact, grad, first, squared, buf):
    """dE/d(output of layer ``first``) in ``dact`` back through the layers below: gradients
    added to ``grad``. With ``squared``, ``theta`` and ``act`` hold squared weights and
    activations, ``dact`` second derivatives and ``grad`` curvatures: the Gauss-Newton pass
    (the squashing then multiplies by f'(x)^2 instead of f'(x))."""
    spec = net.spec
    stop = 0  # the lowest layer with parameters: nothing below it needs a gradient
    while spec[stop, W_LEN] == 0 and spec[stop, B_LEN] == 0:
        stop += 1
    for layer in range(first, stop - 1, -1):
        r = spec[layer]
        kind = r[KIND]
        n_x = r[IN_C] * r[IN_H] * r[IN_W]
        n_y = r[OUT_C] * r[OUT_H] * r[OUT_W]
        x = act[r[X_OFF] : r[X_OFF] + n_x]
        dx = dact[r[X_OFF] : r[X_OFF] + n_x]
        dy = dact[r[Y_OFF] : r[Y_OFF] + n_y]
        w = theta[r[W_OFF] : r[W_OFF] + r[W_LEN]]
        gw = grad[r[W_OFF] : r[W_OFF] + r[W_LEN]]
        gb = grad[r[B_OFF] : r[B_OFF] + r[B_LEN]]
        need_dx = layer > stop
        if kind == CONV:
            table = net.links[r[LINK_OFF] : r[LINK_OFF] + 2 * r[N_LINKS]]
            with_slack = act[r[X_OFF] : r[X_OFF] + n_x + SLACK]
            conv_backward(
                with_slack, dy, dx, w, gw, gb, table, r[IN_C], r[IN_H], r[IN_W], r[OUT_C], r[OUT_H], r[OUT_W], r[K],
                r[STRIDE], r[UNIT_BIAS], need_dx, buf.part,
            )  # fmt: skip
        elif kind == FULL:
            full_backward(x, dy, dx, w, gw, gb, n_x, n_y, need_dx)
        elif kind == SUB:
            sub_backward(
                x,
                dy,
                dx,
                w,
                gw,
                gb,
                r[IN_C],
                r[IN_H],
                r[IN_W],
                r[OUT_C],
                r[OUT_H],
                r[OUT_W],
                r[K],
                r[GROUP],
                need_dx,
                buf.part,
            )
        elif kind == SQUASH:
            d = buf.derivative[r[Y_OFF] : r[Y_OFF] + n_y]
            if squared:
                for n in range(n_y):
                    dx[n] += d[n] * d[n] * dy[n]
            else:
                for n in range(n_y):
                    dx[n] += d[n] * dy[n]
        elif kind == RBF:
            rbf_backward(x, dy, dx, net.const[r[C_OFF] : r[C_OFF] + n_x * n_y], n_x, n_y)
        elif kind == PAD:
            dY = dy.reshape((r[OUT_C], r[OUT_H], r[OUT_W]))
            dX = dx.reshape((r[IN_C], r[IN_H], r[IN_W]))
            for c in range(r[IN_C]):
                for row in range(r[IN_H]):
                    line = dX[c, row]
                    source = dY[c, r[PAD_TOP] + row, r[PAD_LEFT] : r[PAD_LEFT] + r[IN_W]]
                    for col in range(r[IN_W]):
                        line[col] += source[col]


# -- Whole passes: training, curvature, evaluation --------------------------------------------


@njit(**JIT)
def output_slice(spec):
    last = spec[spec.shape[0] - 1]
    return last[Y_OFF], last[Y_OFF] + last[OUT_C] * last[OUT_H] * last[OUT_W]


@njit(**JIT)
def step_one(net, theta, image, label, criterion, j, targets, buf, seen):
    """Forward and backward for one pattern: its gradient added to ``buf.grad``, its outputs
    (before any update) into ``seen``; returns its criterion."""
    buf.act[: image.shape[0]] = image
    forward(net, theta, buf)
    start, end = output_slice(net.spec)
    seen[:] = buf.act[start:end]
    buf.dact[:] = 0.0
    y, dy = buf.act[start:end], buf.dact[start:end]
    if criterion == MAP:
        loss = map_criterion(y, label, j, dy)
    elif criterion == CROSS_ENTROPY:
        loss = cross_entropy(y, label, dy, buf.scratch)
    else:
        loss = squared_error(y, label, targets, dy)
    backward(net, theta, buf.act, buf.dact, buf.grad, net.spec.shape[0] - 1, False, buf)
    return loss


@njit(**JIT)
def train_pass(net, theta, step, images, labels, order, batch, criterion, j, targets, buf, seen, losses):
    """One pass of SDLM updates over ``images[order]``, ``batch`` patterns per update (1: the
    papers' per-pattern updates): theta -= step * (sum of the batch's gradients).

    Each pattern's outputs, as the network gave them before the update it caused, go to
    ``seen`` (the on-the-fly training error), its criterion to ``losses``.
    """
    buf.grad[:] = 0.0
    pending = 0
    for n in range(order.shape[0]):
        p = order[n]
        losses[n] = step_one(net, theta, images[p], labels[p], criterion, j, targets, buf, seen[n])
        pending += 1
        if pending == batch or n == order.shape[0] - 1:
            grad = buf.grad
            for k in range(theta.shape[0]):  # the update, and the gradient reset for the next one
                theta[k] -= step[k] * grad[k]
                grad[k] = 0.0
            pending = 0


@njit(**JIT)
def pattern_curvature(net, criterion, j, buf, h):
    """Add the Gauss-Newton curvature of the pattern in ``buf.act`` (already forward, with the
    squared parameters in ``buf.theta2``) to ``h``."""
    spec, act, act2, dact = net.spec, buf.act, buf.act2, buf.dact
    for k in range(act.shape[0]):
        act2[k] = act[k] * act[k]
    dact[:] = 0.0
    last = spec[spec.shape[0] - 1]
    if criterion == MAP:  # the criterion's exact curvature at the RBF layer's input
        n_x = last[IN_C] * last[IN_H] * last[IN_W]
        n_y = last[OUT_C] * last[OUT_H] * last[OUT_W]
        x = act[last[X_OFF] : last[X_OFF] + n_x]
        d2x = dact[last[X_OFF] : last[X_OFF] + n_x]
        map_curvature(x, net.const[last[C_OFF] : last[C_OFF] + n_x * n_y], j, n_x, n_y, d2x, buf.scratch)
        first = spec.shape[0] - 2
    else:  # a criterion of the outputs themselves
        start, end = output_slice(spec)
        if criterion == CROSS_ENTROPY:
            cross_entropy_curvature(act[start:end], dact[start:end], buf.scratch)
        else:  # (y - t)^2 has curvature 2 at every output
            dact[start:end] = 2.0
        first = spec.shape[0] - 1
    backward(net, buf.theta2, act2, dact, h, first, True, buf)


@njit(**JIT)
def average_curvature(net, theta, images, order, criterion, j, buf):
    """buf.h = the Gauss-Newton diagonal averaged over ``images[order]`` (the 1998 estimate)."""
    theta2, h = buf.theta2, buf.h
    for k in range(theta.shape[0]):
        theta2[k] = theta[k] * theta[k]
    h[:] = 0.0
    for n in range(order.shape[0]):
        image = images[order[n]]
        buf.act[: image.shape[0]] = image
        forward(net, theta, buf)
        pattern_curvature(net, criterion, j, buf, h)
    count = order.shape[0]
    for k in range(h.shape[0]):
        h[k] = h[k] / count


@njit(**JIT)
def running_pass(
    net, theta, mask, epsilon, mu, gamma, images, labels, order, criterion, j, targets, buf, seen, losses
):
    """One pass of per-pattern updates with SN2.8's curvature: a running average ``buf.h``,
    updated at every pattern, h <- (1 - gamma) h + gamma h_p, and steps epsilon / (mu + h)
    (times ``mask``: 1, 0 for a frozen parameter, or a per-unit rate's factor)."""
    theta2, h, hp, grad = buf.theta2, buf.h, buf.hp, buf.grad
    for n in range(order.shape[0]):
        p = order[n]
        grad[:] = 0.0
        losses[n] = step_one(net, theta, images[p], labels[p], criterion, j, targets, buf, seen[n])
        for k in range(theta.shape[0]):
            theta2[k] = theta[k] * theta[k]
        hp[:] = 0.0
        pattern_curvature(net, criterion, j, buf, hp)
        for k in range(h.shape[0]):
            h[k] = (1.0 - gamma) * h[k] + gamma * hp[k]
            theta[k] -= epsilon / (mu + h[k]) * grad[k] * mask[k]


@njit(**JIT)
def outputs(net, theta, images, buf, out):
    """The network's outputs for every image: ``out[n]`` for ``images[n]``."""
    start, end = output_slice(net.spec)
    for n in range(images.shape[0]):
        image = images[n]
        buf.act[: image.shape[0]] = image
        forward(net, theta, buf)
        out[n] = buf.act[start:end]


@njit(**JIT)
def gradient(net, theta, images, labels, criterion, j, targets, buf, seen):
    """The criterion summed over ``images`` (returned) and its gradient, summed, into ``buf.grad``."""
    buf.grad[:] = 0.0
    total = 0.0
    for n in range(images.shape[0]):
        total += step_one(net, theta, images[n], labels[n], criterion, j, targets, buf, seen[n])
    return total
