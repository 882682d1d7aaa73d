"""The benchmark compares like with like: the naive pipeline feeds the network the same inputs."""

from __future__ import annotations

import importlib.util
import json
import re
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
        "zip1989",
        "zip1989_unit_rates",
        "lenet1_usps",
        "lenet1_mnist",
        "lenet5",
        "lenet5_lush",
        "lenet5_summed_batches",
        "lenet5_distorted",
        "lenet4",
        "boosted_lenet4",
        "modern_lenet5",
    }
    for name in seeds.EXPERIMENTS:
        assert name in seeds.__doc__


def test_seeds_feeds_each_experiment_the_digits_its_chapter_does():
    seeds = load("seeds")
    (usps_train, _), (usps_test, _) = seeds.data_for("zip1989")
    assert usps_train.shape == (7291, 16, 16) and usps_test.shape == (2007, 16, 16)  # USPS, as stored
    (rates_train, _), (rates_test, _) = seeds.data_for("zip1989_unit_rates")
    assert torch.equal(rates_train, usps_train) and torch.equal(rates_test, usps_test)  # the 1989 chapter's
    (lenet1_train, _), _ = seeds.data_for("lenet1_usps")
    assert lenet1_train.shape == (7291, 1, 28, 28)  # LeNet-1's field
    (small_mnist, _), _ = seeds.data_for("lenet1_mnist")
    assert small_mnist.shape == (60000, 1, 28, 28)  # 16x16 MNIST digits in the same field
    (mnist_train, _), (mnist_test, _) = seeds.data_for("lenet5")
    assert mnist_train.shape == (60000, 1, 32, 32) and mnist_test.shape == (10000, 1, 32, 32)
    assert mnist_train.min() == pytest.approx(-0.1)  # the paper's scale
    (lush_train, _), (lush_test, _) = seeds.data_for("lenet5_lush")
    assert lush_train.shape == mnist_train.shape and lush_test.shape == mnist_test.shape
    assert lush_train.min() == 0 and lush_train.max() == pytest.approx(2.55)  # Lush's: pixels x 0.01


def test_seeds_json_output_is_the_results_file_and_nothing_else(monkeypatch, capsys):
    # `seeds.py EXPERIMENT --json > benchmarks/results/seeds/EXPERIMENT.json` is how the files
    # are made: what the training prints (the engine's one-time notice) must not get into them.
    seeds = load("seeds")

    def noisy(train, test, seed):
        print("the engine compiled its loops in 25 s (once: they are cached for later runs)")

    digits = (torch.zeros(4, 1, 32, 32), torch.zeros(4, dtype=torch.long))
    monkeypatch.setitem(seeds.EXPERIMENTS, "lenet5", noisy)
    monkeypatch.setattr(seeds, "data_for", lambda experiment: (digits, digits))
    monkeypatch.setattr(seeds, "errors_of", lambda experiment, model, train, test: (0.0095, 0.0033, None))
    monkeypatch.setattr(sys, "argv", ["seeds.py", "lenet5", "--seeds", "0", "1", "--json"])
    seeds.main()
    out, err = capsys.readouterr()
    results = json.loads(out)
    assert results["test_error_by_seed"] == {"0": 0.95, "1": 0.95} and results["std"] == 0
    assert out == json.dumps(results, indent=1) + "\n"  # the committed files' format
    assert "compiled its loops" in err and "seed 1: test error 0.95%" in err  # progress, beside


def test_the_status_page_shows_exactly_the_committed_results():
    report = load("report")
    assert (ROOT / "book" / "status.md").read_text() == report.render(), (
        "book/status.md is stale: run python benchmarks/report.py"
    )


def test_the_book_benchmark_can_run_chosen_chapters_only():
    assert [p.stem for p in bench.chapters(["legacy", "lenet5"])] == ["lenet5", "legacy"]  # reading order
    with pytest.raises(SystemExit, match="no chapter named lenet6"):
        bench.chapters(["lenet6"])


def test_lenet5_is_benchmarked_with_its_hand_written_backward_pass_and_with_autograd():
    from lenet_tutorial.backprop import LeNet5Backprop

    case = bench.CASES["lenet5"]
    assert case.backprop is LeNet5Backprop
    inputs = torch.rand(8, 1, 32, 32) - 0.1
    labels = torch.arange(8)
    assert bench.engine_seconds(case, inputs, labels, 4) > 0
    assert bench.engine_seconds(case, inputs, labels, 4, by_hand=False) > 0


def test_the_status_page_marks_a_run_not_made_with_a_dash():
    report = load("report")
    book = {
        "machine": {
            "python": "3.11",
            "torch": "2",
            "platform": "x",
            "processor": "x86_64",
            "cpus": 2,
            "threads": 2,
        },
        "chapters": {"book/chapters/lenet5.ipynb": {"1_threads": {"seconds": 300.0, "peak_mb": 900.0}}},
        "total_s": {"1_threads": 300.0},
    }
    table = "\n".join(report.book_section(book))
    assert "| `book/chapters/lenet5.ipynb` | – | 300 | 900 |" in table
    assert "| **total** | – | 5.0 min | |" in table
    assert "nan" not in table


