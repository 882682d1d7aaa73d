"""LeNet-5's hand-written backward pass, checked against autograd."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.backprop import LeNet5Backprop, squash_constants, squashed, through_squash
from lenet_tutorial.layers import SQUASH_AMPLITUDE, SQUASH_SLOPE
from lenet_tutorial.losses import MAPLoss
from lenet_tutorial.models import LeNet4, LeNet5
from lenet_tutorial.recipes.lenet5 import J
from lenet_tutorial.sdlm import SDLM
from lenet_tutorial.train import train


def lenet5_and_batch(n: int = 5, dtype=torch.float64, seed: int = 0):
    torch.manual_seed(seed)
    model = LeNet5().to(dtype)
    images = torch.rand(n, 1, 32, 32, dtype=dtype) * 1.275 - 0.1  # LeNet-5's input range
    labels = torch.randint(0, 10, (n,))
    return model, MAPLoss(J, model.output), images, labels


def autograd_gradients(model, loss, images, labels):
    model.zero_grad(set_to_none=True)
    outputs = model(images)
    value = loss(outputs, labels)
    value.backward()
    return value.detach(), outputs.detach(), {name: p.grad.clone() for name, p in model.named_parameters()}


@pytest.mark.parametrize("n", [1, 5])
def test_hand_written_gradients_equal_autograds_for_every_parameter(n):
    model, loss, images, labels = lenet5_and_batch(n)
    expected_loss, expected_outputs, expected = autograd_gradients(model, loss, images, labels)
    model.zero_grad(set_to_none=True)
    value, outputs = LeNet5Backprop(model, loss)(images, labels)
    assert torch.allclose(value, expected_loss, rtol=1e-12, atol=0)
    assert torch.allclose(outputs, expected_outputs, rtol=1e-12, atol=0)  # the RBF penalties
    for name, p in model.named_parameters():
        assert p.grad.shape == p.shape, name
        assert torch.allclose(p.grad, expected[name], rtol=1e-10, atol=1e-14), name


def test_hand_written_gradients_match_finite_differences():
    # Independent of autograd: central differences of the loss along a random direction.
    model, loss, images, labels = lenet5_and_batch(3)
    LeNet5Backprop(model, loss)(images, labels)
    params = list(model.parameters())
    direction = [torch.randn_like(p) for p in params]
    slope = sum((p.grad * d).sum() for p, d in zip(params, direction))
    eps = 1e-6

    def loss_moved(step):
        with torch.no_grad():
            for p, d in zip(params, direction):
                p.add_(d, alpha=step)
            value = loss(model(images), labels).item()
            for p, d in zip(params, direction):
                p.sub_(d, alpha=step)
        return value

    numeric = (loss_moved(eps) - loss_moved(-eps)) / (2 * eps)
    assert numeric == pytest.approx(slope.item(), rel=1e-6)


def test_only_table_one_links_get_c3_gradients():
    # C3's dense kernel has zeros where Table I has no link; its gradient there must not leak
    # into the 60 kernels, which is what keeps the parameter count at the paper's 60,000.
    model, loss, images, labels = lenet5_and_batch(2)
    LeNet5Backprop(model, loss)(images, labels)
    assert model.c3.weight.grad.shape == (60, 5, 5)
    assert sum(p.grad.numel() for p in model.parameters()) == 60_000


def test_hand_written_gradients_leave_no_autograd_graph_behind():
    model, loss, images, labels = lenet5_and_batch(2, dtype=torch.float32)
    value, outputs = LeNet5Backprop(model, loss)(images, labels)
    assert not value.requires_grad and not outputs.requires_grad
    assert all(not p.grad.requires_grad for p in model.parameters())


def test_training_by_hand_follows_autograd_training():
    # Same seed, same data, same SDLM updates at the paper's first rate: the two ways of
    # computing gradients give the same network, up to float rounding over 40 updates.
    def run(by_hand: bool):
        model, loss, images, labels = lenet5_and_batch(160, dtype=torch.float32, seed=1)
        optimizer = SDLM(model.parameters(), lr=0.0005, mu=1.0)
        history = train(
            model,
            (images, labels),
            loss_fn=loss,
            optimizer=optimizer,
            epochs=2,
            batch_size=8,
            generator=torch.Generator().manual_seed(0),
            progress=False,
            gradients=LeNet5Backprop(model, loss) if by_hand else None,
        )
        return model, history

    by_hand, history_by_hand = run(True)
    by_autograd, history_by_autograd = run(False)
    for (name, p), q in zip(by_hand.named_parameters(), by_autograd.parameters()):
        assert torch.allclose(p, q, rtol=1e-5, atol=1e-7), name
    assert history_by_hand["train_loss"] == pytest.approx(history_by_autograd["train_loss"], rel=1e-6)


def test_on_the_fly_training_errors_by_hand_equal_autograds():
    # The penalties the hand-written pass returns are the network's answers during training.
    def run(by_hand: bool):
        model, loss, images, labels = lenet5_and_batch(160, dtype=torch.float32, seed=1)
        return train(
            model,
            (images, labels),
            loss_fn=loss,
            optimizer=SDLM(model.parameters(), lr=0.0005, mu=1.0),
            epochs=2,
            batch_size=8,
            generator=torch.Generator().manual_seed(0),
            progress=False,
            train_error="on_the_fly",
            gradients=LeNet5Backprop(model, loss) if by_hand else None,
        )

    by_hand, by_autograd = run(True), run(False)
    assert by_hand["train_error"] == by_autograd["train_error"]
    assert by_hand["train_error"][1] < by_hand["train_error"][0]  # it learns: fewer wrong answers


def test_wrong_model_loss_or_input_shape_is_refused():
    model, loss, images, labels = lenet5_and_batch(2)
    with pytest.raises(TypeError, match="written for LeNet5"):
        LeNet5Backprop(LeNet4(), loss)
    with pytest.raises(TypeError, match="MAPLoss made for this model"):
        LeNet5Backprop(model, MAPLoss(J, LeNet5().output))
    with pytest.raises(ValueError, match=r"\[N, 1, 32, 32\]"):
        LeNet5Backprop(model, loss)(images[:, :, :28, :28], labels)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_the_squash_constants_act_exactly_as_the_numbers_do(dtype):
    assert squash_constants(dtype) is squash_constants(dtype)  # made once per type
    a, g = torch.randn(1000, dtype=dtype), torch.randn(1000, dtype=dtype)
    x, t = squashed(a.clone())
    assert torch.equal(t, torch.tanh(a * SQUASH_SLOPE))
    assert torch.equal(x, t * SQUASH_AMPLITUDE)
    gain = SQUASH_AMPLITUDE * SQUASH_SLOPE
    assert torch.equal(through_squash(g, t), torch.ops.aten.tanh_backward(g, t) * gain)
