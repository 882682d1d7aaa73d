"""How each experiment of the book is trained: one module per experiment, named by its
scorecard id (``zip1989.test_error`` is :mod:`lenet_tutorial.recipes.zip1989`).

- :mod:`~lenet_tutorial.recipes.zip1989` - the 1989 network
- :mod:`~lenet_tutorial.recipes.zip1989_unit_rates` - the 1989 network with SN2.8's per-unit rates
- :mod:`~lenet_tutorial.recipes.lenet1_usps` - LeNet-1 on USPS, trained as the 1989 network
- :mod:`~lenet_tutorial.recipes.lenet1_mnist` - LeNet-1 on 16x16 MNIST
- :mod:`~lenet_tutorial.recipes.lenet4` - LeNet-4
- :mod:`~lenet_tutorial.recipes.boosted_lenet4` - three LeNet-4s, boosted
- :mod:`~lenet_tutorial.recipes.lenet5` - LeNet-5
- :mod:`~lenet_tutorial.recipes.lenet5_lush` - LeNet-5 as the group's own code (Lush) trained it
- :mod:`~lenet_tutorial.recipes.lenet5_distorted` - LeNet-5 trained on distortions
- :mod:`~lenet_tutorial.recipes.zip1989_modern` - the 1989 network with Karpathy's 2022 changes
- :mod:`~lenet_tutorial.recipes.modern_lenet5` - a modern LeNet-5, and the ablation of its changes
"""

# The experiments whose recipe trains, and measures, with the compiled per-pattern engine
# (lenet_tutorial.engine): their results are the same on every machine, to the last digit.
TRAINED_BY_THE_ENGINE = frozenset(
    {
        "zip1989",
        "zip1989_unit_rates",
        "lenet1_usps",
        "lenet1_mnist",
        "lenet4",
        "lenet5",
        "lenet5_lush",
        "lenet5_distorted",
    }
)
