// The page "Draw a digit": the reader draws, LeNet-5 (lenet5.js, with the weights of
// weights.js) reads the drawing after MNIST's normalisation (normalise.js), and the page
// shows what it sees: the 32x32 input, the C1 and C3 maps, the ten RBF penalties.
(function () {
  "use strict";
  var SIZE = 280, FACTOR = 10, BOX = 200, PEN = 22;

  function greyImage(context, values, side, maps, low, high) {
    // maps of side x side values, side by side, one canvas pixel per value
    var image = context.createImageData(side * maps, side);
    for (var m = 0; m < maps; m++) {
      for (var r = 0; r < side; r++) {
        for (var c = 0; c < side; c++) {
          var v = (values[(m * side + r) * side + c] - low) / (high - low);
          var g = Math.round(255 * (1 - Math.min(1, Math.max(0, v)))); // high = dark ink
          var k = 4 * (r * side * maps + m * side + c);
          image.data[k] = image.data[k + 1] = image.data[k + 2] = g;
          image.data[k + 3] = 255;
        }
      }
    }
    return image;
  }

  function start() {
    var root = document.getElementById("lenet5-demo");
    if (!root) return;
    if (!window.lenet5Weights || !window.lenet5 || !window.mnistNormalise) {
      root.textContent = "The demonstration could not load its scripts.";
      return;
    }
    var net = window.lenet5.load(window.lenet5Weights);
    var canvas = root.querySelector("#lenet5-canvas"), pad = canvas.getContext("2d");
    var seen = root.querySelector("#lenet5-input").getContext("2d");
    var c1 = root.querySelector("#lenet5-c1").getContext("2d");
    var c3 = root.querySelector("#lenet5-c3").getContext("2d");
    var bars = root.querySelector("#lenet5-bars"), answer = root.querySelector("#lenet5-answer");
    var about = window.lenet5Weights.about;
    root.querySelector("#lenet5-about").textContent =
      about.network + "; its error on MNIST's 10,000 test digits: " + about.test_error_percent.toFixed(2) + "%.";
    var last = null, pending = false, current = null;

    function clear() {
      pad.clearRect(0, 0, SIZE, SIZE);
      [seen, c1, c3].forEach(function (ctx) { ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height); });
      bars.innerHTML = "";
      answer.textContent = "Draw a digit in the box.";
      answer.dataset.digit = "";
      current = null;
    }

    function ink() {
      var data = pad.getImageData(0, 0, SIZE, SIZE).data, a = new Float64Array(SIZE * SIZE), any = false;
      for (var k = 0; k < SIZE * SIZE; k++) {
        a[k] = data[4 * k + 3] / 255;
        if (a[k] > 0) any = true;
      }
      return any ? a : null;
    }

    function pixelsOfDrawing() {
      var a = ink();
      if (!a) return null;
      var digit = window.mnistNormalise.shrink(window.mnistNormalise.normalise(a, SIZE, BOX), SIZE, FACTOR);
      return Array.from(digit, function (v) { return Math.round(255 * Math.min(1, Math.max(0, v))); });
    }

    function show(result) {
      var amplitude = 1.7159;
      seen.putImageData(greyImage(seen, result.input, 32, 1, -0.1, 1.175), 0, 0);
      c1.putImageData(greyImage(c1, result.c1, 28, 6, -amplitude, amplitude), 0, 0);
      c3.putImageData(greyImage(c3, result.c3, 10, 16, -amplitude, amplitude), 0, 0);
      var p = Array.from(result.penalties), best = p.indexOf(Math.min.apply(null, p));
      var top = Math.max.apply(null, p);
      bars.innerHTML = "";
      p.forEach(function (value, digit) {
        var row = document.createElement("div");
        row.className = "lenet5-bar" + (digit === best ? " lenet5-best" : "");
        row.innerHTML = "<span class='lenet5-digit'>" + digit + "</span><span class='lenet5-fill' style='width:" +
          (100 * value / top).toFixed(1) + "%'></span><span class='lenet5-value'>" + value.toFixed(1) + "</span>";
        bars.appendChild(row);
      });
      answer.textContent = "LeNet-5 reads a " + best + ".";
      answer.dataset.digit = String(best);
      current = best;
    }

    function update() {
      pending = false;
      var pixels = pixelsOfDrawing();
      if (pixels) show(window.lenet5.forward(net, pixels));
    }

    function schedule() {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(update);
      }
    }

    function position(event) {
      var box = canvas.getBoundingClientRect();
      return { x: (event.clientX - box.left) * (SIZE / box.width), y: (event.clientY - box.top) * (SIZE / box.height) };
    }

    function stroke(from, to) {
      pad.strokeStyle = "#000";
      pad.lineWidth = PEN;
      pad.lineCap = pad.lineJoin = "round";
      pad.beginPath();
      pad.moveTo(from.x, from.y);
      pad.lineTo(to.x + 0.01, to.y);
      pad.stroke();
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = position(event);
      stroke(last, last);
      schedule();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!last) return;
      var p = position(event);
      stroke(last, p);
      last = p;
      schedule();
    });
    ["pointerup", "pointercancel"].forEach(function (type) {
      canvas.addEventListener(type, function () { last = null; schedule(); });
    });
    root.querySelector("#lenet5-clear").addEventListener("click", clear);

    var examples = root.querySelector("#lenet5-examples");
    (window.lenet5Weights.examples || []).forEach(function (example) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = String(example.label);
      button.title = "MNIST test digit " + example.index;
      button.addEventListener("click", function () {
        clear();
        var image = pad.createImageData(SIZE, SIZE);
        for (var r = 0; r < SIZE; r++) {
          for (var c = 0; c < SIZE; c++) {
            image.data[4 * (r * SIZE + c) + 3] = example.pixels[Math.floor(r / FACTOR) * 28 + Math.floor(c / FACTOR)];
          }
        }
        pad.putImageData(image, 0, 0);
        update();
      });
      examples.appendChild(button);
    });

    clear();
    // for tests and curious readers: classify 784 grey levels (0-255, ink 255) of a 28x28 digit
    window.lenet5Demo = {
      classify: function (pixels) { return window.lenet5.classify(net, pixels); },
      drawnPixels: pixelsOfDrawing,
      answer: function () { return current; },
      clear: clear,
    };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
