// MNIST's normalisation of a drawn digit, as lenet_tutorial/data/normalise.py does it: the
// ink's bounding box scaled, aspect ratio kept, to a 20-pixel box (for a 28-pixel field),
// then the digit moved so that its centre of mass is the middle of the field. Images are
// square arrays of ink (0 = paper), row by row. Tested against the package with Node
// (tests/test_web_lenet5.py).
(function (root) {
  "use strict";

  // Bilinear resampling through an affine map from output to input coordinates, in [-1, 1]
  // units with pixel centres at (2k + 1) / size - 1, zero outside the image: PyTorch's
  // the convention of PyTorch's grid_sample(align_corners=False, padding_mode="zeros"), computed
  // as the package computes it (lenet_tutorial/engine/warp.py).
  function warp(ink, size, t) {
    var out = new Float64Array(size * size);
    for (var i = 0; i < size; i++) {
      var y = (2 * i + 1) / size - 1;
      for (var j = 0; j < size; j++) {
        var x = (2 * j + 1) / size - 1;
        var px = ((t[0] * x + t[1] * y + t[2] + 1) * size - 1) / 2;
        var py = ((t[3] * x + t[4] * y + t[5] + 1) * size - 1) / 2;
        var x0 = Math.floor(px), y0 = Math.floor(py), wx = px - x0, wy = py - y0, v = 0;
        for (var dy = 0; dy < 2; dy++) {
          var r = y0 + dy;
          if (r < 0 || r >= size) continue;
          for (var dx = 0; dx < 2; dx++) {
            var c = x0 + dx;
            if (c < 0 || c >= size) continue;
            v += (dy ? wy : 1 - wy) * (dx ? wx : 1 - wx) * ink[r * size + c];
          }
        }
        out[i * size + j] = v;
      }
    }
    return out;
  }

  function hasInk(ink) {
    for (var k = 0; k < ink.length; k++) if (ink[k] > 0) return true;
    return false;
  }

  // Less ink than this is rounding residue, not a stroke (the package's DUST).
  var DUST = 1e-6;

  function boundingBox(ink, size) {
    var top = size, bottom = -1, left = size, right = -1;
    for (var i = 0; i < size; i++) {
      for (var j = 0; j < size; j++) {
        if (ink[i * size + j] > DUST) {
          top = Math.min(top, i); bottom = Math.max(bottom, i);
          left = Math.min(left, j); right = Math.max(right, j);
        }
      }
    }
    return { top: top, bottom: bottom, left: left, right: right };
  }

  function sizeNormalise(ink, size, box) {
    var b = boundingBox(ink, size), middle = (size - 1) / 2;
    var scale = box / Math.max(b.bottom - b.top + 1, b.right - b.left + 1);
    return warp(ink, size, [
      1 / scale, 0, (2 * ((b.left + b.right) / 2 - middle)) / size,
      0, 1 / scale, (2 * ((b.top + b.bottom) / 2 - middle)) / size,
    ]);
  }

  function centreOfMass(ink, size) {
    var mass = 0, rows = 0, cols = 0;
    for (var i = 0; i < size; i++) {
      for (var j = 0; j < size; j++) {
        var v = ink[i * size + j];
        mass += v; rows += v * i; cols += v * j;
      }
    }
    return { row: rows / mass, col: cols / mass };
  }

  function recentre(ink, size) {
    var m = centreOfMass(ink, size), middle = (size - 1) / 2;
    return warp(ink, size, [1, 0, (2 * (m.col - middle)) / size, 0, 1, (2 * (m.row - middle)) / size]);
  }

  // MNIST's two steps, on a field of `size` pixels with a box of `box` (20 for 28).
  function normalise(ink, size, box) {
    if (ink.length !== size * size) throw new Error("expected a square image of " + size + " x " + size);
    if (!hasInk(ink)) throw new Error("nothing drawn: the digit needs some ink");
    return recentre(sizeNormalise(ink, size, box), size);
  }

  // Area averaging by an integer factor: a drawing at ten times MNIST's resolution -> 28x28.
  function shrink(ink, size, factor) {
    var out = size / factor, y = new Float64Array(out * out);
    for (var i = 0; i < size; i++) {
      for (var j = 0; j < size; j++) {
        y[Math.floor(i / factor) * out + Math.floor(j / factor)] += ink[i * size + j] / (factor * factor);
      }
    }
    return y;
  }

  var api = { warp: warp, sizeNormalise: sizeNormalise, recentre: recentre, normalise: normalise, shrink: shrink };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.mnistNormalise = api;
})(typeof window !== "undefined" ? window : this);
