"""lenet_tutorial: the helper package of the executable history of LeNet.

Each module holds one idea:

- :mod:`lenet_tutorial.data` - the USPS and MNIST files, checked and loaded; the papers' preprocessing
- :mod:`lenet_tutorial.models` - the networks, by name
- :mod:`lenet_tutorial.layers` - squashing, fan-in initialisation, sparse convolutions, trainable subsampling
- :mod:`lenet_tutorial.losses` - the papers' loss functions
- :mod:`lenet_tutorial.train` - one training loop and batched evaluation for every chapter
- :mod:`lenet_tutorial.backprop` - LeNet-5's backward pass written out by hand
- :mod:`lenet_tutorial.sdlm` - stochastic diagonal Levenberg-Marquardt, the papers' second-order method
- :mod:`lenet_tutorial.engine` - the papers' per-pattern training, compiled: the same bits on every machine
- :mod:`lenet_tutorial.distortions` - random affine distortions of training digits, batched
- :mod:`lenet_tutorial.rejection` - error versus rejection
- :mod:`lenet_tutorial.nearest_neighbour` - the k-NN baseline
- :mod:`lenet_tutorial.paper` - the papers' reported numbers
- :mod:`lenet_tutorial.scorecard` - what the book measured, beside the papers; its record (``results.json``)
- :mod:`lenet_tutorial.plots` - the book's figure style and recurring figures
- :mod:`lenet_tutorial.reproducibility` - seeds and threads
"""

__version__ = "0.1.0"
