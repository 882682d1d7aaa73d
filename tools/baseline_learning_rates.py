"""Choose the baselines' learning rates on a validation split, never on the test set.

The papers give no learning rates for their baselines. For each one we hold out the
end of the training set (1,000 USPS digits, 10,000 MNIST digits), train on the rest
with each candidate rate, and keep the rate with the lowest *validation* error. The
chapter "The digits" then trains with that rate on the whole training set.

Run: ``python tools/baseline_learning_rates.py`` (about 8 minutes on 2 cores).
"""

from __future__ import annotations

import torch

from lenet_tutorial.data import load_mnist, load_usps, mnist_to_28x28, validation_split
from lenet_tutorial.losses import TargetMSELoss
from lenet_tutorial.models import build_model
from lenet_tutorial.reproducibility import seed_everything
from lenet_tutorial.train import evaluate, train

# (model, candidate rates, passes, batch size, order, data set)
SWEEPS = [
    ("fc1989", (0.003, 0.01, 0.03), 23, 1, "dataset", "usps"),
    ("linear_mnist", (0.001, 0.003, 0.01), 10, 32, "shuffle", "mnist"),
    ("mlp300_mnist", (0.01, 0.03, 0.1, 0.3), 20, 32, "shuffle", "mnist"),
]


def training_set(name: str) -> tuple[torch.Tensor, torch.Tensor]:
    if name == "usps":
        return load_usps("train")
    images, labels = load_mnist("train")
    return mnist_to_28x28(images), labels


def main() -> None:
    for model_name, rates, epochs, batch_size, order, data in SWEEPS:
        images, labels = training_set(data)
        fit, val = validation_split(images, labels, data)
        results = {}
        for lr in rates:
            generator = seed_everything(0)
            model = build_model(model_name)
            train(
                model,
                fit,
                loss_fn=TargetMSELoss(),
                optimizer=torch.optim.SGD(model.parameters(), lr=lr),
                epochs=epochs,
                batch_size=batch_size,
                order=order,
                generator=generator,
                progress=False,
            )
            results[lr] = evaluate(model, *val).error
            print(f"{model_name:14s} lr {lr:<6g} validation error {100 * results[lr]:.2f}%", flush=True)
        best = min(results, key=results.get)
        print(f"{model_name:14s} -> chosen learning rate {best:g}\n", flush=True)


if __name__ == "__main__":
    main()
