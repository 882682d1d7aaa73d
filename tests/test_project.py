"""Project-level consistency: packaging, Binder environment, book configuration, notebooks."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import tomllib
import yaml

from .conftest import ROOT

NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0].strip().lower()


def test_environment_yml_has_the_same_runtime_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {requirement_name(d) for d in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {requirement_name(d.split("::")[-1]) for d in env["dependencies"] if isinstance(d, str)}
    conda = {"torch" if name == "pytorch" else name for name in conda}
    assert runtime <= conda, f"missing from environment.yml: {runtime - conda}"
    assert "cpuonly" in conda, "Binder must get the CPU-only PyTorch"
    assert "torchvision" not in runtime | conda
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_part  # the helper package itself


def test_version_bounds_agree_between_pyproject_and_environment_yml():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    bounds = {requirement_name(d): d[len(requirement_name(d)) :].strip() for d in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    for dep in env["dependencies"]:
        if not isinstance(dep, str):
            continue
        spec = dep.split("::")[-1]
        name = requirement_name(spec)
        name = "torch" if name == "pytorch" else name
        if name in bounds:
            assert spec[len(requirement_name(spec)) :].strip() == bounds[name], name


def test_ci_pins_the_cpu_build_of_torch():
    constraints = (ROOT / "constraints.txt").read_text()
    assert re.search(r"^torch==2\.13\.0$", constraints, re.M)
    assert "torchvision" not in constraints


def test_ci_runs_the_test_command_written_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make book" in readme
    assert re.search(r"^\s*make test\b", ci, re.M)
    assert "set -euo pipefail" in ci


def config():
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def test_book_renders_committed_outputs_and_has_launch_buttons():
    cfg = config()
    assert cfg["execute"]["execute_notebooks"] == "off"
    assert cfg["repository"]["branch"] == "main"
    assert cfg["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert cfg["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert (
        "sphinx_exercise" in cfg["sphinx"]["extra_extensions"]
    )  # sphinx_togglebutton and thebe come with JB1


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [c["file"] for c in part["chapters"]]
    return files


def test_every_toc_entry_exists_and_every_notebook_is_in_the_toc():
    files = toc_files()
    for f in files:
        assert (ROOT / f"{f}.md").exists() or (ROOT / f"{f}.ipynb").exists(), f
    for nb in NOTEBOOKS:
        assert str(nb.relative_to(ROOT).with_suffix("")) in files, nb


def test_every_notebook_is_committed_executed_with_the_python3_kernel():
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert any(c["outputs"] for c in code), f"{path} has no outputs"
        counts = [c["execution_count"] for c in code if c["execution_count"] is not None]
        assert counts == sorted(counts) and len(counts) == len(code), f"{path}: run all cells in order"


def test_every_notebook_installs_the_package_from_the_configured_repository():
    url = config()["repository"]["url"]
    for path in NOTEBOOKS:
        first = json.loads(path.read_text())["cells"][0]
        assert first["cell_type"] == "code" and "remove-cell" in first["metadata"].get("tags", []), path
        assert f"git+{url}" in "".join(first["source"]), path


def test_every_chapter_has_objectives_run_time_and_collapsed_solutions():
    for path in (ROOT / "book" / "chapters").glob("*.ipynb"):
        text = "".join(
            "".join(c["source"])
            for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "markdown"
        )
        assert "Learning objectives" in text and "Run time" in text, path
        exercises = text.count("```{exercise}")
        solutions = re.findall(r"```\{solution\}[^\n]*\n:class: dropdown", text)
        assert 2 <= exercises <= 4 and len(solutions) == exercises, path


def test_every_source_file_of_the_package_and_book_is_tracked_by_git():
    # A too-broad .gitignore pattern once hid lenet_tutorial/data/ from every clone.
    import subprocess

    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        import pytest

        pytest.skip("not a git checkout")
    tracked = set(result.stdout.split())
    on_disk = {
        str(p.relative_to(ROOT))
        for folder in ("lenet_tutorial", "book", "tests", "tools")
        for p in (ROOT / folder).rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".ipynb", ".md", ".bib", ".js", ".png", ".cfg"}
        and "_build" not in p.parts
        and "__pycache__" not in p.parts
        and ".ipynb_checkpoints" not in p.parts
    }
    assert on_disk <= tracked, f"not tracked by git: {sorted(on_disk - tracked)}"


def test_no_notebook_cell_relies_on_a_trailing_semicolon():
    # nbval executes cells without storing history, so IPython's ';' does not silence the
    # last value there: the re-executed cell shows an output the committed one lacks.
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip():
                assert not "".join(cell["source"]).rstrip().endswith(";"), path


def test_readme_is_a_newcomers_page():
    """Under 1,000 words, and no diary: how a number was obtained belongs on the Status page."""
    readme = (ROOT / "README.md").read_text()
    assert len(readme.split()) <= 1000
    for diary in ("this afternoon", "UTC", "this session", "in a faster hour", "yesterday"):
        assert diary not in readme, diary


def package_modules() -> set[str]:
    """Every module and sub-package of lenet_tutorial, as ``lenet_tutorial.x`` (one level down)."""
    package = ROOT / "lenet_tutorial"
    names = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    names |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    return {f"lenet_tutorial.{name}" for name in names}


def test_the_package_map_names_every_module():
    import lenet_tutorial

    listed = set(re.findall(r":mod:`(lenet_tutorial\.\w+)`", lenet_tutorial.__doc__))
    assert listed == package_modules()


def test_the_data_package_does_not_import_training_code_and_no_module_imports_itself_back():
    """``data`` stands alone (a reader can load digits without the networks), and no two modules
    import each other, directly or round a longer loop."""
    import ast

    package = ROOT / "lenet_tutorial"
    graph = {}
    for path in package.rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        is_package = path.name == "__init__.py"
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("lenet_tutorial"):
                target = node.module
            else:
                continue
            # "from . import kernels" imports the module lenet_tutorial.engine.kernels
            imported |= {(target, alias.name) for alias in node.names}
        graph[module] = imported
    modules = set(graph)
    graph = {
        m: {f"{t}.{name}" if f"{t}.{name}" in modules else t for t, name in pairs}
        for m, pairs in graph.items()
    }

    def resolve(name):  # "lenet_tutorial.data.files" or a package's name
        return name if name in modules else None

    for module, imported in graph.items():
        if module.startswith("lenet_tutorial.data"):
            outside = {m for m in imported if not m.startswith("lenet_tutorial.data")}
            assert not outside, f"{module} imports {outside}"
    # cycles between modules (a package's __init__ importing its own modules is not one)
    edges = {m: {resolve(t) for t in ts} - {None} for m, ts in graph.items()}

    def reaches(start, goal, seen):
        for nxt in edges.get(start, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                if reaches(nxt, goal, seen):
                    return True
        return False

    for module in modules:
        for target in edges[module]:
            if module.startswith(target + ".") or target.startswith(module + "."):
                continue  # a module and its own package
            assert not reaches(target, module, {target}), f"{module} and {target} import each other"


def test_the_workflows_are_valid_github_actions_and_publish_the_built_book():
    """Checked offline against the schema check-jsonschema ships; the publishing workflow
    builds with the README's command and deploys what it built."""
    import shutil
    import subprocess

    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    checker = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    done = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-workflows", *map(str, workflows)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    publish = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    steps = publish["jobs"]["build"]["steps"]
    assert {"run": "make book", "name": "Build the book"} in steps
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact") for s in steps)
    assert any(
        s.get("uses", "").startswith("actions/deploy-pages") for s in publish["jobs"]["deploy"]["steps"]
    )
    assert (
        "github.com/" not in (ROOT / ".github" / "workflows" / "publish.yml").read_text()
    )  # the URL: _config.yml
