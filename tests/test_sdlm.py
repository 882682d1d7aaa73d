"""Stochastic diagonal Levenberg-Marquardt: the curvature estimate against brute force."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lenet_tutorial.layers import ConnectedConv2d, FullyConnected, ScaledTanh
from lenet_tutorial.losses import TargetMSELoss
from lenet_tutorial.sdlm import SDLM, curvature_refresher, hessian_diagonal, paper_schedule_1998


def brute_force_gauss_newton(model, images, labels):
    """Average over patterns of sum_o 2 (dy_o/dw)^2, from the full Jacobian."""
    params = list(model.parameters())
    total = [torch.zeros_like(p) for p in params]
    for x in images:
        outputs = model(x.unsqueeze(0))[0]
        for o in range(len(outputs)):
            grads = torch.autograd.grad(outputs[o], params, retain_graph=True)
            for t, g in zip(total, grads):
                t += 2 * g**2
    return [t / len(images) for t in total]


def test_single_linear_layer_curvature_is_the_exact_hessian_diagonal():
    torch.manual_seed(0)
    model = nn.Sequential(FullyConnected(4, 3)).double()
    x, y = torch.randn(6, 4, dtype=torch.double), torch.randint(0, 3, (6,))
    loss = TargetMSELoss(num_classes=3, outputs="sum")
    h = hessian_diagonal(model, x, loss.output_curvature)
    weight = model[0].weight

    def loss_of(w):
        return loss(torch.nn.functional.linear(x, w, model[0].bias), y)

    exact = (
        torch.autograd.functional.hessian(loss_of, weight.detach()).reshape(12, 12).diagonal().reshape(3, 4)
    )
    assert torch.allclose(h[weight], exact)


def test_curvature_through_squashing_equals_gauss_newton_for_one_output():
    # With one output unit the back-propagated diagonal rule is exactly Gauss-Newton.
    torch.manual_seed(0)
    model = nn.Sequential(FullyConnected(5, 3), ScaledTanh(), FullyConnected(3, 1), ScaledTanh()).double()
    x = torch.randn(7, 5, dtype=torch.double)
    h = hessian_diagonal(model, x, lambda out: torch.full_like(out, 2.0))
    for p, expected in zip(model.parameters(), brute_force_gauss_newton(model, x, None)):
        assert torch.allclose(h[p], expected), p.shape


def test_curvature_of_a_shared_weight_sums_over_its_connections():
    # One output map of one 2x2 kernel over a 3x3 input, then flattened: 4 units share the kernel.
    torch.manual_seed(0)
    model = nn.Sequential(ConnectedConv2d(1, 1, 2), nn.Flatten()).double()
    x = torch.randn(3, 1, 3, 3, dtype=torch.double)
    h = hessian_diagonal(model, x, lambda out: torch.full_like(out, 2.0))
    for p, expected in zip(model.parameters(), brute_force_gauss_newton(model, x, None)):
        assert torch.allclose(h[p], expected)


def test_sdlm_step_is_lr_over_mu_plus_h_times_the_gradient():
    w = nn.Parameter(torch.tensor([1.0, 1.0]))
    optimizer = SDLM([w], lr=0.1, mu=0.02)
    optimizer.update_curvature({w: torch.tensor([0.0, 0.98])})
    w.grad = torch.tensor([1.0, 1.0])
    optimizer.step()
    assert torch.allclose(w.detach(), torch.tensor([1 - 0.1 / 0.02, 1 - 0.1 / 1.0]))


def test_the_1998_schedule_has_all_five_steps():
    rates = [paper_schedule_1998(e) for e in range(1, 21)]
    assert rates[:2] == [0.0005] * 2
    assert rates[2:5] == [0.0002] * 3
    assert rates[5:8] == [0.0001] * 3  # the step a popular transcription drops
    assert rates[8:12] == [0.00005] * 4
    assert rates[12:] == [0.00001] * 8
    with pytest.raises(ValueError):
        paper_schedule_1998(0)


def test_curvature_refresher_re_estimates_on_the_first_patterns_before_each_pass():
    torch.manual_seed(0)
    model = nn.Sequential(FullyConnected(4, 2), ScaledTanh())
    optimizer = SDLM(model.parameters(), mu=0.02)
    images = torch.randn(10, 4)
    loss = TargetMSELoss(num_classes=2, outputs="sum")
    before_pass = curvature_refresher(optimizer, model, images, loss.output_curvature, patterns=3)
    before_pass(1)
    expected = hessian_diagonal(model, images[:3], loss.output_curvature)
    for p in model.parameters():
        assert torch.equal(optimizer.curvature(p), expected[p])


def test_summed_step_schedule_multiplies_the_per_pattern_rate_by_the_batch_size():
    from lenet_tutorial.sdlm import summed_step_schedule

    rate = summed_step_schedule(lambda epoch: 16 if epoch < 3 else 64, factor=10)
    assert rate(1) == pytest.approx(16 * 10 * 0.0005)
    assert rate(6) == pytest.approx(64 * 10 * 0.0001)
