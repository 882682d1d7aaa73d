"""Does the package also train on a GPU, as a reader in Colab with a GPU runtime would try?

    python tools/check_cuda.py            # needs a CUDA device; a few minutes

The book targets CPUs, and every chapter runs on one. But a reader who moves the data to
``"cuda"`` should find that each recipe trains there too, that the hand-written backward pass
agrees with autograd there, and that the results are those of the CPU up to rounding. For each
recipe, a short run (a subset of the digits, one pass or the recipe's own) on the CPU and on the
GPU from the same seed; printed as one table, and the script fails if anything does not run or
the two devices disagree by more than rounding can explain.
"""

from __future__ import annotations

import sys
import time

import torch

from lenet_tutorial.backprop import LeNet5Backprop
from lenet_tutorial.data import load_mnist, load_usps, mnist_to_lenet5
from lenet_tutorial.distortions import distorter
from lenet_tutorial.losses import MAPLoss, TargetMSELoss
from lenet_tutorial.models import LeNet4, LeNet5, ZipCodeNet1989
from lenet_tutorial.nearest_neighbour import knn_predict
from lenet_tutorial.recipes.lenet5 import J, train_lenet5_summed_batches
from lenet_tutorial.recipes.modern_lenet5 import MODERN, train_modern_lenet5
from lenet_tutorial.recipes.zip1989_modern import CHANGES as ZIP_CHANGES
from lenet_tutorial.recipes.zip1989_modern import train_change
from lenet_tutorial.reproducibility import seed_everything
from lenet_tutorial.sdlm import train_with_sdlm
from lenet_tutorial.train import evaluate

MNIST_DIGITS, USPS_DIGITS = 4000, 300


def gradient_check(device: str) -> str:
    """Largest relative difference between hand-written and autograd gradients, float64 and float32."""
    out = []
    for dtype in (torch.float64, torch.float32):
        torch.manual_seed(0)
        model = LeNet5().to(device=device, dtype=dtype)
        loss = MAPLoss(J, model.output)
        x = torch.rand(16, 1, 32, 32, dtype=dtype, device=device) * 1.275 - 0.1
        y = torch.randint(0, 10, (16,), device=device)
        loss(model(x), y).backward()
        expected = [p.grad.clone() for p in model.parameters()]
        LeNet5Backprop(model, loss)(x, y)
        worst = max(
            ((p.grad - e).abs().max() / e.abs().max()).item() for p, e in zip(model.parameters(), expected)
        )
        limit = 1e-10 if dtype == torch.float64 else 1e-3
        if not worst < limit:
            raise AssertionError(f"{device} {dtype}: gradients differ by {worst:.1e} (limit {limit:.0e})")
        out.append(f"{str(dtype).removeprefix('torch.')} {worst:.1e}")
    return ", ".join(out)


def squared_error_sdlm(network, data, *, mu, batch_size, passes, schedule_factor, order="fixed"):
    """The squared-error networks' SDLM in PyTorch, on ``data``'s device: what the engine
    computes on the CPU (the 1989 network, LeNet-4), for a GPU."""
    generator = seed_everything(0)
    device = data[0].device
    model = network().to(device)
    loss = TargetMSELoss(outputs="sum").to(device)
    train_with_sdlm(
        model, data, loss_fn=loss, curvature=(model, loss.output_curvature), mu=mu,
        batch_size=batch_size, passes=passes, generator=generator,
        schedule_factor=schedule_factor, order=order, progress=False,
    )  # fmt: skip
    return model


