# The two commands of the README, on a fresh machine (Python 3.10+, make; Chromium for `make test`):
#   make book   builds the book into _build/html
#   make test   runs every test: lint, unit tests, strict nbval over every chapter, the book build,
#               and the browser test of the built pages
# Both install the pinned versions of constraints.txt into a virtual environment, .venv, first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: book test lint unit notebooks site clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test]"
	touch $@

book: $(VENV)/.installed
	$(BIN)/jupyter-book build . -W -n --keep-going

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(VENV)/.installed
	$(BIN)/python -m pytest tests --ignore=tests/site

# Re-executes every chapter and compares each output with the committed one: with the two
# threads the outputs were computed with, even where a reader's chapters would choose one.
notebooks: $(VENV)/.installed
	LENET_TUTORIAL_THREADS=2 $(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg book

site: book
	$(BIN)/python -m pytest tests/site

test: lint unit notebooks site

clean:
	rm -rf _build
