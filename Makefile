# The two commands of the README, on a fresh machine (Python 3.10+, make, npm; Chromium for `make test`):
#   make book   builds the book into _build/html
#   make test   runs every test: lint, unit tests, every chapter re-executed alone and compared
#               with its committed outputs, the book build, and the browser test of the built pages
# Both install the pinned versions of constraints.txt into a virtual environment, .venv, first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WHEELS := _build/wheel
PACKAGE_FILES := pyproject.toml $(shell find lenet_tutorial -name '*.py' -o -name '*.json' 2>/dev/null)

.PHONY: book test lint unit notebooks site student clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt ".[book,test]"
	touch $@

# The package as a reader gets it: a built wheel, installed (not the working tree, not editable),
# rebuilt whenever its sources change. setuptools copies the sources through build/ and keeps
# what it finds there, so a module deleted from the tree would still ship: build/ goes first.
$(VENV)/.wheel: $(VENV)/.installed $(PACKAGE_FILES)
	rm -rf $(WHEELS) build
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir $(WHEELS) .
	$(BIN)/python -m pip install --quiet --no-deps --force-reinstall $(WHEELS)/*.whl
	touch $@

# MathJax, served with the book rather than from a CDN: the pages render formulas offline too.
MATHJAX := _build/mathjax
MATHJAX_VERSION := 3.2.2
$(MATHJAX)/tex-chtml.js:
	npm install --silent --no-audit --no-fund --prefix _build/npm mathjax@$(MATHJAX_VERSION)
	rm -rf $(MATHJAX) && mkdir -p $(MATHJAX)
	cd _build/npm/node_modules/mathjax/es5 && cp -r tex-chtml.js input output ui a11y adaptors $(CURDIR)/$(MATHJAX)/

book: $(VENV)/.installed $(MATHJAX)/tex-chtml.js
	$(BIN)/jupyter-book build . -W -n --keep-going

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(VENV)/.wheel
	$(BIN)/python -m pytest tests --ignore=tests/site

# Re-executes every chapter alone (a copy in an empty folder, the package from the wheel) and
# compares its outputs with the committed ones, with the two threads they were computed with.
notebooks: $(VENV)/.wheel
	LENET_TUTORIAL_THREADS=2 $(BIN)/python tools/check_notebooks.py

site: book
	$(BIN)/python -m pytest tests/site

# The student edition: every chapter without its exercises' solutions, in _build/student.
student: $(VENV)/.installed
	$(BIN)/python tools/student_edition.py

test: lint unit notebooks site

clean:
	rm -rf _build