def runs(mnist, mnist_test, usps, usps_test):
    """name -> function(device) returning a test error (fraction)."""

    def on(device, data):
        return tuple(t.to(device) for t in data)

    def lenet5(device, **options):
        model, _ = train_lenet5_summed_batches(on(device, mnist), passes=1, progress=False, **options)
        return evaluate(model, *on(device, mnist_test)).error

    def zip1989(device):
        # the 1989 chapter trains on the engine, on the CPU whatever the device; the PyTorch
        # per-pattern SDLM path it is tested against is what runs on a GPU
        model = squared_error_sdlm(
            ZipCodeNet1989, on(device, usps), mu=1.0, batch_size=1, passes=2, schedule_factor=10.0,
            order="dataset",
        )  # fmt: skip
        return evaluate(model, *on(device, usps_test)).error

    def lenet4(device):
        # the LeNet-4 chapter trains on the engine (CPU); its PyTorch counterpart runs here
        model = squared_error_sdlm(
            LeNet4, on(device, mnist), mu=1.0, batch_size=8, passes=1, schedule_factor=6.0
        )
        return evaluate(model, *on(device, mnist_test)).error

    def zip_modern(device):
        model, _ = train_change(ZIP_CHANGES[-1], on(device, usps), progress=False)
        return evaluate(model, *on(device, usps_test)).error

    def modern_lenet5(device):
        model, _ = train_modern_lenet5(MODERN, on(device, mnist), passes=1, progress=False)
        return evaluate(model, *on(device, mnist_test)).error

    def knn(device):
        images, labels = on(device, mnist)
        predicted = knn_predict(images, labels, mnist_test[0].to(device), k=3)
        return (predicted.cpu() != mnist_test[1]).double().mean().item()

    return {
        "1989 network (PyTorch SDLM, per pattern)": zip1989,
        "LeNet-4 (SDLM, 1 pass)": lenet4,
        "LeNet-5 (SDLM, 1 pass, autograd)": lambda d: lenet5(d, hand_written_backward=False),
        "LeNet-5 (SDLM, 1 pass, by hand)": lenet5,
        "LeNet-5 (distortions, 1 pass)": lambda d: lenet5(d, transform=distorter()),
        "1989 network modernised (AdamW, shifts)": zip_modern,
        "modern LeNet-5 (Adam, distortions, 1 pass)": modern_lenet5,
        "3-nearest neighbours": knn,
    }


def main() -> None:
    if not torch.cuda.is_available():
        sys.exit("no CUDA device: this check needs one")
    print(f"PyTorch {torch.__version__}, {torch.cuda.get_device_name()}", flush=True)
    for device in ("cpu", "cuda"):
        print(f"gradient check on {device}: {gradient_check(device)}", flush=True)
    train_images, train_labels = load_mnist("train")
    test_images, test_labels = load_mnist("test")
    mnist = (mnist_to_lenet5(train_images[:MNIST_DIGITS]), train_labels[:MNIST_DIGITS])
    mnist_test = (mnist_to_lenet5(test_images[:2000]), test_labels[:2000])
    usps_images, usps_labels = load_usps("train")
    usps_test_images, usps_test_labels = load_usps("test")
    usps = (usps_images[:USPS_DIGITS], usps_labels[:USPS_DIGITS])
    usps_test = (usps_test_images, usps_test_labels)
    failures = []
    print(f"{'run':45s} {'CPU error':>9s} {'GPU error':>9s} {'CPU s':>6s} {'GPU s':>6s}", flush=True)
    for name, run in runs(mnist, mnist_test, usps, usps_test).items():
        errors, seconds = {}, {}
        for device in ("cpu", "cuda"):
            started = time.perf_counter()
            try:
                errors[device] = run(device)
            except Exception as error:  # report every failure, not only the first
                failures.append(f"{name} on {device}: {type(error).__name__}: {error}")
                errors[device] = float("nan")
            seconds[device] = time.perf_counter() - started
        print(
            f"{name:45s} {100 * errors['cpu']:8.2f}% {100 * errors['cuda']:8.2f}% "
            f"{seconds['cpu']:6.1f} {seconds['cuda']:6.1f}",
            flush=True,
        )
        # same seed, same data, same recipe: only rounding differs, which moves a short run's
        # error by a few digits at most
        if abs(errors["cpu"] - errors["cuda"]) > 0.02:
            failures.append(f"{name}: CPU {errors['cpu']:.4f} and GPU {errors['cuda']:.4f} disagree")
    if failures:
        sys.exit("FAILED:\n" + "\n".join(failures))
    print("all runs agree")


if __name__ == "__main__":
    main()
