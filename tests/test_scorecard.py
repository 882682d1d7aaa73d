"""The scorecard: recorded in notebook outputs, collected from them, printed as JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest

from lenet_tutorial import paper, scorecard
from lenet_tutorial.__main__ import main

from .conftest import ROOT


def notebook_with_output(path, text):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    nb.cells = [cell]
    nbformat.write(nb, path)


def test_record_prints_a_parsable_line_and_returns_the_rounded_value(capsys):
    value = scorecard.record("fc1989.test_error", 7.123456)
    assert value == 7.12
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "[scorecard] fc1989.test_error = 7.12 %"
    assert "paper: 8.10 %" in out


def test_record_refuses_an_unknown_id():
    with pytest.raises(KeyError, match="unknown scorecard id"):
        scorecard.record("lenet7.test_error", 1.0)


def test_collect_reads_records_from_notebook_outputs(tmp_path):
    notebook_with_output(tmp_path / "a.ipynb", "hello\n[scorecard] knn_mnist.test_error = 2.83 %\n")
    (tmp_path / "sub").mkdir()
    notebook_with_output(tmp_path / "sub" / "b.ipynb", "[scorecard] lenet5.free_parameters = 60000\n")
    entries = scorecard.collect(tmp_path)
    assert [(e.id, e.ours, e.paper, e.notebook) for e in entries] == [
        ("knn_mnist.test_error", 2.83, 5.0, "a.ipynb"),
        ("lenet5.free_parameters", 60000.0, 60000, "sub/b.ipynb"),
    ]


def test_the_same_id_recorded_twice_is_an_error(tmp_path):
    notebook_with_output(tmp_path / "a.ipynb", "[scorecard] knn_mnist.test_error = 2.83 %\n")
    notebook_with_output(tmp_path / "b.ipynb", "[scorecard] knn_mnist.test_error = 2.90 %\n")
    with pytest.raises(ValueError, match="twice"):
        scorecard.collect(tmp_path)


def test_cli_prints_json_with_the_documented_keys(tmp_path, capsys):
    notebook_with_output(tmp_path / "a.ipynb", "[scorecard] zip1989_modern.test_error = 1.50 %\n")
    assert main(["scorecard", "--json", "--book", str(tmp_path)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "id": "zip1989_modern.test_error",
            "experiment": paper.reported("zip1989_modern.test_error").experiment,
            "metric": "test error",
            "paper": None,
            "ours": 1.5,
            "unit": "%",
            "source": "karpathy2022",
        }
    ]


def test_cli_prints_the_books_record_without_a_book_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lenet_tutorial", "scorecard", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    ids = {row["id"] for row in json.loads(result.stdout)}
    assert {
        "fc1989.test_error",
        "linear_mnist.test_error",
        "knn_mnist.test_error",
        "mlp300_mnist.test_error",
    } <= ids


def test_cli_without_a_book_is_a_clear_error(tmp_path, capsys):
    assert main(["scorecard", "--book", str(tmp_path / "none")]) == 2
    assert "no book folder" in capsys.readouterr().err


def test_every_source_is_in_the_bibliography():
    bib = (ROOT / "book" / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    assert {entry.source for entry in paper.REPORTED.values()} <= keys
    assert paper.YADAV_2019 in keys  # the rerun the LeNet-5 chapter's comparison row cites


def test_ids_name_an_experiment_and_a_metric():
    for id, entry in paper.REPORTED.items():
        assert re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", id) and entry.id == id
        assert entry.unit in scorecard.DECIMALS


def test_readme_results_table_matches_the_committed_notebooks():
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `([\w.]+)` \|[^|]*\| ([\d.]+|–) \| ([\d.]+) \|$", readme, re.M)
    assert rows, "README has no results table"
    recorded = {e.id: e for e in scorecard.collect(ROOT / "book")}
    for id, paper_value, ours in rows:
        assert id in recorded, f"README lists {id}, which no notebook records"
        assert float(ours) == recorded[id].ours, id
        if paper_value != "–":
            assert float(paper_value) == recorded[id].paper, id
    assert {id for id, _, _ in rows} == set(recorded), "README table and scorecard list different ids"


def test_a_recorded_curve_is_collected_with_its_rounded_points(tmp_path, capsys):
    points = scorecard.record_curve("zip1989.error_vs_rejection", [0.0, 10.123], [5.777, 1.0])
    assert points == [(0.0, 5.78), (10.12, 1.0)]
    notebook_with_output(tmp_path / "a.ipynb", capsys.readouterr().out)
    assert scorecard.collect_curves(tmp_path) == {"zip1989.error_vs_rejection": [(0.0, 5.78), (10.12, 1.0)]}
    assert scorecard.collect(tmp_path) == []  # a curve is not a scorecard entry


def test_figure9_rows_the_book_retrained_point_at_known_scorecard_ids():
    from lenet_tutorial import paper

    rows = {(name, note) for name, _, note in paper.FIGURE9_TEST_ERROR}
    for row, book_id in paper.FIGURE9_BOOK_IDS.items():
        assert row in rows, row
        assert book_id in paper.REPORTED, book_id
        figure9_error = next(e for n, e, note in paper.FIGURE9_TEST_ERROR if (n, note) == row)
        assert paper.reported(book_id).paper == figure9_error, book_id
    figure9_names = {name for name, _ in rows}
    assert set(paper.FIGURE11_COST_THOUSANDS) <= figure9_names


def test_standard_error_of_one_percent_on_10000_digits_is_a_tenth_of_a_point():
    assert scorecard.standard_error(1.0, scorecard.MNIST_TEST_DIGITS) == pytest.approx(0.0995, abs=1e-4)
    assert scorecard.standard_error(0.0, 100) == 0.0


def test_seed_noise_is_twice_the_standard_error_of_a_difference_of_two_seed_means():
    # five seeds with a standard deviation of 0.1 each side: SE of the difference sqrt(2 x 0.01 / 5)
    a, b = [1.0, 1.1, 0.9, 1.0, 1.0], [2.0, 2.1, 1.9, 2.0, 2.0]
    assert scorecard.seed_noise(a, b) == pytest.approx(2 * (2 * 0.005 / 5) ** 0.5)
    assert scorecard.seed_noise(a, [3.0] * 5) == pytest.approx(2 * (0.005 / 5) ** 0.5)  # one side exact
    assert scorecard.seed_noise(a, b) == scorecard.seed_noise(b, a)
    with pytest.raises(ValueError, match="at least two seeds"):
        scorecard.seed_noise([1.0], b)


def test_gap_in_standard_errors_uses_both_measurements_uncertainty():
    # 1.13% against 0.95% on 10,000 digits: 0.18 points over sqrt(0.097^2 + 0.106^2) = 0.144
    assert scorecard.gap_in_standard_errors(1.13, 0.95, 10_000) == pytest.approx(1.25, abs=0.01)
    assert scorecard.gap_in_standard_errors(0.95, 1.13, 10_000) == pytest.approx(-1.25, abs=0.01)


def test_seed_runs_are_read_from_the_benchmark_files_and_tabulated(tmp_path):
    results = {
        "experiment": "lenet5",
        "test_error_by_seed": {"0": 1.0, "1": 1.2},
        "train_error_by_seed": {"0": 0.5, "1": 0.7},
        "mean": 1.1,
        "std": 0.14,
    }
    (tmp_path / "lenet5.json").write_text(json.dumps(results))
    assert scorecard.read_seed_runs(tmp_path) == {"lenet5": results}
    assert scorecard.format_seed_results(results).splitlines() == [
        "lenet5, seed                 0     1   mean ± sd",
        "test error (%)            1.00  1.20   1.10 ± 0.14",
        "train error (%)           0.50  0.70   0.60 ± 0.14",
    ]


def test_validation_runs_are_read_in_the_files_order_and_tabulated_at_the_chosen_passes(tmp_path):
    def run(mu, errors):
        history = [{"epoch": e, "train_error": t, "test_error": v} for e, (t, v) in enumerate(errors, 1)]
        return {"run": "LeNet-5", "settings": {"mu": mu}, "history": history}

    runs = [run(0.02, [(0.1, 0.05), (0.04, 0.02)]), run(1.0, [(None, 0.9)])]  # the second: one pass
    (tmp_path / "lenet5.jsonl").write_text("".join(json.dumps(r) + "\n" for r in runs))
    assert scorecard.read_settings_runs(tmp_path) == {"lenet5": runs}
    table = scorecard.format_settings_runs(runs, {"mu": lambda s: f"{s['mu']:g}"}, passes=(1, 2))
    assert table.splitlines() == [
        "mu            pass 1          pass 2",
        "        train    val    train    val",
        "0.02    10.00   5.00     4.00   2.00",
        "1           -  90.00        -      -",
    ]


def test_validation_runs_that_differ_only_in_their_seed_share_a_row_of_means():
    def run(mu, seed, errors):
        history = [{"epoch": e, "train_error": t, "test_error": v} for e, (t, v) in enumerate(errors, 1)]
        return {"run": "1989", "settings": {"mu": mu, "seed": seed}, "history": history}

    runs = [
        run(0.05, 0, [(0.2, 0.1), (0.02, 0.03)]),
        run(1.0, 0, [(0.3, 0.2), (0.1, 0.05)]),
        run(0.05, 1, [(0.4, 0.3), (0.04, 0.05)]),
    ]
    table = scorecard.format_settings_means(runs, {"mu": lambda s: f"{s['mu']:g}"}, passes=(1, 2))
    assert table.splitlines() == [
        "mu            pass 1          pass 2   val sd seeds",
        "        train    val    train    val",
        "0.05    30.00  20.00     3.00   4.00     1.41     2",  # the first setting's row first
        "1       30.00  20.00    10.00   5.00        -     1",
    ]


def test_a_long_experiment_name_widens_the_seed_tables_label_column():
    results = {"experiment": "lenet5_summed_batches", "test_error_by_seed": {"0": 1.12, "1": 0.95}}
    header, row = scorecard.format_seed_results(results).splitlines()
    assert header.index("0") == row.index("1.12") + 3  # the columns still line up


def test_the_usps_seed_tables_add_the_rejection_for_one_percent_error():
    results = {
        "experiment": "zip1989",
        "test_error_by_seed": {"0": 5.0, "1": 6.0},
        "train_error_by_seed": {"0": 0.5, "1": 0.7},
        "reject_at_1pct_by_seed": {"0": 12.0, "1": 13.0},
        "mean": 5.5,
        "std": 0.71,
    }
    assert scorecard.format_seed_results(results).splitlines()[-1] == (
        "rejected, 1% error (%)   12.00 13.00   12.50 ± 0.71"
    )


def test_seed_results_come_from_the_record_and_are_none_for_an_experiment_without_seeds():
    assert scorecard.seed_results("lenet5")["test_error_by_seed"]["0"] == scorecard.recorded(
        "lenet5.test_error"
    )
    assert scorecard.seed_results("knn_mnist") is None


def test_every_committed_seeds_run_has_five_seeds_and_seed_0_is_its_chapters_result():
    # The chapters quote the seeds' table beside their own run; seed 0 is that run, bit for bit,
    # on a machine like CI's. A reader's run elsewhere may differ in the last digits, so the
    # chapters do not assert it themselves: this test does, against the committed outputs.
    recorded = {entry.id: entry.ours for entry in scorecard.collect(ROOT / "book")}
    for experiment in (
        "zip1989",
        "lenet1_usps",
        "lenet1_mnist",
        "lenet4",
        "boosted_lenet4",
        "lenet5",
        "lenet5_distorted",
        "modern_lenet5",
    ):
        results = scorecard.seed_results(experiment)
        assert results is not None and len(results["test_error_by_seed"]) == 5, experiment
        assert results["test_error_by_seed"]["0"] == recorded[f"{experiment}.test_error"], experiment


def test_what_a_tool_measured_after_training_is_a_column_of_means_over_the_seeds():
    def run(mu, seed, rejection=None):
        history = [{"epoch": 1, "train_error": 0.02, "test_error": 0.03}]
        measured = {} if rejection is None else {"val_reject_at_1pct": rejection}
        return {"run": "1989", "settings": {"mu": mu, "seed": seed}, "history": history} | measured

    runs = [run(0.05, 0, 6.0), run(0.05, 1, 7.0), run(1.0, 0)]  # the older run lacks the key
    table = scorecard.format_settings_means(
        runs, {"mu": lambda s: f"{s['mu']:g}"}, passes=(1,), after={"val rej": "val_reject_at_1pct"}
    )
    assert table.splitlines() == [
        "mu            pass 1   val sd seeds   val rej",
        "        train    val",
        "0.05     2.00   3.00     0.00     2      6.50",
        "1        2.00   3.00        -     1         -",
    ]


def test_validation_runs_group_by_the_settings_named_each_group_in_seed_order():
    runs = [
        {"settings": {"mu": 0.05, "passes": 23, "seed": 0}},
        {"settings": {"mu": 0.05, "passes": 40, "seed": 0}},
        {"settings": {"mu": 0.05, "passes": 23, "seed": 1}},
    ]
    groups = scorecard.settings_groups(runs, "mu", "passes")
    assert groups == {(0.05, 23): [runs[0], runs[2]], (0.05, 40): [runs[1]]}


def test_a_setting_is_shown_better_only_when_it_beats_the_standard_by_twice_the_seeds_noise():
    def runs(*errors):
        return [{"history": [{"test_error": e / 100}]} for e in errors]

    groups = {"standard": runs(2.0, 2.2, 2.4), "close": runs(1.9, 2.1, 2.3), "far": runs(1.0, 1.1, 1.2)}
    of = {"error": lambda group: [100 * run["history"][-1]["test_error"] for run in group]}
    margins = scorecard.noise_margins(groups, "standard", of)
    assert margins["standard", "error"] == pytest.approx(
        scorecard.seed_noise([2.0, 2.2, 2.4], [2.0, 2.2, 2.4])
    )
    assert margins["close", "error"] > 0 > margins["far", "error"]
