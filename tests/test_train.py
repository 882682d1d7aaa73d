"""The training loop, evaluation and the seeding helper."""

from __future__ import annotations

import pytest
import torch

from lenet_tutorial.losses import TargetMSELoss
from lenet_tutorial.models import FullyConnectedNet
from lenet_tutorial.reproducibility import seed_everything
from lenet_tutorial.train import evaluate, train


def toy_data(n=200):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(n, 4, 4, generator=g)
    y = (x[:, 0, 0] > 0).long() + 2 * (x[:, 1, 1] > 0).long()
    return x, y


def run(batch_size=1, order="shuffle", seed=0, epochs=3, lr=0.05, **kwargs):
    generator = seed_everything(seed)
    model = FullyConnectedNet([16, 8, 4])
    history = train(
        model,
        toy_data(),
        loss_fn=TargetMSELoss(num_classes=4),
        optimizer=torch.optim.SGD(model.parameters(), lr=lr),
        epochs=epochs,
        batch_size=batch_size,
        order=order,
        generator=generator,
        test_data=toy_data(50),
        progress=False,
        **kwargs,
    )
    return model, history


def test_same_seed_gives_bit_identical_weights_and_history():
    model_a, history_a = run(seed=3)
    model_b, history_b = run(seed=3)
    for a, b in zip(model_a.parameters(), model_b.parameters()):
        assert torch.equal(a, b)
    assert history_a["train_loss"] == history_b["train_loss"]


def test_history_has_one_row_per_pass_with_errors_as_fractions():
    _, history = run(epochs=4)
    assert history["epoch"] == [1, 2, 3, 4]
    assert all(0 <= e <= 1 for e in history["train_error"] + history["test_error"])
    assert "pass" in history.table() and history.table().count("\n") == 4


def test_learning_reduces_the_training_error():
    _, history = run(epochs=15, batch_size=4)
    assert history.last["train_error"] < history.rows[0]["train_error"] or history.last["train_error"] < 0.2


def test_dataset_order_is_constant_and_fixed_order_is_one_random_permutation():
    seen = []

    def spy(x, g):
        return x

    class Recorder(FullyConnectedNet):
        def forward(self, x):
            if self.training:
                seen.append(x[0, 0, 0].item())
            return super().forward(x)

    for order in ("dataset", "fixed", "shuffle"):
        seen.clear()
        generator = seed_everything(0)
        model = Recorder([16, 4])
        x, y = toy_data(20)
        train(
            model,
            (x, y),
            loss_fn=TargetMSELoss(num_classes=4),
            optimizer=torch.optim.SGD(model.parameters(), lr=0.0),
            epochs=2,
            batch_size=1,
            order=order,
            generator=generator,
            progress=False,
            transform=spy,
        )
        first, second = seen[:20], seen[20:]
        if order == "dataset":
            assert first == second == x[:, 0, 0].tolist()
        elif order == "fixed":
            assert first == second and first != x[:, 0, 0].tolist()
        else:
            assert first != second and sorted(first) == sorted(second)


def test_on_the_fly_error_is_each_patterns_answer_before_its_update():
    # One update per pass (a batch of the whole set): the answers given during pass k are
    # those of the network as pass k - 1 left it, so the on-the-fly error of pass k is the
    # error measured after pass k - 1 (same seed, same training), and pass 1's is the
    # untrained network's.
    seed_everything(0)
    untrained = evaluate(FullyConnectedNet([16, 8, 4]), *toy_data()).error
    _, after = run(batch_size=200, epochs=3, train_error="after_each_pass")
    _, fly = run(batch_size=200, epochs=3, train_error="on_the_fly")
    assert fly["train_error"] == [untrained] + after["train_error"][:2]
    assert fly.train_error_measured == "on_the_fly" and "on the fly" in fly.table()
    assert "on the fly" not in after.table()


def test_on_the_fly_error_follows_the_shuffled_order_of_small_batches():
    # Without learning (rate 0) every answer comes from the same network: the on-the-fly
    # error is then exactly the network's error on the set, whatever order and batch size.
    model, history = run(batch_size=7, order="shuffle", epochs=2, lr=0.0, train_error="on_the_fly")
    expected = evaluate(model, *toy_data()).error
    assert 0 < expected and history["train_error"] == [expected, expected]