def test_a_run_records_its_own_provenance_the_commit_the_time_and_the_machine():
    # the same operating system string hid a twofold difference in matrix-multiply rate
    provenance = bench.provenance()
    machine = provenance["machine"]
    assert machine["processor"] and machine["cpu_id"]
    assert machine["torch_cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert provenance["started"].endswith("Z")
    report = load("report")
    shown = "\n".join(
        report.provenance_table({"provenance": {**provenance, "finished": provenance["started"]}})
    )
    assert (
        machine["processor"] in shown
        and f"| PyTorch's CPU kernels | {machine['torch_cpu_capability']} |" in shown
    )
    if provenance["commit"]:  # a git checkout
        assert provenance["commit"] in shown
    # a file from before the runs recorded themselves: the fields say so, nothing is guessed
    older = "\n".join(report.provenance_table({"machine": {"processor": "x86_64", "threads": 2}}))
    assert "| commit | not recorded |" in older and "| processor | not recorded |" in older
    # a chapter measured again after the run: when, why, and what the run had measured
    again = {"started": "2026-12-07T23:35:33Z", "first_seconds": 111.3, "because": "it compiled"}
    table = report.provenance_table({"provenance": {**provenance, "remeasured": {"book/x.ipynb": again}}})
    assert "| `book/x.ipynb` measured again | 2026-12-07T23:35:33Z: it compiled (111 s) |" in table


def test_the_results_files_hold_data_not_notes():
    """How a number was obtained is a recorded field, never a paragraph in a results file."""
    for path in (ROOT / "benchmarks" / "results").rglob("*.json"):
        assert "note" not in json.loads(path.read_text()), path


def test_the_status_page_shows_which_kernels_computed_each_seed(tmp_path, monkeypatch):
    report = load("report")
    (tmp_path / "seeds").mkdir()
    results = {"test_error_by_seed": {"0": 1.0, "1": 1.2, "2": 1.1}, "mean": 1.1, "std": 0.1}
    kernels = {"0": "AVX512", "1": None, "2": None}
    (tmp_path / "seeds" / "lenet5.json").write_text(
        json.dumps({"experiment": "lenet5", **results, "kernels_by_seed": kernels})
    )
    (tmp_path / "seeds" / "lenet4.json").write_text(json.dumps({"experiment": "lenet4", **results}))
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    section = report.seeds_section()
    assert "| `lenet5` | 0: 1.00, 1: 1.20, 2: 1.10 | 1.10 ± 0.10 | 0: AVX512, 1-2: not recorded |" in section
    assert "| `lenet4` | 0: 1.00, 1: 1.20, 2: 1.10 | 1.10 ± 0.10 | not recorded |" in section


def test_a_lenet5_step_is_counted_as_its_connections_forward_and_backward_and_its_update():
    connections, c1, rbf, parameters = 340_908, 122_304, 840, 60_000
    expected = 2 * connections + 2 * (connections - c1) + 2 * (connections - rbf) + 2 * parameters
    assert bench.lenet5_step_flops() == expected  # about 1.9 million floating-point operations


def test_the_status_page_sets_the_speed_targets_beside_each_processors_last_run():
    report = load("report")

    def run(cpu_id, started, lenet4, schedule, over_bound):
        machine = {"processor": "x86_64 test", "cpu_id": cpu_id}
        return {
            "provenance": {"started": started, "machine": machine},
            "models": {
                name: {"1": {"speedup": lenet4 if name == "lenet4" else 20.0}} for name in report.MODEL_NAMES
            },
            "lenet5_paper_schedule_s": schedule,
            "lenet5_step_over_bound": over_bound,
        }

    runs = [
        run("Vendor 6 1 1", "2026-01-02T00:00:00Z", 12.5, 309.0, 4.0),
        run("Other 25 1 1", "2026-01-03T00:00:00Z", 16.0, 140.0, 7.0),
    ]
    table = "\n".join(report.targets_section(runs))
    assert (
        "| target | x86_64 test (Vendor 6 1 1), 2026-01-02 | x86_64 test (Other 25 1 1), 2026-01-03 |"
        in table
    )
    assert (
        "| LeNet-4: per-pattern step, engine over the naive pipeline ≥ 15 | 12.5 (missed) | 16 (met) |"
        in table
    )
    assert "| LeNet-5: per-pattern step, engine over the naive pipeline ≥ 15 | 20 (met) | 20 (met) |" in table
    assert "| LeNet-5: the paper's 20 per-pattern passes (s) ≤ 150 | 309 (missed) | 140 (met) |" in table
    assert "| LeNet-5: one step over its arithmetic bound ≤ 5 | 4 (met) | 7 (missed) |" in table
    assert "not measured" in "\n".join(
        report.targets_section([{"provenance": runs[0]["provenance"], "models": {}}])
    )
    assert "Not measured yet" in "\n".join(report.targets_section([]))


def test_bench_record_keeps_one_run_per_processor_type(monkeypatch, tmp_path, capsys):
    result = {"provenance": {"started": "2026-01-01T00:00:00Z", "machine": {"cpu_id": "AuthenticAMD 25 1 1"}}}
    assert bench.record_path(result) == ROOT / "benchmarks" / "results" / "speed" / "AuthenticAMD-25-1.json"
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    monkeypatch.setattr(bench, "quick", lambda: result)
    monkeypatch.setattr(sys, "argv", ["bench.py", "--record"])
    bench.main()
    bench.main()  # the same type again: replaced, not added
    assert [p.name for p in (tmp_path / "benchmarks" / "results" / "speed").iterdir()] == [
        "AuthenticAMD-25-1.json"
    ]
    assert json.loads((tmp_path / "benchmarks/results/speed/AuthenticAMD-25-1.json").read_text()) == result
    assert "wrote benchmarks/results/speed/AuthenticAMD-25-1.json" in capsys.readouterr().err
    unknown = {"provenance": {"machine": {"cpu_id": ""}}}
    with pytest.raises(SystemExit, match="processor type is not known"):
        bench.record_path(unknown)


def test_every_kept_speed_run_is_named_by_its_processor_type():
    for path in (ROOT / "benchmarks" / "results" / "speed").glob("*.json"):
        assert bench.record_path(json.loads(path.read_text())) == path


FRACTIONS = {"": 0.0, "¼": 0.25, "½": 0.5, "¾": 0.75}


SETTINGS = {"on one CPU core": "1_threads", "on two CPU cores": "2_threads"}


def stated_seconds(line: str) -> tuple[float, float, list[str]]:
    """The range of seconds a chapter's ``**Run time:**`` line promises, and the settings of
    ``bench.py --book`` it promises them for, from its first words: "about N minutes on two CPU
    cores" (or "on one CPU core"; N may end in ¼, ½ or ¾; "half a minute") means within a
    factor of 1.5 of N minutes with that many threads, "a few seconds" at most 20 with any
    (``None``: every setting measured)."""
    if line.startswith("a few seconds"):
        return 0.0, 20.0, None
    about = re.match(rf"about (half a|(\d*)([¼½¾]?)) minutes? ({'|'.join(SETTINGS)})\b", line)
    assert about, f"a run time should start 'about N minutes {' or '.join(SETTINGS)}': {line!r}"
    minutes = 0.5 if about[1] == "half a" else int(about[2] or 0) + FRACTIONS[about[3]]
    return 60 * minutes / 1.5, 60 * minutes * 1.5, [SETTINGS[about[4]]]


def test_a_run_time_line_names_the_setting_it_promises():
    assert stated_seconds("about 2½ minutes on two CPU cores (2 of them training).") == (
        100.0,
        225.0,
        ["2_threads"],
    )
    assert stated_seconds("about half a minute on one CPU core") == (20.0, 45.0, ["1_threads"])
    assert stated_seconds("a few seconds (it trains nothing).") == (0.0, 20.0, None)
    with pytest.raises(AssertionError, match="should start"):
        stated_seconds("about 3 minutes, nearly all of it training")  # on how many cores?


def test_every_chapters_run_time_line_agrees_with_its_measured_time():
    # The reader's promise at the top of each chapter against `bench.py --book` (in reading
    # order, from an empty cache of trained networks, with the threads the line names):
    # re-measuring the book on a new machine shows which lines to update.
    measured = json.loads((ROOT / "benchmarks" / "results" / "book.json").read_text())["chapters"]
    for path in sorted((ROOT / "book" / "chapters").glob("*.ipynb")):
        lines = [
            line
            for cell in json.loads(path.read_text())["cells"]
            if cell["cell_type"] == "markdown"
            for line in "".join(cell["source"]).splitlines()
            if line.startswith("**Run time:**")
        ]
        assert len(lines) == 1, f"{path.name}: one **Run time:** line, near the top"
        low, high, settings = stated_seconds(lines[0].removeprefix("**Run time:**").strip())
        runs = measured[f"book/chapters/{path.name}"]
        for setting in settings or runs:
            assert setting in runs, f"{path.name}: {lines[0]!r}, but the record has no {setting} run"
            seconds = runs[setting]["seconds"]
            assert low <= seconds <= high, (
                f"{path.name}: {lines[0]!r}, but measured {seconds:.0f} s ({setting})"
            )
