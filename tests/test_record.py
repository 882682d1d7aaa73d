"""The book's record travels with the package, equal to what it is made from."""

from __future__ import annotations

import math
import subprocess
import sys
import zipfile

import pytest

from lenet_tutorial import scorecard

from .conftest import ROOT

RECORD = ROOT / "lenet_tutorial" / scorecard.RECORD_FILE


def test_the_shipped_record_equals_the_committed_notebooks_seeds_and_settings_runs():
    results = ROOT / "benchmarks" / "results"
    made = scorecard.build_record(ROOT / "book", results / "seeds", results / "settings")
    assert RECORD.read_text(encoding="utf-8") == scorecard.record_text(made), (
        "lenet_tutorial/results.json is out of date: run python tools/record_results.py"
    )
    assert scorecard.book_record() == made


def test_the_record_holds_every_result_curve_and_seeds_table_the_chapters_quote():
    record = scorecard.book_record()
    assert {"lenet5.test_error", "zip1989.reject_at_1pct", "lenet5.free_parameters"} <= set(
        record["scorecard"]
    )
    assert {"zip1989.error_vs_rejection", "lenet5.test_error_per_pass"} <= set(record["curves"])
    assert {"zip1989", "lenet1_usps", "lenet5", "modern_lenet5"} <= set(record["seeds"])
    assert {"lenet5"} <= set(record["settings"])
    assert [e.id for e in scorecard.book_entries()] == [e.id for e in scorecard.collect(ROOT / "book")]


def test_the_record_is_in_the_wheel(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("lenet_tutorial-*.whl")
    with zipfile.ZipFile(wheel) as contents:
        assert contents.read("lenet_tutorial/results.json").decode() == RECORD.read_text(encoding="utf-8")


def test_an_unknown_result_is_a_clear_error():
    with pytest.raises(KeyError, match="records no result"):
        scorecard.recorded("lenet7.test_error")


def test_changed_entries_name_the_section_and_the_key():
    before = {"scorecard": {"a.x": {"ours": 1.0}}, "curves": {}, "seeds": {"a": {"mean": 1}}, "settings": {}}
    after = {
        "scorecard": {"a.x": {"ours": 1.1}, "b.y": {"ours": 2}},
        "curves": {},
        "seeds": {"a": {"mean": 1}},
        "settings": {"a": [{"settings": {}, "history": []}]},
    }
    assert scorecard.changed_entries(before, after) == {"scorecard/a.x", "scorecard/b.y", "settings/a"}
    assert scorecard.changed_entries(after, after) == set()


def test_a_chapter_is_affected_by_what_it_read_and_a_whole_section_by_anything_in_it():
    changed = {"scorecard/lenet5.test_error"}
    assert scorecard.reads_affected(["scorecard/lenet5.test_error"], changed)
    assert scorecard.reads_affected(["scorecard/*"], changed)
    assert not scorecard.reads_affected(["scorecard/lenet4.test_error", "seeds/lenet5", "curves/*"], changed)


def test_reading_the_record_is_noted_where_the_execution_tool_asks(tmp_path, monkeypatch):
    log = tmp_path / "reads.txt"
    monkeypatch.setenv(scorecard.READS_ENV, str(log))
    scorecard.recorded("lenet5.test_error")
    scorecard.seed_results("zip1989")
    scorecard.recorded_curves()
    assert log.read_text().split() == ["scorecard/lenet5.test_error", "seeds/zip1989", "curves/*"]


def test_a_count_and_an_engine_result_have_no_spread_and_a_rate_three_standard_deviations():
    assert scorecard.expected_spread("lenet4.connections").band == 0
    assert scorecard.expected_spread("lenet5.test_error").band == 0  # trained by the engine
    assert scorecard.expected_spread("lenet4.test_error").band == 0
    # the committee's filters read PyTorch's outputs: its spread is the five seeds'
    boosted = scorecard.seed_results("boosted_lenet4")["test_error_by_seed"].values()
    sd = math.sqrt(sum((v - sum(boosted) / 5) ** 2 for v in boosted) / 4)
    spread = scorecard.expected_spread("boosted_lenet4.test_error")
    assert spread.band == pytest.approx(3 * sd) and "5 seeds" in spread.basis
    # no seeds for k-NN: the binomial standard error of its 2.83% on 10,000 test digits
    knn = scorecard.expected_spread("knn_mnist.test_error", 2.83)
    assert knn.band == pytest.approx(3 * scorecard.standard_error(2.83, 10_000)) and "binomial" in knn.basis
    # never less than one digit of the set it counts
    assert scorecard.expected_spread("knn_mnist.test_error", 0.0).band == pytest.approx(0.01)


def test_the_comparison_line_says_the_book_this_run_and_the_spread():
    line = scorecard.compare_with_book("boosted_lenet4.test_error", 0.78, 0.80)
    assert line.startswith(
        "boosted_lenet4.test_error: the book: 0.78 %, this run: 0.80 %, within the expected spread (±"
    )
    assert "OUTSIDE" in scorecard.compare_with_book("boosted_lenet4.test_error", 0.78, 1.90)


def test_a_training_error_is_counted_on_the_training_set():
    assert scorecard.digits_measured("zip1989.train_error") == scorecard.USPS_TRAIN_DIGITS
    assert scorecard.digits_measured("zip1989.test_error") == scorecard.USPS_TEST_DIGITS
    assert scorecard.digits_measured("lenet5.train_error") == scorecard.MNIST_TRAIN_DIGITS
