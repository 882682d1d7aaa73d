"""The benchmark compares like with like: the naive pipeline feeds the network the same inputs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = load("bench")


@pytest.mark.parametrize("name", sorted(bench.CASES))
def test_the_naive_dataset_normalises_each_sample_exactly_as_the_engine_does_all_at_once(name):
    case = bench.CASES[name]
    if case.dataset == "mnist":
        images = torch.randint(0, 256, (5, 28, 28), dtype=torch.uint8)
    else:
        images = torch.rand(5, 16, 16) * 2 - 1
    labels = torch.arange(5)
    dataset = bench.OneSampleAtATime(case, images, labels)
    one_at_a_time = torch.stack([dataset[i][0] for i in range(5)])
    assert torch.allclose(one_at_a_time, bench.prepare(case, images), atol=1e-6)
    assert [int(dataset[i][1]) for i in range(5)] == labels.tolist()
    model = case.build()
    assert model(one_at_a_time).shape == (5, 10)


def test_both_loops_train_the_same_network_from_the_same_start():
    case = bench.CASES["lenet1"]
    first, _, _ = bench.fresh(case)
    second, _, _ = bench.fresh(case)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters()))


def test_the_book_benchmark_runs_every_chapter_of_the_table_of_contents():
    names = [p.stem for p in bench.chapters()]
    assert names[0] == "digits" and names[-1] == "scorecard"  # reading order; the scorecard reads the rest
    assert {"lenet4", "lenet4_boosting", "lenet5", "lenet5_distortions"} <= set(names)


def test_seeds_knows_every_experiment_it_documents():
    seeds = load("seeds")
    assert set(seeds.EXPERIMENTS) == {
        "lenet5",
        "lenet5_distorted",
        "lenet4",
        "boosted_lenet4",
        "modern_lenet5",
    }
    for name in seeds.EXPERIMENTS:
        assert name in seeds.__doc__


def test_the_status_page_shows_exactly_the_committed_results():
    report = load("report")
    assert (ROOT / "book" / "status.md").read_text() == report.render(), (
        "book/status.md is stale: run python benchmarks/report.py"
    )
