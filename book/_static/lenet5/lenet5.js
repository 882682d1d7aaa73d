// LeNet-5's forward pass in plain JavaScript: the network of the book's LeNet-5 chapter,
// layer by layer as lenet_tutorial/models/lenet5.py defines it, for the page where a reader
// draws a digit. No library, no server: the weights come from a JSON file written by
// tools/export_web_weights.py. Tested against PyTorch's penalties (tests/test_web_lenet5.py).
(function (root) {
  "use strict";

  var AMPLITUDE = 1.7159, SLOPE = 2 / 3; // the squashing function f(a) = A tanh(S a)

  function squash(a) {
    return AMPLITUDE * Math.tanh(SLOPE * a);
  }

  function decode(base64) {
    // little-endian float32, as the export writes them
    var bytes = typeof atob === "function"
      ? Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); })
      : new Uint8Array(Buffer.from(base64, "base64"));
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  }

  // A convolution with dense [out, in, k, k] kernels (zero where Table I has no link), stride 1,
  // no padding, one bias per output map, then squashed.
  function convolve(x, inMaps, size, kernel, bias, outMaps, k) {
    var out = size - k + 1, y = new Float64Array(outMaps * out * out);
    for (var o = 0; o < outMaps; o++) {
      for (var r = 0; r < out; r++) {
        for (var c = 0; c < out; c++) {
          var a = bias[o];
          for (var i = 0; i < inMaps; i++) {
            var kBase = ((o * inMaps + i) * k) * k, xBase = i * size * size;
            for (var kr = 0; kr < k; kr++) {
              for (var kc = 0; kc < k; kc++) {
                a += kernel[kBase + kr * k + kc] * x[xBase + (r + kr) * size + c + kc];
              }
            }
          }
          y[(o * out + r) * out + c] = squash(a);
        }
      }
    }
    return y;
  }

  // Trainable subsampling: each unit sums a 2x2 block, times its map's coefficient, plus its
  // map's bias, then squashed.
  function subsample(x, maps, size, coefficient, bias) {
    var out = size / 2, y = new Float64Array(maps * out * out);
    for (var m = 0; m < maps; m++) {
      for (var r = 0; r < out; r++) {
        for (var c = 0; c < out; c++) {
          var base = m * size * size + 2 * r * size + 2 * c;
          var sum = x[base] + x[base + 1] + x[base + size] + x[base + size + 1];
          y[(m * out + r) * out + c] = squash(coefficient[m] * sum + bias[m]);
        }
      }
    }
    return y;
  }

  function fullyConnected(x, weight, bias, outputs) {
    var inputs = x.length, y = new Float64Array(outputs);
    for (var o = 0; o < outputs; o++) {
      var a = bias[o];
      for (var i = 0; i < inputs; i++) a += weight[o * inputs + i] * x[i];
      y[o] = squash(a);
    }
    return y;
  }

  // The output layer: each class's penalty is the squared distance from F6's 84 outputs to
  // the class's 7x12 bitmap of +-1. The smallest penalty wins.
  function penalties(x, centres) {
    var classes = centres.length / x.length, y = new Float64Array(classes);
    for (var c = 0; c < classes; c++) {
      var s = 0;
      for (var j = 0; j < x.length; j++) {
        var d = x[j] - centres[c * x.length + j];
        s += d * d;
      }
      y[c] = s;
    }
    return y;
  }

  function load(exported) {
    var net = { input: exported.input, about: exported.about };
    Object.keys(exported.layers).forEach(function (name) {
      var layer = exported.layers[name], decoded = {};
      Object.keys(layer).forEach(function (key) { decoded[key] = decode(layer[key]); });
      net[name] = decoded;
    });
    return net;
  }

  // MNIST's format (784 grey levels, 0 = paper, 255 = full ink, row by row) -> LeNet-5's
  // 32x32 input: ink scaled onto [background, foreground], the digit centred in background.
  function prepare(net, pixels) {
    if (pixels.length !== 784) throw new Error("expected the 784 pixels of a 28x28 digit, got " + pixels.length);
    var lo = net.input.background, hi = net.input.foreground, x = new Float64Array(32 * 32).fill(lo);
    for (var r = 0; r < 28; r++) {
      for (var c = 0; c < 28; c++) x[(r + 2) * 32 + c + 2] = lo + pixels[r * 28 + c] * ((hi - lo) / 255);
    }
    return x;
  }

  // Every layer's output, for the page's pictures: C1 and C3 maps, F6's code, the penalties.
  function forward(net, pixels) {
    var x = prepare(net, pixels);
    var c1 = convolve(x, 1, 32, net.c1.weight, net.c1.bias, 6, 5);
    var s2 = subsample(c1, 6, 28, net.s2.weight, net.s2.bias);
    var c3 = convolve(s2, 6, 14, net.c3.weight, net.c3.bias, 16, 5);
    var s4 = subsample(c3, 16, 10, net.s4.weight, net.s4.bias);
    var c5 = convolve(s4, 16, 5, net.c5.weight, net.c5.bias, 120, 5);
    var f6 = fullyConnected(c5, net.f6.weight, net.f6.bias, 84);
    return { input: x, c1: c1, s2: s2, c3: c3, s4: s4, c5: c5, f6: f6, penalties: penalties(f6, net.output.centres) };
  }

  var api = {
    load: load,
    forward: forward,
    classify: function (net, pixels) { return Array.from(forward(net, pixels).penalties); },
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.lenet5 = api;
})(typeof window !== "undefined" ? window : this);