def test_measuring_the_training_error_on_the_fly_does_not_change_the_training():
    trained_after, _ = run(batch_size=8, train_error="after_each_pass")
    trained_on_the_fly, _ = run(batch_size=8, train_error="on_the_fly")
    for a, b in zip(trained_after.parameters(), trained_on_the_fly.parameters()):
        assert torch.equal(a, b)


def test_lr_schedule_and_before_pass_are_called_each_pass():
    calls = []
    model, _ = run(epochs=3, lr_schedule=lambda epoch: 0.1 / epoch, before_pass=calls.append)
    assert calls == [1, 2, 3]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="order"):
        run(order="random")
    with pytest.raises(ValueError, match="batch_size"):
        run(batch_size=0)
    with pytest.raises(ValueError, match="train_error must be one of"):
        run(train_error="on the fly")
    model = FullyConnectedNet([16, 4])
    with pytest.raises(ValueError, match="labels"):
        train(
            model,
            (torch.zeros(3, 4, 4), torch.zeros(2, dtype=torch.long)),
            loss_fn=TargetMSELoss(4),
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
            epochs=1,
            progress=False,
        )


def test_evaluate_uses_output_scores_when_the_model_defines_them():
    class Penalties(torch.nn.Module):
        def forward(self, x):
            return x  # smaller is better, like LeNet-5's RBF outputs

        def output_scores(self, outputs):
            return -outputs

    x = torch.tensor([[0.1, 5.0], [3.0, 0.2]])
    result = evaluate(Penalties(), x, torch.tensor([0, 1]))
    assert result.error == 0.0 and result.predictions.tolist() == [0, 1]


def test_evaluate_reports_error_fraction_and_loss():
    model = FullyConnectedNet([2, 2], squash_output=False)
    with torch.no_grad():
        model.layers[1].weight.copy_(torch.eye(2))
        model.layers[1].bias.zero_()
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    result = evaluate(
        model, x, torch.tensor([0, 1, 1, 1]), loss_fn=TargetMSELoss(num_classes=2), batch_size=3
    )
    assert result.error == 0.25
    # squared errors per pattern: 1, 1, 4 + 1, 1 -> mean over 4 patterns and 2 outputs
    assert result.loss == pytest.approx((1 + 1 + 5 + 1) / 8)


def test_seed_everything_fixes_the_thread_count(monkeypatch):
    seed_everything(0, threads=1)
    assert torch.get_num_threads() == 1
    monkeypatch.setenv("LENET_TUTORIAL_THREADS", "2")
    seed_everything(0)
    assert torch.get_num_threads() == 2


def test_a_diverging_run_stops_with_a_clear_error():
    generator = seed_everything(0)
    model = FullyConnectedNet([16, 4], squash_output=False)
    with pytest.raises(FloatingPointError, match="diverged in pass 1"):
        train(
            model,
            toy_data(),
            loss_fn=TargetMSELoss(num_classes=4),
            optimizer=torch.optim.SGD(model.parameters(), lr=1e6),
            epochs=3,
            generator=generator,
            progress=False,
        )


def test_per_pattern_training_leaves_the_onednn_setting_as_it_found_it():
    before = torch.backends.mkldnn.enabled
    run(batch_size=1, epochs=1)
    assert torch.backends.mkldnn.enabled == before


def test_batch_size_may_change_from_pass_to_pass():
    updates = []

    class CountingSGD(torch.optim.SGD):
        def step(self, closure=None):
            updates.append(1)
            return super().step(closure)

    seed_everything(0)
    model = FullyConnectedNet([16, 8, 4])
    train(
        model,
        toy_data(),
        loss_fn=TargetMSELoss(num_classes=4),
        optimizer=CountingSGD(model.parameters(), lr=0.05),
        epochs=2,
        batch_size=lambda epoch: 10 if epoch == 1 else 50,
        progress=False,
    )
    assert len(updates) == 200 // 10 + 200 // 50
