"""Threads: two, as the book's numbers were computed, unless only one CPU can be used."""

from __future__ import annotations

import warnings

import pytest

from lenet_tutorial import reproducibility
from lenet_tutorial.reproducibility import THREADS_ENV, cpu_quota, thread_count


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_cpu_quota_reads_a_cgroup_v2_limit(tmp_path):
    write(tmp_path / "proc", "0::/\n")
    write(tmp_path / "cgroup" / "cpu.max", "100000 100000\n")  # Binder: one CPU
    assert cpu_quota(tmp_path / "cgroup", tmp_path / "proc") == 1.0


def test_cpu_quota_reads_the_v1_limit_of_the_processs_own_group(tmp_path):
    write(tmp_path / "proc", "4:memory:/m\n1:cpu,cpuacct:/kubepods/pod1\n0::/\n")
    group = tmp_path / "cgroup" / "cpu" / "kubepods" / "pod1"
    write(group / "cpu.cfs_quota_us", "150000\n")
    write(group / "cpu.cfs_period_us", "100000\n")
    write(tmp_path / "cgroup" / "cpu" / "cpu.cfs_quota_us", "-1\n")  # the host's root: no limit
    write(tmp_path / "cgroup" / "cpu" / "cpu.cfs_period_us", "100000\n")
    assert cpu_quota(tmp_path / "cgroup", tmp_path / "proc") == 1.5


@pytest.mark.parametrize(
    "files",
    [
        {"proc": "0::/\n", "cgroup/cpu.max": "max 100000\n"},
        {
            "proc": "1:cpu:/\n",
            "cgroup/cpu/cpu.cfs_quota_us": "-1\n",
            "cgroup/cpu/cpu.cfs_period_us": "100000\n",
        },
        {"proc": "0::/\n"},  # no cpu controller files at all
        {"proc": "garbled\n0::/\n", "cgroup/cpu.max": "nonsense\n"},  # unreadable: no limit, no crash
    ],
)
def test_no_limit_gives_no_quota(tmp_path, files):
    for name, text in files.items():
        write(tmp_path / name, text)
    assert cpu_quota(tmp_path / "cgroup", tmp_path / "proc") is None


def test_a_machine_without_control_groups_has_no_quota(tmp_path):
    assert cpu_quota(tmp_path, tmp_path / "no-such-file") is None


def test_usable_cpus_are_those_the_process_may_run_on_within_its_quota(monkeypatch):
    monkeypatch.setattr(reproducibility.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(reproducibility, "cpu_quota", lambda: None)
    assert reproducibility.usable_cpus() == 4
    monkeypatch.setattr(reproducibility, "cpu_quota", lambda: 1.5)  # 1.5 CPUs of time: one busy thread
    assert reproducibility.usable_cpus() == 1
    monkeypatch.setattr(reproducibility, "cpu_quota", lambda: 0.5)
    assert reproducibility.usable_cpus() == 1


def test_two_usable_cpus_give_the_books_two_threads(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    monkeypatch.setattr(reproducibility, "usable_cpus", lambda: 16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert thread_count() == 2


def test_on_a_one_cpu_machine_the_chapters_use_one_thread_and_say_so(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    monkeypatch.setattr(reproducibility, "usable_cpus", lambda: 1)
    with pytest.warns(UserWarning, match=f"one CPU.*{THREADS_ENV}=2"):
        assert thread_count() == 1


def test_the_environment_variable_and_the_argument_override_the_cpu_count(monkeypatch):
    monkeypatch.setattr(reproducibility, "usable_cpus", lambda: 1)
    monkeypatch.setenv(THREADS_ENV, "2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert thread_count() == 2
        assert thread_count(3) == 3
