"""lenet_tutorial: the helper package of the executable history of LeNet.

Each module holds one idea.

**The data**

- :mod:`lenet_tutorial.data` - the USPS and MNIST files, found (``lookup``), downloaded
  (``download``), checked (``files``) and loaded (``usps``, ``mnist``); the papers' preprocessing
  (``normalise``, ``preprocess``) and affine resampling (``affine``)

**The networks**

- :mod:`lenet_tutorial.models` - the networks, by name: as published, and modernised
- :mod:`lenet_tutorial.layers` - squashing, fan-in initialisation, sparse convolutions, trainable subsampling
- :mod:`lenet_tutorial.rbf` - LeNet-5's output layer of Euclidean RBF units and its digit bitmaps
- :mod:`lenet_tutorial.losses` - the papers' loss functions

**Training**

- :mod:`lenet_tutorial.train` - one training loop and batched evaluation for every chapter
- :mod:`lenet_tutorial.sdlm` - stochastic diagonal Levenberg-Marquardt, the papers' second-order method
- :mod:`lenet_tutorial.backprop` - LeNet-5's backward pass written out by hand
- :mod:`lenet_tutorial.engine` - the papers' per-pattern training, compiled: the same bits on every machine
- :mod:`lenet_tutorial.recipes` - how each experiment is trained, one module per scorecard id
- :mod:`lenet_tutorial.distortions` - random affine distortions of training digits, batched
- :mod:`lenet_tutorial.boosting` - boosting by filtering, and the summed committee
- :mod:`lenet_tutorial.checkpoints` - trained networks kept on disk, for the chapters that build on them
- :mod:`lenet_tutorial.speed` - faster ways to compute what the other modules define, tested equal

**Measuring**

- :mod:`lenet_tutorial.rejection` - error versus rejection
- :mod:`lenet_tutorial.robustness` - controlled transformations of test digits
- :mod:`lenet_tutorial.nearest_neighbour` - the k-NN baseline
- :mod:`lenet_tutorial.paper` - the papers' reported numbers
- :mod:`lenet_tutorial.scorecard` - what the book measured, beside the papers; its record (``results.json``)
- :mod:`lenet_tutorial.checks` - checks for the exercises whose answer is a number

**The book's machinery**

- :mod:`lenet_tutorial.plots` - the book's figure style and recurring figures
- :mod:`lenet_tutorial.reproducibility` - seeds, threads, and the machine a result was computed on
- ``python -m lenet_tutorial`` - the scorecard and the engine's digests on the command line
"""

import os

# numba's straight-line vectoriser is off by default; it makes the engine's loops several times
# faster. numba reads the setting when it is first imported, and caches what it compiles
# without recording it: so it is set here, before any module of the package can import numba.
os.environ.setdefault("NUMBA_SLP_VECTORIZE", "1")

__version__ = "0.1.0"
